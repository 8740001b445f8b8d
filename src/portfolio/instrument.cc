#include "botcore/portfolio/instrument.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

int64_t Pow10(int n) {
  int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The whole number of steps in `units` (at the step's scale), by `mode`.
absl::StatusOr<absl::int128> StepsIn(absl::int128 units, const Amount& step,
                                     RoundingMode mode) {
  absl::StatusOr<Amount> whole = Amount::FromUnits(units, 0);
  if (!whole.ok()) return whole.status();
  absl::StatusOr<Amount> steps =
      whole->DivideBy(static_cast<int64_t>(step.units()), mode);
  if (!steps.ok()) return steps.status();
  return steps->units();
}

}  // namespace

absl::Status ValidateInstrument(const Instrument& instrument) {
  if (instrument.symbol.empty()) {
    return absl::InvalidArgumentError("instrument: empty symbol");
  }
  if (instrument.lot_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", instrument.symbol, ": lot size ",
                     instrument.lot_size, " is below 1"));
  }
  if (!instrument.price_step.is_positive()) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", instrument.symbol, ": price step ",
                     instrument.price_step.ToString(), " is not positive"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Instrument> MakeInstrument(std::string_view symbol,
                                          int64_t lot_size,
                                          std::string_view price_step) {
  Instrument instrument;
  instrument.symbol = std::string(symbol);
  instrument.lot_size = lot_size;
  // The step's own decimals are its scale: "0.01" -> 2, "0.5" -> 1.
  const size_t dot = price_step.find('.');
  const int scale = dot == std::string_view::npos
                        ? 0
                        : static_cast<int>(price_step.size() - dot - 1);
  absl::StatusOr<Amount> step = Amount::Parse(price_step, scale);
  if (!step.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", ToAbsl(symbol), ": price step \"",
                     ToAbsl(price_step), "\" is not a decimal"));
  }
  instrument.price_step = *step;
  if (absl::Status s = ValidateInstrument(instrument); !s.ok()) return s;
  return instrument;
}

absl::StatusOr<Amount> PriceOnStep(const Instrument& instrument, double price,
                                   RoundingMode mode) {
  if (!std::isfinite(price) || price < 0 || price > 1e15) {
    return absl::InvalidArgumentError(
        absl::StrCat(instrument.symbol, ": price ", price,
                     " is not a finite price in 0..1e15"));
  }
  const int scale = instrument.price_step.scale();
  const double scaled = price * static_cast<double>(Pow10(scale));
  const double nearest = std::nearbyint(scaled);
  absl::int128 units;
  if (std::fabs(scaled - nearest) <= 1e-9 * std::max(1.0, std::fabs(scaled))) {
    units = static_cast<int64_t>(nearest);
  } else {
    // Not on the decimal grid: round the double itself by `mode` to whole
    // units of 10^-scale, then to the step below.
    double r = 0;
    switch (mode) {
      case RoundingMode::kFloor:
        r = std::floor(scaled);
        break;
      case RoundingMode::kCeiling:
      case RoundingMode::kAwayFromZero:
        r = std::ceil(scaled);
        break;
      case RoundingMode::kTowardZero:
        r = std::trunc(scaled);
        break;
      case RoundingMode::kHalfAwayFromZero:
        r = std::round(scaled);
        break;
      case RoundingMode::kHalfEven:
        r = nearest;  // nearbyint rounds ties to even
        break;
    }
    units = static_cast<int64_t>(r);
  }
  const auto step = static_cast<int64_t>(instrument.price_step.units());
  // Prices are below 1e15 * 10^scale; 64-bit arithmetic is exact up to 18
  // digits, so it serves the usual scales without 128-bit division.
  if (units < absl::int128(int64_t{1} << 62) &&
      static_cast<int64_t>(units) % step == 0) {
    return Amount::FromUnits(units, scale);
  }
  absl::StatusOr<absl::int128> steps =
      StepsIn(units, instrument.price_step, mode);
  if (!steps.ok()) return steps.status();
  return Amount::FromUnits(*steps * step, scale);
}

absl::StatusOr<Amount> RoundToStep(const Instrument& instrument,
                                   const Amount& price, RoundingMode mode) {
  const Amount& step = instrument.price_step;
  const int scale = std::max(step.scale(), price.scale());
  absl::StatusOr<Amount> p = price.Rescale(scale, RoundingMode::kHalfEven);
  if (!p.ok()) return p.status();
  absl::StatusOr<Amount> s = step.Rescale(scale, RoundingMode::kHalfEven);
  if (!s.ok()) return s.status();
  absl::StatusOr<absl::int128> steps = StepsIn(p->units(), *s, mode);
  if (!steps.ok()) return steps.status();
  return Amount::FromUnits(*steps * step.units(), step.scale());
}

absl::Status CheckPriceOnStep(const Instrument& instrument,
                              const Amount& price) {
  const Amount& step = instrument.price_step;
  bool on_step = price.is_positive();
  if (on_step) {
    // Compare at the finer scale without rescaling through Amount.
    absl::int128 p = price.units();
    absl::int128 s = step.units();
    for (int i = price.scale(); i < step.scale(); ++i) p *= 10;
    for (int i = step.scale(); i < price.scale(); ++i) s *= 10;
    on_step = p % s == 0;
  }
  if (!on_step) {
    return absl::InvalidArgumentError(
        absl::StrCat(instrument.symbol, ": price ", price.ToString(),
                     " is not a positive price on the step ", step.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace botcore
