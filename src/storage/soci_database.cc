// The Database port over SOCI: the only place SOCI is included. SOCI opens
// and configures the connections and runs the transaction control
// statements; the engines' statements go through SQLite's and libpq's own
// API (SociTransaction).

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/redact.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"
#include "soci/postgresql/soci-postgresql.h"
#include "soci/soci.h"
#include "soci/sqlite3/soci-sqlite3.h"

namespace botcore {
namespace {

using internal::ToAbsl;
using internal::ToStd;

// SQLite's own API: statements on SQLite connections (SociTransaction) and
// the online backup, neither of which goes through SOCI.
namespace sqlite = ::sqlite_api;

// Marks a status as a transient conflict that Transact retries. A payload
// rather than a status code, so that an engine's own kAborted is not retried.
constexpr char kRetryablePayload[] = "botcore/storage-retryable";

absl::Status Retryable(absl::Status status) {
  status.SetPayload(kRetryablePayload, absl::Cord("1"));
  return status;
}

bool IsRetryable(const absl::Status& status) {
  return status.GetPayload(kRetryablePayload).has_value();
}

std::string OneLine(std::string_view text) {
  std::string out(absl::StripAsciiWhitespace(ToAbsl(text)));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// The status of a SQLite result code whose meaning tells the caller what to
// do (a conflict to retry, a constraint violated); nullopt for the others.
// `context` ends the message (" [<sql>]" or nothing).
std::optional<absl::Status> TranslateSqliteCode(int result,
                                                std::string_view message,
                                                std::string_view context) {
  const int code = result & 0xff;  // the primary result code
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    return Retryable(
        absl::AbortedError(absl::StrCat(ToAbsl(message), ToAbsl(context))));
  }
  if (code == SQLITE_CONSTRAINT) {
    if (absl::StrContains(ToAbsl(message), "UNIQUE") ||
        absl::StrContains(ToAbsl(message), "PRIMARY KEY")) {
      return absl::AlreadyExistsError(
          absl::StrCat(ToAbsl(message), ToAbsl(context)));
    }
    return absl::FailedPreconditionError(
        absl::StrCat(ToAbsl(message), ToAbsl(context)));
  }
  return std::nullopt;
}

// The same for a PostgreSQL SQLSTATE.
std::optional<absl::Status> TranslatePostgresqlState(std::string_view state,
                                                     std::string_view message,
                                                     std::string_view context) {
  const std::string text = absl::StrCat(ToAbsl(message), ToAbsl(context));
  if (state == "40001" || state == "40P01") {
    return Retryable(absl::AbortedError(text));
  }
  if (state == "23505") return absl::AlreadyExistsError(text);
  if (state.starts_with("23")) return absl::FailedPreconditionError(text);
  if (state.starts_with("08") || state.starts_with("57P")) {
    return absl::UnavailableError(text);
  }
  return std::nullopt;
}

// Maps an exception from SOCI to a status code by what the caller should do
// (see STYLE.md).
absl::Status TranslateError(const std::exception& e, std::string_view sql) {
  const std::string context =
      sql.empty() ? std::string() : absl::StrCat(" [", OneLine(sql), "]");
  const std::string message = OneLine(e.what());
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    if (std::optional<absl::Status> status =
            TranslateSqliteCode(lite->result(), message, context)) {
      return *status;
    }
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    if (std::optional<absl::Status> status =
            TranslatePostgresqlState(pg->sqlstate(), message, context)) {
      return *status;
    }
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    if (soci_error->get_error_category() == soci::soci_error::connection_error) {
      return absl::UnavailableError(absl::StrCat(message, context));
    }
  }
  return absl::InternalError(absl::StrCat(message, context));
}

struct Target {
  SqlDialect dialect;
  std::string backend_connect;  // what soci::session gets
  std::string sqlite_path;      // empty for PostgreSQL and memory
  bool memory = false;
};

absl::StatusOr<Target> ParseUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad database URL \"", RedactUrl(url), "\": ", ToAbsl(why),
        " (expected sqlite:///relative/path.db, sqlite:////absolute/path.db, "
        "sqlite::memory: or postgresql://user:password@host:port/dbname)"));
  };
  if (url == "sqlite::memory:") {
    return Target{SqlDialect::kSqlite, "db=:memory:", "", true};
  }
  if (url.starts_with("sqlite://")) {
    std::string_view path = url.substr(std::string_view("sqlite://").size());
    if (!path.starts_with("/") || path.size() == 1) {
      return bad("no file path after sqlite:///");
    }
    path.remove_prefix(1);
    if (path.find('"') != std::string_view::npos) {
      return bad("quotes in the path");
    }
    return Target{SqlDialect::kSqlite, absl::StrCat("db=\"", ToAbsl(path), "\""),
                  std::string(path), false};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    std::string connect(url);
    // libpq waits forever for an unreachable host unless told otherwise.
    if (connect.find("connect_timeout=") == std::string::npos) {
      absl::StrAppend(&connect,
                      connect.find('?') == std::string::npos ? "?" : "&",
                      "connect_timeout=10");
    }
    return Target{SqlDialect::kPostgresql, std::move(connect), "", false};
  }
  return bad("unknown scheme");
}

