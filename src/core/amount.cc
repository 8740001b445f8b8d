#include "botcore/core/amount.h"

#include <algorithm>
#include <array>
#include <optional>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

using absl::int128;
using absl::uint128;

constexpr std::array<uint64_t, Amount::kMaxScale + 1> kPow10 = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
};

// 2^127: the magnitude of the most negative int128.
const uint128 kNegativeLimit = uint128(1) << 127;
const uint128 kPositiveLimit = kNegativeLimit - 1;

bool ValidScale(int scale) { return scale >= 0 && scale <= Amount::kMaxScale; }

absl::Status ScaleError(std::string_view where, int scale) {
  return absl::InvalidArgumentError(absl::StrCat(
      ToAbsl(where), ": scale ", scale, " is outside 0..", Amount::kMaxScale));
}

uint128 Magnitude(int128 v) {
  // Two's complement negation in unsigned arithmetic handles INT128_MIN.
  return v < 0 ? uint128(0) - static_cast<uint128>(v) : static_cast<uint128>(v);
}

// An unsigned 256-bit value, enough for the exact product of two 128-bit
// magnitudes. Only the few operations Amount needs.
struct U256 {
  uint128 hi;
  uint128 lo;
};

U256 MultiplyWide(uint128 a, uint128 b) {
  const uint128 a0 = absl::Uint128Low64(a), a1 = absl::Uint128High64(a);
  const uint128 b0 = absl::Uint128Low64(b), b1 = absl::Uint128High64(b);
  const uint128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint128 mid = (p00 >> 64) + absl::Uint128Low64(p01) +
                      absl::Uint128Low64(p10);
  return U256{p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64),
              (mid << 64) | absl::Uint128Low64(p00)};
}

int CompareWide(const U256& a, const U256& b) {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
  return 0;
}

// Divides `n` by `d` (non-zero), returning the quotient and the remainder.
std::pair<U256, uint64_t> DivideWide(const U256& n, uint64_t d) {
  const std::array<uint64_t, 4> limbs = {
      absl::Uint128High64(n.hi), absl::Uint128Low64(n.hi),
      absl::Uint128High64(n.lo), absl::Uint128Low64(n.lo)};
  std::array<uint64_t, 4> q{};
  uint64_t r = 0;
  for (size_t i = 0; i < limbs.size(); ++i) {
    const uint128 cur = (uint128(r) << 64) | limbs[i];
    q[i] = absl::Uint128Low64(cur / d);
    r = absl::Uint128Low64(cur % d);
  }
  return {U256{absl::MakeUint128(q[0], q[1]), absl::MakeUint128(q[2], q[3])},
          r};
}

// Whether a quotient `q` (a magnitude) with remainder `r` of a division by `d`
// moves one unit away from zero under `mode`. `negative` is the sign of the
// exact result.
bool RoundsAway(RoundingMode mode, bool negative, bool q_odd, uint64_t r,
                uint64_t d) {
  if (r == 0) return false;
  const uint128 twice = uint128(r) * 2;
  switch (mode) {
    case RoundingMode::kTowardZero:
      return false;
    case RoundingMode::kAwayFromZero:
      return true;
    case RoundingMode::kFloor:
      return negative;
    case RoundingMode::kCeiling:
      return !negative;
    case RoundingMode::kHalfAwayFromZero:
      return twice >= d;
    case RoundingMode::kHalfEven:
      return twice > d || (twice == d && q_odd);
  }
  return false;
}

// Turns a sign and a 256-bit magnitude into an int128, or nullopt when it
// does not fit.
std::optional<int128> ToInt128(bool negative, const U256& magnitude) {
  const uint128 limit = negative ? kNegativeLimit : kPositiveLimit;
  if (magnitude.hi != 0 || magnitude.lo > limit) return std::nullopt;
  return negative ? static_cast<int128>(uint128(0) - magnitude.lo)
                  : static_cast<int128>(magnitude.lo);
}

// Computes round(|v| * m / d) with the sign of v*m, where m is a magnitude;
// nullopt when the result does not fit in 128 bits.
std::optional<int128> MulDivRound(int128 v, bool m_negative, uint128 m,
                                  uint64_t d, RoundingMode mode) {
  const bool negative = (v < 0) != m_negative && v != 0 && m != 0;
  auto [q, r] = DivideWide(MultiplyWide(Magnitude(v), m), d);
  if (RoundsAway(mode, negative, (q.lo & 1) != 0, r, d)) {
    const uint128 lo = q.lo + 1;
    if (lo == 0) ++q.hi;
    q.lo = lo;
  }
  return ToInt128(negative, q);
}

