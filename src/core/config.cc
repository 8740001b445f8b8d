#include "botcore/core/config.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "botcore/core/redact.h"
#include "internal/strings.h"

extern char** environ;

namespace botcore {
namespace {

using internal::ToAbsl;
using internal::ToStd;

using ValueMap = std::map<std::string, std::string, std::less<>>;

bool IsKeyChar(char c, bool first) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         (!first && absl::ascii_isdigit(static_cast<unsigned char>(c)));
}

// Parses the value part of a `.env` line (after '='). Returns the value or an
// error reason.
absl::StatusOr<std::string> ParseValue(std::string_view raw) {
  raw = ToStd(absl::StripLeadingAsciiWhitespace(ToAbsl(raw)));
  if (raw.empty()) return std::string();
  const char quote = raw.front();
  if (quote == '"' || quote == '\'') {
    std::string value;
    size_t i = 1;
    for (; i < raw.size() && raw[i] != quote; ++i) {
      if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
        switch (raw[++i]) {
          case 'n': value.push_back('\n'); break;
          case 't': value.push_back('\t'); break;
          case 'r': value.push_back('\r'); break;
          case '"': value.push_back('"'); break;
          case '\\': value.push_back('\\'); break;
          default:
            return absl::InvalidArgumentError(
                absl::StrCat("unknown escape \\", ToAbsl(raw.substr(i, 1))));
        }
      } else {
        value.push_back(raw[i]);
      }
    }
    if (i == raw.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unterminated ", std::string(1, quote), " quote"));
    }
    std::string_view tail = ToStd(absl::StripAsciiWhitespace(ToAbsl(raw.substr(i + 1))));
    if (!tail.empty() && tail.front() != '#') {
      return absl::InvalidArgumentError("text after the closing quote");
    }
    return value;
  }
  // Unquoted: a '#' preceded by whitespace starts a comment.
  for (size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && absl::ascii_isspace(static_cast<unsigned char>(raw[i - 1]))) {
      raw = raw.substr(0, i);
      break;
    }
  }
  return std::string(absl::StripTrailingAsciiWhitespace(ToAbsl(raw)));
}

}  // namespace

absl::StatusOr<Config> Config::ParseEnvFile(std::string_view text,
                                            std::string_view source) {
  ValueMap values;
  int line_number = 0;
  for (absl::string_view raw_line : absl::StrSplit(ToAbsl(text), '\n')) {
    std::string_view line = ToStd(raw_line);
    ++line_number;
    auto fail = [&](std::string_view reason) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(source), ":", line_number, ": ", ToAbsl(reason)));
    };
    line = ToStd(absl::StripAsciiWhitespace(ToAbsl(line)));
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line.remove_prefix(7);
    line = ToStd(absl::StripLeadingAsciiWhitespace(ToAbsl(line)));
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail(absl::StrCat("expected KEY=VALUE, got \"",
                               absl::CHexEscape(ToAbsl(line.substr(0, 40))), "\""));
    }
    const std::string_view key =
        ToStd(absl::StripTrailingAsciiWhitespace(ToAbsl(line.substr(0, eq))));
    bool valid_key = !key.empty();
    for (size_t i = 0; i < key.size() && valid_key; ++i) {
      valid_key = IsKeyChar(key[i], i == 0);
    }
    if (!valid_key) {
      return fail(absl::StrCat("invalid key \"", absl::CHexEscape(ToAbsl(key)), "\""));
    }
    absl::StatusOr<std::string> value = ParseValue(line.substr(eq + 1));
    if (!value.ok()) {
      return fail(absl::StrCat(ToAbsl(key), ": ", value.status().message()));
    }
    values[std::string(key)] = *std::move(value);
  }
  return Config(std::move(values));
}

absl::StatusOr<Config> Config::Load(const std::string& env_file) {
  ValueMap values;
  if (!env_file.empty()) {
    std::ifstream in(env_file, std::ios::binary);
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      if (in.bad()) {
        return absl::UnavailableError(
            absl::StrCat("cannot read ", env_file));
      }
      absl::StatusOr<Config> file = ParseEnvFile(text.str(), env_file);
      if (!file.ok()) return file.status();
      values = std::move(file->values_);
    }
  }
  for (char** env = environ; env != nullptr && *env != nullptr; ++env) {
    std::string_view entry(*env);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    values[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  return Config(std::move(values));
}

Config Config::FromMap(std::map<std::string, std::string> values) {
  return Config(ValueMap(values.begin(), values.end()));
}

std::optional<std::string> Config::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

const std::string* Config::Find(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.empty()) return nullptr;
  return &it->second;
}

bool Config::IsSecretKey(std::string_view key) {
  const std::string upper = absl::AsciiStrToUpper(ToAbsl(key));
  for (const char* word : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY"}) {
    if (absl::StrContains(upper, word)) return true;
  }
  return absl::EndsWith(upper, "_KEY");
}

std::string Config::DisplayValue(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return "<unset>";
  if (IsSecretKey(key)) return std::string(kRedacted);
  return RedactUrl(it->second);
}

absl::Status Config::BadValue(std::string_view key,
                              std::string_view expected) const {
  std::string shown = IsSecretKey(key)
                          ? std::string(kRedacted)
                          : absl::CHexEscape(RedactUrl(*Find(key)));
  return absl::InvalidArgumentError(
      absl::StrCat(ToAbsl(key), ": \"", shown, "\" is not ", ToAbsl(expected)));
}

std::string Config::GetString(std::string_view key,
                              std::string_view default_value) const {
  const std::string* value = Find(key);
  return value ? *value : std::string(default_value);
}

absl::StatusOr<std::string> Config::GetRequiredString(std::string_view key) const {
  const std::string* value = Find(key);
  if (value == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(key), " is required but not set"));
  }
  return *value;
}

absl::StatusOr<int64_t> Config::GetInt(std::string_view key,
                                       int64_t default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  int64_t parsed;
  if (!absl::SimpleAtoi(*value, &parsed) || *value != absl::StripAsciiWhitespace(*value)) {
    return BadValue(key, "an integer");
  }
  return parsed;
}

absl::StatusOr<double> Config::GetDouble(std::string_view key,
                                         double default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  double parsed;
  if (!absl::SimpleAtod(*value, &parsed) || !std::isfinite(parsed) ||
      *value != absl::StripAsciiWhitespace(*value)) {
    return BadValue(key, "a finite number");
  }
  return parsed;
}

absl::StatusOr<bool> Config::GetBool(std::string_view key,
                                     bool default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  const std::string lower = absl::AsciiStrToLower(*value);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return BadValue(key, "a boolean (true/false, 1/0, yes/no, on/off)");
}

absl::StatusOr<absl::Duration> Config::GetDuration(
    std::string_view key, absl::Duration default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::Duration parsed;
  if (!absl::ParseDuration(*value, &parsed)) {
    return BadValue(key, "a duration such as 90s, 15m or 1h30m");
  }
  return parsed;
}

absl::StatusOr<Amount> Config::GetAmount(std::string_view key, int scale,
                                         const Amount& default_value) const {
  const std::string* value = Find(key);
  if (value == nullptr) return default_value;
  absl::StatusOr<Amount> parsed = Amount::Parse(*value, scale);
  if (!parsed.ok()) {
    return BadValue(key, absl::StrCat("a decimal amount with at most ", scale,
                                      " decimals"));
  }
  return parsed;
}

std::vector<std::string> Config::GetList(std::string_view key) const {
  std::vector<std::string> items;
  const std::string* value = Find(key);
  if (value == nullptr) return items;
  for (absl::string_view item : absl::StrSplit(*value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

}  // namespace botcore
