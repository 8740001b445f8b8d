// Writes flat JSON objects for outbox payloads without a JSON library (the
// engines may not include RapidJSON).

#ifndef BOTCORE_INTERNAL_JSON_TEXT_H_
#define BOTCORE_INTERNAL_JSON_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace botcore::internal {

// {"k1":"v1","k2":"v2"} with every value a JSON string, escaped.
std::string JsonObject(
    const std::vector<std::pair<std::string_view, std::string>>& fields);

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_JSON_TEXT_H_
