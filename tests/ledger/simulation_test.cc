// A randomised simulation of the deposit bot's money paths (TigerBeetle's
// VOPR idea): registrations with referral chains, deposits, duplicates,
// re-orgs, confirmations by two workers, admin assignments, withdrawals and
// their outcomes, and bad input. After every step the ledger's invariants are
// checked on the accounts the step touched (per-asset debits == credits over
// all accounts, kept incrementally; no overdraft-forbidding account
// negative); every 10000 steps and at the end the full CheckInvariants runs and
// every balance is compared with an independent reference model.
//
// Prints its seed; BOTCORE_SEED=<n> replays a run, BOTCORE_SIM_OPS=<n>
// changes its length (default 100000).

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/simulated_chain.h"
#include "ledger/payment_stack.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::kWallet;
using testing::PaymentStack;
using testing::SimulatedChain;
using testing::UserWallet;

constexpr int kConfirmations = 4;
const absl::int128 kToken = absl::int128(1000000000000000000LL);  // 10^18
const std::string kClearingOwner(kDepositClearing);
const std::string kPoolOwner(kRewardsPool);
const std::string kFeesOwner(kFees);
const std::string kPayoutsOwner(kPayouts);

Amount Units(absl::int128 units) { return *Amount::FromUnits(units, 18); }

uint64_t SeedFromEnv() {
  if (const char* s = std::getenv("BOTCORE_SEED"))
    return std::strtoull(s, nullptr, 10);
  return std::random_device()();
}

int OpsFromEnv() {
  if (const char* s = std::getenv("BOTCORE_SIM_OPS")) return std::atoi(s);
  return 100000;
}

// The reference model: what every balance must be, computed with plain
// 128-bit integers, independently of the engines.
struct Model {
  struct WithdrawalModel {
    std::string user;
    absl::int128 amount, fee;
    WithdrawalState state;
  };
  std::map<std::string, absl::int128> posted;   // by owner
  std::map<std::string, absl::int128> held;     // pending debits, by owner
  std::map<std::string, std::string> referrer;  // registered users
  std::vector<std::string> users;
  std::map<std::string, std::string> wallet_owner;
  std::map<std::string, DepositState> settled;  // by DepositKey::ToString()
  std::map<std::string, DepositKey> unmatched;
  std::map<std::string, absl::int128> rewards;  // by beneficiary
  std::map<std::string, WithdrawalModel> withdrawals;
  std::vector<std::string> withdrawal_ids;
  absl::int128 minimum = kToken / 1000;  // 0.001

  void Credit(const std::string& user, const std::string& deposit_id,
              absl::int128 amount) {
    settled[deposit_id] = DepositState::kCredited;
    posted[kClearingOwner] -= amount;
    posted[user] += amount;
    static constexpr int kRates[] = {5, 4, 3};
    std::string u = user;
    for (int level = 0; level < 3; ++level) {
      auto it = referrer.find(u);
      if (it == referrer.end() || it->second.empty()) break;
      u = it->second;
      const absl::int128 reward = amount * kRates[level] / 100;
      if (reward == 0) continue;
      posted[kPoolOwner] -= reward;
      posted[u] += reward;
      rewards[u] += reward;
    }
  }
};

class Simulation {
 public:
  explicit Simulation(uint64_t seed)
      : rng_(seed), clock_(absl::FromUnixSeconds(1700000000)), chain_(56) {
    DepositEngineOptions o;
    o.confirmations = kConfirmations;
    o.minimum_deposit = "0.001";
    auto stack = PaymentStack::Open("sqlite::memory:", &clock_, o);
    REQUIRE_MESSAGE(stack.ok(), stack.status().ToString());
    s_ = *std::move(stack);
    // A second worker on the same database.
    o.database = s_.db.get();
    o.ledger = s_.ledger.get();
    o.clock = &clock_;
    o.outbox = s_.outbox.get();
    o.listener = s_.referral.get();
    o.wallets = {kWallet};
    auto second = DepositEngine::Create(o);
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    second_worker_ = *std::move(second);
    debits_ = credits_ = pending_debits_ = pending_credits_ = Units(0);
  }

