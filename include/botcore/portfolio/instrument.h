// File: botcore/portfolio/instrument.h
//
// An Instrument says how an exchange trades a symbol: in whole lots of
// `lot_size` shares, at prices on a grid of `price_step`. MOEX publishes both
// (market data); configuration may set them too.
//
//   absl::StatusOr<Instrument> gazp = MakeInstrument("GAZP", 10, "0.01");
//   absl::StatusOr<Amount> price =
//       PriceOnStep(*gazp, 144.4, RoundingMode::kHalfEven);   // "144.40"
//
// Strategies and indicators speak double; the portfolio speaks Amount.
// PriceOnStep is the one place a double price becomes money.
//
// Thread safety: Instrument is a value type.

#ifndef BOTCORE_PORTFOLIO_INSTRUMENT_H_
#define BOTCORE_PORTFOLIO_INSTRUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "botcore/core/amount.h"

namespace botcore {

struct Instrument {
  std::string symbol;  // e.g. "GAZP"
  // Shares per lot; orders are whole lots. Default: 1.
  int64_t lot_size = 1;
  // The price grid, e.g. 0.01 at scale 2. Its scale is the instrument's
  // price scale. Default: 0 (invalid; set it).
  Amount price_step;
};

// Returns an instrument after checking it: a non-empty symbol, lot_size >= 1,
// a positive price step given as decimal text ("0.01", "0.5").
// Errors: kInvalidArgument naming the bad field and value.
[[nodiscard]] absl::StatusOr<Instrument> MakeInstrument(
    std::string_view symbol, int64_t lot_size, std::string_view price_step);

// The same checks on an instrument built by hand. Errors as MakeInstrument.
[[nodiscard]] absl::Status ValidateInstrument(const Instrument& instrument);

// Converts a double price to an Amount on the instrument's price grid, at the
// price step's scale, rounding to a multiple of the step by `mode`. A double
// within 1e-9 (relative) of a decimal at the step's scale is taken as that
// decimal first, so 144.4 (stored as 144.400000000000005...) is exactly
// "144.40" under every mode.
// Errors: kInvalidArgument for a non-finite, negative or absurdly large
// (above 1e15) price.
[[nodiscard]] absl::StatusOr<Amount> PriceOnStep(const Instrument& instrument,
                                                 double price,
                                                 RoundingMode mode);

// OK when `price` is positive and a whole multiple of the price step.
// Errors: kInvalidArgument naming the price and the step.
[[nodiscard]] absl::Status CheckPriceOnStep(const Instrument& instrument,
                                            const Amount& price);

// Rounds an exact price to a multiple of the step by `mode`, at the step's
// scale. Errors: kInvalidArgument when `price` has more decimals than
// Amount::kMaxScale allows after rescaling; kOutOfRange on overflow.
[[nodiscard]] absl::StatusOr<Amount> RoundToStep(const Instrument& instrument,
                                                 const Amount& price,
                                                 RoundingMode mode);

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_INSTRUMENT_H_
