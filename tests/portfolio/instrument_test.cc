#include "botcore/portfolio/instrument.h"

#include <doctest/doctest.h>

#include "support/status_testing.h"

namespace botcore {
namespace {

TEST_CASE("MakeInstrument checks the lot and the step") {
  ASSIGN_OR_REQUIRE(Instrument gazp, MakeInstrument("GAZP", 10, "0.01"));
  CHECK(gazp.price_step == *Amount::Parse("0.01", 2));
  CHECK(gazp.price_step.scale() == 2);
  CHECK_STATUS_IS(MakeInstrument("", 10, "0.01"), kInvalidArgument);
  CHECK_STATUS_IS(MakeInstrument("GAZP", 0, "0.01"), kInvalidArgument);
  CHECK_STATUS_IS(MakeInstrument("GAZP", 10, "0"), kInvalidArgument);
  CHECK_STATUS_IS(MakeInstrument("GAZP", 10, "abc"), kInvalidArgument);
}

TEST_CASE("PriceOnStep takes double noise as the decimal and rounds by mode") {
  ASSIGN_OR_REQUIRE(Instrument gazp, MakeInstrument("GAZP", 10, "0.01"));
  for (RoundingMode mode : {RoundingMode::kFloor, RoundingMode::kCeiling,
                            RoundingMode::kHalfEven}) {
    ASSIGN_OR_REQUIRE(Amount p, PriceOnStep(gazp, 144.4, mode));
    CHECK(p.ToString() == "144.40");
    ASSIGN_OR_REQUIRE(Amount q, PriceOnStep(gazp, 0.1 + 0.2, mode));
    CHECK(q.ToString() == "0.30");
  }
  CHECK(PriceOnStep(gazp, 144.405, RoundingMode::kFloor)->ToString() ==
        "144.40");
  CHECK(PriceOnStep(gazp, 144.401, RoundingMode::kCeiling)->ToString() ==
        "144.41");
  ASSIGN_OR_REQUIRE(Instrument sber, MakeInstrument("X", 1, "0.05"));
  CHECK(PriceOnStep(sber, 10.07, RoundingMode::kHalfEven)->ToString() ==
        "10.05");
  CHECK(PriceOnStep(sber, 10.08, RoundingMode::kHalfEven)->ToString() ==
        "10.10");
  CHECK(PriceOnStep(sber, 10.07, RoundingMode::kCeiling)->ToString() ==
        "10.10");
  CHECK_STATUS_IS(PriceOnStep(gazp, -1, RoundingMode::kFloor),
                  kInvalidArgument);
  CHECK_STATUS_IS(PriceOnStep(gazp, 0.0 / 0.0, RoundingMode::kFloor),
                  kInvalidArgument);
}

TEST_CASE("CheckPriceOnStep and RoundToStep") {
  ASSIGN_OR_REQUIRE(Instrument x, MakeInstrument("X", 1, "0.05"));
  CHECK_OK(CheckPriceOnStep(x, *Amount::Parse("10.15", 2)));
  CHECK_OK(CheckPriceOnStep(x, *Amount::Parse("10.150", 3)));
  CHECK_STATUS_IS(CheckPriceOnStep(x, *Amount::Parse("10.16", 2)),
                  kInvalidArgument);
  CHECK_STATUS_IS(CheckPriceOnStep(x, *Amount::Parse("0", 2)),
                  kInvalidArgument);
  CHECK(RoundToStep(x, *Amount::Parse("10.1234", 4), RoundingMode::kFloor)
            ->ToString() == "10.10");
}

}  // namespace
}  // namespace botcore
