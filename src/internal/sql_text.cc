#include "internal/sql_text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore::internal {
namespace {

// Calls on_code(i) for every character index outside '...' and "..." quotes
// and -- / /* */ comments.
template <typename OnCode>
void ForEachCodeChar(std::string_view sql, OnCode on_code) {
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A doubled quote inside is an escaped quote: the scan simply re-enters.
      const size_t end = sql.find(c, i + 1);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      on_code(i);
      ++i;
    }
  }
}

}  // namespace

std::vector<std::string> SplitSqlStatements(std::string_view script) {
  std::vector<std::string> statements;
  size_t start = 0;
  bool has_code = false;  // a statement of only comments is blank
  auto flush = [&](size_t end) {
    if (has_code) {
      statements.emplace_back(absl::StripAsciiWhitespace(
          ToAbsl(script.substr(start, end - start))));
    }
    start = end + 1;
    has_code = false;
  };
  ForEachCodeChar(script, [&](size_t i) {
    if (script[i] == ';') {
      flush(i);
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(script[i]))) {
      has_code = true;
    }
  });
  flush(script.size());
  return statements;
}

std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  size_t copied = 0;
  *count = 0;
  ForEachCodeChar(sql, [&](size_t i) {
    if (sql[i] != '?') return;
    out.append(sql.substr(copied, i - copied));
    absl::StrAppend(&out, "$", ++*count);
    copied = i + 1;
  });
  out.append(sql.substr(copied));
  return out;
}

std::string PlaceholderRows(size_t rows, size_t columns) {
  std::string group = "(";
  for (size_t c = 0; c < columns; ++c) group += c == 0 ? "?" : ", ?";
  group += ")";
  std::string out;
  out.reserve(rows * (group.size() + 2));
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) out += ", ";
    out += group;
  }
  return out;
}

namespace {

// The largest chunk size (see ForEachChunk) not above n, for 1 <= n.
size_t ChunkAtMost(size_t n) {
  if (n >= kMaxRowsPerStatement) return kMaxRowsPerStatement;
  size_t power = 1;
  while (power * 2 <= n) power *= 2;
  return power >= 2 && power / 2 * 3 <= n ? power / 2 * 3 : power;
}

// The smallest chunk size not below n, for 1 <= n <= kMaxRowsPerStatement.
size_t ChunkAtLeast(size_t n) {
  size_t power = 1;
  while (power < n) power *= 2;
  return power >= 4 && power / 4 * 3 >= n ? power / 4 * 3 : power;
}

}  // namespace

absl::Status ForEachChunk(
    size_t n, absl::FunctionRef<absl::Status(size_t first, size_t count)> fn,
    size_t max_rows) {
  size_t first = 0;
  while (first < n) {
    const size_t count = ChunkAtMost(std::min(n - first, max_rows));
    if (absl::Status s = fn(first, count); !s.ok()) return s;
    first += count;
  }
  return absl::OkStatus();
}

absl::Status ForEachInList(
    absl::Span<const SqlValue> items,
    absl::FunctionRef<absl::Status(absl::Span<const SqlValue> list)> fn,
    size_t max_rows) {
  for (size_t first = 0; first < items.size(); first += max_rows) {
    const size_t count = std::min(max_rows, items.size() - first);
    const size_t padded = ChunkAtLeast(count);
    std::vector<SqlValue> list(items.begin() + first,
                               items.begin() + first + count);
    list.resize(padded, list.back());
    if (absl::Status s = fn(list); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status QueryInList(SqlTransaction& tx, std::string_view select,
                         absl::Span<const SqlValue> leading,
                         absl::Span<const SqlValue> items,
                         absl::FunctionRef<absl::Status(const SqlRow&)> on_row,
                         size_t max_rows) {
  std::vector<SqlValue> params(leading.begin(), leading.end());
  return ForEachInList(
      items,
      [&](absl::Span<const SqlValue> list) -> absl::Status {
        params.resize(leading.size());
        params.insert(params.end(), list.begin(), list.end());
        absl::StatusOr<std::vector<SqlRow>> rows = tx.Query(
            absl::StrCat(ToAbsl(select), PlaceholderRows(1, list.size())),
            params);
        if (!rows.ok()) return rows.status();
        for (const SqlRow& row : *rows) {
          if (absl::Status s = on_row(row); !s.ok()) return s;
        }
        return absl::OkStatus();
      },
      max_rows);
}

absl::StatusOr<int64_t> DeleteInBatches(Database& db, std::string_view table,
                                        std::string_view key,
                                        std::string_view condition,
                                        std::vector<SqlValue> params,
                                        int batch_size) {
  const std::string sql = absl::StrCat(
      "DELETE FROM ", ToAbsl(table), " WHERE ", ToAbsl(key), " IN (SELECT ",
      ToAbsl(key), " FROM ", ToAbsl(table), " WHERE ", ToAbsl(condition),
      " ORDER BY ", ToAbsl(key), " LIMIT ?)");
  params.emplace_back(int64_t{batch_size});
  int64_t total = 0;
  while (true) {
    int64_t deleted = 0;
    BOTCORE_RETURN_IF_ERROR(
        db.Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(deleted, tx.Execute(sql, params));
          return absl::OkStatus();
        }));
    total += deleted;
    if (deleted < batch_size) return total;
  }
}

}  // namespace botcore::internal
