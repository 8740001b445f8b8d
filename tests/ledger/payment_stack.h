// The deposit bot's engines wired together over one database, for tests:
// ledger, outbox, referral, deposits and withdrawals, on a SimulatedChain's
// token and wallet.

#ifndef BOTCORE_TESTS_LEDGER_PAYMENT_STACK_H_
#define BOTCORE_TESTS_LEDGER_PAYMENT_STACK_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/clock.h"
#include "botcore/ledger/deposits.h"
#include "botcore/ledger/ledger.h"
#include "botcore/ledger/withdrawals.h"
#include "botcore/outbox/outbox.h"
#include "botcore/referral/referral.h"
#include "internal/status_macros.h"

namespace botcore::testing {

// The bot's deposit wallet in these tests.
inline constexpr char kWallet[] = "0x1111111111111111111111111111111111111111";

// A user's own wallet: 0x + 40 hex digits derived from n.
inline std::string UserWallet(int n) {
  std::string hex = std::to_string(n);
  return "0x" + std::string(40 - hex.size(), 'a') + hex;
}

struct PaymentStack {
  std::unique_ptr<Database> db;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<ReferralEngine> referral;
  std::unique_ptr<DepositEngine> deposits;
  std::unique_ptr<WithdrawalEngine> withdrawals;

  // `deposit_template` may adjust the deposit options before the engines
  // start.
  static absl::StatusOr<PaymentStack> Open(
      const std::string& url, Clock* clock,
      const DepositEngineOptions& deposit_template = {},
      const DatabaseOptions& database_options = {}) {
    BOTCORE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                             OpenDatabase(url, database_options));
    return Open(std::move(db), clock, deposit_template);
  }

  // The engines over `db` (e.g. a decorated database).
  static absl::StatusOr<PaymentStack> Open(
      std::unique_ptr<Database> db, Clock* clock,
      const DepositEngineOptions& deposit_template) {
    PaymentStack s;
    s.db = std::move(db);
    LedgerOptions lo;
    lo.database = s.db.get();
    lo.clock = clock;
    lo.assets = {{"USDT", 18}};
    BOTCORE_ASSIGN_OR_RETURN(s.ledger, Ledger::Create(lo));
    OutboxOptions oo;
    oo.database = s.db.get();
    oo.clock = clock;
    BOTCORE_ASSIGN_OR_RETURN(s.outbox, Outbox::Create(oo));
    ReferralOptions ro;
    ro.database = s.db.get();
    ro.ledger = s.ledger.get();
    ro.clock = clock;
    ro.outbox = s.outbox.get();
    BOTCORE_ASSIGN_OR_RETURN(s.referral, ReferralEngine::Create(ro));
    DepositEngineOptions d = deposit_template;
    d.database = s.db.get();
    d.ledger = s.ledger.get();
    d.clock = clock;
    d.outbox = s.outbox.get();
    d.listener = s.referral.get();
    if (d.wallets.empty()) d.wallets = {kWallet};
    BOTCORE_ASSIGN_OR_RETURN(s.deposits, DepositEngine::Create(d));
    WithdrawalOptions w;
    w.database = s.db.get();
    w.ledger = s.ledger.get();
    w.clock = clock;
    w.outbox = s.outbox.get();
    w.fee = "0.5";
    BOTCORE_ASSIGN_OR_RETURN(s.withdrawals, WithdrawalEngine::Create(w));
    return s;
  }
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_LEDGER_PAYMENT_STACK_H_
