#include "botcore/ports/http_client.h"

#include <optional>
#include <string_view>

#include "absl/strings/match.h"
#include "internal/strings.h"

namespace botcore {

std::optional<std::string_view> FindHeader(const HttpHeaders& headers,
                                           std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, internal::ToAbsl(name))) return value;
  }
  return std::nullopt;
}

}  // namespace botcore