struct SqliteStatementCloser {
  void operator()(sqlite::sqlite3_stmt* statement) const {
    sqlite::sqlite3_finalize(statement);
  }
};
using SqliteStatement =
    std::unique_ptr<sqlite::sqlite3_stmt, SqliteStatementCloser>;

struct PostgresqlResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PostgresqlResult = std::unique_ptr<PGresult, PostgresqlResultCloser>;

// A statement prepared on a PostgreSQL connection: the name it was prepared
// under and its number of parameters.
struct PostgresqlStatement {
  std::string name;
  int parameters = 0;
};

// Finds a cached statement by the SQL as the caller wrote it, without
// copying it into a key.
struct SqlTextHash {
  using is_transparent = void;
  size_t operator()(std::string_view sql) const {
    return std::hash<std::string_view>()(sql);
  }
};
template <typename T>
using BySqlText =
    std::unordered_map<std::string, T, SqlTextHash, std::equal_to<>>;

// One open connection and the statements prepared on it, keyed by SQL
// text. SOCI opens and configures it and runs the transaction control
// statements; the callers' statements go through the backend's own API
// (see SociTransaction).
struct Connection {
  // Beyond this many the cache starts over, bounding memory when callers
  // build SQL dynamically.
  static constexpr size_t kMaxStatements = 512;

  std::unique_ptr<soci::session> session;
  // The session's own handle: one of the two is set.
  sqlite::sqlite3* sqlite = nullptr;
  PGconn* postgresql = nullptr;
  // Declared after `session`, so finalized before it closes the handle.
  BySqlText<SqliteStatement> sqlite_statements;
  BySqlText<PostgresqlStatement> postgresql_statements;
  int64_t statements_prepared = 0;  // numbers PostgreSQL statement names
  // SQLite: BEGIN, COMMIT and the synchronous PRAGMAs, prepared once (each
  // transaction runs two to four of them; parsing them again every time
  // cost more than the short statements between them).
  std::unordered_map<std::string, std::unique_ptr<soci::statement>> control;
  // SQLite: whether the connection is at `PRAGMA synchronous = NORMAL` for
  // non-durable transactions rather than at the configured level. The pool
  // hands a transaction a connection already at its level when one is idle:
  // SQLite applies a PRAGMA when it prepares it, so every change of level
  // parses the PRAGMA again.
  bool relaxed = false;
};

// Runs the callers' statements through SQLite's and libpq's own API rather
// than SOCI's: values are bound straight from the caller's parameters and
// columns read into SqlValues directly. Through SOCI every text was copied
// into a binding slot and again into SOCI's buffer on each run (on
// PostgreSQL each number was also formatted into a new buffer), and every
// column went through a type-erased holder: ~14% of the process CPU of the
// batched SQLite credits, ~20% of the client CPU on PostgreSQL.
class SociTransaction final : public SqlTransaction {
 public:
  SociTransaction(Connection& connection, SqlDialect dialect)
      : connection_(connection), dialect_(dialect) {}

  SqlDialect dialect() const override { return dialect_; }

