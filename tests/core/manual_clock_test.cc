#include "botcore/testing/manual_clock.h"

#include <doctest/doctest.h>

namespace botcore {
namespace {

TEST_CASE("ManualClock moves only when told") {
  const absl::Time start = absl::FromUnixSeconds(1700000000);
  testing::ManualClock clock(start);
  CHECK(clock.Now() == start);
  clock.Advance(absl::Minutes(15));
  CHECK(clock.Now() == start + absl::Minutes(15));
  Clock& port = clock;
  port.SleepFor(absl::Seconds(5));  // does not block
  CHECK(clock.Now() == start + absl::Minutes(15) + absl::Seconds(5));
  clock.Set(start);
  CHECK(clock.Now() == start);
}

TEST_CASE("SystemClock reads the wall clock") {
  SystemClock clock;
  const absl::Time before = absl::Now();
  CHECK(clock.Now() >= before);
}

}  // namespace
}  // namespace botcore
