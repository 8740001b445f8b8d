// The double-entry ledger on SQLite and PostgreSQL.

#include "botcore/ledger/ledger.h"

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "botcore/adapters/storage.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

Amount Usdt(std::string_view text) { return *Amount::Parse(text, 18); }

const AccountKey kClearing{std::string(kDepositClearing), "USDT"};
const AccountKey kAlice{"alice", "USDT"};
const AccountKey kBob{"bob", "USDT"};

Transfer Posted(std::string id, AccountKey debit, AccountKey credit,
                std::string_view amount) {
  Transfer t;
  t.id = std::move(id);
  t.debit = std::move(debit);
  t.credit = std::move(credit);
  t.amount = Usdt(amount);
  return t;
}

struct Fixture {
  explicit Fixture(const std::string& url)
      : clock(absl::FromUnixSeconds(1700000000)) {
    auto opened = OpenDatabase(url);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    db = *std::move(opened);
    LedgerOptions options;
    options.database = db.get();
    options.clock = &clock;
    options.assets = {{"USDT", 18}, {"RUB", 2}};
    auto created = Ledger::Create(options);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    ledger = *std::move(created);
  }
  Amount Available(const AccountKey& key) {
    auto b = ledger->GetBalance(key);
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    return b->available;
  }
  testing::ManualClock clock;
  std::unique_ptr<Database> db;
  std::unique_ptr<Ledger> ledger;
};

// Two ledgers on two connections of one database, as two processes have.
struct TwoConnections {
  TwoConnections(const std::string& url, Clock* clock) {
    for (int i = 0; i < 2; ++i) {
      ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
      LedgerOptions options;
      options.database = db.get();
      options.clock = clock;
      options.assets = {{"USDT", 18}, {"RUB", 2}};
      ASSIGN_OR_REQUIRE(std::unique_ptr<Ledger> ledger,
                        Ledger::Create(options));
      dbs.push_back(std::move(db));
      ledgers.push_back(std::move(ledger));
    }
  }
  std::vector<std::unique_ptr<Database>> dbs;
  std::vector<std::unique_ptr<Ledger>> ledgers;

  // Runs `threads` threads, thread t sending `rounds` batches made by
  // make_batch from its own seeded generator to ledgers[t % 2]; records the
  // transfers created, by id, and every error whose code is not `expected`.
  void RunBatches(
      int threads, int rounds, unsigned seed,
      const std::function<std::vector<Transfer>(std::mt19937&)>& make_batch,
      std::set<absl::StatusCode> expected = {}) {
    std::mutex mu;
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t) {
      running.emplace_back([&, t] {
        std::mt19937 rng(seed + static_cast<unsigned>(t));
        for (int round = 0; round < rounds; ++round) {
          auto got = ledgers[t % 2]->CreateTransfers(make_batch(rng));
          std::lock_guard<std::mutex> lock(mu);
          if (!got.ok()) {
            if (!expected.contains(got.status().code())) {
              errors.push_back(got.status().ToString());
            }
            continue;
          }
          for (const TransferResult& r : *got) {
            if (r.created) ++created_count[r.record.transfer.id];
          }
        }
      });
    }
    for (std::thread& th : running) th.join();
  }
  // No unexpected error, and no transfer created twice.
  void CheckCreatedOnce() const {
    for (const std::string& e : errors) MESSAGE(e);
    CHECK(errors.empty());
    for (const auto& [id, n] : created_count) {
      CAPTURE(id);
      CHECK(n == 1);
    }
  }
  std::vector<std::string> errors;
  std::map<std::string, int> created_count;
};

