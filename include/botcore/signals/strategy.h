// File: botcore/signals/strategy.h
//
// A Strategy turns bars into trading signals. It is fed one bar at a time, in
// time order, and answers at each bar's close; the same object drives the live
// bot and the backtester, so the two cannot disagree.
//
//   std::unique_ptr<Strategy> strategy = ...;
//   for (const Candle& bar : bars) {
//     absl::StatusOr<std::optional<Signal>> signal = strategy->OnBar(bar);
//     if (!signal.ok()) return signal.status();
//     if (*signal) journal.Record(**signal);
//   }
//
// Thread safety: a Strategy holds the state of one series; it is
// thread-compatible (one thread at a time).

#ifndef BOTCORE_SIGNALS_STRATEGY_H_
#define BOTCORE_SIGNALS_STRATEGY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/candle.h"

namespace botcore {

enum class Side { kBuy, kSell };

// "BUY" or "SELL".
std::string_view SideName(Side side);

struct Signal {
  std::string symbol;     // e.g. "GAZP", "BTCUSDT"
  std::string timeframe;  // e.g. "1d", "1h"
  absl::Time time;        // the close of the bar that produced it
  Side side = Side::kBuy;
  double entry = 0;
  // Levels the trade should exit at; NaN when the strategy sets none.
  double take_profit = 0;
  double stop_loss = 0;
  int confidence = 0;                // 0..100
  std::vector<std::string> reasons;  // why, for people: "MACD crossed up", ...
  // A stable identifier that makes recording idempotent (SignalJournal).
  // Empty means "derive it": SignalId() below.
  std::string id;
};

// `signal.id` when set, otherwise "<symbol>/<timeframe>/<time as Unix
// microseconds>/<BUY|SELL>": the same bar and side of the same series always
// give the same id, so replaying a strategy records nothing twice.
std::string SignalId(const Signal& signal);

class Strategy {
 public:
  virtual ~Strategy() = default;

  // A short stable name, e.g. "sma_cross".
  virtual std::string_view name() const = 0;

  // Feeds the next bar; its time must be after the previous bar's. Returns a
  // signal when the strategy has one at this bar's close, std::nullopt
  // otherwise.
  // Errors: kInvalidArgument for a bar out of time order or with non-finite
  // prices; the strategy's state is then unchanged.
  [[nodiscard]] virtual absl::StatusOr<std::optional<Signal>> OnBar(
      const Candle& bar) = 0;

  // Forgets every bar seen, as if newly constructed.
  virtual void Reset() = 0;
};

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_STRATEGY_H_
