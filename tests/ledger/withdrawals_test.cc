// Withdrawals: holds, approval, payout and failure, on SQLite and PostgreSQL.

#include "botcore/ledger/withdrawals.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "botcore/testing/manual_clock.h"
#include "ledger/payment_stack.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::PaymentStack;

Amount Usdt(std::string_view text) { return *Amount::Parse(text, 18); }

constexpr char kDestination[] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const std::string kPayoutHash = "0x" + std::string(64, 'e');

struct Fixture {
  explicit Fixture(const std::string& url) {
    auto opened = PaymentStack::Open(url, &clock);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    s = *std::move(opened);
    Transfer fund;
    fund.id = "fund";
    fund.debit = {std::string(kDepositClearing), "USDT"};
    fund.credit = {"alice", "USDT"};
    fund.amount = Usdt("100");
    REQUIRE_OK(s.ledger->CreateTransfer(fund));
  }
  Balance Of(const std::string& owner) {
    auto b = s.ledger->GetBalance({owner, "USDT"});
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    return *b;
  }
  testing::ManualClock clock;
  PaymentStack s;
};

WithdrawalRequest Request(std::string id, std::string_view amount) {
  return {std::move(id), "alice", Usdt(amount), kDestination};
}

TEST_SUITE("withdrawals") {
  TEST_CASE("request, approve, pay: funds held, then gone, fee to $fees") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      ASSIGN_OR_REQUIRE(Withdrawal w,
                        f.s.withdrawals->Request(Request("w1", "30")));
      CHECK(w.state == WithdrawalState::kPending);
      CHECK(w.fee == Usdt("0.5"));
      CHECK(f.Of("alice").available == Usdt("69.5"));
      CHECK(f.Of("alice").posted == Usdt("100"));
      ASSIGN_OR_REQUIRE(Withdrawal again,
                        f.s.withdrawals->Request(Request("w1", "30")));
      CHECK(again.created_at == w.created_at);
      CHECK(f.Of("alice").available == Usdt("69.5"));
      const absl::Status other =
          f.s.withdrawals->Request(Request("w1", "31")).status();
      CHECK_STATUS_IS(other, kAlreadyExists);
      CHECK(other.message().find("amount") != std::string_view::npos);

      CHECK_STATUS_IS(f.s.withdrawals->MarkPaid("w1", kPayoutHash),
                      kFailedPrecondition);
      ASSIGN_OR_REQUIRE(w, f.s.withdrawals->Approve("w1"));
      CHECK(w.state == WithdrawalState::kApproved);
      ASSIGN_OR_REQUIRE(w, f.s.withdrawals->Approve("w1"));
      CHECK_STATUS_IS(f.s.withdrawals->Reject("w1", "late"),
                      kFailedPrecondition);
      ASSIGN_OR_REQUIRE(w, f.s.withdrawals->MarkPaid("w1", kPayoutHash));
      CHECK(w.state == WithdrawalState::kPaid);
      CHECK(w.payout_tx_hash == kPayoutHash);
      ASSIGN_OR_REQUIRE(w, f.s.withdrawals->MarkPaid("w1", kPayoutHash));
      CHECK_STATUS_IS(
          f.s.withdrawals->MarkPaid("w1", "0x" + std::string(64, 'f')),
          kFailedPrecondition);
      CHECK(f.Of("alice").posted == Usdt("69.5"));
      CHECK(f.Of("alice").available == Usdt("69.5"));
      CHECK(f.Of(std::string(kPayouts)).posted == Usdt("30"));
      CHECK(f.Of(std::string(kFees)).posted == Usdt("0.5"));
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> queued,
                        f.s.outbox->List(OutboxState::kPending));
      int payouts = 0;
      for (const OutboxEntry& e : queued) {
        if (e.message.topic == "withdrawal.payout") ++payouts;
      }
      CHECK(payouts == 1);
      CHECK_OK(f.s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("rejected or failed withdrawals give the funds back") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      REQUIRE_OK(f.s.withdrawals->Request(Request("w1", "10")));
      REQUIRE_OK(f.s.withdrawals->Request(Request("w2", "20")));
      CHECK(f.Of("alice").available == Usdt("69"));
      ASSIGN_OR_REQUIRE(Withdrawal w,
                        f.s.withdrawals->Reject("w1", "suspicious"));
      CHECK(w.reason == "suspicious");
      REQUIRE_OK(f.s.withdrawals->Reject("w1", "suspicious"));
      CHECK_STATUS_IS(f.s.withdrawals->Approve("w1"), kFailedPrecondition);
      REQUIRE_OK(f.s.withdrawals->Approve("w2"));
      ASSIGN_OR_REQUIRE(w, f.s.withdrawals->MarkFailed("w2", "node down"));
      CHECK(w.state == WithdrawalState::kFailed);
      REQUIRE_OK(f.s.withdrawals->MarkFailed("w2", "node down"));
      CHECK(f.Of("alice").available == Usdt("100"));
      CHECK(f.Of("alice").posted == Usdt("100"));
      ASSIGN_OR_REQUIRE(std::vector<Withdrawal> failed,
                        f.s.withdrawals->List(WithdrawalState::kFailed));
      CHECK(failed.size() == 1);
      CHECK_STATUS_IS(f.s.withdrawals->Approve("nope"), kNotFound);
      CHECK_OK(f.s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("bad requests are refused and hold nothing") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Fixture f(url);
      WithdrawalRequest r = Request("w", "10");
      r.destination = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";  // checksum
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r.destination = "0x1234";
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r = Request("w", "0");
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r = Request("w", "-5");
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r = Request("w", "0.5");  // below the minimum of 1
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r = Request("w", "99.6");  // + 0.5 fee > 100
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kFailedPrecondition);
      r = Request("w", "1");
      r.user_id = "stranger";
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kNotFound);
      r.user_id = "";
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      // System accounts may be overdrawn: a request on one would pay out
      // money no user has.
      for (std::string_view system : {kDepositClearing, kRewardsPool}) {
        r.user_id = std::string(system);
        CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      }
      r.user_id = std::string(kMaxUserIdLength + 1, 'u');
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      r = Request("", "1");
      CHECK_STATUS_IS(f.s.withdrawals->Request(r), kInvalidArgument);
      CHECK_STATUS_IS(f.s.withdrawals->Get("w"), kNotFound);
      REQUIRE_OK(f.s.withdrawals->Request(Request("ok", "1")));
      REQUIRE_OK(f.s.withdrawals->Approve("ok"));
      CHECK_STATUS_IS(f.s.withdrawals->MarkPaid("ok", "0x12"),
                      kInvalidArgument);
      CHECK(f.Of("alice").available == Usdt("98.5"));
    }
  }
}

}  // namespace
}  // namespace botcore