  void Run(int ops) {
    for (step_ = 1; step_ <= ops; ++step_) {
      Step();
      CheckTouchedAccounts();
      if (step_ % 10000 == 0) CheckEverything();
      clock_.Advance(absl::Seconds(1));
    }
    // Let every surviving deposit mature, then settle everything.
    chain_.MineBlocks(kConfirmations);
    Sync(*s_.deposits);
    CheckTouchedAccounts();
    CheckEverything();
    MESSAGE("simulation: ", model_.users.size(), " users, ",
            model_.settled.size(), " deposits settled, ",
            model_.withdrawals.size(), " withdrawals, ledger sequence ",
            last_sequence_);
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Pick(100) < percent; }

  void Step() {
    const int roll = Pick(100);
    if ((roll < 3 && model_.users.size() < 300) || model_.users.size() < 3) {
      return Register();
    }
    if (roll < 5) return RegisterWallet();
    if (roll < 17) return MineDeposits();
    if (roll < 50) return chain_.MineBlocks(1 + Pick(3));
    if (roll < 55) return Reorg();
    if (roll < 63) return Sync(Chance(50) ? *s_.deposits : *second_worker_);
    if (roll < 66) return RecordDuplicates();
    if (roll < 68) return Assign();
    if (roll < 76) return RequestWithdrawal();
    if (roll < 90) return MoveWithdrawal();
    return BadInput();
  }

  void Register() {
    const std::string user = absl::StrCat("u", model_.users.size());
    std::string code;
    std::string referrer;
    if (!model_.users.empty() && Chance(70)) {
      referrer = model_.users[Pick(static_cast<int>(model_.users.size()))];
      code = ReferralEngine::CodeOf(referrer);
    }
    ASSIGN_OR_REQUIRE(ReferralMember m, s_.referral->Register(user, code));
    REQUIRE(m.referrer == referrer);
    model_.referrer[user] = referrer;
    model_.users.push_back(user);
    if (Chance(80)) {
      const std::string wallet =
          UserWallet(static_cast<int>(model_.users.size()) - 1);
      REQUIRE_OK(s_.deposits->RegisterWallet(user, wallet));
      model_.wallet_owner[wallet] = user;
    }
  }

  void RegisterWallet() {
    const int n = Pick(static_cast<int>(model_.users.size()));
    const std::string wallet = UserWallet(n);
    REQUIRE_OK(s_.deposits->RegisterWallet(model_.users[n], wallet));
    model_.wallet_owner[wallet] = model_.users[n];
  }

  void MineDeposits() {
    std::vector<testing::SimulatedTransfer> transfers;
    const int count = 1 + Pick(2);
    for (int i = 0; i < count; ++i) {
      // Some senders never register (unmatched); some amounts are dust.
      const int sender = Pick(static_cast<int>(model_.users.size()) + 3);
      absl::int128 units =
          Chance(10)
              ? absl::int128(1 + Pick(999)) * 1000000000000LL
              : absl::int128(1 + Pick(5000)) * (kToken / 1000) + Pick(1000);
      transfers.push_back({std::string(kBscUsdtContract), UserWallet(sender),
                           kWallet, Units(units)});
    }
    chain_.MineBlock(transfers);
  }

  void Reorg() {
    ASSIGN_OR_REQUIRE(uint64_t head, chain_.BlockNumber());
    const int depth =
        std::min<int>(1 + Pick(kConfirmations - 1), static_cast<int>(head));
    if (depth > 0) chain_.Reorg(depth, Chance(50));
  }