  // COMMIT through libpq, which tells what the server did: when one of the
  // transaction's statements had failed, the callback ignored the error and
  // returned OK, PostgreSQL answers COMMIT with ROLLBACK (the transaction
  // could only roll back), and nothing was written.
  absl::Status CommitPostgresql() {
    static constexpr std::string_view kCommit = "COMMIT";
    const PostgresqlResult result(PQexec(connection_.postgresql, "COMMIT"));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return PostgresqlError(result.get(), kCommit);
    }
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      return absl::InternalError(
          "COMMIT: PostgreSQL rolled the transaction back, nothing was "
          "written: a statement in it had failed and the callback returned "
          "OK (after a failed statement a PostgreSQL transaction can only "
          "roll back: return the error, or avoid it, e.g. with ON CONFLICT "
          "DO NOTHING)");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  absl::Span<const SqlValue> params) override {
    if (connection_.sqlite != nullptr) return SqliteRun(sql, params, nullptr);
    return PostgresqlRun(sql, params, nullptr);
  }

  absl::StatusOr<std::vector<SqlRow>> Query(
      std::string_view sql, absl::Span<const SqlValue> params) override {
    std::vector<SqlRow> rows;
    if (connection_.sqlite != nullptr) {
      BOTCORE_RETURN_IF_ERROR(SqliteRun(sql, params, &rows).status());
    } else {
      BOTCORE_RETURN_IF_ERROR(PostgresqlRun(sql, params, &rows).status());
    }
    return rows;
  }

 private:
  static absl::Status PlaceholderMismatch(std::string_view sql, int count,
                                          size_t params) {
    return absl::InvalidArgumentError(
        absl::StrCat("statement has ", count, " placeholders but ", params,
                     " parameters were given [", OneLine(sql), "]"));
  }

  static absl::Status NoStatement(std::string_view sql) {
    return absl::InvalidArgumentError(
        absl::StrCat("no SQL statement in [", OneLine(sql), "]"));
  }

  static absl::Status SeveralStatements(std::string_view sql) {
    return absl::InvalidArgumentError(
        absl::StrCat("Execute and Query run one statement; run these one by"
                     " one [",
                     OneLine(sql), "]"));
  }

  // PostgreSQL cannot store a NUL byte in text and libpq would cut the
  // value there; it is refused on SQLite too, so that data stays portable.
  static absl::Status CheckText(const std::string& text, size_t index,
                                std::string_view sql) {
    if (text.find('\0') == std::string::npos) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", index + 1,
                     " holds a NUL byte, which PostgreSQL cannot store in"
                     " text [",
                     OneLine(sql), "]"));
  }

  // SQLite: whether `rest`, what follows a prepared statement, holds
  // another one (anything but blanks, comments and semicolons).
  bool HasSqliteStatement(std::string_view rest) const {
    if (rest.empty()) return false;
    sqlite::sqlite3_stmt* raw = nullptr;
    const int rc = sqlite::sqlite3_prepare_v2(
        connection_.sqlite, rest.data(), static_cast<int>(rest.size()), &raw,
        nullptr);
    SqliteStatement next(raw);
    return rc != SQLITE_OK || next != nullptr;
  }

  // SQLite: runs `sql` with `params` bound to its '?'s, in order, appends
  // its result rows to *rows (unless null) and returns the number of rows
  // it inserted, updated or deleted (0 for any other statement). The
  // statement stays prepared on the connection. A value is read back in the
  // type SQLite holds it in.
  absl::StatusOr<int64_t> SqliteRun(std::string_view sql,
                                    absl::Span<const SqlValue> params,
                                    std::vector<SqlRow>* rows) {
    auto it = connection_.sqlite_statements.find(sql);
    if (it == connection_.sqlite_statements.end()) {
      sqlite::sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      const int rc = sqlite::sqlite3_prepare_v3(
          connection_.sqlite, sql.data(), static_cast<int>(sql.size()),
          SQLITE_PREPARE_PERSISTENT, &raw, &tail);
      SqliteStatement prepared(raw);
      if (rc != SQLITE_OK) return SqliteError(rc, sql);
      if (prepared == nullptr) return NoStatement(sql);
      if (HasSqliteStatement(sql.substr(tail - sql.data()))) {
        return SeveralStatements(sql);
      }
      if (connection_.sqlite_statements.size() >= Connection::kMaxStatements) {
        connection_.sqlite_statements.clear();
      }
      it = connection_.sqlite_statements
               .emplace(std::string(sql), std::move(prepared))
               .first;
    }
    sqlite::sqlite3_stmt* statement = it->second.get();
    const int count = sqlite::sqlite3_bind_parameter_count(statement);
    if (count != static_cast<int>(params.size())) {
      return PlaceholderMismatch(sql, count, params.size());
    }
    // The texts are bound in place (SQLITE_STATIC): `params` outlives the
    // run, and the bindings are cleared before returning.
    absl::Cleanup reset = [statement] {
      sqlite::sqlite3_reset(statement);
      sqlite::sqlite3_clear_bindings(statement);
    };
    for (int i = 0; i < count; ++i) {
      const auto& value = params[i].value();
      int rc = SQLITE_OK;
      if (const auto* text = std::get_if<std::string>(&value)) {
        BOTCORE_RETURN_IF_ERROR(CheckText(*text, i, sql));
        rc = sqlite::sqlite3_bind_text64(
            statement, i + 1, text->data(), text->size(),
            static_cast<sqlite::sqlite3_destructor_type>(nullptr), SQLITE_UTF8);
      } else if (const auto* integer = std::get_if<int64_t>(&value)) {
        rc = sqlite::sqlite3_bind_int64(statement, i + 1, *integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        rc = sqlite::sqlite3_bind_double(statement, i + 1, *real);
      } else {
        rc = sqlite::sqlite3_bind_null(statement, i + 1);
      }
      if (rc != SQLITE_OK) return SqliteError(rc, sql);
    }
    // sqlite3_changes64 keeps the count of the last INSERT, UPDATE or
    // DELETE: it is this statement's only if the total moved.
    const int64_t changes_before =
        sqlite::sqlite3_total_changes64(connection_.sqlite);
    while (true) {
      const int rc = sqlite::sqlite3_step(statement);
      if (rc == SQLITE_DONE) {
        return sqlite::sqlite3_total_changes64(connection_.sqlite) ==
                       changes_before
                   ? 0
                   : sqlite::sqlite3_changes64(connection_.sqlite);
      }
      if (rc != SQLITE_ROW) return SqliteError(rc, sql);
      if (rows == nullptr) continue;
      // Counted after the step: when the schema changed, the step prepared
      // the statement again, and a SELECT * may have other columns now.
      const int columns = sqlite::sqlite3_column_count(statement);
      std::vector<SqlValue> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) {
        switch (sqlite::sqlite3_column_type(statement, i)) {
          case SQLITE_NULL:
            values.emplace_back();
            break;
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<int64_t>(
                sqlite::sqlite3_column_int64(statement, i)));
            break;
          case SQLITE_FLOAT:
            values.emplace_back(sqlite::sqlite3_column_double(statement, i));
            break;
          default: {  // text, or a blob read as its bytes
            const auto* text = reinterpret_cast<const char*>(
                sqlite::sqlite3_column_text(statement, i));
            const int size = sqlite::sqlite3_column_bytes(statement, i);
            values.emplace_back(std::string(text == nullptr ? "" : text,
                                            static_cast<size_t>(size)));
          }
        }
      }
      rows->emplace_back(std::move(values));
    }
  }

  // The status of SQLite result code `rc` from running `sql`, with SQLite's
  // message, mapped as TranslateError maps SOCI's exceptions.
  absl::Status SqliteError(int rc, std::string_view sql) const {
    const std::string message =
        OneLine(sqlite::sqlite3_errmsg(connection_.sqlite));
    const std::string context = absl::StrCat(" [", OneLine(sql), "]");
    if (std::optional<absl::Status> status =
            TranslateSqliteCode(rc, message, context)) {
      return *status;
    }
    return absl::InternalError(absl::StrCat(message, context));
  }

  // PostgreSQL: runs `sql` with `params` sent as text for its '?'s, in
  // order (the server infers their types, as it did through SOCI), appends
  // its result rows to *rows (unless null) and returns the number of rows
  // it changed (or returned). The statement stays prepared on the
  // connection under a name of its own.
  absl::StatusOr<int64_t> PostgresqlRun(std::string_view sql,
                                        absl::Span<const SqlValue> params,
                                        std::vector<SqlRow>* rows) {
    PGconn* conn = connection_.postgresql;
    auto it = connection_.postgresql_statements.find(sql);
    if (it == connection_.postgresql_statements.end()) {
      if (internal::SplitSqlStatements(sql).empty()) return NoStatement(sql);
      int count = 0;
      const std::string numbered = internal::NumberPlaceholders(sql, &count);
      if (count != static_cast<int>(params.size())) {
        return PlaceholderMismatch(sql, count, params.size());
      }
      if (connection_.postgresql_statements.size() >=
          Connection::kMaxStatements) {
        // One round trip: a simple query may hold several commands.
        std::string deallocate;
        for (const auto& [text, statement] :
             connection_.postgresql_statements) {
          absl::StrAppend(&deallocate, "DEALLOCATE ", statement.name, ";");
        }
        PostgresqlResult(PQexec(conn, deallocate.c_str()));
        connection_.postgresql_statements.clear();
      }
      PostgresqlStatement statement;
      statement.name =
          absl::StrCat("botcore_", ++connection_.statements_prepared);
      statement.parameters = count;
      PostgresqlResult prepared(PQprepare(conn, statement.name.c_str(),
                                          numbered.c_str(), 0, nullptr));
      if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        // PostgreSQL refuses several commands in one prepared statement as
        // a syntax error (42601); the split confirms that was the cause.
        const char* state =
            PQresultErrorField(prepared.get(), PG_DIAG_SQLSTATE);
        if (state != nullptr && std::string_view(state) == "42601" &&
            internal::SplitSqlStatements(sql).size() > 1) {
          return SeveralStatements(sql);
        }
        return PostgresqlError(prepared.get(), sql);
      }
      it = connection_.postgresql_statements
               .emplace(std::string(sql), std::move(statement))
               .first;
    }
    const PostgresqlStatement& statement = it->second;
    if (statement.parameters != static_cast<int>(params.size())) {
      return PlaceholderMismatch(sql, statement.parameters, params.size());
    }
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<std::string> numbers;  // reserved: their c_str() stay put
    numbers.reserve(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const auto& value = params[i].value();
      if (const auto* text = std::get_if<std::string>(&value)) {
        BOTCORE_RETURN_IF_ERROR(CheckText(*text, i, sql));
        values[i] = text->c_str();
      } else if (const auto* integer = std::get_if<int64_t>(&value)) {
        values[i] = numbers.emplace_back(absl::StrCat(*integer)).c_str();
      } else if (const auto* real = std::get_if<double>(&value)) {
        values[i] =
            numbers.emplace_back(absl::StrFormat("%.17g", *real)).c_str();
      }
    }
    PostgresqlResult result(PQexecPrepared(
        conn, statement.name.c_str(), static_cast<int>(values.size()),
        values.data(), nullptr, nullptr, /*resultFormat=*/0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      absl::Status error = PostgresqlError(result.get(), sql);
      if (IsStalePrepared(result.get())) {
        connection_.postgresql_statements.erase(it);
      }
      return error;
    }
    if (rows != nullptr && status == PGRES_TUPLES_OK) {
      BOTCORE_RETURN_IF_ERROR(PostgresqlRows(result.get(), sql, *rows));
    }
    // PQcmdTuples also counts the rows a SELECT returned.
    int64_t changed = 0;
    if (!absl::StartsWith(PQcmdStatus(result.get()), "SELECT")) {
      (void)absl::SimpleAtoi(PQcmdTuples(result.get()), &changed);
    }
    return changed;
  }

  // Whether a prepared statement failed because it no longer fits the
  // schema: its result columns changed ("cached plan must not change result
  // type"), a column it compares with a parameter changed type ("operator
  // does not exist: text = bigint"), or the server no longer has it. It is
  // then dropped from the cache, to be prepared again on its next run, as
  // SOCI's cache did; the failed transaction refuses DEALLOCATE, so the
  // server keeps the old one until the connection closes. Errors that a
  // fresh statement would meet again (a missing relation, a permission) keep
  // it: dropping it would leave one more on the server with every run.
  static bool IsStalePrepared(const PGresult* result) {
    const char* state = result != nullptr
                            ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                            : nullptr;
    if (state == nullptr) return false;
    const std::string_view code(state);
    return code == "0A000" || code == "26000" || code == "42804" ||
           code == "42883";
  }

  // Appends the rows of `result`, each value converted by its column's
  // type as SOCI did: booleans and integers to int64_t, floating-point and
  // numeric to double, everything else as text.
  static absl::Status PostgresqlRows(const PGresult* result,
                                     std::string_view sql,
                                     std::vector<SqlRow>& rows) {
    const int count = PQntuples(result);
    const int columns = PQnfields(result);
    rows.reserve(rows.size() + count);
    for (int r = 0; r < count; ++r) {
      std::vector<SqlValue> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          values.emplace_back();
          continue;
        }
        const std::string_view text(PQgetvalue(result, r, c),
                                    PQgetlength(result, r, c));
        switch (PQftype(result, c)) {
          case 16:  // bool
            values.emplace_back(int64_t{text == "t" ? 1 : 0});
            break;
          case 20:    // int8
          case 21:    // int2
          case 23: {  // int4
            int64_t integer = 0;
            if (!absl::SimpleAtoi(ToAbsl(text), &integer)) {
              return absl::InternalError(
                  absl::StrCat("column ", c, " holds integer '", ToAbsl(text),
                               "', which does not parse [", OneLine(sql), "]"));
            }
            values.emplace_back(integer);
            break;
          }
          case 700:     // float4
          case 701:     // float8
          case 1700: {  // numeric
            double real = 0;
            if (!absl::SimpleAtod(ToAbsl(text), &real)) {
              return absl::InternalError(
                  absl::StrCat("column ", c, " holds number '", ToAbsl(text),
                               "', which does not parse [", OneLine(sql), "]"));
            }
            values.emplace_back(real);
            break;
          }
          default:
            values.emplace_back(text);
        }
      }
      rows.emplace_back(std::move(values));
    }
    return absl::OkStatus();
  }

  // The status of a failed PostgreSQL statement (`result` may be null when
  // libpq could not even send it), mapped as TranslateError maps SOCI's
  // exceptions; kUnavailable when the connection is gone.
  absl::Status PostgresqlError(const PGresult* result,
                               std::string_view sql) const {
    const char* error = result != nullptr ? PQresultErrorMessage(result) : "";
    const std::string message = OneLine(
        *error != '\0' ? error : PQerrorMessage(connection_.postgresql));
    const std::string context = absl::StrCat(" [", OneLine(sql), "]");
    const char* state = result != nullptr
                            ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                            : nullptr;
    if (state != nullptr) {
      if (std::optional<absl::Status> status =
              TranslatePostgresqlState(state, message, context)) {
        return *status;
      }
    }
    if (PQstatus(connection_.postgresql) == CONNECTION_BAD) {
      return absl::UnavailableError(absl::StrCat(message, context));
    }
    return absl::InternalError(absl::StrCat(message, context));
  }

  Connection& connection_;
  const SqlDialect dialect_;
};

