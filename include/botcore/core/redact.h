// File: botcore/core/redact.h
//
// Helpers that keep secrets out of logs and error messages.
//
//   RedactUrl("postgresql://bot:hunter2@db:5432/botcore")
//     == "postgresql://bot:***@db:5432/botcore"

#ifndef BOTCORE_CORE_REDACT_H_
#define BOTCORE_CORE_REDACT_H_

#include <string>
#include <string_view>

namespace botcore {

// What a secret is printed as.
inline constexpr std::string_view kRedacted = "***";

// Returns `url` with the password of its user-info part and the values of
// query parameters that look secret (password, token, key, secret) replaced by
// kRedacted. Text that is not a URL comes back unchanged unless it holds an
// '@' (it may be a malformed URL with credentials): then only the part before
// its first ':' is kept.
std::string RedactUrl(std::string_view url);

}  // namespace botcore

#endif  // BOTCORE_CORE_REDACT_H_
