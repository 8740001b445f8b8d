// File: botcore/ports/database.h
//
// The Database port: how engines persist. An engine writes plain SQL that runs
// on both SQLite and PostgreSQL (the portable subset: TEXT, BIGINT, DOUBLE
// PRECISION, INSERT ... ON CONFLICT, RETURNING), binds parameters with '?',
// and runs every unit of work inside Database::Transact. Money is stored as
// TEXT in Amount's canonical form, times as BIGINT microseconds since the Unix
// epoch (absl::ToUnixMicros / absl::FromUnixMicros), so both backends read them back
// exactly.
//
//   absl::Status s = db.Transact([&](SqlTransaction& tx) -> absl::Status {
//     absl::StatusOr<std::vector<SqlRow>> rows =
//         tx.Query("SELECT balance FROM accounts WHERE id = ?", {account_id});
//     ...
//     return tx.Execute("UPDATE accounts SET balance = ? WHERE id = ?",
//                       {new_balance.ToString(), account_id}).status();
//   });
//
// Each engine registers its own numbered migrations under its own component
// name (Database::Migrate); the applied versions are recorded in the
// `schema_migrations` table.
//
// Implementations: botcore::OpenDatabase (botcore/adapters/storage.h) over
// SOCI with SQLite or PostgreSQL.

#ifndef BOTCORE_PORTS_DATABASE_H_
#define BOTCORE_PORTS_DATABASE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace botcore {

enum class SqlDialect { kSqlite, kPostgresql };

// A bound parameter or a column value: NULL, a 64-bit integer, a double or
// text.
class SqlValue {
 public:
  SqlValue() = default;  // NULL
  SqlValue(std::nullptr_t) {}
  SqlValue(int v) : value_(int64_t{v}) {}
  SqlValue(int64_t v) : value_(v) {}
  SqlValue(bool v) : value_(int64_t{v ? 1 : 0}) {}
  SqlValue(double v) : value_(v) {}
  SqlValue(std::string v) : value_(std::move(v)) {}
  SqlValue(std::string_view v) : value_(std::string(v)) {}
  SqlValue(const char* v) : value_(std::string(v)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  const std::variant<std::monostate, int64_t, double, std::string>& value()
      const {
    return value_;
  }

  // A short rendering for error messages ("NULL", "42", "'text'").
  std::string DebugString() const;

  friend bool operator==(const SqlValue&, const SqlValue&) = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string> value_;
};

// One result row. Getters convert where that is exact (an integer stored as
// text "42", a double with an integral value) because the two backends report
// column types differently.
class SqlRow {
 public:
  SqlRow() = default;
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const SqlValue& operator[](size_t i) const { return values_[i]; }
  bool IsNull(size_t i) const { return values_[i].is_null(); }

  // Errors: kInternal when column `i` is missing, NULL or not convertible.
  [[nodiscard]] absl::StatusOr<int64_t> Int64(size_t i) const;
  [[nodiscard]] absl::StatusOr<double> Double(size_t i) const;
  [[nodiscard]] absl::StatusOr<std::string> Text(size_t i) const;

 private:
  std::vector<SqlValue> values_;
};

// The statements of one transaction. Valid only inside the callback passed to
// Database::Transact, on the thread that runs it.
class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;

  virtual SqlDialect dialect() const = 0;

  // Runs one statement with '?' placeholders bound in order; returns the
  // number of rows an INSERT, UPDATE or DELETE changed (0 for any other
  // statement).
  // Errors: kAlreadyExists on a unique or primary-key violation;
  // kAborted (retryable, see Database::Transact) on a lock conflict,
  // serialization failure or deadlock; kInvalidArgument when the number of
  // parameters does not match, when `sql` holds no statement or several
  // (Migration::sql may hold several; these run one), or when a text
  // parameter holds a NUL byte (PostgreSQL cannot store one; refused on
  // SQLite too, so data stays portable); kUnavailable when the connection
  // is lost; kInternal for any other database error. Messages carry the
  // SQL.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Execute(
      std::string_view sql, absl::Span<const SqlValue> params = {}) = 0;

  // Runs a query and returns all its rows. Errors as Execute.
  [[nodiscard]] virtual absl::StatusOr<std::vector<SqlRow>> Query(
      std::string_view sql, absl::Span<const SqlValue> params = {}) = 0;
};

