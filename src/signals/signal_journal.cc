#include "botcore/signals/signal_journal.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/schema.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr Migration kSignalsMigrations[] = {
    {1, "signal_journal: recorded signals, their reasons and outcomes",
     "CREATE TABLE signal_journal ("
     " id TEXT PRIMARY KEY,"
     " symbol TEXT NOT NULL,"
     " timeframe TEXT NOT NULL,"
     " signal_micros BIGINT NOT NULL,"
     " side TEXT NOT NULL,"
     " entry DOUBLE PRECISION NOT NULL,"
     " take_profit DOUBLE PRECISION NOT NULL,"
     " stop_loss DOUBLE PRECISION NOT NULL,"
     " confidence BIGINT NOT NULL,"
     " outcome TEXT NOT NULL,"
     " bars BIGINT NOT NULL,"
     " last_bar_micros BIGINT,"
     " resolved_micros BIGINT,"
     " exit_price DOUBLE PRECISION,"
     " r_multiple DOUBLE PRECISION,"
     " return_percent DOUBLE PRECISION);"
     "CREATE INDEX signal_journal_series"
     " ON signal_journal (symbol, timeframe, signal_micros);"
     "CREATE TABLE signal_journal_reasons ("
     " signal_id TEXT NOT NULL REFERENCES signal_journal (id),"
     " position BIGINT NOT NULL,"
     " reason TEXT NOT NULL,"
     " PRIMARY KEY (signal_id, position))"},
};

constexpr std::string_view kEntryColumns =
    "id, symbol, timeframe, signal_micros, side, entry, take_profit,"
    " stop_loss, confidence, outcome, bars, resolved_micros, exit_price,"
    " r_multiple, return_percent, last_bar_micros";

absl::StatusOr<SignalOutcome> ParseOutcome(const std::string& text) {
  for (SignalOutcome o : {SignalOutcome::kOpen, SignalOutcome::kTakeProfit,
                          SignalOutcome::kStopLoss, SignalOutcome::kExpired}) {
    if (text == SignalOutcomeName(o)) return o;
  }
  return absl::InternalError(
      absl::StrCat("signal_journal holds an unknown outcome '", text, "'"));
}

double NullableDouble(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return kNaN;
  absl::StatusOr<double> v = row.Double(i);
  return v.ok() ? *v : kNaN;
}

// An entry and the bookkeeping Resolve needs.
struct StoredEntry {
  JournalEntry entry;
  std::optional<int64_t> last_bar_micros;
};

absl::StatusOr<StoredEntry> ParseEntry(const SqlRow& row) {
  StoredEntry stored;
  JournalEntry& e = stored.entry;
  Signal& s = e.signal;
  BOTCORE_ASSIGN_OR_RETURN(s.id, row.Text(0));
  BOTCORE_ASSIGN_OR_RETURN(s.symbol, row.Text(1));
  BOTCORE_ASSIGN_OR_RETURN(s.timeframe, row.Text(2));
  BOTCORE_ASSIGN_OR_RETURN(const int64_t micros, row.Int64(3));
  s.time = absl::FromUnixMicros(micros);
  const absl::StatusOr<std::string> side = row.Text(4);
  if (!side.ok()) return side.status();
  s.side = *side == "SELL" ? Side::kSell : Side::kBuy;
  BOTCORE_ASSIGN_OR_RETURN(s.entry, row.Double(5));
  BOTCORE_ASSIGN_OR_RETURN(s.take_profit, row.Double(6));
  BOTCORE_ASSIGN_OR_RETURN(s.stop_loss, row.Double(7));
  BOTCORE_ASSIGN_OR_RETURN(const int64_t confidence, row.Int64(8));
  s.confidence = static_cast<int>(confidence);
  const absl::StatusOr<std::string> outcome = row.Text(9);
  if (!outcome.ok()) return outcome.status();
  BOTCORE_ASSIGN_OR_RETURN(e.outcome, ParseOutcome(*outcome));
  BOTCORE_ASSIGN_OR_RETURN(const int64_t bars, row.Int64(10));
  e.bars = static_cast<int>(bars);
  if (!row.IsNull(11)) {
    BOTCORE_ASSIGN_OR_RETURN(const int64_t resolved, row.Int64(11));
    e.resolved_at = absl::FromUnixMicros(resolved);
  }
  e.exit_price = NullableDouble(row, 12);
  e.r_multiple = NullableDouble(row, 13);
  e.return_percent = NullableDouble(row, 14);
  if (!row.IsNull(15)) {
    BOTCORE_ASSIGN_OR_RETURN(stored.last_bar_micros, row.Int64(15));
  }
  return stored;
}

