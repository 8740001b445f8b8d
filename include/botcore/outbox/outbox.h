// File: botcore/outbox/outbox.h
//
// A transactional outbox: the notifications and jobs (payouts) that a state
// change causes are written in the same database transaction as the change,
// then delivered by a worker through an OutboxTarget with exponential backoff.
// A message that fails `max_attempts` times is parked as failed, stays
// visible (ListFailed) and can be sent again by an admin (Retry) — the
// `failed_notifications` and `payment_retries` tables of the bots botcore
// replaces.
//
//   // inside an engine's db.Transact callback:
//   BOTCORE_RETURN_IF_ERROR(outbox->Enqueue(tx, {"deposit.credited:56:0xab:3",
//                                                "deposit.credited",
//                                                payload}));
//   // a worker, every few seconds:
//   absl::StatusOr<DeliveryReport> r = outbox->DeliverDue(target, 100);
//   // a cleanup job, daily:
//   absl::StatusOr<int64_t> n =
//       outbox->PurgeDelivered(clock.Now() - absl::Hours(24 * 30));
//
// Several workers (threads, or bot instances sharing one PostgreSQL) may
// deliver at once. A worker claims a message for `claim_timeout`, renews the
// claim just before delivering it, and records the outcome only while the
// claim is still its own: a message whose claim ran out and was taken by
// another worker is neither delivered by the first nor overwritten by its
// late outcome. So while a live worker holds a message's claim, no other
// worker delivers it. Delivery is at least once: a message is delivered again
// when its worker dies (or loses the database) after delivering it and before
// recording that, or when one delivery outlasts `claim_timeout` and another
// worker claims the message meanwhile. Targets de-duplicate on the message
// key.

#ifndef BOTCORE_OUTBOX_OUTBOX_H_
#define BOTCORE_OUTBOX_OUTBOX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/clock.h"
#include "botcore/ports/database.h"

namespace botcore {

struct OutboxMessage {
  // Unique: enqueueing the same key again is a no-op, so a retried
  // transaction does not queue twice. 1..200 characters.
  std::string key;
  // What kind of message it is, e.g. "deposit.credited", "withdrawal.payout".
  std::string topic;
  // The content, in whatever encoding the topic's consumer expects.
  std::string payload;
};

enum class OutboxState { kPending, kDelivered, kFailed };

struct OutboxEntry {
  int64_t id = 0;
  OutboxMessage message;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  absl::Time next_attempt_at;
  std::string last_error;
};

// Where messages go: a messenger, a payout service, a queue. Called from the
// thread running DeliverDue, outside any database transaction.
class OutboxTarget {
 public:
  virtual ~OutboxTarget() = default;
  // OK when delivered; any error counts as a failed attempt and its message
  // is kept as last_error.
  virtual absl::Status Deliver(const OutboxEntry& entry) = 0;
};

struct DeliveryReport {
  int delivered = 0;
  int retried = 0;  // failed, another attempt scheduled
  int failed = 0;   // failed for the last time
};

struct OutboxOptions {
  // Not owned; must outlive the outbox. Required.
  Database* database = nullptr;
  // Not owned. Default: the system clock.
  Clock* clock = nullptr;
  // Attempts before a message is parked as failed. Default: 5.
  int max_attempts = 5;
  // Delay after the first failure; doubles after each further one.
  // Default: 5 minutes.
  absl::Duration initial_backoff = absl::Minutes(5);
  // Upper bound of the delay. Default: 6 hours.
  absl::Duration max_backoff = absl::Hours(6);
  // How long a claim hides a message from other workers. A claim is renewed
  // before each delivery, so a batch may take longer, but a single delivery
  // (one OutboxTarget::Deliver call, waits for rate limits included) that
  // takes longer lets another worker deliver the message too; the workers'
  // clocks must agree to well within it. Default: 1 minute.
  absl::Duration claim_timeout = absl::Minutes(1);
};

// Thread-safe; several workers (threads or processes) may deliver at once,
// each message claimed by one of them at a time (see the top of this file for
// what that guarantees).
class Outbox {
 public:
  // Errors: kInvalidArgument for missing or bad options; storage errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Outbox>> Create(
      const OutboxOptions& options);
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  ~Outbox();

  // Queues `message` as part of `tx`. A key already queued is left as it is.
  // Errors: kInvalidArgument for an empty or too long key or empty topic;
  // storage errors.
  [[nodiscard]] absl::Status Enqueue(SqlTransaction& tx,
                                     const OutboxMessage& message);

  // Queues `messages` as part of `tx`, with one multi-row statement per
  // chunk of up to 256. Errors as Enqueue (none queued on an error).
  [[nodiscard]] absl::Status EnqueueAll(
      SqlTransaction& tx, absl::Span<const OutboxMessage> messages);

  // Claims up to `max_messages` due messages in one transaction, then
  // delivers them one by one through `target`. Each claim is renewed for
  // another `claim_timeout` just before its message is delivered (in the
  // transaction that records the previous outcome, so no extra round trip);
  // a message another worker claimed meanwhile, its claim having run out, is
  // skipped. Each outcome is recorded only while the claim is still held, so
  // a late one never overwrites another worker's delivery or retry. Returns
  // the counts of the outcomes recorded.
  // Errors: storage errors (a target's error is never returned); the
  // messages not delivered yet stay claimed until their claims run out.
  [[nodiscard]] absl::StatusOr<DeliveryReport> DeliverDue(OutboxTarget& target,
                                                          int max_messages);

  // Messages in `state`, oldest first, at most `limit`.
  [[nodiscard]] absl::StatusOr<std::vector<OutboxEntry>> List(OutboxState state,
                                                              int limit = 100);

  // Deletes the messages delivered before `before`, `batch_size` rows per
  // transaction (so a large purge never holds the write lock for long), until
  // none is left; pending and failed messages stay. Returns how many were
  // deleted. A purged key is forgotten: enqueueing it again queues it anew,
  // so keep messages longer than any transaction could be retried.
  // Errors: kInvalidArgument for a batch size below 1; storage errors (the
  // batches deleted before stay deleted).
  [[nodiscard]] absl::StatusOr<int64_t> PurgeDelivered(absl::Time before,
                                                       int batch_size = 500);

  // Puts a failed message back in the queue with a fresh attempt count.
  // Errors: kNotFound for an unknown id; kFailedPrecondition when it is
  // not failed.
  [[nodiscard]] absl::Status Retry(int64_t id);

 private:
  explicit Outbox(const OutboxOptions& options);
  OutboxOptions options_;
  SystemClock system_clock_;
};

}  // namespace botcore

#endif  // BOTCORE_OUTBOX_OUTBOX_H_
