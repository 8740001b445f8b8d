// Private helpers that read SQL text without parsing it: enough to find
// statement boundaries and '?' placeholders outside quotes and comments.

#ifndef BOTCORE_INTERNAL_SQL_TEXT_H_
#define BOTCORE_INTERNAL_SQL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace botcore::internal {

// Splits a script into statements at ';' outside quotes and comments; blank
// statements are dropped, the rest trimmed.
std::vector<std::string> SplitSqlStatements(std::string_view script);

// Rewrites '?' placeholders (outside quotes and comments) as :p1, :p2, ...
// for SOCI, and stores how many there were in *count.
std::string NumberPlaceholders(std::string_view sql, int* count);

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_SQL_TEXT_H_
