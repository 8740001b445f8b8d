// File: botcore/referral/referral.h
//
// The referral engine: who invited whom, and the rewards paid up the chain
// when a deposit is credited. A user gets a referrer once, at registration,
// from the referrer's code; it never changes. On every credited deposit the
// referrers up to `max_depth` levels above the depositor each receive
// `rates[level - 1]` of the amount, rounded toward zero at the asset's
// precision (the dust stays in the pool), as a ledger transfer from
// $rewards_pool whose id is "referral:<deposit transfer id>:<level>", so each
// reward is paid exactly once however often the deposit is processed.
//
// A dry pool never holds up a deposit. By default $rewards_pool is a system
// account that may go negative (the operator settles it later), and every
// reward is paid. An operator who caps rewards opens it with
// Ledger::OpenAccount(pool, /*forbid_overdraft=*/true) and funds it: then,
// in each crediting batch, the rewards (in deposit order, nearest level
// first) are paid while the pool's available balance covers them; each one
// it cannot cover is not paid now but recorded as unpaid (ReferralStats::
// unpaid_rewards) with a "referral.reward_unpaid" message for the operator,
// and the deposit is credited regardless. PayUnpaidRewards pays the
// recorded ones, oldest first, once the pool is funded again.
//
//   ReferralOptions o;
//   o.database = db.get(); o.ledger = ledger.get();
//   auto referral = ReferralEngine::Create(o);
//   absl::StatusOr<ReferralMember> alice = (*referral)->Register("alice", "");
//   (*referral)->Register("bob", alice->code);       // bob's referrer: alice
//   deposit_options.listener = referral->get();      // rewards on credit
//   (*referral)->PayUnpaidRewards();  // after funding a capped, dry pool
//
// Thread-safe; several processes may share one database.

#ifndef BOTCORE_REFERRAL_REFERRAL_H_
#define BOTCORE_REFERRAL_REFERRAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "botcore/core/amount.h"
#include "botcore/core/clock.h"
#include "botcore/ledger/deposits.h"
#include "botcore/ledger/ledger.h"
#include "botcore/outbox/outbox.h"
#include "botcore/ports/database.h"

namespace botcore {

// MAX_REFERRAL_DEPTH: how many levels above a depositor can be rewarded.
inline constexpr int kMaxReferralDepth = 3;

struct ReferralMember {
  std::string user_id;
  // The code this user shares, fixed at registration: CodeOf(user_id), or,
  // when another member already holds that, the first free one of further
  // candidates derived from the user id in a fixed order.
  std::string code;
  // Empty for a user who registered without a code.
  std::string referrer;
};

struct ReferralStats {
  std::string user_id;
  // referrals_per_level[0]: users this one invited; [1]: users they
  // invited; ... exactly ReferralOptions::max_depth entries (the levels
  // rewarded; none when max_depth is 0), zeros included.
  std::vector<int64_t> referrals_per_level;
  // Rewards received, by asset.
  std::map<std::string, Amount> rewards;
  // Rewards due that the pool could not cover and that are not paid yet
  // (see PayUnpaidRewards), by asset; assets with none are absent.
  std::map<std::string, Amount> unpaid_rewards;
};

struct ReferralOptions {
  // Not owned; must outlive the engine. Required.
  Database* database = nullptr;
  // Not owned. Required.
  Ledger* ledger = nullptr;
  // Not owned. Default: the system clock.
  Clock* clock = nullptr;
  // Not owned. When set, a "referral.reward" message is queued per reward
  // paid and a "referral.reward_unpaid" one (for the operator, key
  // "referral.reward_unpaid:<transfer id>") per reward the pool could not
  // cover; both carry user_id (the beneficiary), from_user_id (the
  // depositor), level, amount, asset and transfer_id. Default: none.
  Outbox* outbox = nullptr;
  // When false, deposits pay no rewards (registrations still work).
  // Default: true.
  bool enabled = true;
  // Reward rate per level, as decimal fractions. Default: 5 %, 4 %, 3 %.
  std::vector<std::string> rates = {"0.05", "0.04", "0.03"};
  // Levels rewarded, 0..kMaxReferralDepth; levels beyond `rates` get none.
  // Default: kMaxReferralDepth.
  int max_depth = kMaxReferralDepth;
};

class ReferralEngine final : public DepositCreditListener {
 public:
  // Errors: kInvalidArgument for missing options, a malformed or negative
  // rate, rates summing to 1 or more, or a depth outside
  // 0..kMaxReferralDepth; storage errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ReferralEngine>> Create(
      const ReferralOptions& options);
  ReferralEngine(const ReferralEngine&) = delete;
  ReferralEngine& operator=(const ReferralEngine&) = delete;
  ~ReferralEngine() override;

  // The code `user_id` gets at registration unless another member already
  // holds it (Member() tells the code a member holds). Codes are "r" and 12
  // hex digits.
  static std::string CodeOf(std::string_view user_id);

  // Registers `user_id`, with the referrer whose code is `referral_code`
  // (empty: none). Registering again with the same code (or none, when the
  // user had none) returns the member unchanged.
  // Errors: kInvalidArgument for a user id CheckUserId refuses (ledger.h:
  // empty, too long, a system account's "$..."), a user's own code
  // (self-referral), or a referrer that would close a cycle; kNotFound for
  // an unknown code; kFailedPrecondition when the user is registered with
  // another referrer (a referrer never changes); kAborted when another
  // process registered the same user (or took its code) at the same moment
  // (retry); kInternal when all of the user's candidate codes are taken
  // (the table was filled on purpose).
  [[nodiscard]] absl::StatusOr<ReferralMember> Register(
      std::string_view user_id, std::string_view referral_code);

  // Errors: kNotFound for an unregistered user.
  [[nodiscard]] absl::StatusOr<ReferralMember> Member(std::string_view user_id);

  // Errors: kNotFound for an unregistered user; storage errors.
  [[nodiscard]] absl::StatusOr<ReferralStats> Stats(std::string_view user_id);

  // Pays the unpaid rewards (see the file comment), oldest first, each one
  // the pool's available balance still covers, as the transfers they would
  // have been (same ids, so never twice), with their "referral.reward"
  // messages; the rest stay unpaid. Returns how many were paid. Pay them
  // this way rather than by hand: a transfer of the same id with other
  // fields makes this fail with kAlreadyExists. Errors: storage errors.
  [[nodiscard]] absl::StatusOr<int> PayUnpaidRewards();

  // The rewards for credited deposits (DepositEngine calls this through
  // DepositCreditListener with each crediting batch): reads the referral
  // chains of all depositors and the pool's balance in `tx`, appends one
  // transfer per reward the pool covers to *transfers (the deposit engine
  // creates them with the deposits' own; the transfers already there must
  // not debit the pool), records the rest as unpaid, and queues the
  // messages in `tx`. Creating the same transfers again changes nothing:
  // their ids derive from the deposit and level. Errors: storage errors.
  absl::Status OnDepositsCredited(SqlTransaction& tx,
                                  absl::Span<const Deposit> deposits,
                                  std::vector<Transfer>& transfers) override;

 private:
  struct Impl;
  explicit ReferralEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_REFERRAL_REFERRAL_H_