// The entries of one series (or of all when `symbol` is null), in signal
// time order, with their reasons.
absl::StatusOr<std::vector<StoredEntry>> LoadEntries(
    SqlTransaction& tx, const std::string_view* symbol,
    std::string_view timeframe, bool open_only) {
  std::string where = " WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (symbol != nullptr) {
    where += " AND symbol = ? AND timeframe = ?";
    params = {*symbol, timeframe};
  }
  if (open_only) where += " AND outcome = 'open'";
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      tx.Query(
          absl::StrCat("SELECT ", ToAbsl(kEntryColumns), " FROM signal_journal",
                       where, " ORDER BY signal_micros, id"),
          params));
  std::vector<StoredEntry> entries;
  entries.reserve(rows.size());
  std::map<std::string, size_t> by_id;
  for (const SqlRow& row : rows) {
    BOTCORE_ASSIGN_OR_RETURN(StoredEntry e, ParseEntry(row));
    by_id[e.entry.signal.id] = entries.size();
    entries.push_back(std::move(e));
  }
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> reasons,
      tx.Query(absl::StrCat("SELECT r.signal_id, r.reason"
                            " FROM signal_journal_reasons r"
                            " JOIN signal_journal ON signal_journal.id = "
                            "r.signal_id",
                            where, " ORDER BY r.signal_id, r.position"),
               params));
  for (const SqlRow& row : reasons) {
    BOTCORE_ASSIGN_OR_RETURN(const std::string id, row.Text(0));
    BOTCORE_ASSIGN_OR_RETURN(std::string reason, row.Text(1));
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      entries[it->second].entry.signal.reasons.push_back(std::move(reason));
    }
  }
  return entries;
}

