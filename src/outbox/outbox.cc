#include "botcore/outbox/outbox.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "outbox messages",
     R"sql(
CREATE TABLE outbox_messages (
  id {{auto_id}},
  message_key TEXT NOT NULL UNIQUE,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_at)
)sql"},
    {2, "delivery times, for purging delivered messages",
     // Messages delivered before: their last claim time stands in.
     "ALTER TABLE outbox_messages ADD COLUMN delivered_at BIGINT;"
     "UPDATE outbox_messages SET delivered_at = next_attempt_at"
     " WHERE state = 'delivered'"},
    {3, "claim numbers, so a worker records only the claims it still holds",
     "ALTER TABLE outbox_messages ADD COLUMN claims BIGINT NOT NULL"
     " DEFAULT 0"},
};

constexpr char kColumns[] =
    "id, message_key, topic, payload, state, attempts, next_attempt_at,"
    " last_error";

std::string_view StateName(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kFailed:
      return "failed";
  }
  return "";
}

absl::StatusOr<OutboxEntry> FromRow(const SqlRow& row) {
  OutboxEntry e;
  BOTCORE_ASSIGN_OR_RETURN(e.id, row.Int64(0));
  BOTCORE_ASSIGN_OR_RETURN(e.message.key, row.Text(1));
  BOTCORE_ASSIGN_OR_RETURN(e.message.topic, row.Text(2));
  BOTCORE_ASSIGN_OR_RETURN(e.message.payload, row.Text(3));
  BOTCORE_ASSIGN_OR_RETURN(std::string state, row.Text(4));
  if (state == "pending") {
    e.state = OutboxState::kPending;
  } else if (state == "delivered") {
    e.state = OutboxState::kDelivered;
  } else if (state == "failed") {
    e.state = OutboxState::kFailed;
  } else {
    return absl::DataLossError(
        absl::StrCat("unknown outbox state '", state, "'"));
  }
  BOTCORE_ASSIGN_OR_RETURN(int64_t attempts, row.Int64(5));
  e.attempts = static_cast<int>(attempts);
  BOTCORE_ASSIGN_OR_RETURN(int64_t next, row.Int64(6));
  e.next_attempt_at = absl::FromUnixMicros(next);
  BOTCORE_ASSIGN_OR_RETURN(e.last_error, row.Text(7));
  return e;
}

// A message a worker claimed and the claim number it set. Claiming a message
// counts the claim in `claims`, so the claim is held while the message is
// pending with that number: once another worker has claimed it (after this
// claim timed out), every statement conditioned on it changes nothing.
struct Claim {
  OutboxEntry entry;
  int64_t number = 0;
};

constexpr char kClaimHeld[] =
    " WHERE id = ? AND state = 'pending' AND claims = ?";

// Records the outcome of `claim`'s delivery, finished at `done`, unless the
// claim is lost; returns whether it was recorded.
absl::StatusOr<bool> RecordOutcome(SqlTransaction& tx,
                                   const OutboxOptions& options,
                                   const Claim& claim,
                                   const absl::Status& outcome,
                                   absl::Time done) {
  const int attempts = claim.entry.attempts + 1;
  int64_t changed = 0;
  if (outcome.ok()) {
    BOTCORE_ASSIGN_OR_RETURN(
        changed, tx.Execute(absl::StrCat("UPDATE outbox_messages SET state ="
                                         " 'delivered', attempts = ?,"
                                         " last_error = '', delivered_at = ?",
                                         kClaimHeld),
                            {int64_t{attempts}, absl::ToUnixMicros(done),
                             claim.entry.id, claim.number}));
    return changed == 1;
  }
  absl::Duration backoff = options.initial_backoff;
  for (int i = 1; i < attempts && backoff < options.max_backoff; ++i) {
    backoff *= 2;
  }
  backoff = std::min(backoff, options.max_backoff);
  const bool last = attempts >= options.max_attempts;
  BOTCORE_ASSIGN_OR_RETURN(
      changed,
      tx.Execute(
          absl::StrCat("UPDATE outbox_messages SET state = ?, attempts = ?,"
                       " next_attempt_at = ?, last_error = ?",
                       kClaimHeld),
          {StateName(last ? OutboxState::kFailed : OutboxState::kPending),
           int64_t{attempts}, absl::ToUnixMicros(done + backoff),
           outcome.ToString(), claim.entry.id, claim.number}));
  return changed == 1;
}

}  // namespace

namespace internal {
ComponentSchema OutboxSchema() { return {"outbox", kMigrations}; }
}  // namespace internal

Outbox::Outbox(const OutboxOptions& options) : options_(options) {
  if (options_.clock == nullptr) options_.clock = &system_clock_;
}

Outbox::~Outbox() = default;

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Create(
    const OutboxOptions& options) {
  if (options.database == nullptr) {
    return absl::InvalidArgumentError("OutboxOptions.database is required");
  }
  if (options.max_attempts < 1 ||
      options.initial_backoff <= absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff ||
      options.claim_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad outbox options: max_attempts ", options.max_attempts,
        ", initial_backoff ", absl::FormatDuration(options.initial_backoff),
        ", max_backoff ", absl::FormatDuration(options.max_backoff),
        ", claim_timeout ", absl::FormatDuration(options.claim_timeout)));
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::OutboxSchema()));
  return std::unique_ptr<Outbox>(new Outbox(options));
}

absl::Status Outbox::Enqueue(SqlTransaction& tx, const OutboxMessage& message) {
  return EnqueueAll(tx, {&message, 1});
}

