// Deposits credited per second, referral rewards three levels deep included,
// one deposit per transaction and 100 per transaction, on a SQLite file
// (synchronous=FULL) and on PostgreSQL; and balance-query latency with
// 1 000 000 transfers in the ledger.
//
// PostgreSQL runs need BOTCORE_BENCH_POSTGRES_URL (e.g. from
// `eval "$(bash scripts/pg_temp.sh start)"` and
// BOTCORE_BENCH_POSTGRES_URL=$BOTCORE_TEST_POSTGRES_URL); without it those
// benchmarks are skipped.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "botcore/adapters/storage.h"
#include "botcore/ledger/deposits.h"
#include "botcore/ledger/ledger.h"
#include "botcore/outbox/outbox.h"
#include "botcore/referral/referral.h"
#include "botcore/testing/simulated_chain.h"

namespace botcore {
namespace {

constexpr char kWallet[] = "0x1111111111111111111111111111111111111111";
int fresh = 0;

std::string Wallet(int n) {
  std::string hex = std::to_string(n);
  return "0x" + std::string(40 - hex.size(), 'a') + hex;
}

// A new empty database: a SQLite file under /tmp or a new PostgreSQL schema.
// Returns "" when PostgreSQL is asked for but not configured.
std::string FreshUrl(bool postgres) {
  const std::string name = absl::StrCat("bench_", getpid(), "_", fresh++);
  if (!postgres) {
    const std::string path = absl::StrCat("/tmp/botcore-", name, ".db");
    std::filesystem::remove(path);
    return absl::StrCat("sqlite:///", path);
  }
  const char* base = std::getenv("BOTCORE_BENCH_POSTGRES_URL");
  if (base == nullptr) return "";
  auto admin = OpenDatabase(base);
  if (!admin.ok()) return "";
  (void)(*admin)->Transact([&](SqlTransaction& tx) {
    return tx.Execute(absl::StrCat("CREATE SCHEMA ", name)).status();
  });
  return absl::StrCat(base, "?options=-csearch_path%3D", name);
}

struct Stack {
  std::unique_ptr<Database> db;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<ReferralEngine> referral;
  std::unique_ptr<DepositEngine> deposits;
};

Stack Open(const std::string& url, int batch) {
  Stack s;
  s.db = *OpenDatabase(url);
  LedgerOptions lo;
  lo.database = s.db.get();
  lo.assets = {{"USDT", 18}};
  s.ledger = *Ledger::Create(lo);
  OutboxOptions oo;
  oo.database = s.db.get();
  s.outbox = *Outbox::Create(oo);
  ReferralOptions ro;
  ro.database = s.db.get();
  ro.ledger = s.ledger.get();
  ro.outbox = s.outbox.get();
  s.referral = *ReferralEngine::Create(ro);
  DepositEngineOptions d;
  d.database = s.db.get();
  d.ledger = s.ledger.get();
  d.outbox = s.outbox.get();
  d.listener = s.referral.get();
  d.wallets = {kWallet};
  d.credit_batch_size = batch;
  s.deposits = *DepositEngine::Create(d);
  return s;
}

// Credits `range(0)` deposits, each paying three referral rewards, in
// transactions of `range(1)` deposits. Recording them (the chain scan) is
// not timed.
void BM_CreditDeposits(benchmark::State& state, bool postgres) {
  const int deposits = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  for (auto _ : state) {
    state.PauseTiming();
    const std::string url = FreshUrl(postgres);
    if (url.empty()) {
      state.SkipWithError("BOTCORE_BENCH_POSTGRES_URL is not set");
      return;
    }
    Stack s = Open(url, batch);
    constexpr int kChains = 50;  // of four users; the last one deposits
    for (int c = 0; c < kChains; ++c) {
      std::string code;
      for (int level = 0; level < 4; ++level) {
        const std::string user = absl::StrCat("u", c, "_", level);
        code = s.referral->Register(user, code)->code;
      }
      (void)s.deposits->RegisterWallet(absl::StrCat("u", c, "_3"), Wallet(c));
    }
    testing::SimulatedChain chain(56);
    std::vector<testing::SimulatedTransfer> block;
    for (int n = 0; n < deposits; ++n) {
      block.push_back(
          {std::string(kBscUsdtContract), Wallet(n % kChains), kWallet,
           *Amount::FromUnits(absl::int128(1000000000000000000LL) + n, 18)});
      if (block.size() == 100) {
        chain.MineBlock(block);
        block.clear();
      }
    }
    if (!block.empty()) chain.MineBlock(block);
    TransferLogFilter filter;
    filter.token = std::string(kBscUsdtContract);
    filter.token_scale = 18;
    filter.to = {kWallet};
    filter.from_block = 0;
    filter.to_block = *chain.BlockNumber();
    absl::StatusOr<std::vector<TransferLog>> logs = chain.TransferLogs(filter);
    if (!logs.ok()) {
      state.SkipWithError("reading the chain failed");
      return;
    }
    std::vector<DepositObservation> observations;
    for (const TransferLog& log : *logs) {
      DepositObservation o;
      o.key = {56, log.tx_hash, log.log_index};
      o.block_number = log.block_number;
      o.block_hash = log.block_hash;
      o.from = log.from;
      o.to = log.to;
      o.token = log.token;
      o.amount = log.amount;
      observations.push_back(std::move(o));
    }
    if (!s.deposits->Record(observations).ok()) {
      state.SkipWithError("recording the deposits failed");
      return;
    }
    if (postgres) {
      // Statistics as a database in service has them: autovacuum would
      // analyze these fresh tables only a minute later, and until then
      // PostgreSQL plans the batch lookups as scans of tables it believes
      // empty (100 ms each instead of 0.1 ms).
      (void)s.db->Transact([](SqlTransaction& tx) {
        return tx
            .Execute(
                "ANALYZE deposits, deposit_wallets, deposit_levels,"
                " ledger_accounts, ledger_transfers, outbox_messages,"
                " referral_members")
            .status();
      });
    }
    chain.MineBlocks(12);
    state.ResumeTiming();
    auto report = s.deposits->Process(chain);
    state.PauseTiming();
    if (!report.ok() || report->credited != deposits) {
      state.SkipWithError(report.ok()
                              ? "not every deposit was credited"
                              : std::string(report.status().message()).c_str());
      return;
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * deposits);
  state.counters["credits_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * deposits),
                         benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_CreditDeposits, sqlite, false)
    ->Args({2000, 1})
    ->Args({20000, 100})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_CreditDeposits, postgres, true)
    ->Args({2000, 1})
    ->Args({20000, 100})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// GetBalance of one of 1000 user accounts, with 1 000 000 transfers recorded
// (SQLite file).
void BM_BalanceQuery(benchmark::State& state) {
  static Stack* s = nullptr;
  if (s == nullptr) {
    s = new Stack(Open(FreshUrl(false), 100));
    constexpr int kTransfers = 1000000;
    constexpr int kPerTransaction = 5000;
    const AccountKey clearing{std::string(kDepositClearing), "USDT"};
    for (int start = 0; start < kTransfers; start += kPerTransaction) {
      std::vector<Transfer> batch;
      for (int i = start; i < start + kPerTransaction; ++i) {
        Transfer t;
        t.id = absl::StrCat("t", i);
        t.debit = clearing;
        t.credit = {absl::StrCat("user", i % 1000), "USDT"};
        t.amount = *Amount::FromUnits(1000 + i, 18);
        batch.push_back(std::move(t));
      }
      absl::Status st = s->ledger->CreateTransfers(batch).status();
      if (!st.ok()) {
        state.SkipWithError(std::string(st.message()).c_str());
        return;
      }
    }
  }
  int n = 0;
  for (auto _ : state) {
    auto b = s->ledger->GetBalance({absl::StrCat("user", n++ % 1000), "USDT"});
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_BalanceQuery)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
