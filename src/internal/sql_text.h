// Private helpers that read SQL text without parsing it: enough to find
// statement boundaries and '?' placeholders outside quotes and comments.

#ifndef BOTCORE_INTERNAL_SQL_TEXT_H_
#define BOTCORE_INTERNAL_SQL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "botcore/ports/database.h"

namespace botcore::internal {

// Splits a script into statements at ';' outside quotes and comments; blank
// statements are dropped, the rest trimmed.
std::vector<std::string> SplitSqlStatements(std::string_view script);

// Rewrites '?' placeholders (outside quotes and comments) as $1, $2, ...
// for PostgreSQL, and stores how many there were in *count.
std::string NumberPlaceholders(std::string_view sql, int* count);

// Placeholder groups of a multi-row statement: "(?, ?), (?, ?)" for 2 rows of
// 2 columns; "(?, ?, ?)", an IN list, for 1 row of 3 columns.
std::string PlaceholderRows(size_t rows, size_t columns);

// The most rows (or IN-list items) one bulk statement carries.
inline constexpr size_t kMaxRowsPerStatement = 256;

// The sizes a bulk statement comes in: powers of two and three times a
// power of two (1, 2, 3, 4, 6, 8, 12, ..., 128, 192, 256), so that the
// statements built per size are few and stay prepared in the connection's
// cache, yet a batch takes few of them.
// Calls fn(first, count) over [0, n) in chunks of those sizes, largest first
// (100 -> 96, 4; 151 -> 128, 16, 6, 1), none above `max_rows` (one of
// those sizes: a caller that runs often with small batches keeps fewer and
// smaller statements prepared). Stops at, and returns, the first error.
absl::Status ForEachChunk(
    size_t n, absl::FunctionRef<absl::Status(size_t first, size_t count)> fn,
    size_t max_rows = kMaxRowsPerStatement);

// Calls fn(list) with IN lists covering `items`: chunks of up to `max_rows`
// (one of ForEachChunk's sizes), each padded to the next size of
// ForEachChunk's by repeating its last item (harmless in an IN list), so a
// read takes one statement per chunk and the statements built per list size
// are few. Stops at, and returns, the first error.
absl::Status ForEachInList(
    absl::Span<const SqlValue> items,
    absl::FunctionRef<absl::Status(absl::Span<const SqlValue> list)> fn,
    size_t max_rows = kMaxRowsPerStatement);

// Runs `select`, SQL that ends in "IN ", once per IN list of `items`
// (ForEachInList), with `leading` bound to the placeholders before the list,
// and calls on_row(row) for each row. Stops at, and returns, the first error.
absl::Status QueryInList(SqlTransaction& tx, std::string_view select,
                         absl::Span<const SqlValue> leading,
                         absl::Span<const SqlValue> items,
                         absl::FunctionRef<absl::Status(const SqlRow&)> on_row,
                         size_t max_rows = kMaxRowsPerStatement);

// Deletes the rows of `table` matching `condition` (SQL after WHERE, its '?'
// bound to `params`), `batch_size` rows per transaction in the order of
// `key` (a unique column), until none is left: a large purge never holds the
// write lock for long. Returns how many rows were deleted. Errors: storage
// errors (the batches deleted before stay deleted).
absl::StatusOr<int64_t> DeleteInBatches(Database& db, std::string_view table,
                                        std::string_view key,
                                        std::string_view condition,
                                        std::vector<SqlValue> params,
                                        int batch_size);

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_SQL_TEXT_H_
