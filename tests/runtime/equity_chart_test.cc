#include "runtime/equity_chart.h"

#include <cmath>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "support/status_testing.h"

namespace botcore::internal {
namespace {

uint32_t BigEndianAt(const std::string& s, size_t at) {
  return (uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         uint32_t{static_cast<unsigned char>(s[at + 3])};
}

TEST_SUITE("equity_chart") {
  TEST_CASE("CRC-32 and Adler-32 check values") {
    CHECK(Crc32("123456789") == 0xCBF43926u);
    CHECK(Crc32("") == 0u);
    CHECK(Adler32("Wikipedia") == 0x11E60398u);
    CHECK(Adler32("") == 1u);
  }

  TEST_CASE("a PNG of stored deflate blocks with valid chunk CRCs") {
    // 200 x 120 RGB is 72 120 bytes of scanlines: two stored blocks.
    const int w = 200, h = 120;
    std::string rgb(static_cast<size_t>(w) * h * 3, '\x40');
    ASSIGN_OR_REQUIRE(std::string png, EncodePng(w, h, rgb));
    REQUIRE(png.starts_with("\x89PNG\r\n\x1a\n"));
    size_t at = 8;
    std::vector<std::string> types;
    std::string idat;
    while (at < png.size()) {
      const uint32_t length = BigEndianAt(png, at);
      const std::string type = png.substr(at + 4, 4);
      const std::string data = png.substr(at + 8, length);
      CHECK(BigEndianAt(png, at + 8 + length) == Crc32(type + data));
      if (type == "IHDR") {
        CHECK(BigEndianAt(data, 0) == 200u);
        CHECK(BigEndianAt(data, 4) == 120u);
        CHECK(data[8] == 8);  // bit depth
        CHECK(data[9] == 2);  // RGB
      }
      if (type == "IDAT") idat += data;
      types.push_back(type);
      at += 12 + length;
    }
    CHECK(types == std::vector<std::string>{"IHDR", "IDAT", "IEND"});
    // Inflate the stored blocks by hand and compare with the scanlines.
    REQUIRE(idat.size() > 6);
    std::string raw;
    size_t pos = 2;
    bool last = false;
    while (!last) {
      last = (idat[pos] & 1) != 0;
      CHECK((idat[pos] & 6) == 0);  // stored
      const size_t n = static_cast<unsigned char>(idat[pos + 1]) |
                       (static_cast<unsigned char>(idat[pos + 2]) << 8);
      const size_t nn = static_cast<unsigned char>(idat[pos + 3]) |
                        (static_cast<unsigned char>(idat[pos + 4]) << 8);
      CHECK((n ^ nn) == 0xffff);
      raw += idat.substr(pos + 5, n);
      pos += 5 + n;
    }
    REQUIRE(raw.size() == static_cast<size_t>(h) * (w * 3 + 1));
    CHECK(raw[0] == '\0');
    CHECK(raw[1] == '\x40');
    CHECK(BigEndianAt(idat, pos) == Adler32(raw));
  }

  TEST_CASE("bad sizes and values are refused") {
    CHECK_STATUS_IS(EncodePng(0, 5, "").status(), kInvalidArgument);
    CHECK_STATUS_IS(EncodePng(2, 2, "abc").status(), kInvalidArgument);
    const std::vector<double> one = {1.0};
    CHECK_STATUS_IS(RenderEquityChartPng(one, 64, 64).status(),
                    kInvalidArgument);
    const std::vector<double> nan = {1.0, std::nan("")};
    CHECK_STATUS_IS(RenderEquityChartPng(nan, 64, 64).status(),
                    kInvalidArgument);
    const std::vector<double> flat = {5.0, 5.0, 5.0};
    CHECK(RenderEquityChartPng(flat, 64, 32).ok());
  }
}

}  // namespace
}  // namespace botcore::internal