absl::Status CheckSignal(const Signal& s) {
  auto bad = [&](auto&&... parts) {
    return absl::InvalidArgumentError(
        absl::StrCat("signal ", SignalId(s), ": ", parts...));
  };
  if (s.symbol.empty()) return bad("symbol is empty");
  if (s.timeframe.empty()) return bad("timeframe is empty");
  if (!std::isfinite(s.entry) || s.entry <= 0) {
    return bad("entry must be finite and > 0, got ", s.entry);
  }
  const bool buy = s.side == Side::kBuy;
  if (!std::isfinite(s.stop_loss) ||
      (buy ? !(s.stop_loss < s.entry) : !(s.stop_loss > s.entry))) {
    return bad("stop_loss ", s.stop_loss, " must be ", buy ? "below" : "above",
               " the entry ", s.entry, " of a ", ToAbsl(SideName(s.side)));
  }
  if (!std::isfinite(s.take_profit) ||
      (buy ? !(s.take_profit > s.entry) : !(s.take_profit < s.entry))) {
    return bad("take_profit ", s.take_profit, " must be ",
               buy ? "above" : "below", " the entry ", s.entry, " of a ",
               ToAbsl(SideName(s.side)));
  }
  if (s.confidence < 0 || s.confidence > 100) {
    return bad("confidence must be in 0..100, got ", s.confidence);
  }
  for (size_t i = 0; i < s.reasons.size(); ++i) {
    if (s.reasons[i].find('\0') != std::string::npos) {
      return bad("reasons[", i, "] contains a NUL character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCandles(absl::Span<const Candle> candles) {
  for (size_t i = 0; i < candles.size(); ++i) {
    const Candle& c = candles[i];
    if (!std::isfinite(c.open) || !std::isfinite(c.high) ||
        !std::isfinite(c.low) || !std::isfinite(c.close)) {
      return absl::InvalidArgumentError(
          absl::StrCat("candle ", i, " at ", FormatIsoTime(c.time),
                       " has a non-finite price"));
    }
    if (c.high < c.low) {
      return absl::InvalidArgumentError(
          absl::StrCat("candle ", i, " at ", FormatIsoTime(c.time), ": high ",
                       c.high, " is below low ", c.low));
    }
    if (i > 0 && !(c.time > candles[i - 1].time)) {
      return absl::InvalidArgumentError(
          absl::StrCat("candle ", i, " at ", FormatIsoTime(c.time),
                       " is not after the previous one at ",
                       FormatIsoTime(candles[i - 1].time)));
    }
  }
  return absl::OkStatus();
}

bool SameContent(const Signal& a, const Signal& b) {
  return a.symbol == b.symbol && a.timeframe == b.timeframe &&
         a.time == b.time && a.side == b.side && a.entry == b.entry &&
         a.take_profit == b.take_profit && a.stop_loss == b.stop_loss &&
         a.confidence == b.confidence && a.reasons == b.reasons;
}

// Closes `e` at `exit` on the candle opening at `when`.
void Close(JournalEntry& e, SignalOutcome outcome, double exit,
           absl::Time when) {
  const Signal& s = e.signal;
  const double sign = s.side == Side::kBuy ? 1.0 : -1.0;
  e.outcome = outcome;
  e.resolved_at = when;
  e.exit_price = exit;
  e.r_multiple = sign * (exit - s.entry) / std::fabs(s.entry - s.stop_loss);
  e.return_percent = sign * (exit - s.entry) / s.entry * 100;
}

// Walks `candles` for one open entry; returns whether anything changed.
bool Advance(StoredEntry& stored, absl::Span<const Candle> candles,
             int expiry_bars) {
  JournalEntry& e = stored.entry;
  const Signal& s = e.signal;
  const int64_t signal_micros = absl::ToUnixMicros(s.time);
  bool changed = false;
  for (const Candle& c : candles) {
    const int64_t t = absl::ToUnixMicros(c.time);
    if (t < signal_micros) continue;
    if (stored.last_bar_micros && t <= *stored.last_bar_micros) continue;
    stored.last_bar_micros = t;
    ++e.bars;
    changed = true;
    const bool buy = s.side == Side::kBuy;
    const bool stop = buy ? c.low <= s.stop_loss : c.high >= s.stop_loss;
    const bool target = buy ? c.high >= s.take_profit : c.low <= s.take_profit;
    if (stop) {
      Close(e, SignalOutcome::kStopLoss, s.stop_loss, c.time);
    } else if (target) {
      Close(e, SignalOutcome::kTakeProfit, s.take_profit, c.time);
    } else if (e.bars >= expiry_bars) {
      Close(e, SignalOutcome::kExpired, c.close, c.time);
    }
    if (e.outcome != SignalOutcome::kOpen) break;
  }
  return changed;
}

SignalStats ComputeStats(std::string_view symbol, std::string_view timeframe,
                         const std::vector<const JournalEntry*>& entries) {
  SignalStats st;
  st.symbol = std::string(symbol);
  st.timeframe = std::string(timeframe);
  double sum_r = 0, won_r = 0, lost_r = 0, sum_return = 0;
  int64_t streak = 0;
  for (const JournalEntry* e : entries) {
    ++st.recorded;
    switch (e->outcome) {
      case SignalOutcome::kOpen:
        ++st.open;
        continue;
      case SignalOutcome::kTakeProfit:
        ++st.take_profits;
        break;
      case SignalOutcome::kStopLoss:
        ++st.stop_losses;
        break;
      case SignalOutcome::kExpired:
        ++st.expired;
        break;
    }
    ++st.resolved;
    sum_r += e->r_multiple;
    sum_return += e->return_percent;
    if (e->r_multiple > 0) {
      ++st.wins;
      won_r += e->r_multiple;
      streak = 0;
    } else if (e->r_multiple < 0) {
      ++st.losses;
      lost_r -= e->r_multiple;
      st.longest_losing_streak = std::max(st.longest_losing_streak, ++streak);
    } else {
      streak = 0;
    }
  }
  const double n = static_cast<double>(st.resolved);
  st.win_rate = st.resolved > 0 ? static_cast<double>(st.wins) / n : kNaN;
  st.average_r = st.resolved > 0 ? sum_r / n : kNaN;
  st.expectancy_percent = st.resolved > 0 ? sum_return / n : kNaN;
  if (st.losses > 0) {
    st.profit_factor = won_r / lost_r;
  } else {
    st.profit_factor =
        st.wins > 0 ? std::numeric_limits<double>::infinity() : kNaN;
  }
  return st;
}

}  // namespace

namespace internal {
ComponentSchema SignalsSchema() { return {"signals", kSignalsMigrations}; }
}  // namespace internal

std::string_view SignalOutcomeName(SignalOutcome outcome) {
  switch (outcome) {
    case SignalOutcome::kOpen:
      return "open";
    case SignalOutcome::kTakeProfit:
      return "take_profit";
    case SignalOutcome::kStopLoss:
      return "stop_loss";
    case SignalOutcome::kExpired:
      return "expired";
  }
  return "open";
}

SignalJournal::SignalJournal(const SignalJournalOptions& options)
    : options_(options) {}

absl::StatusOr<std::unique_ptr<SignalJournal>> SignalJournal::Create(
    const SignalJournalOptions& options) {
  if (options.database == nullptr) {
    return absl::InvalidArgumentError("SignalJournalOptions.database is null");
  }
  if (options.expiry_bars < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("SignalJournalOptions.expiry_bars must be >= 1, got ",
                     options.expiry_bars));
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::SignalsSchema()));
  return std::unique_ptr<SignalJournal>(new SignalJournal(options));
}

