#include "botcore/core/amount.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

Amount A(std::string_view text, int scale) {
  absl::StatusOr<Amount> a = Amount::Parse(text, scale);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  return *a;
}

TEST_CASE("Parse and ToString round-trip the edges") {
  CHECK(A("0", 0).ToString() == "0");
  CHECK(A("-0", 2).ToString() == "0.00");
  CHECK(A("1.5", 2).ToString() == "1.50");
  CHECK(A("1.5", 2).ToDisplayString() == "1.5");
  CHECK(A("-0.01", 2).ToString() == "-0.01");
  CHECK(A("007", 0).ToString() == "7");
  CHECK(A("0.000000000000000001", 18).units() == 1);
  CHECK(A("1", 18).units() == absl::MakeInt128(0, 1000000000000000000ULL));
  // 2^96 units at 18 decimals: far past 64 bits.
  const absl::int128 two96 = absl::int128(1) << 96;
  ASSIGN_OR_REQUIRE(Amount big, Amount::FromUnits(two96, 18));
  CHECK(big.ToString() == "79228162514.264337593543950336");
  CHECK(A(big.ToString(), 18) == big);
  // The 128-bit limits themselves.
  ASSIGN_OR_REQUIRE(Amount max, Amount::FromUnits(absl::Int128Max(), 18));
  ASSIGN_OR_REQUIRE(Amount min, Amount::FromUnits(absl::Int128Min(), 18));
  CHECK(max.ToString() == "170141183460469231731.687303715884105727");
  CHECK(min.ToString() == "-170141183460469231731.687303715884105728");
  CHECK(A(max.ToString(), 18).units() == absl::Int128Max());
  CHECK(A(min.ToString(), 18).units() == absl::Int128Min());
  CHECK(A("0.10", 2).ToDisplayString() == "0.1");
  CHECK(A("100", 2).ToDisplayString() == "100");
}

TEST_CASE("Parse rejects malformed input with kInvalidArgument naming it") {
  for (const char* bad : {"1e5", " 1.0", "1.0 ", "1,0", "", "--1", "+1", "-",
                          ".5", "5.", "1.2.3", "0x10", "1_000", "١", "NaN",
                          "inf", "1.0\n", "- 1"}) {
    CAPTURE(bad);
    absl::StatusOr<Amount> a = Amount::Parse(bad, 2);
    CHECK_STATUS_IS(a, kInvalidArgument);
    CHECK(a.status().message().find(absl::StrCat("\"", absl::CHexEscape(bad),
                                                 "\"")) != std::string::npos);
  }
}

TEST_CASE("Parse rejects more fractional digits than the scale") {
  CHECK_STATUS_IS(Amount::Parse("1.234", 2), kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("1.00", 1), kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("1.5", 0), kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("0.0000000000000000001", 18), kInvalidArgument);
  absl::StatusOr<Amount> a = Amount::Parse("1.234", 2);
  CHECK(a.status().message().find("\"1.234\"") != std::string_view::npos);
}

TEST_CASE("Parse rejects values past 128 bits and bad scales") {
  CHECK_STATUS_IS(Amount::Parse("170141183460469231731.687303715884105728", 18),
                  kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("-170141183460469231731.687303715884105729", 18),
                  kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("999999999999999999999999999999999999999999", 0),
                  kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("1", 19), kInvalidArgument);
  CHECK_STATUS_IS(Amount::Parse("1", -1), kInvalidArgument);
  CHECK_STATUS_IS(Amount::FromUnits(1, 19), kInvalidArgument);
}

TEST_CASE("Add and Subtract are exact, refuse mixed scales and overflow") {
  CHECK(*A("0.10", 2).Add(A("0.20", 2)) == A("0.30", 2));
  CHECK(*A("0.10", 2).Subtract(A("0.25", 2)) == A("-0.15", 2));
  CHECK_STATUS_IS(A("1", 2).Add(A("1", 3)), kInvalidArgument);
  CHECK_STATUS_IS(A("1", 2).Subtract(A("1", 3)), kInvalidArgument);
  ASSIGN_OR_REQUIRE(Amount max, Amount::FromUnits(absl::Int128Max(), 0));
  ASSIGN_OR_REQUIRE(Amount min, Amount::FromUnits(absl::Int128Min(), 0));
  CHECK_STATUS_IS(max.Add(A("1", 0)), kOutOfRange);
  CHECK_STATUS_IS(min.Subtract(A("1", 0)), kOutOfRange);
  CHECK_STATUS_IS(min.Negate(), kOutOfRange);
  CHECK(*max.Negate() == *min.Add(A("1", 0)));
}

