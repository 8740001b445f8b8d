// File: botcore/runtime/log.h
//
// Logger writes one line per event, as plain text (the default) or as JSON
// lines for a log collector, with secrets masked before anything is written:
//
//   absl::StatusOr<LoggerOptions> options = LoggerOptionsFromConfig(config);
//   Logger log(*options);
//   log.Info("update handled", {{"chat", 42}, {"latency",
//   absl::Milliseconds(3)}}); log.Error("send failed", {{"url", request.url},
//   {"error", status}});
//
// text:  2026-11-21T01:33:50.123456Z INFO update handled chat=42 latency=3ms
// json:  {"time":"2026-11-21T01:33:50.123456Z","level":"info",
//         "message":"update handled","chat":"42","latency":"3ms"}
//
// What is masked, in the message and in every field value:
//   - the whole value of a field whose key names a secret (Config::IsSecretKey
//     or IsSecretHeader: "token", "api_key", "authorization", ...);
//   - in every URL, its password, secret query parameters and the Telegram
//     bot token in its path (RedactUrl);
//   - anywhere, each string in LoggerOptions::secrets (the configured token,
//     API keys, webhook secret; see LoggerOptionsFromConfig).
//
// Thread safety: thread-safe; lines from concurrent calls never interleave.

#ifndef BOTCORE_RUNTIME_LOG_H_
#define BOTCORE_RUNTIME_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/core/config.h"

namespace botcore {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

enum class LogFormat {
  kText,  // "<time> <LEVEL> <message> key=value ..."
  kJson,  // one JSON object a line, every value a string
};

// One key=value of a log line; the value is rendered when the field is made.
struct LogField {
  LogField(std::string_view key, std::string_view value);
  LogField(std::string_view key, const char* value);
  LogField(std::string_view key, const std::string& value);
  LogField(std::string_view key, int64_t value);
  LogField(std::string_view key, int value);
  LogField(std::string_view key, double value);
  LogField(std::string_view key, bool value);
  LogField(std::string_view key, const absl::Status& value);
  LogField(std::string_view key, absl::Duration value);

  std::string_view key;
  std::string value;
};

struct LoggerOptions {
  // Lines below this level are dropped. Default: kInfo (LOG_LEVEL).
  LogLevel level = LogLevel::kInfo;
  // Default: kText (LOG_FORMAT).
  LogFormat format = LogFormat::kText;
  // Values masked wherever they appear. Empty strings are ignored.
  // Default: none.
  std::vector<std::string> secrets;
  // Not owned; timestamps the lines. Default: null, the system clock.
  Clock* clock = nullptr;
  // Receives each line without its '\n', one call at a time. Default:
  // empty, write to stderr.
  std::function<void(std::string_view line)> sink;
};

// The configuration keys whose values LoggerOptionsFromConfig masks.
inline constexpr std::string_view kLoggedSecretKeys[] = {
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "AGENTROUTER_API_KEY",
    "LLM_API_KEY"};

// Reads LOG_LEVEL (debug, info, warning, error; default info) and LOG_FORMAT
// (text, json; default text), and collects the values of kLoggedSecretKeys
// into `secrets`.
// Errors: kInvalidArgument naming the key for another value.
[[nodiscard]] absl::StatusOr<LoggerOptions> LoggerOptionsFromConfig(
    const Config& config);

class Logger {
 public:
  explicit Logger(LoggerOptions options = {});

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Whether a line at `level` would be written; skip building costly
  // fields when not.
  bool Enabled(LogLevel level) const { return level >= options_.level; }

  // Writes one line when `level` is enabled, masked as the file comment
  // says. Fields appear in the order given.
  void Log(LogLevel level, std::string_view message,
           std::initializer_list<LogField> fields = {});

  void Debug(std::string_view message,
             std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kDebug, message, fields);
  }
  void Info(std::string_view message,
            std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, message, fields);
  }
  void Warning(std::string_view message,
               std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarning, message, fields);
  }
  void Error(std::string_view message,
             std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, message, fields);
  }

  // `text` with the URLs and configured secrets in it masked, as every
  // logged message and value is.
  std::string Mask(std::string_view text) const;

 private:
  std::string Format(LogLevel level, std::string_view message,
                     std::initializer_list<LogField> fields) const;

  const LoggerOptions options_;
  absl::Mutex sink_mu_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_LOG_H_
