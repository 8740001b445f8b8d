// File: botcore/indicators/indicators.h
//
// Every technical indicator of botcore: TA-Lib-exact batch functions over
// spans and streaming objects fed one bar at a time. See common.h for the
// conventions shared by all of them.
//
//   #include "botcore/indicators/indicators.h"
//   absl::StatusOr<std::vector<double>> rsi = botcore::ta::Rsi(close, 14);

#ifndef BOTCORE_INDICATORS_INDICATORS_H_
#define BOTCORE_INDICATORS_INDICATORS_H_

#include "botcore/indicators/common.h"           // IWYU pragma: export
#include "botcore/indicators/moving_averages.h"  // IWYU pragma: export
#include "botcore/indicators/oscillators.h"      // IWYU pragma: export
#include "botcore/indicators/rolling.h"          // IWYU pragma: export
#include "botcore/indicators/trend.h"            // IWYU pragma: export
#include "botcore/indicators/volatility.h"       // IWYU pragma: export
#include "botcore/indicators/volume.h"           // IWYU pragma: export

#endif  // BOTCORE_INDICATORS_INDICATORS_H_
