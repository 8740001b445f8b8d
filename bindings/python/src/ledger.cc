// botcore.Ledger, DepositEngine, WithdrawalEngine, ReferralEngine, Outbox and
// the ChainClient port (subclassable from Python) with SimulatedChain.

#include "botcore/ledger/ledger.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "botcore/adapters/storage.h"
#include "botcore/ledger/deposits.h"
#include "botcore/ledger/evm_address.h"
#include "botcore/ledger/withdrawals.h"
#include "botcore/outbox/outbox.h"
#include "botcore/ports/chain_client.h"
#include "botcore/referral/referral.h"
#include "botcore/testing/simulated_chain.h"
#include "gil.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {
namespace py = pybind11;

namespace {

// Lets Python classes implement ChainClient (see gil.h for errors and the
// GIL). The deposit engine retries a failed sync on its next run.
class PyChainClient final : public ChainClient {
 public:
  absl::StatusOr<uint64_t> ChainId() override {
    return CallOverride<uint64_t>(Base(), "ChainClient.chain_id", "chain_id");
  }
  absl::StatusOr<uint64_t> BlockNumber() override {
    return CallOverride<uint64_t>(Base(), "ChainClient.block_number",
                                  "block_number");
  }
  absl::StatusOr<std::optional<BlockHeader>> HeaderByNumber(
      uint64_t number) override {
    return CallOverride<std::optional<BlockHeader>>(
        Base(), "ChainClient.header_by_number", "header_by_number", number);
  }
  absl::StatusOr<std::vector<TransferLog>> TransferLogs(
      const TransferLogFilter& filter) override {
    return CallOverride<std::vector<TransferLog>>(
        Base(), "ChainClient.transfer_logs", "transfer_logs", filter);
  }

 private:
  const ChainClient* Base() const { return this; }
};

// Iterates over an account's transfers, reading one page at a time.
class LedgerHistory {
 public:
  LedgerHistory(Ledger* ledger, HistoryQuery query)
      : ledger_(ledger), query_(std::move(query)) {}

  // Raises StopIteration at the end, the ledger's error otherwise.
  TransferRecord Next() {
    if (next_ == page_.size()) {
      if (last_page_) throw py::stop_iteration();
      page_ = WithoutGil([&] { return ledger_->History(query_); });
      next_ = 0;
      last_page_ = page_.size() < static_cast<size_t>(query_.limit);
      if (page_.empty()) throw py::stop_iteration();
      query_.after_sequence = page_.back().sequence;
    }
    return page_[next_++];
  }

 private:
  Ledger* ledger_;
  HistoryQuery query_;
  std::vector<TransferRecord> page_;
  size_t next_ = 0;
  bool last_page_ = false;
};

AccountKey Key(const std::pair<std::string, std::string>& account) {
  return AccountKey{account.first, account.second};
}

TransferKind KindFromName(const std::string& name) {
  for (TransferKind k :
       {TransferKind::kPosted, TransferKind::kPending,
        TransferKind::kPostPending, TransferKind::kVoidPending}) {
    if (TransferKindName(k) == name) return k;
  }
  RaiseStatus(
      absl::InvalidArgumentError("transfer kind must be posted, pending, "
                                 "post_pending or void_pending, not " +
                                 name));
}

}  // namespace