TEST_CASE("MultiplyBy an integer") {
  CHECK(*A("227.35", 2).MultiplyBy(10) == A("2273.50", 2));
  CHECK(*A("1.5", 1).MultiplyBy(-3) == A("-4.5", 1));
  ASSIGN_OR_REQUIRE(Amount max, Amount::FromUnits(absl::Int128Max(), 0));
  CHECK_STATUS_IS(max.MultiplyBy(2), kOutOfRange);
  ASSIGN_OR_REQUIRE(Amount min, Amount::FromUnits(absl::Int128Min(), 0));
  CHECK(*min.MultiplyBy(1) == min);
  CHECK_STATUS_IS(min.MultiplyBy(-1), kOutOfRange);
  // Factors at the 64-bit edges, on both sides of the fast path.
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
  ASSIGN_OR_REQUIRE(Amount low, Amount::FromUnits(kMin64, 0));
  CHECK(low.MultiplyBy(kMin64)->units() == absl::int128(kMin64) * kMin64);
  ASSIGN_OR_REQUIRE(Amount high, Amount::FromUnits(kMax64, 0));
  CHECK(high.MultiplyBy(kMin64)->units() == absl::int128(kMax64) * kMin64);
  ASSIGN_OR_REQUIRE(Amount past, Amount::FromUnits(absl::int128(kMax64) + 1, 0));
  CHECK(past.MultiplyBy(kMax64)->units() ==
        (absl::int128(kMax64) + 1) * kMax64);
}

