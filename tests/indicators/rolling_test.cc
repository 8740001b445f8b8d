// RingBuffer and RollingExtreme against a brute-force window on random data
// with many ties.

#include "botcore/indicators/rolling.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <vector>

namespace botcore::ta {
namespace {

uint64_t Seed() {
  const char* env = std::getenv("BOTCORE_SEED");
  const uint64_t seed =
      env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::cout << "rolling_test: BOTCORE_SEED=" << seed << "\n";
  return seed;
}

TEST_SUITE("rolling_test") {
  TEST_CASE("RingBuffer keeps the last values") {
    RingBuffer ring(3);
    for (int i = 1; i <= 5; ++i) ring.Push(i);
    CHECK(ring.size() == 3);
    CHECK(ring.Ago(0) == 5);
    CHECK(ring.Ago(2) == 3);
    CHECK(ring.Oldest() == 3);
    ring.Push(6);
    CHECK(ring.Oldest() == 4);
    ring.Clear();
    CHECK(ring.size() == 0);
  }

  TEST_CASE("RollingExtreme matches a brute-force scan, ties to the newest") {
    std::mt19937_64 rng(Seed());
    for (int window : {1, 2, 5, 14, 64}) {
      CAPTURE(window);
      RollingExtreme highest(window, RollingExtreme::kMax);
      RollingExtreme lowest(window, RollingExtreme::kMin);
      std::vector<double> x;
      for (int i = 0; i < 3000; ++i) {
        x.push_back(static_cast<double>(rng() % 9));  // many ties
        highest.Push(x.back());
        lowest.Push(x.back());
        const int first = i - window + 1 < 0 ? 0 : i - window + 1;
        int hi = first, lo = first;
        for (int j = first; j <= i; ++j) {
          if (x[j] >= x[hi]) hi = j;
          if (x[j] <= x[lo]) lo = j;
        }
        REQUIRE(highest.value() == x[hi]);
        REQUIRE(highest.age() == i - hi);
        REQUIRE(lowest.value() == x[lo]);
        REQUIRE(lowest.age() == i - lo);
      }
    }
  }
}

}  // namespace
}  // namespace botcore::ta
