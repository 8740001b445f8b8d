"""botcore's ledger, deposit, withdrawal and referral engines from Python."""

import datetime

import pytest

import botcore

WALLET = "0x1111111111111111111111111111111111111111"
ALICE_WALLET = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
BOB_WALLET = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"
DESTINATION = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def usdt(text):
    return botcore.Amount(text, 18)


@pytest.fixture
def stack(tmp_path):
    db = botcore.Database(f"sqlite:///{tmp_path}/bot.db")
    ledger = botcore.Ledger(db, [("USDT", 18)])
    outbox = botcore.Outbox(db)
    referral = botcore.ReferralEngine(db, ledger, outbox=outbox)
    deposits = botcore.DepositEngine(
        db, ledger, wallets=[WALLET], referral=referral, outbox=outbox
    )
    withdrawals = botcore.WithdrawalEngine(db, ledger, outbox=outbox, fee="0.5")
    return db, ledger, outbox, referral, deposits, withdrawals


def test_transfers_are_exact_and_idempotent(stack):
    _, ledger, *_ = stack
    record = ledger.transfer(
        "t1", ("$deposit_clearing", "USDT"), ("alice", "USDT"),
        usdt("1.000000000000000001"),
    )
    assert record.id == "t1"
    again = ledger.transfer(
        "t1", ("$deposit_clearing", "USDT"), ("alice", "USDT"),
        usdt("1.000000000000000001"),
    )
    assert again.sequence == record.sequence
    assert ledger.balance("alice", "USDT").posted == usdt("1.000000000000000001")
    with pytest.raises(botcore.AlreadyExists, match="amount"):
        ledger.transfer(
            "t1", ("$deposit_clearing", "USDT"), ("alice", "USDT"), usdt("2")
        )
    with pytest.raises(botcore.FailedPrecondition, match="insufficient"):
        ledger.transfer("t2", ("alice", "USDT"), ("bob", "USDT"), usdt("5"))
    with pytest.raises(botcore.InvalidArgument, match="positive"):
        ledger.transfer(
            "t3", ("$deposit_clearing", "USDT"), ("alice", "USDT"), usdt("0")
        )
    with pytest.raises(botcore.InvalidArgument, match="unknown asset"):
        ledger.balance("alice", "EUR")
    with pytest.raises(botcore.NotFound):
        ledger.balance("nobody", "USDT")
    assert [r.id for r in ledger.history("alice", "USDT")] == ["t1"]


def test_a_closed_database_refuses_work_instead_of_crashing(tmp_path):
    url = f"sqlite:///{tmp_path}/closed.db"
    with botcore.Database(url) as db:
        ledger = botcore.Ledger(db, [("USDT", 18)])
        ledger.transfer("t1", ("$deposit_clearing", "USDT"), ("alice", "USDT"), usdt("1"))
        assert not db.closed
    assert db.closed
    with pytest.raises(botcore.FailedPrecondition, match="closed"):
        ledger.balance("alice", "USDT")
    db.close()  # closing twice is harmless
    with botcore.Database(url) as again:
        assert botcore.Ledger(again, [("USDT", 18)]).balance("alice", "USDT").posted == usdt("1")


def test_history_iterates_page_by_page(stack):
    _, ledger, *_ = stack
    for i in range(7):
        ledger.transfer(f"h{i}", ("$deposit_clearing", "USDT"), ("carol", "USDT"),
                        usdt("1"))
    history = ledger.history("carol", "USDT", page_size=3)
    assert iter(history) is history
    records = list(history)
    assert [r.id for r in records] == [f"h{i}" for i in range(7)]
    assert next(history, None) is None
    later = ledger.history("carol", "USDT", after_sequence=records[4].sequence)
    assert [r.id for r in later] == ["h5", "h6"]
    assert list(ledger.history("carol", "USDT", until=records[0].created_at)) == []
    assert records[0].created_at.tzinfo == datetime.timezone.utc
    with pytest.raises(botcore.InvalidArgument):
        next(ledger.history("carol", "USDT", page_size=0))
    ledger.check_invariants()