absl::Status Overflow(absl::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat(what, ": result does not fit in 128 bits"));
}

std::string MagnitudeDigits(uint128 m) {
  // 19 digits at a time: one 128-bit division per chunk, not per digit.
  constexpr uint64_t kChunk = 10000000000000000000ULL;  // 10^19
  char buf[40];
  char* end = buf + sizeof(buf);
  char* p = end;
  do {
    uint64_t chunk = absl::Uint128Low64(m % kChunk);
    m /= kChunk;
    for (int i = 0; i < 19 && (chunk != 0 || m != 0); ++i) {
      *--p = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  } while (m != 0);
  if (p == end) *--p = '0';
  return std::string(p, end);
}

}  // namespace

std::string_view RoundingModeName(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfEven:
      return "HalfEven";
    case RoundingMode::kHalfAwayFromZero:
      return "HalfAwayFromZero";
    case RoundingMode::kTowardZero:
      return "TowardZero";
    case RoundingMode::kAwayFromZero:
      return "AwayFromZero";
    case RoundingMode::kFloor:
      return "Floor";
    case RoundingMode::kCeiling:
      return "Ceiling";
  }
  return "Unknown";
}

absl::StatusOr<Amount> Amount::FromUnits(int128 units, int scale) {
  if (!ValidScale(scale)) return ScaleError("Amount::FromUnits", scale);
  return Amount(units, scale);
}

Amount Amount::Zero(int scale) { return Amount(0, scale); }

absl::StatusOr<Amount> Amount::Parse(std::string_view text, int scale) {
  if (!ValidScale(scale)) return ScaleError("Amount::Parse", scale);
  auto fail = [&](absl::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid amount \"", absl::CHexEscape(ToAbsl(text)),
                     "\" at scale ", scale, ": ", reason));
  };
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const uint128 limit = negative ? kNegativeLimit : kPositiveLimit;
  const uint128 limit_tens = limit / 10;
  const int limit_units = static_cast<int>(absl::Uint128Low64(limit % 10));
  uint128 magnitude = 0;
  auto push_digit = [&](int digit) {
    if (magnitude > limit_tens ||
        (magnitude == limit_tens && digit > limit_units)) {
      return false;
    }
    magnitude = magnitude * 10 + digit;
    return true;
  };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };

  const size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) {
    if (!push_digit(text[i] - '0')) return fail("out of the 128-bit range");
    ++i;
  }
  if (i == int_begin) return fail("expected a digit");
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_begin = i;
    while (i < text.size() && is_digit(text[i])) {
      if (++frac_digits > scale) {
        return fail(absl::StrCat("more than ", scale, " fractional digits"));
      }
      if (!push_digit(text[i] - '0')) return fail("out of the 128-bit range");
      ++i;
    }
    if (i == frac_begin) return fail("expected a digit after '.'");
  }
  if (i != text.size()) {
    return fail(absl::StrCat("unexpected character at offset ", i));
  }
  for (; frac_digits < scale; ++frac_digits) {
    if (!push_digit(0)) return fail("out of the 128-bit range");
  }
  return Amount(negative ? static_cast<int128>(uint128(0) - magnitude)
                         : static_cast<int128>(magnitude),
                scale);
}

std::string Amount::ToString() const {
  std::string digits = MagnitudeDigits(Magnitude(units_));
  if (scale_ > 0) {
    if (digits.size() <= static_cast<size_t>(scale_)) {
      digits.insert(0, static_cast<size_t>(scale_) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale_), 1, '.');
  }
  if (units_ < 0) digits.insert(0, 1, '-');
  return digits;
}

std::string Amount::ToDisplayString() const {
  std::string text = ToString();
  if (scale_ > 0) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

absl::StatusOr<Amount> Amount::Add(const Amount& other) const {
  if (scale_ != other.scale_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot add ", other.ToString(), " (scale ", other.scale_,
                     ") to ", ToString(), " (scale ", scale_,
                     "): rescale one first"));
  }
  const int128 b = other.units_;
  if ((b > 0 && units_ > absl::Int128Max() - b) ||
      (b < 0 && units_ < absl::Int128Min() - b)) {
    return absl::OutOfRangeError(absl::StrCat(
        "overflow adding ", other.ToString(), " to ", ToString()));
  }
  return Amount(units_ + b, scale_);
}

