// File: botcore/ledger/deposits.h
//
// The deposit engine: turns ERC-20 Transfer events to the bot's wallets into
// ledger credits, exactly once. An observation is keyed by (chain id, tx hash,
// log index); recording it again, out of order or from another worker changes
// nothing. A deposit moves through
//
//   seen -> confirming -> credited          (N confirmations, default 12)
//                      -> orphaned          (its block left the chain;
//                                            seen on the chain again -> seen)
//                      -> unmatched         (confirmed, sender unknown; an
//                                            admin assigns it -> credited)
//                      -> below_minimum     (confirmed, too small; kept)
//
// Crediting is one database transaction per batch of deposits (default 100):
// the state changes, the ledger transfers ($deposit_clearing -> user, id
// Deposit::TransferId(), "deposit:<the deposit's number>"), the users'
// deposit levels, the outbox messages and the DepositCreditListener
// (referral rewards) commit together or not at all. The batch is worked on as a
// whole: each table is read and written with a few multi-row statements per
// batch, not per deposit.
//
//   DepositEngineOptions o;
//   o.database = db.get(); o.ledger = ledger.get(); o.outbox = outbox.get();
//   o.wallets = {"0x<the bot's deposit wallet>"};
//   o.listener = referral.get();
//   auto deposits = DepositEngine::Create(o);
//   (*deposits)->RegisterWallet("user-42", "0x<user's own wallet>");
//   absl::StatusOr<SyncReport> r = (*deposits)->Sync(chain);  // poll often
//
// Thread-safe; several workers and processes may sync one database at once.

#ifndef BOTCORE_LEDGER_DEPOSITS_H_
#define BOTCORE_LEDGER_DEPOSITS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/amount.h"
#include "botcore/core/clock.h"
#include "botcore/ledger/ledger.h"
#include "botcore/outbox/outbox.h"
#include "botcore/ports/chain_client.h"
#include "botcore/ports/database.h"

namespace botcore {

// BSC's USDT (BEP-20) contract, 18 decimals.
inline constexpr std::string_view kBscUsdtContract =
    "0x55d398326f99059ff775485246999027b3197955";

struct DepositKey {
  uint64_t chain_id = 0;
  std::string tx_hash;
  uint64_t log_index = 0;

  // "<chain>:<tx>:<log>": names the deposit in messages and memos.
  std::string ToString() const;
  friend bool operator==(const DepositKey&, const DepositKey&) = default;
};

// One Transfer event as a chain reports it.
struct DepositObservation {
  DepositKey key;
  uint64_t block_number = 0;
  std::string block_hash;
  std::string from;
  std::string to;
  std::string token;
  Amount amount;
};

enum class DepositState {
  kSeen,
  kConfirming,
  kCredited,
  kOrphaned,
  kUnmatched,
  kBelowMinimum,
};

// "seen", "confirming", "credited", "orphaned", "unmatched", "below_minimum".
std::string_view DepositStateName(DepositState state);

struct Deposit {
  DepositObservation observation;
  DepositState state = DepositState::kSeen;
  // The ledger asset it is credited in (DepositEngineOptions::asset).
  std::string asset;
  // The credited (or assigned) user; empty while unknown.
  std::string user_id;
  // Confirmations counted at the last check.
  int64_t confirmations = 0;
  absl::Time seen_at;
  absl::Time credited_at;  // InfinitePast until credited
  // Given by the database when the deposit is first recorded: unique,
  // increasing in recording order, never reused. 0 in a Deposit not read
  // from the database.
  int64_t number = 0;

