// File: botcore/core/amount.h
//
// Amount is an exact fixed-point decimal: a signed 128-bit count of units and a
// scale of 0..18 decimal places. Money in botcore (cash, balances, fees,
// rewards, prices in the ledger and portfolio) is always an Amount, never a
// double. USDT on BNB Smart Chain has 18 decimals, so one token is 10^18 units
// and balances routinely pass 2^64 units; the 128-bit range holds about
// 1.7e20 tokens at that scale.
//
// Every operation that could lose information says so: arithmetic returns a
// StatusOr and fails on overflow or on mixed scales; anything that drops digits
// takes an explicit RoundingMode.
//
// Example:
//
//   absl::StatusOr<Amount> price = Amount::Parse("227.35", 2);   // RUB, kopecks
//   absl::StatusOr<Amount> cost = price->MultiplyBy(10);          // "2273.50"
//   absl::StatusOr<Amount> rate = Amount::Parse("0.0005", 4);     // 5 bp
//   absl::StatusOr<Amount> fee =
//       cost->MultiplyByRate(*rate, RoundingMode::kHalfEven);     // "1.14"
//
// Thread safety: Amount is an immutable value type; share it freely.

#ifndef BOTCORE_CORE_AMOUNT_H_
#define BOTCORE_CORE_AMOUNT_H_

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"

namespace botcore {

// How to drop digits that do not fit the target scale.
enum class RoundingMode {
  kHalfEven,          // to nearest, ties to the even neighbour (banker's)
  kHalfAwayFromZero,  // to nearest, ties away from zero (school rounding)
  kTowardZero,        // truncate
  kAwayFromZero,      // any non-zero remainder moves away from zero
  kFloor,             // toward negative infinity
  kCeiling,           // toward positive infinity
};

// Returns the enumerator's name without the leading k, e.g. "HalfEven".
std::string_view RoundingModeName(RoundingMode mode);

class Amount {
 public:
  // The largest supported scale: 18 decimal places (ERC-20 tokens such as USDT).
  static constexpr int kMaxScale = 18;

  // Zero with scale 0.
  constexpr Amount() = default;

  // Returns `units` / 10^scale.
  // Errors: kInvalidArgument if scale is outside 0..kMaxScale.
  [[nodiscard]] static absl::StatusOr<Amount> FromUnits(absl::int128 units,
                                                        int scale);

  // Returns zero at `scale`. REQUIRES: 0 <= scale <= kMaxScale.
  [[nodiscard]] static Amount Zero(int scale);

  // Parses a plain decimal string: an optional '-', one or more digits, and
  // optionally '.' followed by one to `scale` digits ("12", "-0.5", "1.25").
  // Nothing else is accepted: no spaces, signs other than one leading '-',
  // exponents, thousands separators or a bare "." / ".5" / "5.".
  // Errors: kInvalidArgument naming the input when it is malformed, has more
  // fractional digits than `scale`, does not fit in 128 bits, or when scale is
  // outside 0..kMaxScale.
  [[nodiscard]] static absl::StatusOr<Amount> Parse(std::string_view text,
                                                    int scale);

  absl::int128 units() const { return units_; }
  int scale() const { return scale_; }
  bool is_zero() const { return units_ == 0; }
  bool is_negative() const { return units_ < 0; }
  bool is_positive() const { return units_ > 0; }

  // The canonical text: all `scale` decimals, e.g. "-1.50" for -150 units at
  // scale 2, "7" at scale 0. Parse(ToString(), scale()) returns *this.
  std::string ToString() const;

  // Like ToString() without trailing fractional zeros ("1.5", "7"), for
  // people. Parse() at the same scale also returns *this.
  std::string ToDisplayString() const;

  // Arithmetic. Errors: kInvalidArgument when the scales differ (convert with
  // Rescale first), kOutOfRange on 128-bit overflow.
  [[nodiscard]] absl::StatusOr<Amount> Add(const Amount& other) const;
  [[nodiscard]] absl::StatusOr<Amount> Subtract(const Amount& other) const;
  [[nodiscard]] absl::StatusOr<Amount> MultiplyBy(int64_t factor) const;
  [[nodiscard]] absl::StatusOr<Amount> Negate() const;

  // Returns *this * rate at this amount's scale, rounded by `mode`. The rate
  // may have any scale ("0.05" for 5 %, "0.0005" for 5 basis points). The
  // product is computed exactly in 256 bits before rounding.
  // Errors: kOutOfRange if the rounded result does not fit in 128 bits.
  [[nodiscard]] absl::StatusOr<Amount> MultiplyByRate(const Amount& rate,
                                                      RoundingMode mode) const;

  // Returns *this / divisor at this amount's scale, rounded by `mode`.
  // Errors: kInvalidArgument if divisor is 0.
  [[nodiscard]] absl::StatusOr<Amount> DivideBy(int64_t divisor,
                                                RoundingMode mode) const;

  // Returns the same value at `new_scale`. Going up is exact; going down
  // rounds by `mode`.
  // Errors: kInvalidArgument for a scale outside 0..kMaxScale, kOutOfRange
  // if the result does not fit in 128 bits.
  [[nodiscard]] absl::StatusOr<Amount> Rescale(int new_scale,
                                               RoundingMode mode) const;

  // Exact numeric comparison; scales may differ ("1.50" == "1.5").
  friend bool operator==(const Amount& a, const Amount& b);
  friend std::strong_ordering operator<=>(const Amount& a, const Amount& b);

  friend std::ostream& operator<<(std::ostream& os, const Amount& a) {
    return os << a.ToString();
  }

 private:
  constexpr Amount(absl::int128 units, int scale)
      : units_(units), scale_(scale) {}

  absl::int128 units_ = 0;
  int scale_ = 0;
};

}  // namespace botcore

#endif  // BOTCORE_CORE_AMOUNT_H_