  // The canonical logs of blocks [from, to].
  std::vector<TransferLog> Logs(uint64_t from, uint64_t to) {
    TransferLogFilter f;
    f.token = std::string(kBscUsdtContract);
    f.token_scale = 18;
    f.to = {kWallet};
    f.from_block = from;
    f.to_block = to;
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs, chain_.TransferLogs(f));
    return logs;
  }

  void Sync(DepositEngine& worker) {
    ASSIGN_OR_REQUIRE(uint64_t head, chain_.BlockNumber());
    REQUIRE_OK(worker.Sync(chain_));
    // Every canonical deposit with enough confirmations is now settled.
    // Blocks that deep are final: a re-org replaces fewer than
    // kConfirmations blocks.
    if (head + 1 < kConfirmations + final_blocks_) return;
    const uint64_t last_final = head + 1 - kConfirmations;
    const uint64_t first = final_blocks_;
    final_blocks_ = last_final + 1;
    for (const TransferLog& log : Logs(first, last_final)) {
      const DepositKey key{56, log.tx_hash, log.log_index};
      const std::string id = key.ToString();
      if (model_.settled.contains(id)) continue;
      const absl::int128 amount = log.amount.units();
      if (amount < model_.minimum) {
        model_.settled[id] = DepositState::kBelowMinimum;
        continue;
      }
      auto owner = model_.wallet_owner.find(log.from);
      if (owner == model_.wallet_owner.end()) {
        model_.settled[id] = DepositState::kUnmatched;
        model_.unmatched[id] = key;
        continue;
      }
      model_.Credit(owner->second, id, amount);
    }
  }

  void RecordDuplicates() {
    ASSIGN_OR_REQUIRE(uint64_t head, chain_.BlockNumber());
    const uint64_t from = head > 8 ? head - 8 : 0;
    std::vector<DepositObservation> batch;
    for (const TransferLog& log : Logs(from, head)) {
      DepositObservation o;
      o.key = {56, log.tx_hash, log.log_index};
      o.block_number = log.block_number;
      o.block_hash = log.block_hash;
      o.from = log.from;
      o.to = log.to;
      o.token = log.token;
      o.amount = log.amount;
      batch.push_back(o);
    }
    // Twice, the second time in reverse order, as two workers would.
    std::vector<DepositObservation> reversed(batch.rbegin(), batch.rend());
    batch.insert(batch.end(), reversed.begin(), reversed.end());
    REQUIRE_OK(s_.deposits->Record(batch));
  }

  void Assign() {
    if (model_.unmatched.empty() || model_.users.empty()) return;
    auto it = model_.unmatched.begin();
    std::advance(it, Pick(static_cast<int>(model_.unmatched.size())));
    const std::string user =
        model_.users[Pick(static_cast<int>(model_.users.size()))];
    ASSIGN_OR_REQUIRE(Deposit d, s_.deposits->Assign(it->second, user));
    REQUIRE(d.state == DepositState::kCredited);
    model_.Credit(user, it->first, d.observation.amount.units());
    model_.unmatched.erase(it);
  }

  void RequestWithdrawal() {
    const std::string user =
        model_.users[Pick(static_cast<int>(model_.users.size()))];
    const absl::int128 amount =
        kToken + absl::int128(Pick(3000)) * (kToken / 1000);
    const absl::int128 fee = kToken / 2;
    const std::string id =
        absl::StrCat("w", model_.withdrawal_ids.size(), "-", step_);
    WithdrawalRequest r{id, user, Units(amount),
                        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"};
    absl::StatusOr<Withdrawal> w = s_.withdrawals->Request(r);
    const bool known = model_.posted.contains(user);
    const absl::int128 available = model_.posted[user] - model_.held[user];
    if (!known) {
      CHECK_STATUS_IS(w, kNotFound);
      model_.posted.erase(user);
      return;
    }
    if (available < amount + fee) {
      CHECK_STATUS_IS(w, kFailedPrecondition);
      return;
    }
    REQUIRE_OK(w);
    model_.held[user] += amount + fee;
    model_.withdrawals[id] = {user, amount, fee, WithdrawalState::kPending};
    model_.withdrawal_ids.push_back(id);
    // A retried request changes nothing.
    REQUIRE_OK(s_.withdrawals->Request(r));
  }

  void MoveWithdrawal() {
    if (model_.withdrawal_ids.empty()) return;
    const std::string id = model_.withdrawal_ids[Pick(
        static_cast<int>(model_.withdrawal_ids.size()))];
    Model::WithdrawalModel& w = model_.withdrawals[id];
    const std::string hash =
        absl::StrCat("0x", std::string(64 - id.size() + 1, '0'), id.substr(1));
    std::string tx_hash = hash;
    for (char& c : tx_hash) {
      if (c == '-') c = 'f';
    }
    absl::StatusOr<Withdrawal> result;
    bool allowed = false;
    WithdrawalState target = w.state;
    switch (Pick(4)) {
      case 0:
        result = s_.withdrawals->Approve(id);
        target = WithdrawalState::kApproved;
        allowed = w.state == WithdrawalState::kPending;
        break;
      case 1:
        result = s_.withdrawals->Reject(id, "sim");
        target = WithdrawalState::kRejected;
        allowed = w.state == WithdrawalState::kPending;
        break;
      case 2:
        result = s_.withdrawals->MarkPaid(id, tx_hash);
        target = WithdrawalState::kPaid;
        allowed = w.state == WithdrawalState::kApproved;
        break;
      default:
        result = s_.withdrawals->MarkFailed(id, "sim");
        target = WithdrawalState::kFailed;
        allowed = w.state == WithdrawalState::kApproved;
        break;
    }
    if (w.state == target) {
      REQUIRE_OK(result);  // a repeated step is a no-op
      return;
    }
    if (!allowed) {
      CHECK_STATUS_IS(result, kFailedPrecondition);
      return;
    }
    REQUIRE_OK(result);
    REQUIRE(result->state == target);
    const absl::int128 total = w.amount + w.fee;
    if (target == WithdrawalState::kRejected ||
        target == WithdrawalState::kFailed) {
      model_.held[w.user] -= total;
    } else if (target == WithdrawalState::kPaid) {
      model_.held[w.user] -= total;
      model_.posted[w.user] -= total;
      model_.posted[kPayoutsOwner] += w.amount;
      model_.posted[kFeesOwner] += w.fee;
    }
    w.state = target;
  }

  void BadInput() {
    const int64_t before = last_sequence_;
    const std::string user =
        model_.users[Pick(static_cast<int>(model_.users.size()))];
    switch (Pick(6)) {
      case 0: {
        WithdrawalRequest r{absl::StrCat("bad", step_), user, Units(kToken * 2),
                            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"};
        CHECK_STATUS_IS(s_.withdrawals->Request(r), kInvalidArgument);
        break;
      }
      case 1: {
        WithdrawalRequest r{absl::StrCat("bad", step_), user, Units(-kToken),
                            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"};
        CHECK_STATUS_IS(s_.withdrawals->Request(r), kInvalidArgument);
        break;
      }
      case 2: {
        Transfer t;
        t.id = absl::StrCat("bad", step_);
        t.debit = {kClearingOwner, "USDT"};
        t.credit = {user, "BTC"};
        t.amount = Units(1);
        CHECK_STATUS_IS(s_.ledger->CreateTransfer(t), kInvalidArgument);
        break;
      }
      case 3: {
        DepositObservation o;
        o.key = {56, "0x" + std::string(64, 'd'), 0};
        o.block_number = 1;
        o.block_hash = "0x" + std::string(64, 'd');
        o.from = UserWallet(1);
        o.to = kWallet;
        o.token = "0x" + std::string(40, 'd');  // not the watched token
        o.amount = Units(kToken);
        CHECK_STATUS_IS(s_.deposits->Record({o}), kInvalidArgument);
        break;
      }
      case 4:
        CHECK_STATUS_IS(
            s_.referral->Register("ghost", ReferralEngine::CodeOf("ghost")),
            kInvalidArgument);
        break;
      default:
        CHECK_STATUS_IS(
            s_.deposits->Assign({56, "0x" + std::string(64, 'e'), 0}, user),
            kNotFound);
        break;
    }
    ASSIGN_OR_REQUIRE(std::vector<TransferRecord> after,
                      s_.ledger->Feed(before, 1));
    CHECK(after.empty());
  }

  // The per-step invariant: reads the transfers recorded since the last step,
  // reloads the accounts they touched, and updates the running sums.
  void CheckTouchedAccounts() {
    std::set<AccountKey> touched;
    for (;;) {
      ASSIGN_OR_REQUIRE(std::vector<TransferRecord> page,
                        s_.ledger->Feed(last_sequence_, 10000));
      if (page.empty()) break;
      for (const TransferRecord& r : page) {
        touched.insert(r.transfer.debit);
        touched.insert(r.transfer.credit);
      }
      last_sequence_ = page.back().sequence;
    }
    for (const AccountKey& key : touched) {
      ASSIGN_OR_REQUIRE(Balance now, s_.ledger->GetBalance(key));
      auto it = accounts_.find(key);
      if (it != accounts_.end()) Accumulate(it->second, -1);
      Accumulate(now, +1);
      accounts_[key] = now;
      if (now.forbid_overdraft) {
        REQUIRE_MESSAGE(!now.available.is_negative(), "step ", step_, ": ",
                        key.owner, " is overdrawn: ", now.available.ToString());
      }
    }
    REQUIRE_MESSAGE(debits_ == credits_, "step ", step_, ": posted debits ",
                    debits_.ToString(), " != credits ", credits_.ToString());
    REQUIRE_MESSAGE(pending_debits_ == pending_credits_, "step ", step_,
                    ": pending debits != credits");
  }

  void Accumulate(const Balance& b, int sign) {
    auto add = [sign](Amount& sum, const Amount& v) {
      sum = *sum.Add(sign > 0 ? v : *v.Negate());
    };
    add(debits_, b.debits_posted);
    add(credits_, b.credits_posted);
    add(pending_debits_, b.debits_pending);
    add(pending_credits_, b.credits_pending);
  }

  void CheckEverything() {
    INFO("step ", step_);
    REQUIRE_OK(s_.ledger->CheckInvariants());
    for (const auto& [owner, posted] : model_.posted) {
      CAPTURE(owner);
      absl::StatusOr<Balance> b = s_.ledger->GetBalance({owner, "USDT"});
      if (absl::IsNotFound(b.status())) {
        REQUIRE(posted == 0);
        continue;
      }
      REQUIRE_OK(b);
      REQUIRE(b->posted == Units(posted));
      REQUIRE(b->debits_pending == Units(model_.held[owner]));
    }
    for (const auto& [user, total] : model_.rewards) {
      ASSIGN_OR_REQUIRE(ReferralStats stats, s_.referral->Stats(user));
      REQUIRE(stats.rewards.at("USDT") == Units(total));
    }
    ASSIGN_OR_REQUIRE(std::vector<Deposit> unmatched,
                      s_.deposits->List(DepositState::kUnmatched, 1 << 20));
    REQUIRE(unmatched.size() == model_.unmatched.size());
  }

  std::mt19937_64 rng_;
  testing::ManualClock clock_;
  SimulatedChain chain_;
  PaymentStack s_;
  std::unique_ptr<DepositEngine> second_worker_;
  Model model_;
  int step_ = 0;
  int64_t last_sequence_ = 0;
  uint64_t final_blocks_ = 0;  // blocks [0, final_blocks_) are in the model
  std::map<AccountKey, Balance> accounts_;
  Amount debits_, credits_, pending_debits_, pending_credits_;
};

TEST_SUITE("simulation") {
  TEST_CASE("random operations keep the ledger exact") {
    const uint64_t seed = SeedFromEnv();
    std::cout << "simulation seed: " << seed
              << " (replay with BOTCORE_SEED=" << seed << ")" << std::endl;
    Simulation sim(seed);
    sim.Run(OpsFromEnv());
  }
}

}  // namespace
}  // namespace botcore