absl::StatusOr<bool> SignalJournal::Record(const Signal& signal) {
  BOTCORE_RETURN_IF_ERROR(CheckSignal(signal));
  Signal s = signal;
  s.id = SignalId(signal);
  bool inserted = false;
  BOTCORE_RETURN_IF_ERROR(
      options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        inserted = false;
        BOTCORE_ASSIGN_OR_RETURN(
            const int64_t changed,
            tx.Execute("INSERT INTO signal_journal (id, symbol, timeframe,"
                       " signal_micros, side, entry, take_profit, stop_loss,"
                       " confidence, outcome, bars)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 0)"
                       " ON CONFLICT (id) DO NOTHING",
                       {s.id, s.symbol, s.timeframe, absl::ToUnixMicros(s.time),
                        SideName(s.side), s.entry, s.take_profit, s.stop_loss,
                        s.confidence}));
        if (changed == 0) {
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query(absl::StrCat("SELECT ", ToAbsl(kEntryColumns),
                                    " FROM signal_journal WHERE id = ?"),
                       {s.id}));
          if (rows.empty()) {
            return absl::InternalError(
                absl::StrCat("signal ", s.id, " neither inserted nor found"));
          }
          BOTCORE_ASSIGN_OR_RETURN(StoredEntry stored, ParseEntry(rows[0]));
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> reasons,
              tx.Query("SELECT reason FROM signal_journal_reasons"
                       " WHERE signal_id = ? ORDER BY position",
                       {s.id}));
          for (const SqlRow& r : reasons) {
            BOTCORE_ASSIGN_OR_RETURN(std::string reason, r.Text(0));
            stored.entry.signal.reasons.push_back(std::move(reason));
          }
          if (!SameContent(stored.entry.signal, s)) {
            return absl::AlreadyExistsError(
                absl::StrCat("signal ", s.id,
                             " is already recorded with different content"));
          }
          return absl::OkStatus();
        }
        for (size_t i = 0; i < s.reasons.size(); ++i) {
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO signal_journal_reasons"
                         " (signal_id, position, reason) VALUES (?, ?, ?)",
                         {s.id, static_cast<int64_t>(i), s.reasons[i]})
                  .status());
        }
        inserted = true;
        return absl::OkStatus();
      }));
  return inserted;
}

