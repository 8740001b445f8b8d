// Private: decoding MOEX ISS JSON responses into named tables, columns
// looked up by name (ISS changes column order and sets over time, and is
// not consistent about their case).

#ifndef BOTCORE_ADAPTERS_MOEX_ISS_BLOCKS_H_
#define BOTCORE_ADAPTERS_MOEX_ISS_BLOCKS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace botcore::internal {

// One cell: null, a number or text.
using IssValue = std::variant<std::monostate, double, std::string>;

struct IssTable {
  std::vector<std::string> columns;
  std::vector<std::vector<IssValue>> rows;  // each as wide as `columns`

  // The index of the column named `name` (any case), or -1.
  int Column(std::string_view name) const;
};

// Decodes a response in the compact format ({"block": {"columns": [...],
// "data": [[...]]}}, with or without "metadata") or the extended one
// (iss.json=extended: [{"charsetinfo": ...}, {"block": [{col: value}]}]).
// Members that are not tables are skipped.
// Errors: kUnavailable for a body that is not JSON or has neither shape,
// and for an error the exchange reports inside the body (a table with an
// "error" column), carrying its text.
absl::StatusOr<std::map<std::string, IssTable>> ParseIssBlocks(
    std::string_view body);

// Cell accessors: nullopt when the column is missing, the cell is null or
// of another type.
std::optional<double> IssNumber(const IssTable& table, size_t row,
                                std::string_view column);
std::optional<std::string> IssText(const IssTable& table, size_t row,
                                   std::string_view column);

}  // namespace botcore::internal

#endif  // BOTCORE_ADAPTERS_MOEX_ISS_BLOCKS_H_
