// The transactional outbox on SQLite and PostgreSQL.

#include "botcore/outbox/outbox.h"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "botcore/adapters/storage.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

// Fails the first `failures` deliveries, then succeeds. `during`, when set,
// runs inside each delivery, before its outcome (a slow send: another worker
// runs meanwhile).
class FlakyTarget final : public OutboxTarget {
 public:
  explicit FlakyTarget(int failures) : failures_(failures) {}
  absl::Status Deliver(const OutboxEntry& entry) override {
    attempted.push_back(entry.message.key);
    if (during) during(entry);
    if (failures_ > 0) {
      --failures_;
      return absl::UnavailableError("messenger down");
    }
    sent.push_back(entry.message.key);
    return absl::OkStatus();
  }
  std::function<void(const OutboxEntry&)> during;
  std::vector<std::string> attempted;  // every delivery
  std::vector<std::string> sent;       // the successful ones

 private:
  int failures_;
};

// Two bot instances' outboxes on one database, each on its own connection
// (`options` but its database).
struct TwoInstances {
  std::unique_ptr<Database> db_a;
  std::unique_ptr<Database> db_b;
  std::unique_ptr<Outbox> a;
  std::unique_ptr<Outbox> b;
};

TwoInstances OpenTwoInstances(const std::string& url, OutboxOptions options) {
  TwoInstances w;
  ASSIGN_OR_REQUIRE(w.db_a, OpenDatabase(url));
  ASSIGN_OR_REQUIRE(w.db_b, OpenDatabase(url));
  options.database = w.db_a.get();
  ASSIGN_OR_REQUIRE(w.a, Outbox::Create(options));
  options.database = w.db_b.get();
  ASSIGN_OR_REQUIRE(w.b, Outbox::Create(options));
  return w;
}

