// The signal journal on SQLite and PostgreSQL: recording, resolution rules,
// hand-computed statistics, idempotency and concurrent use.

#include "botcore/signals/signal_journal.h"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/adapters/storage.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::FreshDatabaseUrls;

absl::Time Day(int d) {
  return absl::FromUnixSeconds(1700000000) + absl::Hours(24 * d);
}

Candle Bar(int d, double o, double h, double l, double c) {
  return Candle{Day(d), o, h, l, c, 1000};
}

Signal MakeSignal(int d, Side side, double entry, double stop, double target) {
  Signal s;
  s.symbol = "TEST";
  s.timeframe = "1d";
  s.time = Day(d);
  s.side = side;
  s.entry = entry;
  s.stop_loss = stop;
  s.take_profit = target;
  s.confidence = 70;
  s.reasons = {"MACD crossed", "RSI 'low'; -- quoted"};
  return s;
}

struct Journal {
  std::unique_ptr<Database> db;
  std::unique_ptr<SignalJournal> journal;
};

Journal Open(const std::string& url, int expiry_bars) {
  Journal j;
  ASSIGN_OR_REQUIRE(j.db, OpenDatabase(url));
  SignalJournalOptions options;
  options.database = j.db.get();
  options.expiry_bars = expiry_bars;
  ASSIGN_OR_REQUIRE(j.journal, SignalJournal::Create(options));
  return j;
}

const std::vector<Candle> kFirstCandles = {
    Bar(1, 100, 101, 99, 100),  Bar(2, 100, 104.5, 99.5, 104),
    Bar(3, 104, 105, 96, 97),   Bar(4, 97, 98, 96.5, 97.5),
    Bar(5, 97.5, 98, 97, 97.8), Bar(6, 97.8, 98.2, 97.2, 98),
};

TEST_CASE("Create checks its options and registers the 'signals' schema") {
  SignalJournalOptions options;
  CHECK_STATUS_IS(SignalJournal::Create(options), kInvalidArgument);
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    ASSIGN_OR_REQUIRE(auto versions, j.db->SchemaVersions());
    CHECK(versions["signals"] == 1);
    options.database = j.db.get();
    options.expiry_bars = 0;
    CHECK_STATUS_IS(SignalJournal::Create(options), kInvalidArgument);
    options.expiry_bars = 5;
    CHECK_OK(SignalJournal::Create(options));  // migrating again is a no-op
  }
}