absl::StatusOr<Amount> Amount::Subtract(const Amount& other) const {
  if (scale_ != other.scale_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot subtract ", other.ToString(), " (scale ",
                     other.scale_, ") from ", ToString(), " (scale ", scale_,
                     "): rescale one first"));
  }
  const int128 b = other.units_;
  if ((b < 0 && units_ > absl::Int128Max() + b) ||
      (b > 0 && units_ < absl::Int128Min() + b)) {
    return absl::OutOfRangeError(absl::StrCat(
        "overflow subtracting ", other.ToString(), " from ", ToString()));
  }
  return Amount(units_ - b, scale_);
}

absl::StatusOr<Amount> Amount::MultiplyBy(int64_t factor) const {
  // Two factors within 64 bits cannot overflow 128 (the common case: a
  // price times a quantity, every bar of a backtest).
  if (units_ >= std::numeric_limits<int64_t>::min() &&
      units_ <= std::numeric_limits<int64_t>::max()) {
    return Amount(units_ * int128(factor), scale_);
  }
  const std::optional<int128> units = MulDivRound(
      units_, factor < 0, Magnitude(int128(factor)), 1, RoundingMode::kTowardZero);
  if (!units) return Overflow(absl::StrCat(ToString(), " * ", factor));
  return Amount(*units, scale_);
}

absl::StatusOr<Amount> Amount::Negate() const {
  if (units_ == absl::Int128Min()) {
    return absl::OutOfRangeError(
        absl::StrCat("overflow negating ", ToString()));
  }
  return Amount(-units_, scale_);
}

absl::StatusOr<Amount> Amount::MultiplyByRate(const Amount& rate,
                                              RoundingMode mode) const {
  const std::optional<int128> units =
      MulDivRound(units_, rate.units_ < 0, Magnitude(rate.units_),
                  kPow10[rate.scale_], mode);
  if (!units) return Overflow(absl::StrCat(ToString(), " * ", rate.ToString()));
  return Amount(*units, scale_);
}

absl::StatusOr<Amount> Amount::DivideBy(int64_t divisor,
                                        RoundingMode mode) const {
  if (divisor == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot divide ", ToString(), " by zero"));
  }
  // |divisor| <= 2^63 fits the 64-bit divisor.
  const std::optional<int128> units =
      MulDivRound(units_, divisor < 0, 1,
                  absl::Uint128Low64(Magnitude(int128(divisor))), mode);
  if (!units) return Overflow(absl::StrCat(ToString(), " / ", divisor));
  return Amount(*units, scale_);
}

absl::StatusOr<Amount> Amount::Rescale(int new_scale, RoundingMode mode) const {
  if (!ValidScale(new_scale)) return ScaleError("Amount::Rescale", new_scale);
  const std::optional<int128> units =
      new_scale >= scale_
          ? MulDivRound(units_, false, kPow10[new_scale - scale_], 1, mode)
          : MulDivRound(units_, false, 1, kPow10[scale_ - new_scale], mode);
  if (!units) {
    return Overflow(absl::StrCat("rescaling ", ToString(), " to scale ", new_scale));
  }
  return Amount(*units, new_scale);
}

bool operator==(const Amount& a, const Amount& b) {
  return (a <=> b) == std::strong_ordering::equal;
}

std::strong_ordering operator<=>(const Amount& a, const Amount& b) {
  if (a.scale_ == b.scale_) {
    if (a.units_ == b.units_) return std::strong_ordering::equal;
    return a.units_ < b.units_ ? std::strong_ordering::less
                               : std::strong_ordering::greater;
  }
  const bool a_neg = a.units_ < 0, b_neg = b.units_ < 0;
  if (a_neg != b_neg) {
    return a_neg ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  const int scale = std::max(a.scale_, b.scale_);
  const U256 wa = MultiplyWide(Magnitude(a.units_), kPow10[scale - a.scale_]);
  const U256 wb = MultiplyWide(Magnitude(b.units_), kPow10[scale - b.scale_]);
  int cmp = CompareWide(wa, wb);
  if (a_neg) cmp = -cmp;
  if (cmp == 0) return std::strong_ordering::equal;
  return cmp < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
}

}  // namespace botcore