def test_deposits_are_credited_once_with_referral_rewards(stack):
    _, ledger, outbox, referral, deposits, _ = stack
    alice = referral.register("alice")
    referral.register("bob", alice.code)
    deposits.register_wallet("bob", BOB_WALLET)
    chain = botcore.SimulatedChain(56)
    chain.mine_block([(BOB_WALLET, WALLET, usdt("100"))])
    chain.mine_blocks(12)
    report = deposits.sync(chain)
    assert report.credited == 1
    assert deposits.sync(chain).credited == 0
    assert ledger.balance("bob", "USDT").posted == usdt("100")
    assert ledger.balance("alice", "USDT").posted == usdt("5")
    stats = referral.stats("alice")
    assert stats.rewards["USDT"] == usdt("5")
    assert stats.referrals_per_level == [1, 0, 0]
    assert stats.unpaid_rewards == {}
    assert referral.pay_unpaid_rewards() == 0
    assert deposits.level("bob").level == 6
    deposit = deposits.get(chain.tx_hash(1, 0), 0)
    assert deposit.state == "credited"
    assert deposit.number == 1
    (credit,) = list(ledger.history("bob", "USDT"))
    assert credit.id == deposit.transfer_id()
    topics = [topic for topic, _ in outbox.pending()]
    assert "deposit.credited" in topics and "referral.reward" in topics
    with pytest.raises(botcore.InvalidArgument, match="own referral code"):
        referral.register("carol", botcore.ReferralEngine.code_of("carol"))


def test_a_chain_client_written_in_python(stack):
    _, ledger, _, _, deposits, _ = stack
    deposits.register_wallet("alice", ALICE_WALLET)
    block_hash = "0x" + "b" * 64

    class OneDepositChain(botcore.ChainClient):
        def chain_id(self):
            return 56

        def block_number(self):
            return 20

        def header_by_number(self, number):
            if number > 20:
                return None
            h = block_hash if number == 5 else "0x" + f"{number:064x}"
            return botcore.BlockHeader(number, h, "0x" + "0" * 64)

        def transfer_logs(self, f):
            if f.from_block <= 5 <= f.to_block:
                return [
                    botcore.TransferLog(
                        "0x" + "c" * 64, 0, 5, block_hash, f.token,
                        ALICE_WALLET, WALLET, usdt("2.5"),
                    )
                ]
            return []

    report = deposits.sync(OneDepositChain())
    assert report.credited == 1
    assert ledger.balance("alice", "USDT").posted == usdt("2.5")

    class BrokenChain(botcore.ChainClient):
        def chain_id(self):
            raise ConnectionError("node down")

    # OSError (connection trouble) means Unavailable: the deposit engine
    # retries on its next sync.
    with pytest.raises(botcore.Unavailable, match="ConnectionError: node down"):
        deposits.sync(BrokenChain())


def test_withdrawal_lifecycle(stack):
    _, ledger, _, _, _, withdrawals = stack
    ledger.transfer(
        "fund", ("$deposit_clearing", "USDT"), ("alice", "USDT"), usdt("10")
    )
    w = withdrawals.request("w1", "alice", usdt("4"), DESTINATION)
    assert w.state == "pending"
    assert ledger.balance("alice", "USDT").available == usdt("5.5")
    withdrawals.approve("w1")
    paid = withdrawals.mark_paid("w1", "0x" + "e" * 64)
    assert paid.state == "paid"
    assert ledger.balance("alice", "USDT").posted == usdt("5.5")
    with pytest.raises(botcore.InvalidArgument, match="checksum"):
        withdrawals.request(
            "w2", "alice", usdt("1"), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        )
    with pytest.raises(botcore.FailedPrecondition):
        withdrawals.reject("w1", "too late")


def test_evm_addresses():
    assert (
        botcore.evm_checksum_address("0x55d398326f99059ff775485246999027b3197955")
        == "0x55d398326f99059fF775485246999027B3197955"
    )
    with pytest.raises(botcore.InvalidArgument):
        botcore.parse_evm_address("0x1234")
