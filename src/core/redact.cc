#include "botcore/core/redact.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "internal/strings.h"

namespace botcore {
namespace {

bool IsSecretParameter(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(internal::ToAbsl(name));
  for (const char* word : {"password", "passwd", "token", "key", "secret"}) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

// Masks Telegram bot tokens ("bot<digits>:<secret>") in a URL path.
std::string RedactPath(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    const size_t slash = path.find('/', 1);
    std::string_view segment = path.substr(0, slash);
    const size_t colon = segment.find(':');
    const size_t digits = segment.find_first_not_of("0123456789", 4);
    if (segment.starts_with("/bot") && colon != std::string_view::npos &&
        colon > 4 && digits == colon) {
      out.append("/bot").append(kRedacted);
    } else {
      out.append(segment);
    }
    if (slash == std::string_view::npos) break;
    path = path.substr(slash);
  }
  return out;
}

}  // namespace

std::string UrlOrigin(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(kRedacted);
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return std::string(url.substr(0, scheme_end + 3)).append(authority);
}

bool IsSecretHeader(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(internal::ToAbsl(name));
  if (lower == "authorization" || lower == "proxy-authorization" ||
      lower == "cookie" || lower == "set-cookie") {
    return true;
  }
  for (const char* word : {"token", "secret", "key", "password"}) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

std::string RedactHeaderValue(std::string_view name, std::string_view value) {
  return IsSecretHeader(name) ? std::string(kRedacted) : std::string(value);
}

std::string RedactUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    // Not a URL we can take apart; if it might hold credentials, keep only
    // what comes before the first ':'.
    if (url.find('@') == std::string_view::npos) return std::string(url);
    const size_t colon = url.find(':');
    if (colon == std::string_view::npos) return std::string(kRedacted);
    return std::string(url.substr(0, colon + 1)).append(kRedacted);
  }
  std::string out(url.substr(0, scheme_end + 3));
  std::string_view rest = url.substr(scheme_end + 3);

  // Authority ends at the first '/', '?' or '#'; user info ends at its last
  // '@'.
  const size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view user_info = authority.substr(0, at);
    const size_t colon = user_info.find(':');
    if (colon != std::string_view::npos) {
      out.append(user_info.substr(0, colon + 1)).append(kRedacted);
    } else {
      out.append(user_info);
    }
    out.append(authority.substr(at));
  } else {
    out.append(authority);
  }
  if (authority_end == std::string_view::npos) return out;
  rest = rest.substr(authority_end);

  const size_t query = rest.find_first_of("?#");
  out.append(RedactPath(rest.substr(0, query)));
  if (query == std::string_view::npos) return out;
  if (rest[query] == '#') return out.append(rest.substr(query));
  out.push_back('?');
  rest = rest.substr(query + 1);
  const size_t fragment = rest.find('#');
  std::string_view params = rest.substr(0, fragment);
  bool first = true;
  while (true) {
    const size_t amp = params.find('&');
    std::string_view param = params.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    const size_t eq = param.find('=');
    if (eq != std::string_view::npos &&
        IsSecretParameter(param.substr(0, eq))) {
      out.append(param.substr(0, eq + 1)).append(kRedacted);
    } else {
      out.append(param);
    }
    if (amp == std::string_view::npos) break;
    params = params.substr(amp + 1);
  }
  if (fragment != std::string_view::npos) out.append(rest.substr(fragment));
  return out;
}

}  // namespace botcore
