#include "botcore/ports/http_client.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "internal/strings.h"

namespace botcore {

std::optional<std::string_view> FindHeader(const HttpHeaders& headers,
                                           std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, internal::ToAbsl(name))) return value;
  }
  return std::nullopt;
}

std::optional<absl::Time> ParseHttpDate(std::string_view text) {
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT",
                       absl::StripAsciiWhitespace(internal::ToAbsl(text)),
                       &when, &error)) {
    return std::nullopt;
  }
  return when;
}

}  // namespace botcore
