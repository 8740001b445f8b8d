#include "botcore/ports/database.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "internal/sql_text.h"
#include "internal/strings.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

using internal::ToAbsl;

// Serializes concurrent Migrate calls on PostgreSQL (any constant works; this
// one spells "botcore" in ASCII, shortened to fit a bigint).
constexpr int64_t kMigrationLockKey = 0x626f74636f7265;

absl::Status MissingColumn(size_t i, size_t size) {
  return absl::InternalError(absl::StrCat("no column ", i, " in a row of ", size));
}

absl::Status ColumnError(size_t i, const SqlValue& v, const char* want) {
  return absl::InternalError(absl::StrCat("column ", i, " holds ",
                                          v.DebugString(), ", not ", want));
}

// Spells kAutoIdColumn for `dialect`.
std::string ExpandAutoId(std::string_view script, SqlDialect dialect) {
  const std::string_view column = dialect == SqlDialect::kPostgresql
                                      ? "BIGSERIAL PRIMARY KEY"
                                      : "INTEGER PRIMARY KEY AUTOINCREMENT";
  std::string out;
  size_t from = 0;
  for (size_t at; (at = script.find(kAutoIdColumn, from)) != std::string_view::npos;
       from = at + kAutoIdColumn.size()) {
    out.append(script.substr(from, at - from)).append(column);
  }
  return out.append(script.substr(from));
}

}  // namespace

std::string SqlValue::DebugString() const {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "NULL";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return absl::StrCat("'", v, "'");
        } else {
          return absl::StrCat(v);
        }
      },
      value_);
}

absl::StatusOr<int64_t> SqlRow::Int64(size_t i) const {
  if (i >= values_.size()) return MissingColumn(i, values_.size());
  const SqlValue& v = values_[i];
  if (const auto* x = std::get_if<int64_t>(&v.value())) return *x;
  if (const auto* d = std::get_if<double>(&v.value())) {
    // Exact only: 2^63 itself is out of range.
    if (std::trunc(*d) == *d && *d >= -9223372036854775808.0 &&
        *d < 9223372036854775808.0) {
      return static_cast<int64_t>(*d);
    }
  }
  if (const auto* s = std::get_if<std::string>(&v.value())) {
    int64_t parsed;
    if (absl::SimpleAtoi(*s, &parsed)) return parsed;
  }
  return ColumnError(i, v, "an integer");
}

absl::StatusOr<double> SqlRow::Double(size_t i) const {
  if (i >= values_.size()) return MissingColumn(i, values_.size());
  const SqlValue& v = values_[i];
  if (const auto* d = std::get_if<double>(&v.value())) return *d;
  if (const auto* x = std::get_if<int64_t>(&v.value())) {
    return static_cast<double>(*x);
  }
  if (const auto* s = std::get_if<std::string>(&v.value())) {
    double parsed;
    if (absl::SimpleAtod(*s, &parsed)) return parsed;
  }
  return ColumnError(i, v, "a number");
}

absl::StatusOr<std::string> SqlRow::Text(size_t i) const {
  if (i >= values_.size()) return MissingColumn(i, values_.size());
  const SqlValue& v = values_[i];
  if (const auto* s = std::get_if<std::string>(&v.value())) return *s;
  if (const auto* x = std::get_if<int64_t>(&v.value())) return absl::StrCat(*x);
  return ColumnError(i, v, "text");
}

absl::Status Database::Migrate(std::string_view component,
                               absl::Span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations of '", ToAbsl(component), "' must be numbered 1, 2, 3, ...; "
          "position ", i + 1, " has version ", migrations[i].version));
    }
  }
  const int latest = static_cast<int>(migrations.size());
  TransactionOptions options;
  options.isolation = IsolationLevel::kReadCommitted;
  return Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        if (tx.dialect() == SqlDialect::kPostgresql) {
          // Under READ COMMITTED, every statement after the lock sees what
          // a concurrent Migrate committed before releasing it.
          BOTCORE_RETURN_IF_ERROR(
              tx.Query("SELECT 1 FROM pg_advisory_xact_lock(?)",
                       {kMigrationLockKey})
                  .status());
        }
        BOTCORE_RETURN_IF_ERROR(
            tx.Execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " component TEXT NOT NULL,"
                       " version BIGINT NOT NULL,"
                       " description TEXT NOT NULL,"
                       " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                       " PRIMARY KEY (component, version))")
                .status());
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
                     " WHERE component = ?",
                     {component}));
        BOTCORE_ASSIGN_OR_RETURN(const int64_t current, rows.at(0).Int64(0));
        if (current > latest) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the database schema of '", ToAbsl(component), "' is at version ",
              current, ", newer than the ", latest,
              " this build knows; upgrade botcore before opening it"));
        }
        for (int v = static_cast<int>(current); v < latest; ++v) {
          const Migration& m = migrations[v];
          const std::string_view script =
              tx.dialect() == SqlDialect::kPostgresql && !m.postgresql_sql.empty()
                  ? m.postgresql_sql
                  : m.sql;
          for (const std::string& statement :
               internal::SplitSqlStatements(ExpandAutoId(script, tx.dialect()))) {
            absl::Status s = tx.Execute(statement).status();
            if (!s.ok()) {
              return absl::Status(
                  s.code(), absl::StrCat("migration ", ToAbsl(component), " ", m.version,
                                         " (", ToAbsl(m.description), "): ",
                                         s.message()));
            }
          }
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO schema_migrations"
                         " (component, version, description) VALUES (?, ?, ?)",
                         {component, int64_t{m.version}, m.description})
                  .status());
        }
        return absl::OkStatus();
      },
      options);
}

absl::StatusOr<std::map<std::string, int>> Database::SchemaVersions() {
  std::map<std::string, int> versions;
  absl::Status s = Transact([&](SqlTransaction& tx) -> absl::Status {
    versions.clear();
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT component, MAX(version) FROM schema_migrations"
                 " GROUP BY component ORDER BY component"));
    for (const SqlRow& row : rows) {
      BOTCORE_ASSIGN_OR_RETURN(std::string component, row.Text(0));
      BOTCORE_ASSIGN_OR_RETURN(int64_t version, row.Int64(1));
      versions[component] = static_cast<int>(version);
    }
    return absl::OkStatus();
  }, kReadOnlyTransaction);
  if (!s.ok()) return s;
  return versions;
}

}  // namespace botcore
