// The Database port over SOCI: the only place SOCI is included.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

// Maps an exception from SOCI to a status code by what the caller should do
// (see STYLE.md).
absl::Status TranslateError(const std::exception& e, std::string_view sql) {
  const std::string context =
      sql.empty() ? std::string() : absl::StrCat(" [", OneLine(sql), "]");
  const std::string message = OneLine(e.what());
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int code = lite->result() & 0xff;  // the primary result code
    if (code == 5 /* SQLITE_BUSY */ || code == 6 /* SQLITE_LOCKED */) {
      return Retryable(absl::AbortedError(absl::StrCat(message, context)));
    }
    if (code == 19 /* SQLITE_CONSTRAINT */) {
      if (absl::StrContains(message, "UNIQUE") ||
          absl::StrContains(message, "PRIMARY KEY")) {
        return absl::AlreadyExistsError(absl::StrCat(message, context));
      }
      return absl::FailedPreconditionError(absl::StrCat(message, context));
    }
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "40001" || state == "40P01") {
      return Retryable(absl::AbortedError(absl::StrCat(message, context)));
    }
    if (state == "23505") {
      return absl::AlreadyExistsError(absl::StrCat(message, context));
    }
    if (absl::StartsWith(state, "23")) {
      return absl::FailedPreconditionError(absl::StrCat(message, context));
    }
    if (absl::StartsWith(state, "08") || absl::StartsWith(state, "57P")) {
      return absl::UnavailableError(absl::StrCat(message, context));
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

// Owns the values bound to one statement; their addresses must stay put while
// SOCI holds them, so a cached statement is re-run by assigning new values to
// the same slots.
class Bindings {
 public:
  explicit Bindings(absl::Span<const SqlValue> params) : slots_(params.size()) {
    Assign(params);
  }

  // One letter per parameter: the SOCI type it binds as. Statements are
  // cached per SQL text and signature.
  static std::string Signature(absl::Span<const SqlValue> params) {
    std::string signature;
    for (const SqlValue& p : params) {
      signature.push_back(std::holds_alternative<int64_t>(p.value())  ? 'i'
                          : std::holds_alternative<double>(p.value()) ? 'r'
                                                                      : 't');
    }
    return signature;
  }

  // REQUIRES: Signature(params) is the signature these slots were made for.
  void Assign(absl::Span<const SqlValue> params) {
    for (size_t i = 0; i < params.size(); ++i) {
      Slot& slot = slots_[i];
      slot.indicator = soci::i_ok;
      std::visit(
          [&slot](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              slot.indicator = soci::i_null;
            } else if constexpr (std::is_same_v<T, int64_t>) {
              slot.kind = Kind::kInteger;
              slot.integer = v;
            } else if constexpr (std::is_same_v<T, double>) {
              slot.kind = Kind::kReal;
              slot.real = v;
            } else {
              slot.text = v;
            }
          },
          params[i].value());
    }
  }

  void Bind(soci::statement& statement) {
    for (Slot& slot : slots_) {
      switch (slot.kind) {
        case Kind::kInteger:
          statement.exchange(soci::use(slot.integer, slot.indicator));
          break;
        case Kind::kReal:
          statement.exchange(soci::use(slot.real, slot.indicator));
          break;
        case Kind::kText:
          statement.exchange(soci::use(slot.text, slot.indicator));
          break;
      }
    }
  }

 private:
  enum class Kind { kInteger, kReal, kText };
  struct Slot {
    Kind kind = Kind::kText;
    long long integer = 0;
    double real = 0;
    std::string text;
    soci::indicator indicator = soci::i_ok;
  };
  std::vector<Slot> slots_;
};

// A statement prepared once on a connection and run again with new values:
// preparing is most of the cost of a short statement (SQLite parses and plans
// it; PostgreSQL round-trips a PREPARE).
struct PreparedStatement {
  explicit PreparedStatement(absl::Span<const SqlValue> params)
      : bindings(params) {}
  Bindings bindings;
  std::unique_ptr<soci::row> row;  // queries only, bound before the statement
  std::unique_ptr<soci::statement> statement;
};

// One open connection and its prepared statements, keyed by SQL text,
// parameter signature and kind (query or not).
struct Connection {
  // Beyond this many the cache starts over, bounding memory when callers
  // build SQL dynamically.
  static constexpr size_t kMaxStatements = 512;