absl::StatusOr<std::vector<JournalEntry>> SignalJournal::Resolve(
    std::string_view symbol, std::string_view timeframe,
    absl::Span<const Candle> candles) {
  BOTCORE_RETURN_IF_ERROR(CheckCandles(candles));
  std::vector<JournalEntry> resolved;
  if (candles.empty()) return resolved;
  BOTCORE_RETURN_IF_ERROR(
      options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        resolved.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<StoredEntry> open,
            LoadEntries(tx, &symbol, timeframe, /*open_only=*/true));
        for (StoredEntry& stored : open) {
          if (!Advance(stored, candles, options_.expiry_bars)) continue;
          const JournalEntry& e = stored.entry;
          const bool done = e.outcome != SignalOutcome::kOpen;
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("UPDATE signal_journal SET outcome = ?, bars = ?,"
                         " last_bar_micros = ?, resolved_micros = ?,"
                         " exit_price = ?, r_multiple = ?, return_percent = ?"
                         " WHERE id = ?",
                         {SignalOutcomeName(e.outcome), e.bars,
                          *stored.last_bar_micros,
                          done ? SqlValue(absl::ToUnixMicros(*e.resolved_at))
                               : SqlValue(),
                          done ? SqlValue(e.exit_price) : SqlValue(),
                          done ? SqlValue(e.r_multiple) : SqlValue(),
                          done ? SqlValue(e.return_percent) : SqlValue(),
                          e.signal.id})
                  .status());
          if (done) resolved.push_back(e);
        }
        return absl::OkStatus();
      }));
  return resolved;
}

absl::StatusOr<std::vector<JournalEntry>> SignalJournal::Entries(
    std::string_view symbol, std::string_view timeframe) {
  std::vector<JournalEntry> entries;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        entries.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<StoredEntry> stored,
            LoadEntries(tx, &symbol, timeframe, /*open_only=*/false));
        for (StoredEntry& s : stored) entries.push_back(std::move(s.entry));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return entries;
}

absl::StatusOr<SignalStats> SignalJournal::Stats(std::string_view symbol,
                                                 std::string_view timeframe) {
  BOTCORE_ASSIGN_OR_RETURN(std::vector<JournalEntry> entries,
                           Entries(symbol, timeframe));
  std::vector<const JournalEntry*> all;
  for (const JournalEntry& e : entries) all.push_back(&e);
  return ComputeStats(symbol, timeframe, all);
}

absl::StatusOr<std::vector<SignalStats>> SignalJournal::AllStats() {
  std::vector<StoredEntry> stored;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(
            stored, LoadEntries(tx, nullptr, "", /*open_only=*/false));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  std::map<std::pair<std::string, std::string>,
           std::vector<const JournalEntry*>>
      series;
  for (const StoredEntry& s : stored) {
    series[{s.entry.signal.symbol, s.entry.signal.timeframe}].push_back(
        &s.entry);
  }
  std::vector<SignalStats> stats;
  for (const auto& [key, entries] : series) {
    stats.push_back(ComputeStats(key.first, key.second, entries));
  }
  return stats;
}

}  // namespace botcore