struct SqliteCloser {
  void operator()(sqlite::sqlite3* db) const { sqlite::sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite::sqlite3, SqliteCloser>;

bool SameFile(std::string_view a, std::string_view b) {
  std::error_code ec;
  return std::filesystem::equivalent(std::filesystem::path(a),
                                     std::filesystem::path(b), ec);
}

// The checks on a backup's destination that give a clearer message than
// SQLite's "unable to open database file".
absl::Status CheckBackupFile(std::string_view file) {
  if (file.empty()) return absl::InvalidArgumentError("backup file is empty");
  const std::filesystem::path parent =
      std::filesystem::path(file).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return absl::NotFoundError(
        absl::StrCat("cannot write backup file ", ToAbsl(file), ": directory ",
                     parent.string(), " does not exist"));
  }
  if (std::filesystem::is_directory(std::filesystem::path(file), ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup file ", ToAbsl(file), " is a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteHandle> OpenSqlite(std::string_view path, int flags) {
  sqlite::sqlite3* raw = nullptr;
  const int rc =
      sqlite::sqlite3_open_v2(std::string(path).c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot open ", ToAbsl(path), ": ",
        db != nullptr ? sqlite::sqlite3_errmsg(db.get())
                      : sqlite::sqlite3_errstr(rc)));
  }
  sqlite::sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

// Copies every page of `from` into `to` in one step, which reads one
// snapshot of `from`; waits out locks held by other connections for up to
// about a minute.
absl::Status CopyPages(sqlite::sqlite3* from, sqlite::sqlite3* to,
                       std::string_view what) {
  sqlite::sqlite3_backup* backup =
      sqlite::sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(ToAbsl(what), ": ", sqlite::sqlite3_errmsg(to)));
  }
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 6000; ++attempt) {
    rc = sqlite::sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  sqlite::sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return absl::UnavailableError(absl::StrCat(
        ToAbsl(what), ": ", sqlite::sqlite3_errstr(rc),
        rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? " (still locked)" : ""));
  }
  return absl::OkStatus();
}

