// A Database decorator for the crash test's worker process: it counts kill
// points — every SQL statement and every commit, over all transactions and
// threads — and sends SIGKILL to its own process right after the Nth one. A
// kill after a statement lands inside its transaction (rolled back on
// restart); a kill after a commit lands between transactions.

#ifndef BOTCORE_TESTS_LEDGER_SELF_KILLING_DATABASE_H_
#define BOTCORE_TESTS_LEDGER_SELF_KILLING_DATABASE_H_

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "botcore/ports/database.h"

namespace botcore::testing {

class SelfKillingDatabase final : public Database {
 public:
  // Kills the process after `kill_point` kill points (1 = the first
  // statement); never when it is 0.
  SelfKillingDatabase(std::unique_ptr<Database> inner, int64_t kill_point)
      : inner_(std::move(inner)), kill_point_(kill_point) {}

  SqlDialect dialect() const override { return inner_->dialect(); }
  std::string url() const override { return inner_->url(); }

  absl::Status Transact(absl::FunctionRef<absl::Status(SqlTransaction&)> fn,
                        const TransactionOptions& options) override {
    absl::Status status = inner_->Transact(
        [&](SqlTransaction& tx) {
          Counting counting(tx, *this);
          return fn(counting);
        },
        options);
    if (status.ok()) Pass();  // the commit
    return status;
  }

 private:
  class Counting final : public SqlTransaction {
   public:
    Counting(SqlTransaction& tx, SelfKillingDatabase& db) : tx_(tx), db_(db) {}
    SqlDialect dialect() const override { return tx_.dialect(); }
    absl::StatusOr<int64_t> Execute(
        std::string_view sql, absl::Span<const SqlValue> params) override {
      absl::StatusOr<int64_t> r = tx_.Execute(sql, params);
      db_.Pass();
      return r;
    }
    absl::StatusOr<std::vector<SqlRow>> Query(
        std::string_view sql, absl::Span<const SqlValue> params) override {
      absl::StatusOr<std::vector<SqlRow>> r = tx_.Query(sql, params);
      db_.Pass();
      return r;
    }

   private:
    SqlTransaction& tx_;
    SelfKillingDatabase& db_;
  };

  void Pass() {
    if (++passed_ == kill_point_) kill(getpid(), SIGKILL);
  }

  std::unique_ptr<Database> inner_;
  const int64_t kill_point_;
  std::atomic<int64_t> passed_{0};
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_LEDGER_SELF_KILLING_DATABASE_H_
