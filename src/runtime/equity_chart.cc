#include "runtime/equity_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace botcore::internal {
namespace {

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

void AppendBigEndian(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void AppendChunk(std::string& out, std::string_view type,
                 std::string_view data) {
  AppendBigEndian(out, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type) + std::string(data);
  out += body;
  AppendBigEndian(out, Crc32(body));
}

// A zlib stream of stored deflate blocks (at most 65535 bytes each).
std::string StoredZlib(std::string_view data) {
  std::string out = {'\x78', '\x01'};  // deflate, 32K window, no dictionary
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, data.size() - pos);
    const bool last = pos + n == data.size();
    out.push_back(last ? 1 : 0);  // BFINAL, BTYPE=00 (stored)
    out.push_back(static_cast<char>(n & 0xff));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(~n & 0xff));
    out.push_back(static_cast<char>((~n >> 8) & 0xff));
    out.append(data.substr(pos, n));
    pos += n;
  } while (pos < data.size());
  AppendBigEndian(out, Adler32(data));
  return out;
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t Adler32(std::string_view data) {
  uint32_t a = 1, b = 0;
  for (unsigned char byte : data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

absl::StatusOr<std::string> EncodePng(int width, int height,
                                      std::string_view rgb) {
  if (width <= 0 || height <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("PNG size ", width, "x", height, " is not positive"));
  }
  const size_t row = static_cast<size_t>(width) * 3;
  if (rgb.size() != row * static_cast<size_t>(height)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PNG of ", width, "x", height, " needs ",
        row * static_cast<size_t>(height), " RGB bytes, got ", rgb.size()));
  }
  std::string raw;
  raw.reserve((row + 1) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    raw.append(rgb.substr(static_cast<size_t>(y) * row, row));
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  AppendBigEndian(header, static_cast<uint32_t>(width));
  AppendBigEndian(header, static_cast<uint32_t>(height));
  header += std::string{'\x08', '\x02', '\0', '\0', '\0'};  // 8-bit RGB
  AppendChunk(png, "IHDR", header);
  AppendChunk(png, "IDAT", StoredZlib(raw));
  AppendChunk(png, "IEND", "");
  return png;
}

absl::StatusOr<std::string> RenderEquityChartPng(
    absl::Span<const double> values, int width, int height) {
  if (values.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an equity chart needs at least 2 points, got ", values.size()));
  }
  if (width < 16 || height < 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("chart size ", width, "x", height, " is below 16x16"));
  }
  double lo = values[0], hi = values[0];
  for (double v : values) {
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError("an equity value is not finite");
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (hi == lo) hi = lo + 1;
  std::string rgb(static_cast<size_t>(width) * height * 3, '\xff');
  auto put = [&](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const size_t i = (static_cast<size_t>(y) * width + x) * 3;
    rgb[i] = static_cast<char>(r);
    rgb[i + 1] = static_cast<char>(g);
    rgb[i + 2] = static_cast<char>(b);
  };
  const int margin = 4;
  auto to_y = [&](double v) {
    return margin + static_cast<int>(std::lround((hi - v) / (hi - lo) *
                                                 (height - 1 - 2 * margin)));
  };
  const int start_y = to_y(values[0]);
  for (int x = 0; x < width; x += 2) put(x, start_y, 170, 170, 170);
  int prev_x = -1, prev_y = 0;
  for (int x = 0; x < width; ++x) {
    const size_t i = static_cast<size_t>(std::lround(
        static_cast<double>(x) * (values.size() - 1) / (width - 1)));
    const int y = to_y(values[i]);
    if (prev_x >= 0) {
      const int step = y > prev_y ? 1 : -1;
      for (int yy = prev_y; yy != y; yy += step) put(x, yy, 20, 90, 200);
    }
    put(x, y, 20, 90, 200);
    put(x, y + 1, 20, 90, 200);
    prev_x = x;
    prev_y = y;
  }
  return EncodePng(width, height, rgb);
}

}  // namespace botcore::internal