TEST_SUITE("outbox") {
  TEST_CASE("messages commit with their transaction, once per key") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(auto db, OpenDatabase(url));
      OutboxOptions o;
      o.database = db.get();
      o.clock = &clock;
      ASSIGN_OR_REQUIRE(auto outbox, Outbox::Create(o));
      // A rolled-back transaction queues nothing.
      CHECK_STATUS_IS(db->Transact([&](SqlTransaction& tx) -> absl::Status {
        REQUIRE_OK(outbox->Enqueue(tx, {"k0", "t", "lost"}));
        return absl::FailedPreconditionError("state change refused");
      }),
                      kFailedPrecondition);
      REQUIRE_OK(db->Transact([&](SqlTransaction& tx) -> absl::Status {
        REQUIRE_OK(outbox->Enqueue(tx, {"k1", "t", "one"}));
        REQUIRE_OK(outbox->Enqueue(tx, {"k1", "t", "one again"}));
        return outbox->Enqueue(tx, {"k2", "t", "two"});
      }));
      CHECK_STATUS_IS(db->Transact([&](SqlTransaction& tx) {
        return outbox->Enqueue(tx, {"", "t", "x"});
      }),
                      kInvalidArgument);
      FlakyTarget target(0);
      ASSIGN_OR_REQUIRE(DeliveryReport r, outbox->DeliverDue(target, 10));
      CHECK(r.delivered == 2);
      CHECK(target.attempted == std::vector<std::string>{"k1", "k2"});
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.delivered == 0);
    }
  }

  TEST_CASE("failures back off exponentially, park, and an admin retries") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(auto db, OpenDatabase(url));
      OutboxOptions o;
      o.database = db.get();
      o.clock = &clock;
      o.max_attempts = 3;
      o.initial_backoff = absl::Minutes(5);
      ASSIGN_OR_REQUIRE(auto outbox, Outbox::Create(o));
      REQUIRE_OK(db->Transact([&](SqlTransaction& tx) {
        return outbox->Enqueue(tx, {"k", "notify", "hello"});
      }));
      FlakyTarget target(3);
      ASSIGN_OR_REQUIRE(DeliveryReport r, outbox->DeliverDue(target, 10));
      CHECK(r.retried == 1);
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.retried == 0);  // not due for 5 minutes
      clock.Advance(absl::Minutes(5));
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.retried == 1);
      clock.Advance(absl::Minutes(9));
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.retried == 0);  // the second delay is 10 minutes
      clock.Advance(absl::Minutes(1));
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.failed == 1);
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> failed,
                        outbox->List(OutboxState::kFailed));
      REQUIRE(failed.size() == 1);
      CHECK(failed[0].attempts == 3);
      CHECK(failed[0].last_error.find("messenger down") != std::string::npos);
      clock.Advance(absl::Hours(10));
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.delivered + r.retried + r.failed == 0);  // parked
      CHECK_STATUS_IS(outbox->Retry(failed[0].id + 100), kNotFound);
      REQUIRE_OK(outbox->Retry(failed[0].id));
      CHECK_STATUS_IS(outbox->Retry(failed[0].id), kFailedPrecondition);
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      CHECK(r.delivered == 1);
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> done,
                        outbox->List(OutboxState::kDelivered));
      CHECK(done.size() == 1);
    }
  }

  TEST_CASE("a worker delivers only the messages whose claims it still holds") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      OutboxOptions o;
      o.clock = &clock;
      o.claim_timeout = absl::Minutes(1);
      TwoInstances w = OpenTwoInstances(url, o);
      REQUIRE_OK(w.db_a->Transact([&](SqlTransaction& tx) {
        return w.a->EnqueueAll(
            tx, {{"k1", "t", ""}, {"k2", "t", ""}, {"k3", "t", ""}});
      }));
      FlakyTarget target_b(0);
      auto deliver_b = [&](int max_messages) {
        REQUIRE(w.b->DeliverDue(target_b, max_messages).ok());
      };
      // A claims all three. Sending k1 takes two minutes (a 429 waited out)
      // and then fails; meanwhile the claims of all three run out and B
      // claims and sends k1 and k2. Nobody took k3: A renews its claim and
      // sends it, and B, running again meanwhile, finds nothing due.
      FlakyTarget target_a(1);
      target_a.during = [&](const OutboxEntry& entry) {
        if (entry.message.key == "k1") {
          clock.Advance(absl::Minutes(2));
          deliver_b(2);
        } else {
          deliver_b(10);
        }
      };
      ASSIGN_OR_REQUIRE(DeliveryReport r, w.a->DeliverDue(target_a, 10));
      CHECK(target_a.attempted == std::vector<std::string>{"k1", "k3"});
      CHECK(target_a.sent == std::vector<std::string>{"k3"});
      CHECK(target_b.attempted == std::vector<std::string>{"k1", "k2"});
      CHECK(target_b.sent == std::vector<std::string>{"k1", "k2"});
      // A records k3 alone: its failed k1 attempt leaves B's delivery be.
      CHECK(r.delivered == 1);
      CHECK(r.retried + r.failed == 0);
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> delivered,
                        w.a->List(OutboxState::kDelivered));
      REQUIRE(delivered.size() == 3);
      for (const OutboxEntry& e : delivered) {
        CAPTURE(e.message.key);
        CHECK(e.attempts == 1);
        CHECK(e.last_error.empty());
      }
      // Each went out once, and nothing is left to send.
      clock.Advance(absl::Hours(24));
      deliver_b(10);
      ASSIGN_OR_REQUIRE(r, w.a->DeliverDue(target_a, 10));
      CHECK(r.delivered + r.retried + r.failed == 0);
      CHECK(target_a.sent.size() + target_b.sent.size() == 3);
    }
  }

  TEST_CASE(
      "a late failure from a worker that lost its claim is not recorded") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      OutboxOptions o;
      o.clock = &clock;
      o.max_attempts = 1;  // A's failure, recorded, would park the message
      o.claim_timeout = absl::Minutes(1);
      TwoInstances w = OpenTwoInstances(url, o);
      REQUIRE_OK(w.db_a->Transact([&](SqlTransaction& tx) {
        return w.a->Enqueue(tx, {"payout:7", "withdrawal.payout", "{}"});
      }));
      // A's send outlasts its claim; B sends the message meanwhile; then A's
      // send fails.
      FlakyTarget target_a(1);
      FlakyTarget target_b(0);
      target_a.during = [&](const OutboxEntry&) {
        clock.Advance(absl::Minutes(2));
        ASSIGN_OR_REQUIRE(DeliveryReport rb, w.b->DeliverDue(target_b, 10));
        CHECK(rb.delivered == 1);
      };
      ASSIGN_OR_REQUIRE(DeliveryReport r, w.a->DeliverDue(target_a, 10));
      CHECK(r.delivered + r.retried + r.failed == 0);
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> failed,
                        w.a->List(OutboxState::kFailed));
      CHECK(failed.empty());
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> delivered,
                        w.a->List(OutboxState::kDelivered));
      REQUIRE(delivered.size() == 1);
      CHECK(delivered[0].attempts == 1);
      CHECK(delivered[0].last_error.empty());
      // Not sent again.
      clock.Advance(absl::Hours(24));
      ASSIGN_OR_REQUIRE(r, w.a->DeliverDue(target_a, 10));
      CHECK(r.delivered + r.retried + r.failed == 0);
      ASSIGN_OR_REQUIRE(r, w.b->DeliverDue(target_b, 10));
      CHECK(r.delivered + r.retried + r.failed == 0);
      CHECK(target_b.sent == std::vector<std::string>{"payout:7"});
      CHECK(target_a.sent.empty());
    }
  }

  TEST_CASE("delivered messages older than the cutoff are purged in batches") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(auto db, OpenDatabase(url));
      OutboxOptions o;
      o.database = db.get();
      o.clock = &clock;
      o.max_attempts = 1;
      ASSIGN_OR_REQUIRE(auto outbox, Outbox::Create(o));
      auto enqueue = [&](std::vector<OutboxMessage> messages) {
        return db->Transact([&](SqlTransaction& tx) {
          return outbox->EnqueueAll(tx, messages);
        });
      };
      // Five delivered and one failed, long ago.
      REQUIRE_OK(enqueue({{"old:f", "t", ""}}));
      FlakyTarget failing(1);
      REQUIRE(outbox->DeliverDue(failing, 10).ok());
      REQUIRE_OK(enqueue({{"old:1", "t", ""},
                          {"old:2", "t", ""},
                          {"old:3", "t", ""},
                          {"old:4", "t", ""},
                          {"old:5", "t", ""}}));
      FlakyTarget target(0);
      ASSIGN_OR_REQUIRE(DeliveryReport r, outbox->DeliverDue(target, 10));
      REQUIRE(r.delivered == 5);
      // A day later: one delivered just now, one still pending.
      clock.Advance(absl::Hours(24));
      REQUIRE_OK(enqueue({{"new:1", "t", ""}}));
      ASSIGN_OR_REQUIRE(r, outbox->DeliverDue(target, 10));
      REQUIRE(r.delivered == 1);
      clock.Advance(absl::Seconds(1));
      REQUIRE_OK(enqueue({{"new:pending", "t", ""}}));

      CHECK_STATUS_IS(outbox->PurgeDelivered(clock.Now(), 0).status(),
                      kInvalidArgument);
      // Two rows per transaction: three batches for five rows.
      ASSIGN_OR_REQUIRE(int64_t purged,
                        outbox->PurgeDelivered(clock.Now() - absl::Hours(1),
                                               /*batch_size=*/2));
      CHECK(purged == 5);
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> delivered,
                        outbox->List(OutboxState::kDelivered));
      REQUIRE(delivered.size() == 1);
      CHECK(delivered[0].message.key == "new:1");
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> failed,
                        outbox->List(OutboxState::kFailed));
      REQUIRE(failed.size() == 1);
      CHECK(failed[0].message.key == "old:f");
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> pending,
                        outbox->List(OutboxState::kPending));
      REQUIRE(pending.size() == 1);
      CHECK(pending[0].message.key == "new:pending");
      ASSIGN_OR_REQUIRE(purged,
                        outbox->PurgeDelivered(clock.Now() - absl::Hours(1)));
      CHECK(purged == 0);
      // A purged key is forgotten: queued again, it is a new message.
      REQUIRE_OK(enqueue({{"old:1", "t", "again"}}));
      ASSIGN_OR_REQUIRE(pending, outbox->List(OutboxState::kPending));
      CHECK(pending.size() == 2);
    }
  }
}

}  // namespace
}  // namespace botcore
