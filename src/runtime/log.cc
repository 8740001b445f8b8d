#include "botcore/runtime/log.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "botcore/core/redact.h"
#include "internal/json_text.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool IsSchemeChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' ||
         c == '-' || c == '.';
}

bool EndsUrl(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '"' ||
         c == '\'' || c == '<' || c == '>' || c == '`';
}

// Every "scheme://..." in `text` passed through RedactUrl.
std::string RedactUrls(std::string_view text) {
  std::string out;
  size_t done = 0;
  size_t search = 0;
  while (true) {
    const size_t mark = text.find("://", search);
    if (mark == std::string_view::npos) break;
    size_t start = mark;
    while (start > done && IsSchemeChar(text[start - 1])) --start;
    size_t end = mark + 3;
    while (end < text.size() && !EndsUrl(text[end])) ++end;
    if (start == mark) {  // "://" without a scheme: not a URL
      search = mark + 3;
      continue;
    }
    out.append(text.substr(done, start - done));
    out.append(RedactUrl(text.substr(start, end - start)));
    done = end;
    search = end;
  }
  out.append(text.substr(done));
  return out;
}

// Control characters as escapes, so that one event stays one line; in a
// quoted text value also '"' and '\'.
void AppendEscaped(std::string_view text, bool quoted, std::string* out) {
  for (char c : text) {
    if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      absl::StrAppend(
          out, "\\x",
          absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else if (quoted && (c == '"' || c == '\\')) {
      out->push_back('\\');
      out->push_back(c);
    } else {
      out->push_back(c);
    }
  }
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '=' ||
        c == '\\' || c == 0x7f) {
      return true;
    }
  }
  return false;
}

}  // namespace

LogField::LogField(std::string_view key, std::string_view value)
    : key(key), value(value) {}
LogField::LogField(std::string_view key, const char* value)
    : key(key), value(value == nullptr ? "" : value) {}
LogField::LogField(std::string_view key, const std::string& value)
    : key(key), value(value) {}
LogField::LogField(std::string_view key, int64_t value)
    : key(key), value(absl::StrCat(value)) {}
LogField::LogField(std::string_view key, int value)
    : key(key), value(absl::StrCat(value)) {}
LogField::LogField(std::string_view key, double value)
    : key(key), value(absl::StrCat(value)) {}
LogField::LogField(std::string_view key, bool value)
    : key(key), value(value ? "true" : "false") {}
LogField::LogField(std::string_view key, const absl::Status& value)
    : key(key), value(value.ToString()) {}
LogField::LogField(std::string_view key, absl::Duration value)
    : key(key), value(absl::FormatDuration(value)) {}

absl::StatusOr<LoggerOptions> LoggerOptionsFromConfig(const Config& config) {
  LoggerOptions options;
  const std::string level =
      absl::AsciiStrToLower(config.GetString("LOG_LEVEL", "info"));
  if (level == "debug") {
    options.level = LogLevel::kDebug;
  } else if (level == "info") {
    options.level = LogLevel::kInfo;
  } else if (level == "warning" || level == "warn") {
    options.level = LogLevel::kWarning;
  } else if (level == "error") {
    options.level = LogLevel::kError;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "LOG_LEVEL: \"", level, "\" is not debug, info, warning or error"));
  }
  const std::string format =
      absl::AsciiStrToLower(config.GetString("LOG_FORMAT", "text"));
  if (format == "json") {
    options.format = LogFormat::kJson;
  } else if (format != "text") {
    return absl::InvalidArgumentError(
        absl::StrCat("LOG_FORMAT: \"", format, "\" is not text or json"));
  }
  for (std::string_view key : kLoggedSecretKeys) {
    std::optional<std::string> value = config.Get(key);
    if (value.has_value() && !value->empty()) options.secrets.push_back(*value);
  }
  return options;
}

Logger::Logger(LoggerOptions options)
    : options_([&] {
        // Longest first, so a secret that contains another is masked whole.
        std::erase_if(options.secrets,
                      [](const std::string& s) { return s.empty(); });
        std::sort(options.secrets.begin(), options.secrets.end(),
                  [](const std::string& a, const std::string& b) {
                    return a.size() > b.size();
                  });
        return std::move(options);
      }()) {}

std::string Logger::Mask(std::string_view text) const {
  std::string masked(text);
  for (const std::string& secret : options_.secrets) {
    masked = absl::StrReplaceAll(masked, {{secret, ToAbsl(kRedacted)}});
  }
  return RedactUrls(masked);
}

void Logger::Log(LogLevel level, std::string_view message,
                 std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  const std::string line = Format(level, message, fields);
  absl::MutexLock lock(&sink_mu_);
  if (options_.sink) {
    options_.sink(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

std::string Logger::Format(LogLevel level, std::string_view message,
                           std::initializer_list<LogField> fields) const {
  const absl::Time now =
      options_.clock != nullptr ? options_.clock->Now() : absl::Now();
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", now, absl::UTCTimeZone());
  auto value_of = [&](const LogField& field) {
    return Config::IsSecretKey(field.key) || IsSecretHeader(field.key)
               ? std::string(kRedacted)
               : Mask(field.value);
  };
  if (options_.format == LogFormat::kJson) {
    std::vector<std::pair<std::string_view, std::string>> object;
    object.reserve(fields.size() + 3);
    object.emplace_back("time", time);
    object.emplace_back("level", LevelName(level));
    object.emplace_back("message", Mask(message));
    for (const LogField& field : fields) {
      object.emplace_back(field.key, value_of(field));
    }
    return internal::JsonObject(object);
  }
  std::string line = absl::StrCat(
      time, " ", absl::AsciiStrToUpper(ToAbsl(LevelName(level))), " ");
  AppendEscaped(Mask(message), /*quoted=*/false, &line);
  for (const LogField& field : fields) {
    line.push_back(' ');
    AppendEscaped(field.key, /*quoted=*/false, &line);
    line.push_back('=');
    const std::string value = value_of(field);
    if (NeedsQuotes(value)) {
      line.push_back('"');
      AppendEscaped(value, /*quoted=*/true, &line);
      line.push_back('"');
    } else {
      line.append(value);
    }
  }
  return line;
}

}  // namespace botcore
