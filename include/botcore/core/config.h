// File: botcore/core/config.h
//
// Config holds the settings of a botcore application: the process environment
// overlaid on an optional `.env` file, read through typed getters that take
// the default. Every error names the key and the offending value; values of
// secret keys (tokens, API keys, passwords) are never shown, only "***".
//
//   absl::StatusOr<Config> config = Config::Load(".env");
//   if (!config.ok()) return config.status();
//   absl::StatusOr<int64_t> trades = config->GetInt("MAX_TRADES_PER_DAY", 5);
//
// `.env` syntax, one setting a line:
//
//   # a comment
//   KEY=value                   # text after " #" is a comment
//   export KEY=value            # "export " is allowed and ignored
//   KEY="a \"quoted\" value\n"  # double quotes: \n \t \" \\ escapes
//   KEY='literal $ value'       # single quotes: taken as written
//
// Thread safety: a Config is immutable after loading; share it freely.

#ifndef BOTCORE_CORE_CONFIG_H_
#define BOTCORE_CORE_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"

namespace botcore {

class Config {
 public:
  // An empty configuration: every getter returns its default.
  Config() = default;

  // Reads the process environment and, when `env_file` names an existing
  // file, that file. A variable set in the environment wins over the file.
  // A missing file is not an error.
  // Errors: kInvalidArgument naming the file and line of a malformed line;
  // kUnavailable if the file exists but cannot be read.
  [[nodiscard]] static absl::StatusOr<Config> Load(
      const std::string& env_file = ".env");

  // Parses `.env` text. `source` names it in error messages.
  // Errors: kInvalidArgument naming the source and line.
  [[nodiscard]] static absl::StatusOr<Config> ParseEnvFile(
      std::string_view text, std::string_view source = ".env");

  // A configuration holding exactly `values`, for tests and embedding apps.
  static Config FromMap(std::map<std::string, std::string> values);

  // Returns the raw value of `key`, if set (an empty value counts as set).
  std::optional<std::string> Get(std::string_view key) const;

  // Typed getters: return `default_value` when the key is unset or empty.
  // Errors: kInvalidArgument "KEY: "value" is not ..." (secrets as ***).
  std::string GetString(std::string_view key,
                        std::string_view default_value) const;
  [[nodiscard]] absl::StatusOr<std::string> GetRequiredString(
      std::string_view key) const;
  [[nodiscard]] absl::StatusOr<int64_t> GetInt(std::string_view key,
                                               int64_t default_value) const;
  [[nodiscard]] absl::StatusOr<double> GetDouble(std::string_view key,
                                                 double default_value) const;
  // Accepts true/false, 1/0, yes/no, on/off in any case.
  [[nodiscard]] absl::StatusOr<bool> GetBool(std::string_view key,
                                             bool default_value) const;
  // Accepts Abseil durations: "90s", "15m", "1h30m", "250ms".
  [[nodiscard]] absl::StatusOr<absl::Duration> GetDuration(
      std::string_view key, absl::Duration default_value) const;
  // Parses with Amount::Parse at `scale`.
  [[nodiscard]] absl::StatusOr<Amount> GetAmount(
      std::string_view key, int scale, const Amount& default_value) const;
  // A comma-separated list with surrounding blanks trimmed; empty items are
  // dropped.
  std::vector<std::string> GetList(std::string_view key) const;

  // Whether values of `key` are secret: names containing TOKEN, SECRET,
  // PASSWORD, PASSWD or API_KEY, or ending in _KEY.
  static bool IsSecretKey(std::string_view key);

  // The value of `key` as it may be printed or logged: "***" for secret
  // keys, URLs with their password masked, "<unset>" when unset.
  std::string DisplayValue(std::string_view key) const;

 private:
  explicit Config(std::map<std::string, std::string, std::less<>> values)
      : values_(std::move(values)) {}

  // The value of `key` when set and non-empty, otherwise nullptr.
  const std::string* Find(std::string_view key) const;
  absl::Status BadValue(std::string_view key, std::string_view expected) const;

  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace botcore

#endif  // BOTCORE_CORE_CONFIG_H_
