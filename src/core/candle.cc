#include "botcore/core/candle.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

enum Column { kTime, kOpen, kHigh, kLow, kClose, kVolume, kColumnCount };
constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "ts", "open", "high", "low", "close", "volume"};

int ColumnFor(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  if (lower == "ts" || lower == "time" || lower == "date" || lower == "datetime" ||
      lower == "timestamp") {
    return kTime;
  }
  for (int c = kOpen; c < kColumnCount; ++c) {
    if (lower == kColumnNames[c]) return c;
  }
  return -1;
}

bool ParseTime(absl::string_view text, const absl::TimeZone& zone, absl::Time* t) {
  std::string err;
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M:%E*SZ",
                             "%Y-%m-%d %H:%M:%E*S%Ez"}) {
    if (absl::ParseTime(format, text, t, &err)) return true;
  }
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S",
                             "%Y-%m-%d%ET%H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, zone, t, &err)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<Candle>> ParseCandlesCsv(std::string_view text,
                                                    std::string_view source,
                                                    const CandleCsvOptions& options) {
  std::vector<Candle> candles;
  std::array<int, kColumnCount> index;
  index.fill(-1);
  size_t width = 0;
  int line_number = 0;
  bool have_header = false;
  for (absl::string_view line : absl::StrSplit(ToAbsl(text), '\n')) {
    ++line_number;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(source), ":", line_number, ": ", why));
    };
    line = absl::StripTrailingAsciiWhitespace(line);  // also "\r"
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    if (!have_header) {
      have_header = true;
      width = fields.size();
      for (size_t i = 0; i < fields.size(); ++i) {
        const int c = ColumnFor(fields[i]);
        if (c >= 0 && index[c] < 0) index[c] = static_cast<int>(i);
      }
      for (int c = 0; c < kColumnCount; ++c) {
        if (index[c] < 0) {
          return fail(absl::StrCat("header has no '", kColumnNames[c],
                                   "' column (expected ts,open,high,low,close,volume)"));
        }
      }
      continue;
    }
    if (fields.size() != width) {
      return fail(absl::StrCat("expected ", width, " fields, found ", fields.size()));
    }
    Candle candle;
    const absl::string_view ts = absl::StripAsciiWhitespace(fields[index[kTime]]);
    if (!ParseTime(ts, options.zone, &candle.time)) {
      return fail(absl::StrCat("ts: \"", absl::CHexEscape(ts),
                               "\" is not an ISO-8601 time such as 2014-06-09T00:00:00"));
    }
    double* targets[] = {nullptr, &candle.open, &candle.high, &candle.low,
                         &candle.close, &candle.volume};
    for (int c = kOpen; c < kColumnCount; ++c) {
      const absl::string_view field = absl::StripAsciiWhitespace(fields[index[c]]);
      if (!absl::SimpleAtod(field, targets[c]) || !std::isfinite(*targets[c])) {
        return fail(absl::StrCat(kColumnNames[c], ": \"", absl::CHexEscape(field),
                                 "\" is not a finite number"));
      }
    }
    if (candle.high < candle.low) {
      return fail(absl::StrCat("high ", candle.high, " is below low ", candle.low));
    }
    if (candle.volume < 0) {
      return fail(absl::StrCat("volume ", candle.volume, " is negative"));
    }
    if (!candles.empty() && candle.time <= candles.back().time) {
      return fail(absl::StrCat("ts ", ts, " is not after the previous row's ",
                               FormatIsoTime(candles.back().time)));
    }
    candles.push_back(candle);
  }
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(source), ": empty file, no header"));
  }
  return candles;
}

absl::StatusOr<std::vector<Candle>> ReadCandlesCsv(const std::string& path,
                                                   const CandleCsvOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("no such file: ", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return ParseCandlesCsv(text.str(), path, options);
}

std::string FormatIsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace botcore