TEST_CASE("signals resolve by the documented rules; statistics by hand") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    SignalJournal& journal = *j.journal;
    // S1 take-profit on day 2 (+2R); S3 and S2 stop-loss on day 3 (S2's bar
    // touches both levels: a stop-loss); S4 expires after 3 bars at 98
    // (+0.5R); S5 still open after day 6.
    const Signal s1 = MakeSignal(1, Side::kBuy, 100, 98, 104);
    const Signal s2 = MakeSignal(3, Side::kSell, 104, 104.8, 100);
    const Signal s3 = MakeSignal(3, Side::kBuy, 104, 100, 110);
    const Signal s4 = MakeSignal(4, Side::kBuy, 97, 95, 101);
    const Signal s5 = MakeSignal(5, Side::kSell, 98, 99, 96);
    for (const Signal& s : {s1, s2, s3, s4, s5}) {
      ASSIGN_OR_REQUIRE(bool fresh, journal.Record(s));
      CHECK(fresh);
    }
    ASSIGN_OR_REQUIRE(auto resolved,
                      journal.Resolve("TEST", "1d", kFirstCandles));
    REQUIRE(resolved.size() == 4);
    CHECK(resolved[0].signal.id == SignalId(s1));
    CHECK(resolved[0].outcome == SignalOutcome::kTakeProfit);
    CHECK(resolved[0].exit_price == 104);
    CHECK(resolved[0].r_multiple == 2);
    CHECK(resolved[0].bars == 2);
    CHECK(resolved[0].resolved_at == Day(2));
    CHECK(resolved[1].signal.id ==
          SignalId(s3));  // same time: BUY id sorts first
    CHECK(resolved[1].outcome == SignalOutcome::kStopLoss);
    CHECK(resolved[1].r_multiple == -1);
    CHECK(resolved[2].signal.id == SignalId(s2));
    CHECK(resolved[2].outcome == SignalOutcome::kStopLoss);
    CHECK(resolved[2].exit_price == 104.8);
    CHECK(resolved[2].r_multiple == -1);
    CHECK(resolved[3].outcome == SignalOutcome::kExpired);
    CHECK(resolved[3].exit_price == 98);
    CHECK(resolved[3].r_multiple == 0.5);
    CHECK(resolved[3].bars == 3);
    CHECK(resolved[3].resolved_at == Day(6));

    ASSIGN_OR_REQUIRE(SignalStats st, journal.Stats("TEST", "1d"));
    CHECK(st.recorded == 5);
    CHECK(st.open == 1);
    CHECK(st.resolved == 4);
    CHECK(st.take_profits == 1);
    CHECK(st.stop_losses == 2);
    CHECK(st.expired == 1);
    CHECK(st.wins == 2);
    CHECK(st.losses == 2);
    CHECK(st.win_rate == 0.5);
    CHECK(st.average_r == 0.125);     // (2 - 1 - 1 + 0.5) / 4
    CHECK(st.profit_factor == 1.25);  // 2.5 / 2
    CHECK(st.longest_losing_streak == 2);
    const double expectancy = (4.0 + (100.0 - 104) / 104 * 100 +
                               -(104.8 - 104) / 104 * 100 + 1.0 / 97 * 100) /
                              4;
    CHECK(st.expectancy_percent == doctest::Approx(expectancy).epsilon(1e-12));

    // The same candles again change nothing; S5 has seen two bars.
    ASSIGN_OR_REQUIRE(auto again, journal.Resolve("TEST", "1d", kFirstCandles));
    CHECK(again.empty());
    ASSIGN_OR_REQUIRE(auto entries, journal.Entries("TEST", "1d"));
    REQUIRE(entries.size() == 5);
    CHECK(entries[4].outcome == SignalOutcome::kOpen);
    CHECK(entries[4].bars == 2);
    CHECK(std::isnan(entries[4].exit_price));
    CHECK(!entries[4].resolved_at.has_value());
    CHECK(entries[4].signal.reasons == s5.reasons);
    CHECK(entries[0].signal.entry == 100);
    CHECK(entries[0].signal.confidence == 70);

    // Day 7 touches S5's stop: a third loss in a row? No: S4 won in between.
    ASSIGN_OR_REQUIRE(
        auto last, journal.Resolve("TEST", "1d", {Bar(7, 98, 99.5, 97.9, 99)}));
    REQUIRE(last.size() == 1);
    CHECK(last[0].outcome == SignalOutcome::kStopLoss);
    CHECK(last[0].bars == 3);
    ASSIGN_OR_REQUIRE(st, journal.Stats("TEST", "1d"));
    CHECK(st.resolved == 5);
    CHECK(st.open == 0);
    CHECK(st.losses == 3);
    CHECK(st.average_r == doctest::Approx(-0.1).epsilon(1e-15));
    CHECK(st.profit_factor == 2.5 / 3);
    CHECK(st.longest_losing_streak == 2);

    // Another series is separate; AllStats lists both.
    Signal other = MakeSignal(1, Side::kBuy, 10, 9, 12);
    other.symbol = "OTHER";
    REQUIRE_OK(journal.Record(other));
    ASSIGN_OR_REQUIRE(auto all, journal.AllStats());
    REQUIRE(all.size() == 2);
    CHECK(all[0].symbol == "OTHER");
    CHECK(all[0].recorded == 1);
    CHECK(std::isnan(all[0].win_rate));
    CHECK(std::isnan(all[0].profit_factor));
    CHECK(all[1].symbol == "TEST");
    CHECK(all[1].resolved == 5);
    ASSIGN_OR_REQUIRE(SignalStats none, journal.Stats("NONE", "1h"));
    CHECK(none.recorded == 0);
  }
}

TEST_CASE("a profit factor with no losses is infinite") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    REQUIRE_OK(j.journal->Record(MakeSignal(1, Side::kBuy, 100, 98, 104)));
    REQUIRE_OK(j.journal->Resolve("TEST", "1d", kFirstCandles).status());
    ASSIGN_OR_REQUIRE(SignalStats st, j.journal->Stats("TEST", "1d"));
    CHECK(std::isinf(st.profit_factor));
    CHECK(st.win_rate == 1);
    CHECK(st.longest_losing_streak == 0);
  }
}

