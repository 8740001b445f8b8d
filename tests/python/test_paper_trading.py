"""Persisted portfolios and the recommendation desk from Python (SQLite)."""

import datetime
import threading

import pytest

import botcore

UTC = datetime.timezone.utc
NOON = datetime.datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # 12:00 Moscow, Monday


def money(text):
    return botcore.Amount(text, 2)


@pytest.fixture
def setup(tmp_path):
    db = botcore.Database(f"sqlite:///{tmp_path}/paper.db")
    clock = botcore.ManualClock(NOON)
    portfolios = botcore.Portfolios(db, clock=clock)
    desk = botcore.RecommendationDesk(portfolios, botcore.RiskEngine())
    return clock, portfolios, desk


def good_buy():
    return botcore.Recommendation(
        "GAZP", botcore.TradeAction.BUY, quantity=100, entry=money("100.00"),
        stop_loss=money("99.00"), take_profit=money("102.00"), confidence=70,
        rationale="test", source="pytest")


def test_propose_confirm_once_and_verify(setup):
    clock, portfolios, desk = setup
    stored = desk.propose("tg:1", good_buy(), money("100.00"))
    assert stored.status == botcore.RecommendationStatus.PENDING
    assert stored.expires_at == NOON + datetime.timedelta(minutes=15)
    rec_id = stored.recommendation.id
    results = []

    def confirm():
        try:
            results.append(desk.confirm("tg:1", rec_id, money("100.00")))
        except botcore.AlreadyExists:
            results.append(None)

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    trades = [r for r in results if r is not None]
    assert len(trades) == 1
    assert trades[0].quantity == 100
    assert len(portfolios.trades("tg:1")) == 1
    portfolios.verify("tg:1")
    history = desk.history(rec_id)
    assert [h.status for h in history] == [botcore.RecommendationStatus.PENDING,
                                           botcore.RecommendationStatus.CONFIRMED]

    exits = portfolios.on_price("GAZP", botcore.BarPrices(
        money("100.00"), money("102.50"), money("99.50"), money("102.00")))
    assert len(exits) == 1
    assert exits[0].trade.reason == botcore.TradeReason.TAKE_PROFIT
    assert exits[0].trade.price == money("102.00")
    book = portfolios.open("tg:1")
    assert book.positions == []
    assert book.realized_pnl > money("0.00")


def test_reset_drawdown_and_purge_equity_history(setup):
    clock, portfolios, desk = setup
    stored = desk.propose("tg:2", good_buy(), money("100.00"))
    desk.confirm("tg:2", stored.recommendation.id, money("100.00"))
    # A gap down through the stop: sold at the open, below the peak.
    portfolios.on_price("GAZP", botcore.BarPrices(
        money("50.00"), money("50.00"), money("50.00"), money("50.00")))
    book = portfolios.open("tg:2")
    assert book.equity < book.peak_equity
    resumed = portfolios.reset_drawdown("tg:2")
    assert resumed.peak_equity == resumed.equity == book.equity
    assert portfolios.open("tg:2").peak_equity == book.equity
    assert len(portfolios.equity_history("tg:2")) >= 1
    clock.advance(datetime.timedelta(days=1))
    assert portfolios.purge_equity_history(NOON + datetime.timedelta(hours=1)) >= 1
    assert portfolios.equity_history("tg:2") == []
    assert len(portfolios.trades("tg:2")) == 2


def test_reject_and_expiry_are_final(setup):
    clock, portfolios, desk = setup
    a = desk.propose("u", good_buy(), money("100.00"))
    desk.reject("u", a.recommendation.id)
    with pytest.raises(botcore.FailedPrecondition):
        desk.confirm("u", a.recommendation.id, money("100.00"))
    b = desk.propose("u", good_buy(), money("100.00"))
    clock.advance(datetime.timedelta(minutes=15))
    assert desk.expire_due() == 1
    assert desk.get(b.recommendation.id).status == botcore.RecommendationStatus.EXPIRED
    with pytest.raises(botcore.FailedPrecondition):
        desk.confirm("u", b.recommendation.id, money("100.00"))
    with pytest.raises(botcore.NotFound):
        desk.confirm("u", "missing", money("100.00"))
    wrong = good_buy()
    wrong.stop_loss = money("101.00")
    refused = desk.propose("u", wrong, money("100.00"))
    assert refused.status == botcore.RecommendationStatus.REFUSED
    assert refused.verdict.reasons[0].code == "stop_wrong_side"