// One numbered schema change of a component. Versions of a component start
// at 1 and increase by one. `sql` may hold several statements separated by
// ';'. In it, kAutoIdColumn stands for an auto-incrementing 64-bit primary
// key, spelled as each backend needs ("INTEGER PRIMARY KEY AUTOINCREMENT",
// "BIGSERIAL PRIMARY KEY"). When `postgresql_sql` is not empty it replaces
// `sql` on PostgreSQL, for what the two dialects cannot share.
inline constexpr std::string_view kAutoIdColumn = "{{auto_id}}";

struct Migration {
  int version = 0;
  std::string_view description;
  std::string_view sql;
  std::string_view postgresql_sql = {};
};

// PostgreSQL isolation levels. SQLite transactions are always serializable.
enum class IsolationLevel {
  // Default. The transaction sees one snapshot; a conflict with a
  // concurrent transaction fails it with a retryable error.
  kSerializable,
  // Every statement sees what was committed before it started; for
  // transactions that serialize themselves with locks
  // (SELECT ... FOR UPDATE, pg_advisory_xact_lock).
  kReadCommitted,
};

struct TransactionOptions {
  // Default: kSerializable.
  IsolationLevel isolation = IsolationLevel::kSerializable;

  // How many times the whole callback runs before a retryable failure
  // (lock conflict, serialization failure, deadlock) is returned as
  // kAborted. Default: 10.
  int max_attempts = 10;

  // The callback only reads. SQLite then begins a deferred transaction that
  // takes no write lock, so in WAL mode it neither waits for writers nor
  // holds them up; PostgreSQL runs it READ ONLY and fails a write in it.
  // Default: false.
  bool read_only = false;

  // false: the commit does not wait for the disk. It survives the process
  // crashing (the operating system has the write), not the machine losing
  // power, which may roll back the last such commits; on PostgreSQL neither
  // a crash or failover of the server. Other connections see it at once.
  // For bookkeeping that is cheap to redo: the Bot's done marks, where a
  // lost one means one answer sent again. SQLite commits it with
  // synchronous=NORMAL, PostgreSQL with synchronous_commit=off. Default:
  // true.
  bool durable = true;
};

// The options of a transaction that only reads (see read_only above).
inline constexpr TransactionOptions kReadOnlyTransaction{.read_only = true};

// Thread-safe: any thread may call any method; each Transact runs on its own
// connection from a pool.
class Database {
 public:
  virtual ~Database() = default;

  virtual SqlDialect dialect() const = 0;

  // The URL this database was opened with, password masked.
  virtual std::string url() const = 0;

  // Runs `fn` in one transaction: commits when it returns OK, rolls back
  // otherwise and returns its status. When a statement or the commit fails
  // with a retryable conflict (SQLITE_BUSY, PostgreSQL serialization failure
  // or deadlock), the transaction is rolled back and `fn` runs again from the
  // start, with a short randomized backoff, up to options.max_attempts times;
  // then kAborted. `fn` must therefore have no effects outside the
  // transaction except ones safe to repeat. On PostgreSQL a transaction in
  // which a statement failed can only roll back: if `fn` returns OK anyway,
  // Transact returns kInternal and nothing is written (SQLite undoes the
  // failed statement alone and commits the rest).
  [[nodiscard]] virtual absl::Status Transact(
      absl::FunctionRef<absl::Status(SqlTransaction&)> fn,
      const TransactionOptions& options = {}) = 0;

  // Brings `component`'s schema up to date: applies, in order and inside one
  // transaction, each migration whose version is above the recorded one, and
  // records it in `schema_migrations`. Running it again is a no-op; several
  // processes may run it at once.
  // Errors: kInvalidArgument when the versions are not 1, 2, 3, ...;
  // kFailedPrecondition when the database records a version above the
  // highest one given (the schema is newer than this code); storage errors
  // as Transact.
  [[nodiscard]] absl::Status Migrate(std::string_view component,
                                     absl::Span<const Migration> migrations);

  // The highest applied version of every component, e.g. {"botcore": 1}.
  [[nodiscard]] absl::StatusOr<std::map<std::string, int>> SchemaVersions();
};

}  // namespace botcore

#endif  // BOTCORE_PORTS_DATABASE_H_
