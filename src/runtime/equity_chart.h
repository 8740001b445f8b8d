// Draws an equity curve as a PNG picture for /backtest, without an image
// library: RGB pixels are written as a PNG whose zlib stream holds stored
// (uncompressed) deflate blocks.
#ifndef BOTCORE_RUNTIME_EQUITY_CHART_H_
#define BOTCORE_RUNTIME_EQUITY_CHART_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace botcore::internal {

// CRC-32 (ISO-HDLC, as PNG chunks use) of `data`.
uint32_t Crc32(std::string_view data);

// Adler-32 (as zlib streams end with) of `data`.
uint32_t Adler32(std::string_view data);

// Encodes `rgb` (width * height * 3 bytes, rows top to bottom) as a PNG.
// Errors: kInvalidArgument for non-positive sizes or a wrong pixel count.
absl::StatusOr<std::string> EncodePng(int width, int height,
                                      std::string_view rgb);

// A line chart of `values` (left to right) on a white background with the
// starting level as a grey line, scaled to fill `width` x `height`.
// Errors: kInvalidArgument for fewer than 2 values, non-finite values, or
// sizes below 16.
absl::StatusOr<std::string> RenderEquityChartPng(
    absl::Span<const double> values, int width, int height);

}  // namespace botcore::internal

#endif  // BOTCORE_RUNTIME_EQUITY_CHART_H_
