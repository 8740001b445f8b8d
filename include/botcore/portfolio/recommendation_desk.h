// File: botcore/portfolio/recommendation_desk.h
//
// The RecommendationDesk runs the confirm flow of the GAZP assistant: an
// advisor's Recommendation is checked against the last price and the risk
// engine, stored as PENDING with an expiry, shown to the user, and executed
// on the owner's paper portfolio when the user confirms it -- exactly once,
// however often or concurrently the confirmation arrives. Every transition is
// stored with its time (component "portfolio").
//
//   RecommendationDeskOptions options;
//   options.portfolios = portfolios.get();
//   options.risk = risk.get();
//   auto desk = *RecommendationDesk::Create(options);
//   absl::StatusOr<StoredRecommendation> r =
//       desk->Propose("tg:42", recommendation, last_price, "m42_1001");
//   if (r->status == RecommendationStatus::kPending)
//   show(r->verdict.Summary());
//   ... on the Confirm button:
//   absl::StatusOr<Trade> trade = desk->Confirm("tg:42", r->recommendation.id,
//                                               last_price);
//
// States: PENDING -> CONFIRMED (executed) | REJECTED (by the user) | EXPIRED |
// REFUSED (by the risk engine, at proposal or when confirming). All but
// PENDING are final.
//
// Thread safety: thread-safe; several bot processes may share the database.

#ifndef BOTCORE_PORTFOLIO_RECOMMENDATION_DESK_H_
#define BOTCORE_PORTFOLIO_RECOMMENDATION_DESK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/portfolios.h"
#include "botcore/ports/advisor.h"
#include "botcore/risk/risk_engine.h"

namespace botcore {

enum class RecommendationStatus {
  kPending,
  kConfirmed,
  kRejected,
  kExpired,
  kRefused
};

// "PENDING", "CONFIRMED", "REJECTED", "EXPIRED", "REFUSED".
std::string_view RecommendationStatusName(RecommendationStatus status);

struct StoredRecommendation {
  std::string owner;
  Recommendation recommendation;  // id set
  RecommendationStatus status = RecommendationStatus::kPending;
  Amount market_price;  // the last price it was reviewed at
  RiskVerdict verdict;  // of the latest review
  absl::Time created_at;
  absl::Time expires_at;
  std::optional<absl::Time> decided_at;  // when it left PENDING
  int64_t trade_sequence = 0;            // the executing trade; 0 if none
};

// One stored transition.
struct RecommendationTransition {
  RecommendationStatus status;
  absl::Time time;
  std::string note;  // the verdict summary, or why
};

struct RecommendationDeskOptions {
  // Borrowed, required. Its database, clock and money scale are used.
  Portfolios* portfolios = nullptr;
  // Borrowed, required.
  const RiskEngine* risk = nullptr;
  // How long a proposal waits for confirmation. Default: 15 minutes.
  absl::Duration expiry = absl::Minutes(15);
  // Risk limits of owners without their own. Default: RiskLimits{}.
  RiskLimits limits;
  // Per-owner limits. Default: none.
  std::map<std::string, RiskLimits, std::less<>> owner_limits;
  // Reads an owner's limits inside the transaction that reviews a proposal
  // or a confirmation (e.g. limits the owner chose, stored in the same
  // database), so limits changed between Propose and Confirm apply at
  // Confirm. When set, it replaces `limits` and `owner_limits` in those
  // reviews. Called on the caller's thread, again when the transaction is
  // retried: it must only read, through `tx`; its error fails the call.
  // Default: none.
  std::function<absl::StatusOr<RiskLimits>(SqlTransaction& tx,
                                           std::string_view owner)>
      limits_of;
};

class RecommendationDesk {
 public:
  // Errors: kInvalidArgument for missing portfolios or risk engine or a
  // non-positive expiry; storage errors as Database::Migrate.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RecommendationDesk>>
  Create(const RecommendationDeskOptions& options);

  RecommendationDesk(const RecommendationDesk&) = delete;
  RecommendationDesk& operator=(const RecommendationDesk&) = delete;

  // Reviews `recommendation` for `owner` at `market_price` and stores it
  // under `id`, or a new id when `id` is empty: PENDING when the verdict
  // allows it (quantity and levels as adjusted), REFUSED otherwise. HOLD
  // recommendations are stored REFUSED with the code "hold". Returns the
  // stored record. A caller that may repeat a request (a bot handling an
  // update again after a crash) derives `id` from the request: when `id` is
  // already stored for `owner`, nothing is reviewed or stored and the first
  // proposal is returned as it is now.
  // Errors: kInvalidArgument for an empty owner or an id that is not 1-48 of
  // A-Z, a-z, 0-9, '_', '-'; kAlreadyExists when `id` is another owner's;
  // limits_of's errors; storage errors.
  [[nodiscard]] absl::StatusOr<StoredRecommendation> Propose(
      std::string_view owner, Recommendation recommendation,
      const Amount& market_price, std::string_view id = {});

  // Executes a PENDING recommendation at `market_price` after a fresh risk
  // review (with the owner's limits as they are now, see limits_of),
  // atomically with the state change. Returns the trade.
  // Errors: kNotFound for an unknown id or another owner's;
  // kAlreadyExists when it was already confirmed (no second trade);
  // kFailedPrecondition when it was rejected, expired (now or before) or is
  // refused by the fresh review (then stored REFUSED with the reasons);
  // storage errors.
  [[nodiscard]] absl::StatusOr<Trade> Confirm(std::string_view owner,
                                              std::string_view id,
                                              const Amount& market_price);

  // PENDING -> REJECTED. Errors: kNotFound as Confirm; kFailedPrecondition
  // when it is no longer pending; storage errors.
  [[nodiscard]] absl::Status Reject(std::string_view owner,
                                    std::string_view id);

  // Marks every PENDING recommendation past its expiry EXPIRED; returns how
  // many. Errors: storage errors.
  [[nodiscard]] absl::StatusOr<int> ExpireDue();

  // Errors: kNotFound; storage errors; kDataLoss for rows that do not parse.
  [[nodiscard]] absl::StatusOr<StoredRecommendation> Get(std::string_view id);
  [[nodiscard]] absl::StatusOr<std::vector<RecommendationTransition>> History(
      std::string_view id);
  // The owner's PENDING ones (expired ones excluded), oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<StoredRecommendation>> Pending(
      std::string_view owner);

  // The limits of `owner` from `limits` and `owner_limits` (not limits_of).
  const RiskLimits& LimitsFor(std::string_view owner) const;

 private:
  // The limits the reviews inside `tx` use.
  absl::StatusOr<RiskLimits> ReviewLimits(SqlTransaction& tx,
                                          std::string_view owner) const;

  explicit RecommendationDesk(RecommendationDeskOptions options);

  std::string NewId();

  RecommendationDeskOptions options_;
  absl::Mutex mu_;
  uint64_t id_state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_RECOMMENDATION_DESK_H_