// Writes `source` into "<file>.partial", then renames it to `file`.
absl::Status WriteBackup(sqlite::sqlite3* source, std::string_view source_name,
                         std::string_view file) {
  const std::string partial = absl::StrCat(ToAbsl(file), ".partial");
  std::error_code ec;
  std::filesystem::remove(partial, ec);
  {
    BOTCORE_ASSIGN_OR_RETURN(
        SqliteHandle dest,
        OpenSqlite(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    absl::Status copied = CopyPages(
        source, dest.get(),
        absl::StrCat("backup of ", ToAbsl(source_name), " to ", ToAbsl(file)));
    if (!copied.ok()) {
      dest.reset();
      std::filesystem::remove(partial, ec);
      return copied;
    }
  }
  std::filesystem::rename(partial, std::filesystem::path(file), ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    return absl::UnavailableError(absl::StrCat(
        "cannot move ", partial, " to ", ToAbsl(file), ": ", ec.message()));
  }
  return absl::OkStatus();
}

// Why `db` is not a botcore database, or OK.
absl::Status CheckBackupContents(sqlite::sqlite3* db, std::string_view file) {
  int rows = 0;
  char* error = nullptr;
  const int rc = sqlite::sqlite3_exec(
      db, "SELECT component FROM schema_migrations",
      [](void* count, int, char**, char**) {
        ++*static_cast<int*>(count);
        return 0;
      },
      &rows, &error);
  std::string message = error != nullptr ? error : sqlite::sqlite3_errstr(rc);
  sqlite::sqlite3_free(error);
  if (rc != SQLITE_OK || rows == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        ToAbsl(file), " is not a botcore database backup: ",
        rc != SQLITE_OK ? message : "schema_migrations is empty"));
  }
  return absl::OkStatus();
}