TEST_SUITE("ledger") {
  TEST_CASE("a transfer moves money and a retry returns the original") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      ASSIGN_OR_REQUIRE(TransferResult first,
                        f.ledger->CreateTransfer(Posted(
                            "t1", kClearing, kAlice, "10.000000000000000001")));
      CHECK(first.created);
      ASSIGN_OR_REQUIRE(TransferResult again,
                        f.ledger->CreateTransfer(Posted(
                            "t1", kClearing, kAlice, "10.000000000000000001")));
      CHECK_FALSE(again.created);
      CHECK(again.record.sequence == first.record.sequence);
      CHECK(f.Available(kAlice) == Usdt("10.000000000000000001"));
      CHECK(f.Available(kClearing) == Usdt("-10.000000000000000001"));
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE(
      "the same id with other fields is kAlreadyExists naming the field") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("t1", kClearing, kAlice, "5")));
      const absl::Status amount =
          f.ledger->CreateTransfer(Posted("t1", kClearing, kAlice, "6"))
              .status();
      CHECK_STATUS_IS(amount, kAlreadyExists);
      CHECK(amount.message().find("amount") != std::string_view::npos);
      const absl::Status credit =
          f.ledger->CreateTransfer(Posted("t1", kClearing, kBob, "5")).status();
      CHECK_STATUS_IS(credit, kAlreadyExists);
      CHECK(credit.message().find("credit") != std::string_view::npos);
      Transfer memo = Posted("t1", kClearing, kAlice, "5");
      memo.memo = "other";
      CHECK_STATUS_IS(f.ledger->CreateTransfer(memo), kAlreadyExists);
      CHECK(f.Available(kAlice) == Usdt("5"));
    }
  }

  TEST_CASE("a user account never goes negative") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("in", kClearing, kAlice, "3")));
      CHECK_STATUS_IS(f.ledger->CreateTransfer(
                          Posted("out", kAlice, kBob, "3.000000000000000001")),
                      kFailedPrecondition);
      CHECK(f.Available(kAlice) == Usdt("3"));
      CHECK_STATUS_IS(f.ledger->GetBalance(kBob), kNotFound);
      // A failed transfer leaves no trace: its id can succeed later.
      REQUIRE_OK(f.ledger->CreateTransfer(Posted("out", kAlice, kBob, "3")));
      CHECK(f.Available(kAlice) == Usdt("0"));
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("a system account may forbid overdraft") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      const AccountKey pool{std::string(kRewardsPool), "USDT"};
      REQUIRE_OK(f.ledger->OpenAccount(pool, /*forbid_overdraft=*/true));
      CHECK_OK(f.ledger->OpenAccount(pool, true));
      CHECK_STATUS_IS(f.ledger->OpenAccount(pool, false), kAlreadyExists);
      CHECK_STATUS_IS(f.ledger->CreateTransfer(Posted("r", pool, kAlice, "1")),
                      kFailedPrecondition);
    }
  }

  TEST_CASE("pending transfers hold funds until posted, voided or timed out") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("in", kClearing, kAlice, "10")));
      Transfer hold = Posted("hold1", kAlice, kBob, "4");
      hold.kind = TransferKind::kPending;
      REQUIRE_OK(f.ledger->CreateTransfer(hold));
      CHECK(f.Available(kAlice) == Usdt("6"));
      ASSIGN_OR_REQUIRE(Balance bob, f.ledger->GetBalance(kBob));
      CHECK(bob.posted == Usdt("0"));
      CHECK(bob.credits_pending == Usdt("4"));
      // Holds count against what can be spent.
      CHECK_STATUS_IS(f.ledger->CreateTransfer(Posted("x", kAlice, kBob, "7")),
                      kFailedPrecondition);

      Transfer post;
      post.id = "post1";
      post.kind = TransferKind::kPostPending;
      post.pending_id = "hold1";
      REQUIRE_OK(f.ledger->CreateTransfer(post));
      CHECK(f.Available(kBob) == Usdt("4"));
      CHECK(f.Available(kAlice) == Usdt("6"));
      ASSIGN_OR_REQUIRE(TransferResult repeat, f.ledger->CreateTransfer(post));
      CHECK_FALSE(repeat.created);
      Transfer void_it = post;
      void_it.id = "void1";
      void_it.kind = TransferKind::kVoidPending;
      CHECK_STATUS_IS(f.ledger->CreateTransfer(void_it), kFailedPrecondition);

      Transfer hold2 = Posted("hold2", kAlice, kBob, "2");
      hold2.kind = TransferKind::kPending;
      REQUIRE_OK(f.ledger->CreateTransfer(hold2));
      void_it.pending_id = "hold2";
      REQUIRE_OK(f.ledger->CreateTransfer(void_it));
      CHECK(f.Available(kAlice) == Usdt("6"));
      ASSIGN_OR_REQUIRE(TransferRecord held, f.ledger->GetTransfer("hold2"));
      CHECK(held.pending_state == PendingState::kVoided);

      Transfer hold3 = Posted("hold3", kAlice, kBob, "1");
      hold3.kind = TransferKind::kPending;
      hold3.timeout = absl::Minutes(10);
      REQUIRE_OK(f.ledger->CreateTransfer(hold3));
      f.clock.Advance(absl::Minutes(11));
      post.id = "post3";
      post.pending_id = "hold3";
      CHECK_STATUS_IS(f.ledger->CreateTransfer(post), kFailedPrecondition);
      ASSIGN_OR_REQUIRE(int expired, f.ledger->ExpirePendingTransfers());
      CHECK(expired == 1);
      CHECK(f.Available(kAlice) == Usdt("6"));
      post.pending_id = "nope";
      post.id = "post4";
      CHECK_STATUS_IS(f.ledger->CreateTransfer(post), kNotFound);
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("linked transfers commit together or not at all") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("in", kClearing, kAlice, "5")));
      std::vector<Transfer> batch = {Posted("a", kAlice, kBob, "5"),
                                     Posted("b", kAlice, kBob, "1")};
      const absl::Status s = f.ledger->CreateTransfers(batch).status();
      CHECK_STATUS_IS(s, kFailedPrecondition);
      CHECK(s.message().find("linked transfer 1 (b)") !=
            std::string_view::npos);
      CHECK(f.Available(kAlice) == Usdt("5"));
      CHECK_STATUS_IS(f.ledger->GetTransfer("a"), kNotFound);
      batch[1] = Posted("b", kBob, kAlice, "1");
      ASSIGN_OR_REQUIRE(std::vector<TransferResult> ok,
                        f.ledger->CreateTransfers(batch));
      CHECK(ok.size() == 2);
      CHECK(f.Available(kAlice) == Usdt("1"));
      CHECK(f.Available(kBob) == Usdt("4"));
    }
  }

  TEST_CASE("a batch that retries recorded ids next to new ones") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      ASSIGN_OR_REQUIRE(TransferResult in, f.ledger->CreateTransfer(Posted(
                                               "in", kClearing, kAlice, "5")));
      ASSIGN_OR_REQUIRE(TransferResult spent, f.ledger->CreateTransfer(Posted(
                                                  "spend", kAlice, kBob, "4")));

      // "in" again passes every check as if new; its insert meets the
      // stored row, and the batch is decided from the stored transfers.
      ASSIGN_OR_REQUIRE(
          std::vector<TransferResult> first,
          f.ledger->CreateTransfers({Posted("in2", kClearing, kAlice, "1"),
                                     Posted("in", kClearing, kAlice, "5"),
                                     Posted("in3", kClearing, kBob, "2")}));
      REQUIRE(first.size() == 3);
      CHECK(first[0].created);
      CHECK_FALSE(first[1].created);
      CHECK(first[1].record.sequence == in.record.sequence);
      CHECK(first[2].created);
      CHECK(first[0].record.sequence > spent.record.sequence);
      CHECK(first[2].record.sequence > first[0].record.sequence);
      CHECK(f.Available(kAlice) == Usdt("2"));
      CHECK(f.Available(kBob) == Usdt("6"));

      // "spend" again would overdraw alice if it were new: a retry is not.
      ASSIGN_OR_REQUIRE(
          std::vector<TransferResult> second,
          f.ledger->CreateTransfers({Posted("spend", kAlice, kBob, "4"),
                                     Posted("spend2", kAlice, kBob, "2")}));
      CHECK_FALSE(second[0].created);
      CHECK(second[1].created);
      CHECK(f.Available(kAlice) == Usdt("0"));

      // A retry with another field fails the batch and writes none of it.
      const absl::Status changed =
          f.ledger
              ->CreateTransfers({Posted("in4", kClearing, kAlice, "1"),
                                 Posted("in", kClearing, kAlice, "7")})
              .status();
      CHECK_STATUS_IS(changed, kAlreadyExists);
      CHECK(changed.message().find("linked transfer 1 (in)") !=
            std::string_view::npos);
      CHECK(changed.message().find("amount") != std::string_view::npos);
      CHECK_STATUS_IS(f.ledger->GetTransfer("in4"), kNotFound);
      CHECK(f.Available(kAlice) == Usdt("0"));
      ASSIGN_OR_REQUIRE(std::vector<TransferRecord> feed,
                        f.ledger->Feed(0, 100));
      std::vector<std::string> ids;
      for (const TransferRecord& r : feed) ids.push_back(r.transfer.id);
      CHECK(ids ==
            std::vector<std::string>{"in", "spend", "in2", "in3", "spend2"});
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("a retry in a later chunk undoes the earlier chunks") {
    for (size_t at : {size_t{0}, size_t{255}, size_t{256}, size_t{280}}) {
      for (const std::string& url : testing::FreshDatabaseUrls()) {
        CAPTURE(url);
        CAPTURE(at);
        Fixture f(url);
        REQUIRE_OK(
            f.ledger->CreateTransfer(Posted("old", kClearing, kAlice, "7")));
        std::vector<Transfer> batch;
        for (int i = 0; i < 300; ++i) {
          batch.push_back(
              Posted("n" + std::to_string(i), kClearing, kBob, "1"));
        }
        batch.insert(batch.begin() + static_cast<std::ptrdiff_t>(at),
                     Posted("old", kClearing, kAlice, "7"));
        // Alice spends what "old" gave her, after it in the batch.
        batch.push_back(Posted("spend", kAlice, kBob, "7"));
        ASSIGN_OR_REQUIRE(std::vector<TransferResult> got,
                          f.ledger->CreateTransfers(batch));
        REQUIRE(got.size() == batch.size());
        for (size_t i = 0; i < got.size(); ++i) {
          CAPTURE(i);
          CAPTURE(got[i].record.transfer.id);
          CAPTURE(got[i].record.sequence);
          CHECK(got[i].created == (i != at));
          if (i != at) CHECK(got[i].record.sequence > 0);
        }
        CHECK(f.Available(kAlice) == Usdt("0"));
        CHECK(f.Available(kBob) == Usdt("307"));
        ASSIGN_OR_REQUIRE(std::vector<TransferRecord> feed,
                          f.ledger->Feed(0, 10000));
        CHECK(feed.size() == 302);
        std::set<std::string> ids;
        for (const TransferRecord& r : feed) ids.insert(r.transfer.id);
        CHECK(ids.size() == 302);
        CHECK_OK(f.ledger->CheckInvariants());
        // The whole batch again: nothing new, same sequences.
        ASSIGN_OR_REQUIRE(std::vector<TransferResult> again,
                          f.ledger->CreateTransfers(batch));
        for (size_t i = 0; i < again.size(); ++i) {
          CHECK_FALSE(again[i].created);
          CHECK(again[i].record.sequence == got[i].record.sequence);
        }
        CHECK(f.Available(kBob) == Usdt("307"));
      }
    }
  }

  TEST_CASE("pending created, posted and retried in one batch") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("in", kClearing, kAlice, "10")));
      Transfer hold = Posted("hold", kAlice, kBob, "8");
      hold.kind = TransferKind::kPending;
      hold.timeout = absl::Minutes(5);
      Transfer post;
      post.id = "post";
      post.kind = TransferKind::kPostPending;
      post.pending_id = "hold";
      Transfer hold2 = Posted("hold2", kAlice, kBob, "2");
      hold2.kind = TransferKind::kPending;
      Transfer void2;
      void2.id = "void2";
      void2.kind = TransferKind::kVoidPending;
      void2.pending_id = "hold2";
      const std::vector<Transfer> batch = {hold, post, hold2, void2,
                                           Posted("x", kAlice, kBob, "2")};
      ASSIGN_OR_REQUIRE(std::vector<TransferResult> first,
                        f.ledger->CreateTransfers(batch));
      CHECK(f.Available(kAlice) == Usdt("0"));
      CHECK(f.Available(kBob) == Usdt("10"));
      // After the hold's timeout passed: the retry still returns the same.
      f.clock.Advance(absl::Minutes(6));
      ASSIGN_OR_REQUIRE(std::vector<TransferResult> again,
                        f.ledger->CreateTransfers(batch));
      for (size_t i = 0; i < again.size(); ++i) {
        CHECK_FALSE(again[i].created);
        CHECK(again[i].record.sequence == first[i].record.sequence);
      }
      // The same id twice in a batch, second with another amount.
      const absl::Status twice =
          f.ledger
              ->CreateTransfers({Posted("d", kClearing, kAlice, "1"),
                                 Posted("d", kClearing, kAlice, "2")})
              .status();
      CHECK_STATUS_IS(twice, kAlreadyExists);
      CHECK(twice.message().find("amount") != std::string_view::npos);
      CHECK_STATUS_IS(f.ledger->GetTransfer("d"), kNotFound);
      ASSIGN_OR_REQUIRE(
          std::vector<TransferResult> dup,
          f.ledger->CreateTransfers({Posted("d", kClearing, kAlice, "1"),
                                     Posted("d", kClearing, kAlice, "1")}));
      CHECK(dup[0].created);
      CHECK_FALSE(dup[1].created);
      CHECK(dup[1].record.sequence == dup[0].record.sequence);
      CHECK(f.Available(kAlice) == Usdt("1"));
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("concurrent batches with the same ids credit once") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      constexpr int kIds = 60;
      TwoConnections two(url, &f.clock);
      two.RunBatches(
          /*threads=*/4, /*rounds=*/30, /*seed=*/0, [](std::mt19937& rng) {
            std::vector<Transfer> batch;
            for (int k = 0; k < 8; ++k) {
              const int id = static_cast<int>(rng() % kIds);
              batch.push_back(
                  Posted("c" + std::to_string(id), kClearing, kAlice, "1"));
            }
            return batch;
          });
      two.CheckCreatedOnce();
      const std::map<std::string, int>& created_count = two.created_count;
      ASSIGN_OR_REQUIRE(std::vector<TransferRecord> feed,
                        f.ledger->Feed(0, 10000));
      CHECK(feed.size() == created_count.size());
      CHECK(f.Available(kAlice) == Usdt(std::to_string(created_count.size())));
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("concurrent holds, posts, voids and spends never overdraw") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("fund", kClearing, kAlice, "50")));
      TwoConnections two(url, &f.clock);
      two.RunBatches(
          /*threads=*/4, /*rounds=*/60, /*seed=*/100,
          [](std::mt19937& rng) {
            std::vector<Transfer> batch;
            const int n = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < n; ++k) {
              const int id = static_cast<int>(rng() % 20);
              switch (rng() % 4) {
                case 0: {
                  Transfer h = Posted("h" + std::to_string(id), kAlice, kBob,
                                      std::to_string(1 + id % 7));
                  h.kind = TransferKind::kPending;
                  batch.push_back(h);
                  break;
                }
                case 1: {
                  Transfer p;
                  p.id = "p" + std::to_string(id);
                  p.kind = TransferKind::kPostPending;
                  p.pending_id = "h" + std::to_string(id);
                  batch.push_back(p);
                  break;
                }
                case 2: {
                  Transfer v;
                  v.id = "v" + std::to_string(id);
                  v.kind = TransferKind::kVoidPending;
                  v.pending_id = "h" + std::to_string(id);
                  batch.push_back(v);
                  break;
                }
                default:
                  batch.push_back(Posted("s" + std::to_string(id), kAlice, kBob,
                                         std::to_string(1 + id % 5)));
              }
            }
            return batch;
          },
          {absl::StatusCode::kFailedPrecondition, absl::StatusCode::kNotFound,
           absl::StatusCode::kAlreadyExists});
      two.CheckCreatedOnce();
      MESSAGE("created ", two.created_count.size());
      CHECK_FALSE(f.Available(kAlice).is_negative());
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("bad input is rejected with clear errors and changes nothing") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(
          f.ledger->CreateTransfer(Posted("in", kClearing, kAlice, "5")));
      Transfer t = Posted("bad", kClearing, kAlice, "1");
      t.amount = Usdt("0");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      t.amount = Usdt("-1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      // RUB has 2 decimals: 0.001 does not fit.
      Transfer rub = Posted("rub", {std::string(kDepositClearing), "RUB"},
                            {"alice", "RUB"}, "0");
      rub.amount = *Amount::Parse("0.001", 3);
      const absl::Status precise = f.ledger->CreateTransfer(rub).status();
      CHECK_STATUS_IS(precise, kInvalidArgument);
      CHECK(precise.message().find("0.001") != std::string_view::npos);
      rub.amount = *Amount::Parse("0.010", 3);  // exact at 2 decimals: fine
      CHECK_OK(f.ledger->CreateTransfer(rub));
      t = Posted("bad", kClearing, {"alice", "EUR"}, "1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      t = Posted("bad", kClearing, {"alice", "RUB"}, "1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      t = Posted("bad", kAlice, kAlice, "1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      t = Posted("", kClearing, kAlice, "1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kInvalidArgument);
      t = Posted("bad", {"nobody", "USDT"}, kAlice, "1");
      CHECK_STATUS_IS(f.ledger->CreateTransfer(t), kNotFound);
      CHECK_STATUS_IS(f.ledger->GetBalance({"alice", "EUR"}), kInvalidArgument);
      CHECK(f.Available(kAlice) == Usdt("5"));
      CHECK_STATUS_IS(f.ledger->GetTransfer("bad"), kNotFound);
      CHECK_OK(f.ledger->CheckInvariants());
    }
  }

  TEST_CASE("history pages and filters an account's transfers") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      for (int i = 0; i < 7; ++i) {
        REQUIRE_OK(f.ledger->CreateTransfer(
            Posted("in" + std::to_string(i), kClearing, kAlice, "1")));
        f.clock.Advance(absl::Seconds(1));
      }
      Transfer hold = Posted("hold", kAlice, kBob, "1");
      hold.kind = TransferKind::kPending;
      REQUIRE_OK(f.ledger->CreateTransfer(hold));
      HistoryQuery q;
      q.account = kAlice;
      q.limit = 3;
      std::vector<std::string> ids;
      for (;;) {
        ASSIGN_OR_REQUIRE(std::vector<TransferRecord> page,
                          f.ledger->History(q));
        if (page.empty()) break;
        for (const TransferRecord& r : page) ids.push_back(r.transfer.id);
        q.after_sequence = page.back().sequence;
      }
      CHECK(ids == std::vector<std::string>{"in0", "in1", "in2", "in3", "in4",
                                            "in5", "in6", "hold"});
      q.after_sequence = 0;
      q.limit = 100;
      q.kinds = {TransferKind::kPending};
      ASSIGN_OR_REQUIRE(std::vector<TransferRecord> pending,
                        f.ledger->History(q));
      REQUIRE(pending.size() == 1);
      CHECK(pending[0].transfer.id == "hold");
      q.kinds.clear();
      q.since = absl::FromUnixSeconds(1700000002);
      q.until = absl::FromUnixSeconds(1700000004);
      ASSIGN_OR_REQUIRE(std::vector<TransferRecord> window,
                        f.ledger->History(q));
      REQUIRE(window.size() == 2);
      CHECK(window[0].transfer.id == "in2");
      q.limit = 0;
      CHECK_STATUS_IS(f.ledger->History(q), kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace botcore