TEST_CASE("MultiplyByRate rounds by the named mode") {
  const Amount rate = A("0.5", 1);
  struct Case {
    const char* value;
    RoundingMode mode;
    const char* want;
  };
  // x.5 products at scale 0 exercise every tie rule.
  const Case cases[] = {
      {"5", RoundingMode::kHalfEven, "2"},
      {"7", RoundingMode::kHalfEven, "4"},
      {"-5", RoundingMode::kHalfEven, "-2"},
      {"-7", RoundingMode::kHalfEven, "-4"},
      {"5", RoundingMode::kHalfAwayFromZero, "3"},
      {"-5", RoundingMode::kHalfAwayFromZero, "-3"},
      {"5", RoundingMode::kTowardZero, "2"},
      {"-5", RoundingMode::kTowardZero, "-2"},
      {"5", RoundingMode::kAwayFromZero, "3"},
      {"-5", RoundingMode::kAwayFromZero, "-3"},
      {"5", RoundingMode::kFloor, "2"},
      {"-5", RoundingMode::kFloor, "-3"},
      {"5", RoundingMode::kCeiling, "3"},
      {"-5", RoundingMode::kCeiling, "-2"},
      {"4", RoundingMode::kAwayFromZero, "2"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CAPTURE(RoundingModeName(c.mode));
    CHECK(A(c.value, 0).MultiplyByRate(rate, c.mode)->ToString() == c.want);
  }
  // 5 basis points of 2273.50 RUB is 1.13675: 1.14 half-even, 1.13 truncated.
  const Amount bp5 = A("0.0005", 4);
  CHECK(A("2273.50", 2).MultiplyByRate(bp5, RoundingMode::kHalfEven)->ToString() ==
        "1.14");
  CHECK(A("2273.50", 2).MultiplyByRate(bp5, RoundingMode::kTowardZero)->ToString() ==
        "1.13");
  // Referral reward of 5 % on an 18-decimal deposit near 2^100 units: the
  // intermediate product needs more than 128 bits.
  ASSIGN_OR_REQUIRE(Amount huge, Amount::FromUnits(absl::int128(1) << 100, 18));
  ASSIGN_OR_REQUIRE(Amount reward,
                    huge.MultiplyByRate(A("0.05", 18), RoundingMode::kTowardZero));
  CHECK(reward.units() == (absl::int128(1) << 100) / 20);
  ASSIGN_OR_REQUIRE(Amount max, Amount::FromUnits(absl::Int128Max(), 0));
  CHECK_STATUS_IS(max.MultiplyByRate(A("1.5", 1), RoundingMode::kHalfEven),
                  kOutOfRange);
}

TEST_CASE("DivideBy rounds and refuses zero") {
  CHECK(A("10.00", 2).DivideBy(3, RoundingMode::kHalfEven)->ToString() == "3.33");
  CHECK(A("10.00", 2).DivideBy(3, RoundingMode::kCeiling)->ToString() == "3.34");
  CHECK(A("-10.00", 2).DivideBy(3, RoundingMode::kFloor)->ToString() == "-3.34");
  CHECK(A("10.00", 2).DivideBy(-4, RoundingMode::kHalfEven)->ToString() == "-2.50");
  CHECK_STATUS_IS(A("1", 0).DivideBy(0, RoundingMode::kHalfEven), kInvalidArgument);
}

TEST_CASE("Rescale is exact upward and rounds downward") {
  CHECK(A("1.25", 2).Rescale(4, RoundingMode::kHalfEven)->ToString() == "1.2500");
  CHECK(A("1.25", 2).Rescale(1, RoundingMode::kHalfEven)->ToString() == "1.2");
  CHECK(A("1.35", 2).Rescale(1, RoundingMode::kHalfEven)->ToString() == "1.4");
  CHECK(A("-1.25", 2).Rescale(1, RoundingMode::kHalfAwayFromZero)->ToString() ==
        "-1.3");
  CHECK(A("0.000000000000000001", 18).Rescale(2, RoundingMode::kCeiling)->ToString() ==
        "0.01");
  CHECK_STATUS_IS(A("1", 0).Rescale(19, RoundingMode::kHalfEven), kInvalidArgument);
  ASSIGN_OR_REQUIRE(Amount max, Amount::FromUnits(absl::Int128Max(), 0));
  CHECK_STATUS_IS(max.Rescale(1, RoundingMode::kHalfEven), kOutOfRange);
}

TEST_CASE("Comparison is numeric across scales") {
  CHECK(A("1.50", 2) == A("1.5", 1));
  CHECK(A("1.49", 2) < A("1.5", 1));
  CHECK(A("-1.51", 2) < A("-1.5", 1));
  CHECK(A("-1", 0) < A("0.000000000000000001", 18));
  ASSIGN_OR_REQUIRE(Amount max18, Amount::FromUnits(absl::Int128Max(), 18));
  ASSIGN_OR_REQUIRE(Amount max0, Amount::FromUnits(absl::Int128Max(), 0));
  CHECK(max18 < max0);
}

// The canonical spelling of a valid decimal string at `scale`: no leading
// zeros, exactly `scale` decimals, no sign on zero.
std::string Canonical(const std::string& text, int scale) {
  const bool negative = text[0] == '-';
  std::string digits = text.substr(negative ? 1 : 0);
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
  frac.append(static_cast<size_t>(scale) - frac.size(), '0');
  const bool zero = whole == "0" && frac.find_first_not_of('0') == std::string::npos;
  return absl::StrCat(negative && !zero ? "-" : "", whole, scale > 0 ? "." : "", frac);
}

// Property: random decimal strings (random signs, leading zeros, any number of
// decimals up to the scale, up to 38 digits) parse and format back to their
// canonical spelling; random 128-bit unit counts survive ToString/Parse and
// ToDisplayString/Parse exactly. Prints its seed; BOTCORE_SEED=<n> replays it.
TEST_CASE("100000 random decimal strings round-trip exactly") {
  const char* env_seed = std::getenv("BOTCORE_SEED");
  const uint64_t seed =
      env_seed != nullptr ? std::strtoull(env_seed, nullptr, 10) : std::random_device{}();
  MESSAGE("amount round-trip seed: ", seed, " (replay with BOTCORE_SEED=", seed, ")");
  std::mt19937_64 rng(seed);
  auto digits = [&](size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng() % 10));
    return out;
  };
  for (int i = 0; i < 100000; ++i) {
    const int scale = static_cast<int>(rng() % (Amount::kMaxScale + 1));
    // A random string: at most 38 digits in all, so it always fits 128 bits.
    std::string text = rng() % 2 ? "-" : "";
    text += digits(1 + rng() % (38 - scale));
    const size_t frac = scale > 0 ? rng() % (scale + 1) : 0;
    if (frac > 0) absl::StrAppend(&text, ".", digits(frac));
    absl::StatusOr<Amount> parsed = Amount::Parse(text, scale);
    REQUIRE_MESSAGE(parsed.ok(), "seed ", seed, " text ", text, ": ", parsed.status());
    REQUIRE_MESSAGE(parsed->ToString() == Canonical(text, scale), "seed ", seed,
                    " text ", text);

    // Random units, small or full width, both signs.
    absl::int128 units = absl::MakeInt128(static_cast<int64_t>(rng() >> (rng() % 64)),
                                          rng());
    if (rng() % 3 == 0) units = static_cast<int64_t>(rng() % 100000) - 50000;
    ASSIGN_OR_REQUIRE(Amount a, Amount::FromUnits(units, scale));
    absl::StatusOr<Amount> back = Amount::Parse(a.ToString(), scale);
    const bool same = back.ok() && back->units() == units;
    REQUIRE_MESSAGE(same, "seed ", seed, " value ", a.ToString());
    absl::StatusOr<Amount> display = Amount::Parse(a.ToDisplayString(), scale);
    const bool same_display = display.ok() && display->units() == units;
    REQUIRE_MESSAGE(same_display, "seed ", seed, " display ", a.ToDisplayString());
  }
}

}  // namespace
}  // namespace botcore