class SociDatabase final : public Database {
 public:
  SociDatabase(Target target, std::string display_url, DatabaseOptions options)
      : target_(std::move(target)),
        display_url_(std::move(display_url)),
        options_(std::move(options)),
        synchronous_pragma_(absl::StrCat("PRAGMA synchronous = ",
                                         options_.sqlite_synchronous)) {}

  SqlDialect dialect() const override { return target_.dialect; }
  std::string url() const override { return display_url_; }

  // Opens one connection now so that a bad path or an unreachable server is
  // reported by OpenDatabase rather than by the first transaction.
  absl::Status Connect() {
    absl::StatusOr<std::unique_ptr<Connection>> connection = NewConnection();
    if (!connection.ok()) return connection.status();
    absl::MutexLock lock(&mu_);
    idle_.push_back(*std::move(connection));
    ++open_;
    return absl::OkStatus();
  }

  // BackupDatabase: one of the pool's connections is the source.
  absl::Status Backup(std::string_view file) {
    if (target_.dialect == SqlDialect::kPostgresql) {
      return absl::UnimplementedError(absl::StrCat(
          "backup of ", display_url_,
          ": PostgreSQL databases are backed up with pg_dump "
          "(pg_dump -Fc -f botcore.dump <url>), see docs/deployment.md"));
    }
    BOTCORE_RETURN_IF_ERROR(CheckBackupFile(file));
    if (!target_.memory && SameFile(target_.sqlite_path, file)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backup file ", ToAbsl(file), " is the database itself"));
    }
    absl::StatusOr<std::unique_ptr<Connection>> connection = Acquire();
    if (!connection.ok()) return connection.status();
    absl::Status status =
        WriteBackup((*connection)->sqlite, display_url_, file);
    Release(*std::move(connection), absl::OkStatus());
    return status;
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(SqlTransaction&)> fn,
                        const TransactionOptions& options) override {
    const int attempts = std::max(1, options.max_attempts);
    absl::Status status;
    std::minstd_rand jitter(static_cast<unsigned>(
        std::hash<std::thread::id>()(std::this_thread::get_id())));
    const bool relaxed = Relaxed(options);
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      absl::StatusOr<std::unique_ptr<Connection>> connection =
          Acquire(relaxed);
      if (!connection.ok()) return connection.status();
      status = RunOnce(**connection, fn, options);
      Release(*std::move(connection), status);
      if (!IsRetryable(status)) return status;
      // Randomized exponential backoff: 1..2^attempt ms, at most 128 ms.
      const int ceiling = 1 << std::min(attempt, 7);
      absl::SleepFor(absl::Milliseconds(1 + jitter() % ceiling));
    }
    return absl::AbortedError(absl::StrCat("transaction gave up after ",
                                           attempts, " conflicting attempts: ",
                                           status.message()));
  }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> NewConnection() const {
    absl::StatusOr<std::unique_ptr<soci::session>> session = NewSession();
    if (!session.ok()) return session.status();
    auto connection = std::make_unique<Connection>();
    connection->session = *std::move(session);
    if (target_.dialect == SqlDialect::kSqlite) {
      connection->sqlite = static_cast<soci::sqlite3_session_backend*>(
                               connection->session->get_backend())
                               ->conn_;
    } else {
      connection->postgresql = static_cast<soci::postgresql_session_backend*>(
                                   connection->session->get_backend())
                                   ->conn_;
    }
    return connection;
  }

  absl::StatusOr<std::unique_ptr<soci::session>> NewSession() const {
    try {
      if (target_.dialect == SqlDialect::kPostgresql) {
        auto session = std::make_unique<soci::session>(
            soci::postgresql, target_.backend_connect);
        // Keep NOTICEs ("relation already exists, skipping") off stderr.
        *session << "SET client_min_messages = warning";
        // Statements stay prepared for the connection's life (see
        // PreparedStatement). After five runs PostgreSQL may switch one to
        // a generic plan chosen while its tables were small, and keep
        // scanning them whole once they grew: the ledger's `id IN (...)`
        // reads went from 0.1 ms to 35-100 ms that way. Plan each run.
        *session << "SET plan_cache_mode = force_custom_plan";
        return session;
      }
      if (!target_.memory) {
        const std::filesystem::path parent =
            std::filesystem::path(target_.sqlite_path).parent_path();
        std::error_code ec;
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        if (ec) {
          return absl::UnavailableError(
              absl::StrCat("cannot create directory ", parent.string(),
                           " for ", display_url_, ": ", ec.message()));
        }
      }
      auto session =
          std::make_unique<soci::session>(soci::sqlite3, target_.backend_connect);
      *session << absl::StrCat("PRAGMA busy_timeout = ",
                               absl::ToInt64Milliseconds(
                                   options_.sqlite_busy_timeout));
      *session << "PRAGMA foreign_keys = ON";
      // Statement journals (a multi-row statement inside a transaction
      // keeps one to undo itself) stay in memory instead of a file under
      // /var/tmp written page by page; they are never needed after a crash.
      *session << "PRAGMA temp_store = MEMORY";
      if (!target_.memory) *session << "PRAGMA journal_mode = WAL";
      // A 64 MiB page cache (the default is 2 MiB) keeps a large
      // transaction's dirty pages in memory instead of spilling them to the
      // WAL mid-transaction; durability is unchanged (synchronous below).
      *session << "PRAGMA cache_size = -65536";
      // Checkpoint (copy the WAL into the database file, with an fsync)
      // every ~40 MiB of WAL rather than every 4 MiB.
      if (!target_.memory) *session << "PRAGMA wal_autocheckpoint = 10000";
      *session << synchronous_pragma_;
      return session;
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat(
          "cannot open ", display_url_, ": ", RedactUrl(OneLine(e.what()))));
    }
  }

  int MaxConnections() const {
    return target_.memory ? 1 : std::max(1, options_.max_connections);
  }

  // Whether a transaction with `options` runs at SQLite's `synchronous =
  // NORMAL` instead of the configured level.
  bool Relaxed(const TransactionOptions& options) const {
    return !options.durable && target_.dialect == SqlDialect::kSqlite &&
           !target_.memory && options_.sqlite_synchronous != "NORMAL";
  }

  // An idle connection, preferably one at the synchronous level `relaxed`
  // asks for, or a new one while fewer than MaxConnections are open.
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(bool relaxed = false) {
    {
      absl::MutexLock lock(&mu_);
      auto can_proceed = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < MaxConnections();
      };
      mu_.Await(absl::Condition(&can_proceed));
      if (!idle_.empty()) {
        auto it = std::find_if(idle_.rbegin(), idle_.rend(),
                               [relaxed](const std::unique_ptr<Connection>& c) {
                                 return c->relaxed == relaxed;
                               });
        if (it == idle_.rend()) it = idle_.rbegin();
        std::unique_ptr<Connection> connection = std::move(*it);
        idle_.erase(std::next(it).base());
        return connection;
      }
      ++open_;  // reserve the slot; the connection opens outside the lock
    }
    absl::StatusOr<std::unique_ptr<Connection>> connection = NewConnection();
    if (!connection.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    return connection;
  }

  void Release(std::unique_ptr<Connection> connection,
               const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    if (absl::IsUnavailable(status)) {
      --open_;  // a broken connection is dropped; the next Acquire reopens
      return;
    }
    idle_.push_back(std::move(connection));
  }

  absl::Status RunOnce(Connection& connection,
                       absl::FunctionRef<absl::Status(SqlTransaction&)> fn,
                       const TransactionOptions& options) {
    soci::session& session = *connection.session;
    // SQLite: a writer takes the write lock at BEGIN, so two writers never
    // deadlock upgrading shared locks; a reader takes none.
    std::string begin = options.read_only ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE";
    if (target_.dialect == SqlDialect::kPostgresql) {
      begin = options.isolation == IsolationLevel::kSerializable
                  ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                  : "BEGIN ISOLATION LEVEL READ COMMITTED";
      if (options.read_only) begin += " READ ONLY";
    }
    // SQLite's synchronous level is the connection's: set to the
    // transaction's before it begins (the pool prefers a connection already
    // there).
    const bool relaxed = Relaxed(options);
    try {
      if (connection.relaxed != relaxed) {
        RunControl(connection, relaxed ? relaxed_pragma_ : synchronous_pragma_);
        connection.relaxed = relaxed;
      }
      RunControl(connection, begin);
      if (!options.durable && target_.dialect == SqlDialect::kPostgresql) {
        session << "SET LOCAL synchronous_commit = off";
      }
    } catch (const std::exception& e) {
      return TranslateError(e, begin);
    }
    SociTransaction tx(connection, target_.dialect);
    absl::Status status;
    try {
      status = fn(tx);
    } catch (...) {
      Rollback(session);
      throw;
    }
    if (!status.ok()) {
      Rollback(session);
      return status;
    }
    if (target_.dialect == SqlDialect::kPostgresql) {
      absl::Status committed = tx.CommitPostgresql();
      if (!committed.ok()) Rollback(session);
      return committed;
    }
    try {
      RunControl(connection, "COMMIT");
      return absl::OkStatus();
    } catch (const std::exception& e) {
      absl::Status commit_error = TranslateError(e, "COMMIT");
      Rollback(session);
      return commit_error;
    }
  }

  // Runs a statement without parameters or results. On SQLite it stays
  // prepared on the connection (a failed one is prepared again next time);
  // on PostgreSQL it is sent as text. Throws what SOCI throws.
  void RunControl(Connection& connection, const std::string& sql) const {
    if (target_.dialect != SqlDialect::kSqlite) {
      *connection.session << sql;
      return;
    }
    std::unique_ptr<soci::statement>& statement = connection.control[sql];
    try {
      if (statement == nullptr) {
        statement = std::make_unique<soci::statement>(
            connection.session->prepare << sql);
      }
      statement->execute(true);
    } catch (...) {
      connection.control.erase(sql);
      throw;
    }
  }

  static void Rollback(soci::session& session) {
    try {
      session << "ROLLBACK";
    } catch (const std::exception&) {
      // Nothing to undo (the transaction already ended) or the connection
      // is gone; the caller reports the original error either way.
    }
  }

  const Target target_;
  const std::string display_url_;
  const DatabaseOptions options_;
  // Sets a SQLite connection's configured synchronous level: when opened,
  // and again when a durable transaction takes a connection a non-durable
  // one lowered to relaxed_pragma_.
  const std::string synchronous_pragma_;
  const std::string relaxed_pragma_ = "PRAGMA synchronous = NORMAL";

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

