#include "adapters/moex/iss_blocks.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/json.h"
#include "internal/strings.h"

namespace botcore::internal {
namespace {

using rapidjson::Value;

IssValue CellOf(const Value& value) {
  if (value.IsNumber()) return value.GetDouble();
  if (value.IsString()) {
    return std::string(value.GetString(), value.GetStringLength());
  }
  return std::monostate();
}

// {"columns": [...], "data": [[...], ...]}; nullopt for anything else.
std::optional<IssTable> CompactTable(const Value& block) {
  const Value* columns = ArrayMember(block, "columns");
  const Value* data = ArrayMember(block, "data");
  if (columns == nullptr || data == nullptr) return std::nullopt;
  IssTable table;
  for (const Value& column : columns->GetArray()) {
    if (!column.IsString()) return std::nullopt;
    table.columns.emplace_back(column.GetString(), column.GetStringLength());
  }
  for (const Value& row : data->GetArray()) {
    if (!row.IsArray()) return std::nullopt;
    std::vector<IssValue> cells(table.columns.size());
    for (rapidjson::SizeType i = 0; i < row.Size() && i < cells.size(); ++i) {
      cells[i] = CellOf(row[i]);
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

// [{col: value, ...}, ...]; the columns are those of the first row, then
// any new ones in order of appearance.
std::optional<IssTable> ExtendedTable(const Value& rows) {
  if (!rows.IsArray()) return std::nullopt;
  IssTable table;
  for (const Value& row : rows.GetArray()) {
    if (!row.IsObject()) return std::nullopt;
    for (const auto& member : row.GetObject()) {
      const std::string name(member.name.GetString(),
                             member.name.GetStringLength());
      if (table.Column(name) < 0) table.columns.push_back(name);
    }
  }
  for (const Value& row : rows.GetArray()) {
    std::vector<IssValue> cells(table.columns.size());
    for (const auto& member : row.GetObject()) {
      const int column = table.Column(std::string_view(
          member.name.GetString(), member.name.GetStringLength()));
      cells[column] = CellOf(member.value);
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

int IssTable::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (absl::EqualsIgnoreCase(columns[i], ToAbsl(name))) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

absl::StatusOr<std::map<std::string, IssTable>> ParseIssBlocks(
    std::string_view body) {
  rapidjson::Document doc;
  if (std::string error = ParseJson(body, &doc); !error.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "ISS answered with something that is not JSON (", error, "): \"",
        absl::CHexEscape(ToAbsl(body.substr(0, 80))), "\""));
  }
  std::map<std::string, IssTable> tables;
  auto add = [&](const Value& name, std::optional<IssTable> table) {
    if (table.has_value()) {
      tables.insert_or_assign(
          std::string(name.GetString(), name.GetStringLength()),
          *std::move(table));
    }
  };
  const Value& root = doc;  // const iteration: no C++20 operator ambiguity
  if (root.IsObject()) {
    for (const auto& member : root.GetObject()) {
      add(member.name, CompactTable(member.value));
    }
  } else if (root.IsArray()) {
    for (const Value& part : root.GetArray()) {
      if (!part.IsObject()) continue;
      for (const auto& member : part.GetObject()) {
        add(member.name, ExtendedTable(member.value));
      }
    }
  } else {
    return absl::UnavailableError("ISS answered with a bare JSON value");
  }
  for (const auto& [name, table] : tables) {
    if (table.Column("error") < 0 || table.rows.empty()) continue;
    return absl::UnavailableError(
        absl::StrCat("ISS reported an error in block \"", name,
                     "\": ", IssText(table, 0, "error").value_or("(no text)")));
  }
  return tables;
}

std::optional<double> IssNumber(const IssTable& table, size_t row,
                                std::string_view column) {
  const int index = table.Column(column);
  if (index < 0 || row >= table.rows.size()) return std::nullopt;
  const IssValue& cell = table.rows[row][index];
  if (const double* number = std::get_if<double>(&cell)) return *number;
  return std::nullopt;
}

std::optional<std::string> IssText(const IssTable& table, size_t row,
                                   std::string_view column) {
  const int index = table.Column(column);
  if (index < 0 || row >= table.rows.size()) return std::nullopt;
  const IssValue& cell = table.rows[row][index];
  if (const std::string* text = std::get_if<std::string>(&cell)) return *text;
  return std::nullopt;
}

}  // namespace botcore::internal