  // "deposit:<number, 20 digits>": the id of the crediting transfer; the
  // referral rewards' ids and the deposit's outbox keys are made from it.
  std::string TransferId() const;
};

// A user's deposit level: how many thresholds their credited total reached.
struct DepositLevel {
  std::string user_id;
  Amount credited_total;
  int level = 0;
};

// Called inside the crediting transaction with the deposits it credits (a
// batch of up to DepositEngineOptions::credit_batch_size), before their
// ledger transfers are written. The ledger transfers the credits cause go
// into *transfers: the engine creates them with the deposits' own, as one
// ledger batch (one set of statements for the whole batch, not one per
// listener). Whatever else it writes through `tx` commits with the credits;
// an error rolls the whole batch back. Each deposit is credited once, so
// this is called once per deposit. ReferralEngine implements it.
class DepositCreditListener {
 public:
  virtual ~DepositCreditListener() = default;
  virtual absl::Status OnDepositsCredited(SqlTransaction& tx,
                                          absl::Span<const Deposit> deposits,
                                          std::vector<Transfer>& transfers) = 0;
};

struct SyncReport {
  uint64_t head = 0;    // the chain's head when the sync started
  uint64_t cursor = 0;  // the last fully scanned block after it
  int recorded = 0;     // new observations
  int credited = 0;
  int orphaned = 0;
  int unmatched = 0;
  int below_minimum = 0;
};

struct DepositEngineOptions {
  // Not owned; must outlive the engine. Required.
  Database* database = nullptr;
  // Not owned; must hold `asset`. Required.
  Ledger* ledger = nullptr;
  // Not owned. Default: the system clock.
  Clock* clock = nullptr;
  // Not owned. When set, "deposit.credited", "deposit.level_up" and
  // "deposit.unmatched" messages are queued. Default: none.
  Outbox* outbox = nullptr;
  // Not owned. Runs inside each crediting transaction. Default: none.
  DepositCreditListener* listener = nullptr;
  // Default: 56 (BNB Smart Chain).
  uint64_t chain_id = 56;
  // The token contract watched. Default: BSC USDT.
  std::string token = std::string(kBscUsdtContract);
  // The ledger asset credited; its scale is the token's decimals.
  // Default: "USDT".
  std::string asset = "USDT";
  // The bot's deposit addresses (checksummed or single-case). Required.
  std::vector<std::string> wallets;
  // Confirmations (the deposit's block counts as one) before crediting.
  // Default: 12.
  int confirmations = 12;
  // Smaller deposits are recorded as below_minimum and never credited.
  // Default: "0" (every positive amount is credited).
  std::string minimum_deposit = "0";
  // Cumulative credited amounts that reach levels 1, 2, ...; increasing.
  // Default: 0.05, 0.1, 0.25, 0.5, 1.0, 2.5.
  std::vector<std::string> level_thresholds = {"0.05", "0.1", "0.25",
                                               "0.5",  "1.0", "2.5"};
  // The first block scanned on a fresh database. Default: 0.
  uint64_t start_block = 0;
  // The widest eth_getLogs range asked for. Default: 5000.
  uint64_t max_blocks_per_scan = 5000;
  // Deposits credited per database transaction. Default: 100.
  int credit_batch_size = 100;
};

class DepositEngine {
 public:
  // Applies the migrations and checks the options.
  // Errors: kInvalidArgument for missing or malformed options (bad wallet
  // address, unknown asset, thresholds not increasing); storage errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DepositEngine>> Create(
      const DepositEngineOptions& options);
  DepositEngine(const DepositEngine&) = delete;
  DepositEngine& operator=(const DepositEngine&) = delete;
  ~DepositEngine();

  // Links a user's own wallet: deposits sent from it are credited to them.
  // Idempotent. Errors: kInvalidArgument for a user id CheckUserId refuses
  // (ledger.h) or a malformed address; kAlreadyExists when another user
  // registered the address.
  [[nodiscard]] absl::Status RegisterWallet(std::string_view user_id,
                                            std::string_view address);

  // Records observations (state seen); returns how many were new. An
  // observation already known in another block (a re-org moved it) is
  // moved to that block and re-checked, unless already final. Feed only
  // current observations: a stale one from before a re-org moves the
  // deposit back to the dropped block, where Process orphans it.
  // Errors: kInvalidArgument (nothing recorded) for another chain or
  // token, a recipient that is not one of the wallets, a malformed
  // address or hash, or a zero, negative or too precise amount.
  [[nodiscard]] absl::StatusOr<int> Record(
      absl::Span<const DepositObservation> observations);

  // Scans the chain from the stored cursor (re-reading the last
  // `confirmations` blocks, so re-included transactions are found), records
  // what it finds, advances the cursor, then runs Process. Transfers of
  // zero tokens (address-poisoning spam) are skipped. Assumes re-orgs
  // shallower than `confirmations` blocks (what crediting relies on too).
  // Errors: the chain's errors (nothing lost: the next Sync resumes);
  // kFailedPrecondition when the chain id differs; storage errors.
  [[nodiscard]] absl::StatusOr<SyncReport> Sync(ChainClient& chain);

  // Checks every seen or confirming deposit against the chain's canonical
  // blocks: orphans those whose block hash changed, credits (or parks as
  // unmatched / below_minimum) those with enough confirmations; one whose
  // block the node does not have yet waits. Several engines (tokens) may
  // share a database: each works on its own token's deposits only.
  // Errors: the chain's errors; storage errors.
  [[nodiscard]] absl::StatusOr<SyncReport> Process(ChainClient& chain);

  // Assigns an unmatched (or not yet confirmed) deposit to a user; an
  // unmatched one is credited at once. Idempotent for the same user.
  // Errors: kNotFound for an unknown deposit; kInvalidArgument for a user
  // id CheckUserId refuses or a malformed tx hash (any case is accepted);
  // kFailedPrecondition when it is credited to someone else, orphaned or
  // below the minimum.
  [[nodiscard]] absl::StatusOr<Deposit> Assign(const DepositKey& key,
                                               std::string_view user_id);

  // Errors: kNotFound for an unknown deposit (or one of another token);
  // kInvalidArgument for a malformed tx hash (any case is accepted).
  [[nodiscard]] absl::StatusOr<Deposit> Get(const DepositKey& key);

  // This engine's deposits (its chain and token) in `state`, oldest first,
  // at most `limit` (the admin's unmatched queue is List(kUnmatched)).
  [[nodiscard]] absl::StatusOr<std::vector<Deposit>> List(DepositState state,
                                                          int limit = 100);

  // The user's level (level 0 and zero total for a user never credited).
  [[nodiscard]] absl::StatusOr<DepositLevel> Level(std::string_view user_id);

  // The last fully scanned block, persisted with the observations it
  // found, so a restarted engine resumes after it; std::nullopt before the
  // first scan.
  [[nodiscard]] absl::StatusOr<std::optional<uint64_t>> Cursor();

 private:
  struct Impl;
  explicit DepositEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_LEDGER_DEPOSITS_H_