constexpr Migration kCoreMigrations[] = {
    {1, "schema_migrations: versions of every component's schema", ""},
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(
    std::string_view url, const DatabaseOptions& options) {
  absl::StatusOr<Target> target = ParseUrl(url);
  if (!target.ok()) return target.status();
  const std::string sync = absl::AsciiStrToUpper(options.sqlite_synchronous);
  if (sync != "FULL" && sync != "NORMAL" && sync != "EXTRA") {
    return absl::InvalidArgumentError(absl::StrCat(
        "sqlite_synchronous \"", options.sqlite_synchronous,
        "\" is not FULL, NORMAL or EXTRA"));
  }
  DatabaseOptions checked = options;
  checked.sqlite_synchronous = sync;
  auto db = std::make_unique<SociDatabase>(*std::move(target), RedactUrl(url),
                                           std::move(checked));
  if (absl::Status s = db->Connect(); !s.ok()) return s;
  if (absl::Status s = db->Migrate("botcore", kCoreMigrations); !s.ok()) {
    return s;
  }
  return db;
}

absl::Status BackupDatabase(Database& db, std::string_view file) {
  auto* soci_db = dynamic_cast<SociDatabase*>(&db);
  if (soci_db == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot back up ", db.url(),
                     ": it was not opened by OpenDatabase"));
  }
  return soci_db->Backup(file);
}

