// File: botcore/ledger/withdrawals.h
//
// Withdrawals: a user asks to send funds to an EVM address; the amount plus
// the fee is held (pending ledger transfers to $payouts and $fees) until an
// admin approves or rejects it; an approved withdrawal queues a
// "withdrawal.payout" job in the outbox and is then marked paid (the holds
// are posted, the payout tx hash recorded) or failed (the holds are voided,
// the funds are back). Every step is idempotent: repeating it returns the
// current record.
//
//   pending --Approve--> approved --MarkPaid--> paid
//      |                     \----MarkFailed--> failed
//      \----Reject--> rejected
//
//   WithdrawalOptions o;
//   o.database = db.get(); o.ledger = ledger.get(); o.outbox = outbox.get();
//   auto withdrawals = WithdrawalEngine::Create(o);
//   WithdrawalRequest r{"w-1", "user-42", *Amount::Parse("25", 18),
//                       "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"};
//   absl::StatusOr<Withdrawal> w = (*withdrawals)->Request(r);
//   (*withdrawals)->Approve("w-1");
//   (*withdrawals)->MarkPaid("w-1", "0x<payout tx hash>");
//
// Thread-safe; several processes may share one database.

#ifndef BOTCORE_LEDGER_WITHDRAWALS_H_
#define BOTCORE_LEDGER_WITHDRAWALS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/core/clock.h"
#include "botcore/ledger/ledger.h"
#include "botcore/outbox/outbox.h"
#include "botcore/ports/database.h"

namespace botcore {

struct WithdrawalRequest {
  // Caller-chosen unique id (e.g. from the bot's button press), 1..100
  // characters; repeating a request with it returns the first.
  std::string id;
  std::string user_id;
  // What the destination receives; the user also pays the fee.
  Amount amount;
  // An EVM address; a mixed-case one must carry a valid EIP-55 checksum.
  std::string destination;
};

enum class WithdrawalState { kPending, kApproved, kRejected, kPaid, kFailed };

// "pending", "approved", "rejected", "paid", "failed".
std::string_view WithdrawalStateName(WithdrawalState state);

struct Withdrawal {
  WithdrawalRequest request;  // destination in its EIP-55 form
  std::string asset;
  Amount fee;
  WithdrawalState state = WithdrawalState::kPending;
  std::string payout_tx_hash;  // set when paid
  std::string reason;          // set when rejected or failed
  absl::Time created_at;
  absl::Time updated_at;
};

struct WithdrawalOptions {
  // Not owned; must outlive the engine. Required.
  Database* database = nullptr;
  // Not owned. Required.
  Ledger* ledger = nullptr;
  // Not owned. Default: the system clock.
  Clock* clock = nullptr;
  // Not owned. When set, "withdrawal.payout" jobs and "withdrawal.<state>"
  // notifications are queued. Default: none.
  Outbox* outbox = nullptr;
  // Default: "USDT".
  std::string asset = "USDT";
  // The smallest amount a user may withdraw. Default: "1".
  std::string minimum_amount = "1";
  // Charged on top of the amount, credited to $fees when paid. Default: "0".
  std::string fee = "0";
};

class WithdrawalEngine {
 public:
  // Errors: kInvalidArgument for missing or malformed options; storage
  // errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WithdrawalEngine>> Create(
      const WithdrawalOptions& options);
  WithdrawalEngine(const WithdrawalEngine&) = delete;
  WithdrawalEngine& operator=(const WithdrawalEngine&) = delete;
  ~WithdrawalEngine();

  // Holds amount + fee and records the request as pending.
  // Errors: kInvalidArgument for an empty id, a user id CheckUserId
  // refuses (e.g. a system account's "$..."), a malformed or
  // wrongly checksummed destination, an amount that is not positive, has
  // too many decimals or is below the minimum; kNotFound when the user has
  // no account; kFailedPrecondition for insufficient funds; kAlreadyExists
  // when the id was used with other fields (named in the message).
  [[nodiscard]] absl::StatusOr<Withdrawal> Request(
      const WithdrawalRequest& request);

  // Errors (these four): kNotFound for an unknown id; kFailedPrecondition
  // when the withdrawal is in a state the step does not start from.
  [[nodiscard]] absl::StatusOr<Withdrawal> Approve(std::string_view id);
  [[nodiscard]] absl::StatusOr<Withdrawal> Reject(std::string_view id,
                                                  std::string_view reason);
  // Also kInvalidArgument for a malformed tx hash, and kFailedPrecondition
  // when already paid with another hash.
  [[nodiscard]] absl::StatusOr<Withdrawal> MarkPaid(std::string_view id,
                                                    std::string_view tx_hash);
  [[nodiscard]] absl::StatusOr<Withdrawal> MarkFailed(std::string_view id,
                                                      std::string_view reason);

  // Errors: kNotFound for an unknown id.
  [[nodiscard]] absl::StatusOr<Withdrawal> Get(std::string_view id);

  // Withdrawals in `state`, oldest first, at most `limit`.
  [[nodiscard]] absl::StatusOr<std::vector<Withdrawal>> List(
      WithdrawalState state, int limit = 100);

 private:
  struct Impl;
  explicit WithdrawalEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_LEDGER_WITHDRAWALS_H_