  std::unique_ptr<soci::session> session;
  std::unordered_map<std::string, std::unique_ptr<PreparedStatement>> statements;
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

SqlValue ConvertColumn(const soci::row& row, size_t i) {
  if (row.get_indicator(i) == soci::i_null) return SqlValue();
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return SqlValue(int64_t{row.get<int>(i)});
    case soci::dt_long_long:
      return SqlValue(int64_t{row.get<long long>(i)});
    case soci::dt_unsigned_long_long: {
      const unsigned long long v = row.get<unsigned long long>(i);
      if (v <= static_cast<unsigned long long>(INT64_MAX)) {
        return SqlValue(static_cast<int64_t>(v));
      }
      return SqlValue(absl::StrCat(v));
    }
    case soci::dt_double:
      return SqlValue(row.get<double>(i));
    case soci::dt_date: {
      const std::tm tm = row.get<std::tm>(i);
      char buf[32];
      std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
      return SqlValue(std::string(buf));
    }
    default:
      return SqlValue(row.get<std::string>(i));
  }
}

class SociTransaction final : public SqlTransaction {
 public:
  SociTransaction(Connection& connection, SqlDialect dialect)
      : connection_(connection), dialect_(dialect) {}

  SqlDialect dialect() const override { return dialect_; }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  absl::Span<const SqlValue> params) override {
    const std::string key = Key(sql, params, 'e');
    try {
      absl::StatusOr<PreparedStatement*> found =
          Prepare(key, sql, params, false);
      if (!found.ok()) return found.status();
      PreparedStatement& prepared = **found;
      prepared.statement->execute(true);
      return prepared.statement->get_affected_rows();
    } catch (const std::exception& e) {
      connection_.statements.erase(key);
      return TranslateError(e, sql);
    }
  }

  absl::StatusOr<std::vector<SqlRow>> Query(
      std::string_view sql, absl::Span<const SqlValue> params) override {
    const std::string key = Key(sql, params, 'q');
    try {
      absl::StatusOr<PreparedStatement*> found =
          Prepare(key, sql, params, true);
      if (!found.ok()) return found.status();
      PreparedStatement& prepared = **found;
      std::vector<SqlRow> rows;
      const soci::row& row = *prepared.row;
      for (bool more = prepared.statement->execute(true); more;
           more = prepared.statement->fetch()) {
        std::vector<SqlValue> values;
        values.reserve(row.size());
        for (size_t i = 0; i < row.size(); ++i) {
          values.push_back(ConvertColumn(row, i));
        }
        rows.emplace_back(std::move(values));
      }
      return rows;
    } catch (const std::exception& e) {
      connection_.statements.erase(key);
      return TranslateError(e, sql);
    }
  }

 private:
  // The SQL text as the caller wrote it, so that a cached statement is found
  // without numbering its placeholders again.
  static std::string Key(std::string_view sql,
                         absl::Span<const SqlValue> params, char kind) {
    return absl::StrCat(ToAbsl(sql), "\x1f", Bindings::Signature(params),
                        std::string(1, kind));
  }

  // Returns the cached statement for `key` with `params` assigned, preparing
  // it first if needed (kInvalidArgument when the placeholders of `sql` do
  // not match `params`). Throws what SOCI throws.
  absl::StatusOr<PreparedStatement*> Prepare(const std::string& key,
                                             std::string_view sql,
                                             absl::Span<const SqlValue> params,
                                             bool query) {
    auto it = connection_.statements.find(key);
    if (it != connection_.statements.end()) {
      it->second->bindings.Assign(params);
      return it->second.get();
    }
    absl::StatusOr<std::string> numbered = Number(sql, params);
    if (!numbered.ok()) return numbered.status();
    auto prepared = std::make_unique<PreparedStatement>(params);
    prepared->statement = std::make_unique<soci::statement>(*connection_.session);
    prepared->bindings.Bind(*prepared->statement);
    if (query) {
      prepared->row = std::make_unique<soci::row>();
      prepared->statement->exchange(soci::into(*prepared->row));
    }
    prepared->statement->alloc();
    prepared->statement->prepare(*numbered);
    prepared->statement->define_and_bind();
    if (connection_.statements.size() >= Connection::kMaxStatements) {
      connection_.statements.clear();
    }
    return (connection_.statements[key] = std::move(prepared)).get();
  }

  static absl::StatusOr<std::string> Number(std::string_view sql,
                                            absl::Span<const SqlValue> params) {
    int count = 0;
    std::string numbered = internal::NumberPlaceholders(sql, &count);
    if (count != static_cast<int>(params.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("statement has ", count, " placeholders but ",
                       params.size(), " parameters were given [", OneLine(sql),
                       "]"));
    }
    return numbered;
  }

  Connection& connection_;
  const SqlDialect dialect_;
};

// SQLite's own API, for the online backup that SOCI does not wrap.
namespace sqlite = ::sqlite_api;

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
    auto* backend = static_cast<soci::sqlite3_session_backend*>(
        (*connection)->session->get_backend());
    absl::Status status = WriteBackup(backend->conn_, display_url_, file);
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