absl::Status Outbox::EnqueueAll(SqlTransaction& tx,
                                absl::Span<const OutboxMessage> messages) {
  for (const OutboxMessage& message : messages) {
    if (message.key.empty() || message.key.size() > 200) {
      return absl::InvalidArgumentError(absl::StrCat(
          "an outbox key needs 1 to 200 characters, got ", message.key.size()));
    }
    if (message.topic.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("outbox message ", message.key, " has no topic"));
    }
  }
  const int64_t now = absl::ToUnixMicros(options_.clock->Now());
  return internal::ForEachChunk(
      messages.size(), [&](size_t first, size_t count) -> absl::Status {
        std::vector<SqlValue> params;
        params.reserve(count * 5);
        for (size_t i = first; i < first + count; ++i) {
          params.emplace_back(messages[i].key);
          params.emplace_back(messages[i].topic);
          params.emplace_back(messages[i].payload);
          params.emplace_back(now);
          params.emplace_back(now);
        }
        std::string rows;
        for (size_t i = 0; i < count; ++i) {
          absl::StrAppend(&rows, i == 0 ? "" : ", ",
                          "(?, ?, ?, 'pending', 0, ?, '', ?)");
        }
        return tx
            .Execute(absl::StrCat("INSERT INTO outbox_messages (message_key,"
                                  " topic, payload, state, attempts,"
                                  " next_attempt_at, last_error, created_at)"
                                  " VALUES ",
                                  rows, " ON CONFLICT DO NOTHING"),
                     params)
            .status();
      });
}

absl::StatusOr<DeliveryReport> Outbox::DeliverDue(OutboxTarget& target,
                                                  int max_messages) {
  std::vector<Claim> claimed;
  const absl::Time now = options_.clock->Now();
  BOTCORE_RETURN_IF_ERROR(
      options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        claimed.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kColumns,
                                  ", claims FROM outbox_messages WHERE state ="
                                  " 'pending' AND next_attempt_at <= ? ORDER"
                                  " BY id LIMIT ?"),
                     {absl::ToUnixMicros(now), int64_t{max_messages}}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(OutboxEntry e, FromRow(row));
          BOTCORE_ASSIGN_OR_RETURN(int64_t claims, row.Int64(8));
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("UPDATE outbox_messages SET next_attempt_at = ?,"
                         " claims = ? WHERE id = ?",
                         {absl::ToUnixMicros(now + options_.claim_timeout),
                          claims + 1, e.id})
                  .status());
          claimed.push_back({std::move(e), claims + 1});
        }
        return absl::OkStatus();
      }));
  DeliveryReport report;
  // claimed[next] is delivered next, its claim held for about claim_timeout
  // yet: the first was just taken, and each further one is renewed in the
  // transaction that records the outcome before it (no round trip of its
  // own); those lost meanwhile are skipped.
  size_t next = 0;
  while (next < claimed.size()) {
    const Claim& claim = claimed[next];
    const absl::Status outcome = target.Deliver(claim.entry);
    const absl::Time done = options_.clock->Now();
    bool recorded = false;
    size_t following = next + 1;
    BOTCORE_RETURN_IF_ERROR(
        options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(
              recorded, RecordOutcome(tx, options_, claim, outcome, done));
          for (following = next + 1; following < claimed.size(); ++following) {
            BOTCORE_ASSIGN_OR_RETURN(
                int64_t renewed,
                tx.Execute(
                    absl::StrCat("UPDATE outbox_messages SET"
                                 " next_attempt_at = ?",
                                 kClaimHeld),
                    {absl::ToUnixMicros(done + options_.claim_timeout),
                     claimed[following].entry.id, claimed[following].number}));
            if (renewed == 1) break;
          }
          return absl::OkStatus();
        }));
    // An outcome not recorded (another worker claimed the message while this
    // one delivered it) counts nowhere.
    if (recorded) {
      if (outcome.ok()) {
        ++report.delivered;
      } else if (claim.entry.attempts + 1 >= options_.max_attempts) {
        ++report.failed;
      } else {
        ++report.retried;
      }
    }
    next = following;
  }
  return report;
}

absl::StatusOr<std::vector<OutboxEntry>> Outbox::List(OutboxState state,
                                                      int limit) {
  std::vector<OutboxEntry> entries;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        entries.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kColumns,
                                  " FROM outbox_messages WHERE state = ?"
                                  " ORDER BY id LIMIT ?"),
                     {StateName(state), int64_t{limit}}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(OutboxEntry e, FromRow(row));
          entries.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return entries;
}

absl::StatusOr<int64_t> Outbox::PurgeDelivered(absl::Time before,
                                               int batch_size) {
  if (batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "outbox purge batch size ", batch_size, " is not positive"));
  }
  return internal::DeleteInBatches(*options_.database, "outbox_messages", "id",
                                   "state = 'delivered' AND delivered_at < ?",
                                   {absl::ToUnixMicros(before)}, batch_size);
}

absl::Status Outbox::Retry(int64_t id) {
  return options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT state FROM outbox_messages WHERE id = ?", {id}));
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("no outbox message ", id));
    }
    BOTCORE_ASSIGN_OR_RETURN(std::string state, rows[0].Text(0));
    if (state != "failed") {
      return absl::FailedPreconditionError(
          absl::StrCat("outbox message ", id, " is ", state, ", not failed"));
    }
    return tx
        .Execute(
            "UPDATE outbox_messages SET state = 'pending', attempts = 0,"
            " next_attempt_at = ? WHERE id = ?",
            {absl::ToUnixMicros(options_.clock->Now()), id})
        .status();
  });
}

}  // namespace botcore