TEST_CASE("recording is idempotent by id; a changed signal is kAlreadyExists") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    const Signal s = MakeSignal(1, Side::kBuy, 100, 98, 104);
    ASSIGN_OR_REQUIRE(bool first, j.journal->Record(s));
    ASSIGN_OR_REQUIRE(bool second, j.journal->Record(s));
    CHECK(first);
    CHECK(!second);
    Signal changed = s;
    changed.take_profit = 105;
    CHECK_STATUS_IS(j.journal->Record(changed), kAlreadyExists);
    changed = s;
    changed.reasons.push_back("one more");
    CHECK_STATUS_IS(j.journal->Record(changed), kAlreadyExists);
    Signal named = s;
    named.id = "custom-id";
    ASSIGN_OR_REQUIRE(bool fresh, j.journal->Record(named));
    CHECK(fresh);
    ASSIGN_OR_REQUIRE(auto entries, j.journal->Entries("TEST", "1d"));
    CHECK(entries.size() == 2);
  }
}

TEST_CASE("bad signals and candles are kInvalidArgument and change nothing") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    Signal s = MakeSignal(1, Side::kBuy, 100, 101, 104);  // stop above a BUY
    absl::StatusOr<bool> r = j.journal->Record(s);
    CHECK_STATUS_IS(r, kInvalidArgument);
    CHECK(absl::StrContains(r.status().message(), "stop_loss 101"));
    s = MakeSignal(1, Side::kSell, 100, 101, 104);  // target above a SELL
    CHECK_STATUS_IS(j.journal->Record(s), kInvalidArgument);
    s = MakeSignal(1, Side::kBuy, 100, 98, 104);
    s.take_profit = std::nan("");
    CHECK_STATUS_IS(j.journal->Record(s), kInvalidArgument);
    s = MakeSignal(1, Side::kBuy, 100, 98, 104);
    s.confidence = 101;
    CHECK_STATUS_IS(j.journal->Record(s), kInvalidArgument);
    s.confidence = 50;
    s.symbol = "";
    CHECK_STATUS_IS(j.journal->Record(s), kInvalidArgument);

    REQUIRE_OK(j.journal->Record(MakeSignal(1, Side::kBuy, 100, 98, 104)));
    std::vector<Candle> unordered = {Bar(2, 100, 101, 99, 100),
                                     Bar(1, 100, 105, 99, 100)};
    CHECK_STATUS_IS(j.journal->Resolve("TEST", "1d", unordered),
                    kInvalidArgument);
    std::vector<Candle> inverted = {Bar(2, 100, 99, 101, 100)};
    CHECK_STATUS_IS(j.journal->Resolve("TEST", "1d", inverted),
                    kInvalidArgument);
    ASSIGN_OR_REQUIRE(auto entries, j.journal->Entries("TEST", "1d"));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].bars == 0);
  }
}

TEST_CASE("several threads record and resolve the same signals once") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    Journal j = Open(url, 3);
    std::vector<std::thread> threads;
    std::vector<int> fresh(4, 0);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int d = 0; d < 10; ++d) {
          absl::StatusOr<bool> r =
              j.journal->Record(MakeSignal(d, Side::kBuy, 100, 98, 104));
          if (r.ok() && *r) ++fresh[t];
          CHECK_OK(r);
        }
        CHECK_OK(j.journal->Resolve("TEST", "1d", kFirstCandles));
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(fresh[0] + fresh[1] + fresh[2] + fresh[3] == 10);
    ASSIGN_OR_REQUIRE(auto entries, j.journal->Entries("TEST", "1d"));
    REQUIRE(entries.size() == 10);
    for (const JournalEntry& e : entries) {
      CAPTURE(e.signal.id);
      CHECK(e.bars <= 6);
    }
    // Signal of day 1: TP on day 2 after 2 bars, whichever thread resolved it.
    CHECK(entries[1].outcome == SignalOutcome::kTakeProfit);
    CHECK(entries[1].bars == 2);
  }
}

}  // namespace
}  // namespace botcore
