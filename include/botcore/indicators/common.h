// File: botcore/indicators/common.h
//
// What every technical indicator in botcore/indicators/ shares: the moving
// average types, TA-Lib's compatibility settings and the conventions below.
// Include botcore/indicators/indicators.h for all of them.
//
//   std::vector<double> close = ...;
//   absl::StatusOr<std::vector<double>> rsi = botcore::ta::Rsi(close, 14);
//
// Conventions (they hold for every function of this folder):
//
// * The values are those of TA-Lib 0.6.4 called over the full range
//   (startIdx = 0): the same lookbacks, seeds, Wilder smoothing, zero
//   thresholds and floating-point operation order, so most indicators are
//   bit-identical to TA-Lib's.
// * Batch functions come in two forms. `Xxx(inputs..., params..., outputs...)`
//   writes into caller-owned spans of the input length and allocates nothing;
//   `Xxx(inputs..., params...)` returns new vectors. Output i is the value at
//   bar i; the first `XxxLookback(params)` bars are NaN (TA-Lib's outBegIdx).
//   Outputs must not overlap the inputs unless a comment says so.
// * `XxxLookback(params)` returns the index of the first non-NaN output, or -1
//   when a parameter is out of range.
// * Errors (batch): kInvalidArgument, naming the indicator, the parameter and
//   the value, for empty input, a period outside TA-Lib's range or longer than
//   the input, inputs or outputs of different lengths, a high below its low, or
//   a NaN or infinite input, a negative volume. After a parameter or length
//   error nothing is written; after a bad value every output is NaN (values
//   are checked block by block as they are computed, while in cache). When
//   the input is not longer than the lookback, every output is NaN (as TA-Lib
//   returns nothing).
// * Streaming indicators (`StreamingXxx`) take one bar per Update() in O(1)
//   (amortized for the rolling maximum/minimum of STOCH, STOCHRSI, WILLR and
//   AROON, but STOCH scans windows of up to 16 bars whole; StreamingCci:
//   O(timeperiod), oscillators.h says why no O(1) form can be bit-exact) with
//   no allocation after Create(); the value Update() returns at bar i is
//   bit-identical to the batch output i over the same bars from the first one.
//   A bar holding NaN or infinity (or a high below its low) is rejected: the
//   state is unchanged and Update() returns NaN (every field NaN). Streaming
//   objects are copyable values; they are thread-compatible.
// * Batch functions are thread-safe (they keep no state).
// * Names in botcore::ta::internal (internal/cores.h) are not part of the
//   API.

#ifndef BOTCORE_INDICATORS_COMMON_H_
#define BOTCORE_INDICATORS_COMMON_H_

#include <string_view>

namespace botcore::ta {

// TA-Lib's TA_MAType numbering (the `matype` of BBANDS, STOCH, STOCHRSI).
// botcore implements kSma and kEma; the others are rejected with
// kInvalidArgument naming the value.
enum class MAType {
  kSma = 0,
  kEma = 1,
  kWma = 2,
  kDema = 3,
  kTema = 4,
  kTrima = 5,
  kKama = 6,
  kMama = 7,
  kT3 = 8,
};

// "SMA", "EMA", ... ; "unknown MAType" for a value outside the enum.
std::string_view MATypeName(MAType type);

// TA-Lib's TA_SetCompatibility.
enum class Compatibility {
  kDefault = 0,    // EMA seeded with the SMA of the first `period` values
  kMetastock = 1,  // EMA seeded with the first value; RSI one bar earlier
};

// TA-Lib's global settings, passed per call here. Only EMA and RSI (batch and
// streaming) take them; every other indicator behaves as TA-Lib's defaults.
struct TaSettings {
  // TA_SetUnstablePeriod for this function: that many more leading outputs
  // are NaN; the values after them do not change. Must be >= 0. Default: 0.
  int unstable_period = 0;
  // TA_SetCompatibility. Default: Compatibility::kDefault.
  Compatibility compatibility = Compatibility::kDefault;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_COMMON_H_