void BindLedger(py::module_& m) {
  // botcore.Database is bound with the signal journal (signal_journal.cc).

  m.def(
      "parse_evm_address",
      [](const std::string& text) {
        return ValueOrRaise(ParseEvmAddress(text));
      },
      py::arg("text"),
      "Returns the lower-case address; raises InvalidArgument on a bad one "
      "or a wrong EIP-55 checksum.");
  m.def(
      "evm_checksum_address",
      [](const std::string& address) {
        ValueOrRaise(ParseEvmAddress(address));
        return EvmChecksumAddress(address);
      },
      py::arg("address"),
      "The EIP-55 mixed-case form of `address`; raises InvalidArgument on a "
      "bad one.");

  py::class_<Balance>(m, "Balance",
                      "An account's balance: posted, available (posted minus "
                      "pending debits) and its totals.")
      .def_property_readonly("owner",
                             [](const Balance& b) { return b.account.owner; })
      .def_property_readonly("asset",
                             [](const Balance& b) { return b.account.asset; })
      .def_readonly("posted", &Balance::posted)
      .def_readonly("available", &Balance::available)
      .def_readonly("debits_posted", &Balance::debits_posted)
      .def_readonly("credits_posted", &Balance::credits_posted)
      .def_readonly("debits_pending", &Balance::debits_pending)
      .def_readonly("credits_pending", &Balance::credits_pending)
      .def_readonly("forbid_overdraft", &Balance::forbid_overdraft);

  py::class_<TransferRecord>(
      m, "TransferRecord",
      "A stored ledger transfer with its sequence number and time.")
      .def_property_readonly(
          "id", [](const TransferRecord& r) { return r.transfer.id; })
      .def_property_readonly(
          "kind",
          [](const TransferRecord& r) {
            return std::string(TransferKindName(r.transfer.kind));
          })
      .def_property_readonly("debit",
                             [](const TransferRecord& r) {
                               return std::make_pair(r.transfer.debit.owner,
                                                     r.transfer.debit.asset);
                             })
      .def_property_readonly("credit",
                             [](const TransferRecord& r) {
                               return std::make_pair(r.transfer.credit.owner,
                                                     r.transfer.credit.asset);
                             })
      .def_property_readonly(
          "amount", [](const TransferRecord& r) { return r.transfer.amount; })
      .def_property_readonly(
          "memo", [](const TransferRecord& r) { return r.transfer.memo; })
      .def_readonly("sequence", &TransferRecord::sequence)
      .def_readonly("created_at", &TransferRecord::created_at);

  py::class_<LedgerHistory>(
      m, "LedgerHistory",
      "An iterator over an account's transfers (Ledger.history), paging "
      "through the database as it advances.")
      .def(
          "__iter__", [](LedgerHistory& h) -> LedgerHistory& { return h; },
          py::return_value_policy::reference_internal,
          "Returns the iterator itself.")
      .def("__next__", &LedgerHistory::Next,
           "The next TransferRecord; StopIteration at the end.");

  py::class_<Ledger>(m, "Ledger",
                     "The double-entry ledger (botcore/ledger/ledger.h).")
      .def(py::init([](std::shared_ptr<Database> db,
                       const std::vector<std::pair<std::string, int>>& assets) {
             LedgerOptions o;
             o.database = db.get();
             for (const auto& [code, scale] : assets)
               o.assets.push_back({code, scale});
             return WithoutGil([&] { return Ledger::Create(o); });
           }),
           py::arg("database"), py::arg("assets"), py::keep_alive<1, 2>(),
           "assets: [(code, decimals)], e.g. [('USDT', 18)].")
      .def(
          "transfer",
          [](Ledger& l, const std::string& id,
             const std::pair<std::string, std::string>& debit,
             const std::pair<std::string, std::string>& credit,
             const Amount& amount, const std::string& kind,
             const std::string& pending_id, const std::string& memo) {
            Transfer t;
            t.id = id;
            t.kind = KindFromName(kind);
            t.debit = Key(debit);
            t.credit = Key(credit);
            t.amount = amount;
            t.pending_id = pending_id;
            t.memo = memo;
            return WithoutGil([&] { return l.CreateTransfer(t); }).record;
          },
          py::arg("id"),
          py::arg("debit") = std::pair<std::string, std::string>(),
          py::arg("credit") = std::pair<std::string, std::string>(),
          py::arg("amount") = Amount(), py::arg("kind") = "posted",
          py::arg("pending_id") = "", py::arg("memo") = "",
          "Records a transfer (idempotent on id); returns its TransferRecord.")
      .def(
          "balance",
          [](Ledger& l, const std::string& owner, const std::string& asset) {
            return WithoutGil([&] { return l.GetBalance({owner, asset}); });
          },
          py::arg("owner"), py::arg("asset"), "The balance of (owner, asset).")
      .def(
          "history",
          [](Ledger& l, const std::string& owner, const std::string& asset,
             int64_t after_sequence, int page_size,
             std::optional<absl::Time> since, std::optional<absl::Time> until) {
            HistoryQuery q;
            q.account = {owner, asset};
            q.after_sequence = after_sequence;
            q.limit = page_size;
            q.since = since.value_or(absl::InfinitePast());
            q.until = until.value_or(absl::InfiniteFuture());
            return LedgerHistory(&l, std::move(q));
          },
          py::arg("owner"), py::arg("asset"), py::kw_only(),
          py::arg("after_sequence") = 0, py::arg("page_size") = 100,
          py::arg("since") = std::nullopt, py::arg("until") = std::nullopt,
          py::keep_alive<0, 1>(),
          "An iterator over the account's transfers after `after_sequence` "
          "(created in [since, until) when given), oldest first, read from "
          "the database `page_size` at a time as it advances.")
      .def(
          "check_invariants",
          [](Ledger& l) { WithoutGil([&] { return l.CheckInvariants(); }); },
          "Raises botcore.DataLoss when debits and credits do not balance.");

  py::class_<Outbox>(m, "Outbox",
                     "Messages written in the same transaction as the state "
                     "change that caused them, delivered with retries.")
      .def(py::init([](std::shared_ptr<Database> db, int max_attempts) {
             OutboxOptions o;
             o.database = db.get();
             o.max_attempts = max_attempts;
             return WithoutGil([&] { return Outbox::Create(o); });
           }),
           py::arg("database"), py::arg("max_attempts") = 5,
           py::keep_alive<1, 2>())
      .def(
          "pending",
          [](Outbox& o, int limit) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const OutboxEntry& e : WithoutGil(
                     [&] { return o.List(OutboxState::kPending, limit); })) {
              out.emplace_back(e.message.topic, e.message.payload);
            }
            return out;
          },
          py::arg("limit") = 100,
          "[(topic, payload)] of undelivered messages.");

  py::class_<ReferralMember>(
      m, "ReferralMember",
      "A member of the referral tree: user id, own code and referrer.")
      .def_readonly("user_id", &ReferralMember::user_id)
      .def_readonly("code", &ReferralMember::code)
      .def_readonly("referrer", &ReferralMember::referrer);
  py::class_<ReferralStats>(m, "ReferralStats",
                            "Referrals per level and rewards earned.")
      .def_readonly("referrals_per_level", &ReferralStats::referrals_per_level)
      .def_readonly("rewards", &ReferralStats::rewards)
      .def_readonly("unpaid_rewards", &ReferralStats::unpaid_rewards);

  py::class_<ReferralEngine>(m, "ReferralEngine",
                             "Registers users under referral codes and pays up "
                             "to 3 levels of rewards on deposits.")
      .def(py::init([](std::shared_ptr<Database> db, Ledger* ledger,
                       Outbox* outbox, bool enabled,
                       std::vector<std::string> rates, int max_depth) {
             ReferralOptions o;
             o.database = db.get();
             o.ledger = ledger;
             o.outbox = outbox;
             o.enabled = enabled;
             o.rates = std::move(rates);
             o.max_depth = max_depth;
             return WithoutGil([&] { return ReferralEngine::Create(o); });
           }),
           py::arg("database"), py::arg("ledger"), py::arg("outbox") = nullptr,
           py::arg("enabled") = true,
           py::arg("rates") = std::vector<std::string>{"0.05", "0.04", "0.03"},
           py::arg("max_depth") = kMaxReferralDepth, py::keep_alive<1, 2>(),
           py::keep_alive<1, 3>(), py::keep_alive<1, 4>())
      .def(
          "register",
          [](ReferralEngine& r, const std::string& user_id,
             const std::string& code) {
            return WithoutGil([&] { return r.Register(user_id, code); });
          },
          py::arg("user_id"), py::arg("referral_code") = "",
          "Registers `user_id`, under the owner of `referral_code` when given; "
          "returns the ReferralMember.")
      .def(
          "stats",
          [](ReferralEngine& r, const std::string& user_id) {
            return WithoutGil([&] { return r.Stats(user_id); });
          },
          py::arg("user_id"), "Referrals per level and rewards of `user_id`.")
      .def(
          "pay_unpaid_rewards",
          [](ReferralEngine& r) {
            return WithoutGil([&] { return r.PayUnpaidRewards(); });
          },
          "Pays the rewards a capped, dry pool could not cover, oldest first, "
          "as far as the pool now covers them; returns how many were paid.")
      .def_static("code_of", &ReferralEngine::CodeOf, py::arg("user_id"));

  py::class_<BlockHeader>(m, "BlockHeader",
                          "A block's number, hash and parent hash.")
      .def(
          py::init([](uint64_t number, std::string hash,
                      std::string parent_hash) {
            return BlockHeader{number, std::move(hash), std::move(parent_hash)};
          }),
          py::arg("number"), py::arg("hash"), py::arg("parent_hash"))
      .def_readonly("number", &BlockHeader::number)
      .def_readonly("hash", &BlockHeader::hash)
      .def_readonly("parent_hash", &BlockHeader::parent_hash);

  py::class_<TransferLogFilter>(
      m, "TransferLogFilter",
      "Which token transfer logs ChainClient.transfer_logs should return.")
      .def_readonly("token", &TransferLogFilter::token)
      .def_readonly("token_scale", &TransferLogFilter::token_scale)
      .def_readonly("to", &TransferLogFilter::to)
      .def_readonly("from_block", &TransferLogFilter::from_block)
      .def_readonly("to_block", &TransferLogFilter::to_block);

  py::class_<TransferLog>(m, "TransferLog",
                          "A token Transfer event: transaction, log index, "
                          "block, token, sender, recipient and amount.")
      .def(py::init([](std::string tx_hash, uint64_t log_index,
                       uint64_t block_number, std::string block_hash,
                       std::string token, std::string from, std::string to,
                       Amount amount) {
             return TransferLog{std::move(tx_hash), log_index,
                                block_number,       std::move(block_hash),
                                std::move(token),   std::move(from),
                                std::move(to),      amount};
           }),
           py::arg("tx_hash"), py::arg("log_index"), py::arg("block_number"),
           py::arg("block_hash"), py::arg("token"), py::arg("sender"),
           py::arg("recipient"), py::arg("amount"))
      .def_readonly("tx_hash", &TransferLog::tx_hash)
      .def_readonly("log_index", &TransferLog::log_index)
      .def_readonly("block_number", &TransferLog::block_number)
      .def_readonly("block_hash", &TransferLog::block_hash)
      .def_readonly("amount", &TransferLog::amount);

  py::class_<ChainClient, PyChainClient>(
      m, "ChainClient",
      "Subclass and define chain_id(), block_number(), header_by_number(n) "
      "(a BlockHeader or None) and transfer_logs(filter) (a list of "
      "TransferLog) to feed DepositEngine.sync from Python. An exception "
      "becomes a Status (botcore.Error subclasses keep their code; OSError "
      "means Unavailable, which the deposit engine retries on its next "
      "sync).")
      .def(py::init<>());

  py::class_<testing::SimulatedChain, ChainClient>(
      m, "SimulatedChain",
      "A chain in memory for tests: mine blocks of transfers, re-organise.")
      .def(py::init<uint64_t>(), py::arg("chain_id") = 56)
      .def(
          "mine_block",
          [](testing::SimulatedChain& c,
             const std::vector<std::tuple<std::string, std::string, Amount>>&
                 transfers,
             const std::string& token) {
            std::vector<testing::SimulatedTransfer> t;
            for (const auto& [from, to, amount] : transfers) {
              t.push_back({token, from, to, amount});
            }
            return c.MineBlock(t).number;
          },
          py::arg("transfers") =
              std::vector<std::tuple<std::string, std::string, Amount>>(),
          py::arg("token") = std::string(kBscUsdtContract),
          "Mines a block of (sender, recipient, amount) token transfers; "
          "returns its number.")
      .def("mine_blocks", &testing::SimulatedChain::MineBlocks,
           py::arg("count"), "Mines `count` empty blocks.")
      .def("reorg", &testing::SimulatedChain::Reorg, py::arg("depth"),
           py::arg("reinclude") = false,
           "Replaces the last `depth` blocks; `reinclude` puts their transfers "
           "back in the new blocks.")
      .def("tx_hash", &testing::SimulatedChain::TxHash, py::arg("block_number"),
           py::arg("index"),
           "The hash of transfer `index` in block `block_number`.");

  py::class_<DepositLevel>(m, "DepositLevel",
                           "A user's deposit level and the total credited.")
      .def_readonly("level", &DepositLevel::level)
      .def_readonly("credited_total", &DepositLevel::credited_total);
  py::class_<SyncReport>(m, "SyncReport",
                         "What one DepositEngine.sync saw and did.")
      .def_readonly("head", &SyncReport::head)
      .def_readonly("cursor", &SyncReport::cursor)
      .def_readonly("recorded", &SyncReport::recorded)
      .def_readonly("credited", &SyncReport::credited)
      .def_readonly("orphaned", &SyncReport::orphaned)
      .def_readonly("unmatched", &SyncReport::unmatched)
      .def_readonly("below_minimum", &SyncReport::below_minimum);
  py::class_<Deposit>(m, "Deposit", "An observed deposit and its state.")
      .def_property_readonly("state",
                             [](const Deposit& d) {
                               return std::string(DepositStateName(d.state));
                             })
      .def_readonly("user_id", &Deposit::user_id)
      .def_readonly("number", &Deposit::number,
                    "Given when first recorded: unique, increasing.")
      .def("transfer_id", &Deposit::TransferId,
           "The id of the ledger transfer that credits it.")
      .def_property_readonly(
          "tx_hash", [](const Deposit& d) { return d.observation.key.tx_hash; })
      .def_property_readonly(
          "log_index",
          [](const Deposit& d) { return d.observation.key.log_index; })
      .def_property_readonly(
          "amount", [](const Deposit& d) { return d.observation.amount; });

  py::class_<DepositEngine>(
      m, "DepositEngine",
      "Observes token transfers to the system wallets, waits for confirmations "
      "and credits each deposit exactly once.")
      .def(py::init([](std::shared_ptr<Database> db, Ledger* ledger,
                       std::vector<std::string> wallets,
                       ReferralEngine* referral, Outbox* outbox,
                       uint64_t chain_id, std::string token, std::string asset,
                       int confirmations, std::string minimum_deposit,
                       std::vector<std::string> level_thresholds) {
             DepositEngineOptions o;
             o.database = db.get();
             o.ledger = ledger;
             o.wallets = std::move(wallets);
             o.listener = referral;
             o.outbox = outbox;
             o.chain_id = chain_id;
             o.token = std::move(token);
             o.asset = std::move(asset);
             o.confirmations = confirmations;
             o.minimum_deposit = std::move(minimum_deposit);
             o.level_thresholds = std::move(level_thresholds);
             return WithoutGil([&] { return DepositEngine::Create(o); });
           }),
           py::arg("database"), py::arg("ledger"), py::arg("wallets"),
           py::arg("referral") = nullptr, py::arg("outbox") = nullptr,
           py::arg("chain_id") = 56,
           py::arg("token") = std::string(kBscUsdtContract),
           py::arg("asset") = "USDT", py::arg("confirmations") = 12,
           py::arg("minimum_deposit") = "0",
           py::arg("level_thresholds") =
               std::vector<std::string>{"0.05", "0.1", "0.25", "0.5", "1.0",
                                        "2.5"},
           py::keep_alive<1, 2>(), py::keep_alive<1, 3>(),
           py::keep_alive<1, 5>(), py::keep_alive<1, 6>())
      .def(
          "register_wallet",
          [](DepositEngine& d, const std::string& user_id,
             const std::string& address) {
            WithoutGil([&] { return d.RegisterWallet(user_id, address); });
          },
          py::arg("user_id"), py::arg("address"),
          "Registers the address `user_id` deposits from.")
      .def(
          "sync",
          [](DepositEngine& d, ChainClient& chain) {
            return WithoutGil([&] { return d.Sync(chain); });
          },
          py::arg("chain"),
          "Scans the chain, records deposits and credits confirmed ones.")
      .def(
          "get",
          [](DepositEngine& d, const std::string& tx_hash, uint64_t log_index,
             uint64_t chain_id) {
            return WithoutGil([&] {
              return d.Get({chain_id, tx_hash, log_index});
            });
          },
          py::arg("tx_hash"), py::arg("log_index"), py::arg("chain_id") = 56,
          "The deposit (tx_hash, log_index) on `chain_id`; raises "
          "botcore.NotFound.")
      .def(
          "unmatched",
          [](DepositEngine& d) {
            return WithoutGil([&] { return d.List(DepositState::kUnmatched); });
          },
          "Deposits from addresses no user registered.")
      .def(
          "assign",
          [](DepositEngine& d, const std::string& tx_hash, uint64_t log_index,
             const std::string& user_id, uint64_t chain_id) {
            return WithoutGil([&] {
              return d.Assign({chain_id, tx_hash, log_index}, user_id);
            });
          },
          py::arg("tx_hash"), py::arg("log_index"), py::arg("user_id"),
          py::arg("chain_id") = 56,
          "Credits an unmatched deposit to `user_id`.")
      .def(
          "level",
          [](DepositEngine& d, const std::string& user_id) {
            return WithoutGil([&] { return d.Level(user_id); });
          },
          py::arg("user_id"), "The user's deposit level.");

  py::class_<Withdrawal>(m, "Withdrawal", "A withdrawal request and its state.")
      .def_property_readonly("id",
                             [](const Withdrawal& w) { return w.request.id; })
      .def_property_readonly("state",
                             [](const Withdrawal& w) {
                               return std::string(WithdrawalStateName(w.state));
                             })
      .def_property_readonly(
          "amount", [](const Withdrawal& w) { return w.request.amount; })
      .def_property_readonly(
          "destination",
          [](const Withdrawal& w) { return w.request.destination; })
      .def_readonly("fee", &Withdrawal::fee)
      .def_readonly("payout_tx_hash", &Withdrawal::payout_tx_hash)
      .def_readonly("reason", &Withdrawal::reason);

  py::class_<WithdrawalEngine>(m, "WithdrawalEngine",
                               "Withdrawals: request (funds held), approve or "
                               "reject, then paid or failed (hold released).")
      .def(py::init([](std::shared_ptr<Database> db, Ledger* ledger,
                       Outbox* outbox, std::string asset,
                       std::string minimum_amount, std::string fee) {
             WithdrawalOptions o;
             o.database = db.get();
             o.ledger = ledger;
             o.outbox = outbox;
             o.asset = std::move(asset);
             o.minimum_amount = std::move(minimum_amount);
             o.fee = std::move(fee);
             return WithoutGil([&] { return WithdrawalEngine::Create(o); });
           }),
           py::arg("database"), py::arg("ledger"), py::arg("outbox") = nullptr,
           py::arg("asset") = "USDT", py::arg("minimum_amount") = "1",
           py::arg("fee") = "0", py::keep_alive<1, 2>(), py::keep_alive<1, 3>(),
           py::keep_alive<1, 4>())
      .def(
          "request",
          [](WithdrawalEngine& w, const std::string& id,
             const std::string& user_id, const Amount& amount,
             const std::string& destination) {
            return WithoutGil([&] {
              return w.Request({id, user_id, amount, destination});
            });
          },
          py::arg("id"), py::arg("user_id"), py::arg("amount"),
          py::arg("destination"),
          "Holds `amount` (plus the fee) of `user_id` for a withdrawal to "
          "`destination`.")
      .def(
          "approve",
          [](WithdrawalEngine& w, const std::string& id) {
            return WithoutGil([&] { return w.Approve(id); });
          },
          py::arg("id"), "Approves a requested withdrawal.")
      .def(
          "reject",
          [](WithdrawalEngine& w, const std::string& id,
             const std::string& reason) {
            return WithoutGil([&] { return w.Reject(id, reason); });
          },
          py::arg("id"), py::arg("reason"),
          "Rejects a withdrawal, releasing the hold.")
      .def(
          "mark_paid",
          [](WithdrawalEngine& w, const std::string& id,
             const std::string& tx_hash) {
            return WithoutGil([&] { return w.MarkPaid(id, tx_hash); });
          },
          py::arg("id"), py::arg("tx_hash"),
          "Records the payout transaction of an approved withdrawal.")
      .def(
          "mark_failed",
          [](WithdrawalEngine& w, const std::string& id,
             const std::string& reason) {
            return WithoutGil([&] { return w.MarkFailed(id, reason); });
          },
          py::arg("id"), py::arg("reason"),
          "Records a failed payout, releasing the hold.");
}

}  // namespace botcore::python
