// File: botcore/core/redact.h
//
// Helpers that keep secrets out of logs and error messages.
//
//   RedactUrl("postgresql://bot:hunter2@db:5432/botcore")
//     == "postgresql://bot:***@db:5432/botcore"
//   RedactUrl("https://api.telegram.org/bot123:AAH-x/getMe")
//     == "https://api.telegram.org/bot***/getMe"
//   UrlOrigin("https://u:pw@mainnet.infura.io/v3/KEY") ==
//     "https://mainnet.infura.io"
//   RedactHeaderValue("Authorization", "Bearer sk-1") == "***"

#ifndef BOTCORE_CORE_REDACT_H_
#define BOTCORE_CORE_REDACT_H_

#include <string>
#include <string_view>

namespace botcore {

// What a secret is printed as.
inline constexpr std::string_view kRedacted = "***";

// Returns `url` with the password of its user-info part, the values of
// query parameters that look secret (password, token, key, secret) and
// Telegram bot tokens in the path ("/bot<digits>:<secret>/") replaced by
// kRedacted. Text that is not a URL comes back unchanged unless it holds an
// '@' (it may be a malformed URL with credentials): then only the part before
// its first ':' is kept.
std::string RedactUrl(std::string_view url);

// Returns "scheme://host[:port]" of `url`: no user info, path, query or
// fragment, any of which may hold a secret (node providers put API keys in
// the path: Infura "/v3/KEY", Alchemy "/v2/KEY", QuickNode "/TOKEN/").
// How network errors name the server they failed to reach. Text that is not
// a URL (no "://") comes back as kRedacted.
std::string UrlOrigin(std::string_view url);

// Whether an HTTP header carries a secret: Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Telegram-Bot-Api-Secret-Token,
// and any name containing "token", "secret", "key" or "password" (any case).
bool IsSecretHeader(std::string_view name);

// `value` as it may be logged: kRedacted for a secret header, else as is.
std::string RedactHeaderValue(std::string_view name, std::string_view value);

}  // namespace botcore

#endif  // BOTCORE_CORE_REDACT_H_