absl::Status RestoreDatabase(std::string_view url, std::string_view file) {
  BOTCORE_ASSIGN_OR_RETURN(const Target target, ParseUrl(url));
  if (target.dialect == SqlDialect::kPostgresql) {
    return absl::UnimplementedError(absl::StrCat(
        "restore into ", RedactUrl(url),
        ": PostgreSQL databases are restored with pg_restore "
        "(pg_restore --clean -d <url> botcore.dump), see docs/deployment.md"));
  }
  if (target.memory) {
    return absl::InvalidArgumentError(
        "cannot restore into sqlite::memory:, which no other process sees");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(file), ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup file ", ToAbsl(file), " does not exist"));
  }
  if (SameFile(target.sqlite_path, file)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup file ", ToAbsl(file), " is the database itself"));
  }
  BOTCORE_ASSIGN_OR_RETURN(SqliteHandle source,
                           OpenSqlite(file, SQLITE_OPEN_READONLY));
  BOTCORE_RETURN_IF_ERROR(CheckBackupContents(source.get(), file));
  const std::filesystem::path parent =
      std::filesystem::path(target.sqlite_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  BOTCORE_ASSIGN_OR_RETURN(
      SqliteHandle dest,
      OpenSqlite(target.sqlite_path,
                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  return CopyPages(source.get(), dest.get(),
                   absl::StrCat("restore of ", ToAbsl(file), " into ",
                                RedactUrl(url)));
}

}  // namespace botcore
