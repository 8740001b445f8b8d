// Writes flat JSON objects for outbox payloads without a JSON library (the
// engines may not include RapidJSON).

#ifndef BOTCORE_INTERNAL_JSON_TEXT_H_
#define BOTCORE_INTERNAL_JSON_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace botcore::internal {

// {"k1":"v1","k2":"v2"} with every value a JSON string, escaped.
std::string JsonObject(
    const std::vector<std::pair<std::string_view, std::string>>& fields);

// Reads back what JsonObject writes: a flat object whose values are all
// strings (\uXXXX escapes below 0x80 only). std::nullopt for anything else.
std::optional<std::map<std::string, std::string>> ParseJsonObject(
    std::string_view text);

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_JSON_TEXT_H_
