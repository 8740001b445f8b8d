// File: botcore/ledger/ledger.h
//
// A double-entry ledger after TigerBeetle's model, stored through the
// Database port. Every movement of money is a Transfer that debits one
// account and credits another of the same asset by the same exact Amount, so
// for every asset the sum of debits equals the sum of credits. Accounts are
// keyed by (owner, asset). Owners that start with '$' are system accounts
// (kDepositClearing, kRewardsPool, kFees, kPayouts); every other owner is a
// user, and a user account can never go below zero.
//
// A transfer carries a caller-chosen unique id: sending it again with the same
// fields returns the original transfer; the same id with other fields fails
// with kAlreadyExists naming the field. A pending transfer holds funds (the
// debit account's available balance drops) until it is posted or voided, or
// until its timeout passes. CreateTransfers commits a batch of linked
// transfers together or not at all.
//
//   LedgerOptions options;
//   options.database = db.get();
//   options.assets = {{"USDT", 18}};
//   absl::StatusOr<std::unique_ptr<Ledger>> ledger = Ledger::Create(options);
//   Transfer t;
//   t.id = "bonus:user-42:2026-11";
//   t.debit = {std::string(kDepositClearing), "USDT"};
//   t.credit = {"user-42", "USDT"};
//   t.amount = *Amount::Parse("12.5", 18);
//   absl::StatusOr<TransferResult> r = (*ledger)->CreateTransfer(t);
//   absl::StatusOr<Balance> b = (*ledger)->GetBalance({"user-42", "USDT"});
//
// Engines that must move money in the same database transaction as their own
// state change (deposits, referral rewards, withdrawals) use the overloads
// that take a SqlTransaction.

#ifndef BOTCORE_LEDGER_LEDGER_H_
#define BOTCORE_LEDGER_LEDGER_H_

#include <cstdint>
#include <map>
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
#include "botcore/ports/database.h"

namespace botcore {

// The system accounts' owners.
inline constexpr std::string_view kDepositClearing = "$deposit_clearing";
inline constexpr std::string_view kRewardsPool = "$rewards_pool";
inline constexpr std::string_view kFees = "$fees";
inline constexpr std::string_view kPayouts = "$payouts";

// An asset the ledger holds, e.g. {"USDT", 18}.
struct AssetSpec {
  std::string code;
  // Decimal places of the asset's smallest unit, 0..Amount::kMaxScale.
  int scale = 0;
};

// The longest user id the engines accept, in bytes; ids go into ledger,
// outbox and deposit keys.
inline constexpr size_t kMaxUserIdLength = 128;

// Checks a user id the engines are given (a wallet's owner, a withdrawal's
// requester, a referral member): not empty, at most kMaxUserIdLength bytes,
// and not a system account's owner (no leading '$'), so no user request can
// move a system account's money.
// Errors: kInvalidArgument naming the id and what is wrong with it.
[[nodiscard]] absl::Status CheckUserId(std::string_view user_id);

struct AccountKey {
  std::string owner;
  std::string asset;

  bool is_system() const { return owner.starts_with("$"); }
  friend bool operator==(const AccountKey&, const AccountKey&) = default;
  friend auto operator<=>(const AccountKey&, const AccountKey&) = default;
};

enum class TransferKind {
  kPosted,       // moves funds now
  kPending,      // holds funds until posted, voided or timed out
  kPostPending,  // posts the pending transfer `pending_id` (full amount)
  kVoidPending,  // voids the pending transfer `pending_id`
};

// Returns "posted", "pending", "post_pending" or "void_pending".
std::string_view TransferKindName(TransferKind kind);

struct Transfer {
  // Unique among all transfers; the caller chooses it so that a retry is
  // recognised. 1..200 printable characters.
  std::string id;
  TransferKind kind = TransferKind::kPosted;
  // For kPosted and kPending: the accounts; both of the same asset.
  // For kPostPending and kVoidPending they are taken from the pending
  // transfer and may be left empty.
  AccountKey debit;
  AccountKey credit;
  // Positive, with no more decimals than the asset. Ignored (may be zero)
  // for kPostPending and kVoidPending, which always use the full pending
  // amount.
  Amount amount;
  // kPostPending and kVoidPending: the id of the pending transfer.
  std::string pending_id;
  // kPending: after this long the hold can no longer be posted and
  // ExpirePendingTransfers voids it. Zero: no timeout.
  absl::Duration timeout = absl::ZeroDuration();
  // Free text stored with the transfer (what it is for).
  std::string memo;
};

// The state of a pending transfer.
enum class PendingState { kNone, kPending, kPosted, kVoided, kExpired };

struct TransferRecord {
  Transfer transfer;     // with debit, credit and amount filled in
  int64_t sequence = 0;  // position in the ledger's history, increasing
  absl::Time created_at;
  // kPending transfers only: what became of the hold; kNone otherwise.
  PendingState pending_state = PendingState::kNone;
};

struct TransferResult {
  TransferRecord record;
  // False when the id was already recorded with the same fields and this
  // call changed nothing.
  bool created = false;
};

// Balances of one account. For a user account `posted` is what it owns and
// `available` is what it may spend.
struct Balance {
  AccountKey account;
  Amount debits_posted;
  Amount credits_posted;
  Amount debits_pending;
  Amount credits_pending;
  Amount posted;     // credits_posted - debits_posted
  Amount available;  // posted - debits_pending
  bool forbid_overdraft = false;
};

struct HistoryQuery {
  AccountKey account;
  // Only transfers with sequence > after_sequence (the last one of the
  // previous page). Default: 0, from the start.
  int64_t after_sequence = 0;
  // Page size, 1..1000. Default: 100.
  int limit = 100;
  // Only these kinds; empty means all. Default: all.
  std::vector<TransferKind> kinds;
  // Only transfers created in [since, until). Default: all time.
  absl::Time since = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
};

struct LedgerOptions {
  // Where accounts and transfers live. Not owned; must outlive the ledger.
  // Required.
  Database* database = nullptr;
  // The time of transfers and pending timeouts. Not owned. Default: the
  // system clock.
  Clock* clock = nullptr;
  // The assets the ledger accepts. Required: at least one.
  std::vector<AssetSpec> assets;
};

// Thread-safe, and safe to use from several processes on one database.
class Ledger {
 public:
  // Applies the ledger's migrations.
  // Errors: kInvalidArgument for missing options or a bad asset; storage
  // errors from Database::Migrate.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Ledger>> Create(
      const LedgerOptions& options);

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  ~Ledger();

  // The asset's scale. Errors: kInvalidArgument for an unknown asset.
  [[nodiscard]] absl::StatusOr<int> AssetScale(std::string_view asset) const;

  // Parses `text` as an amount of `asset` (at most its decimals).
  // Errors: kInvalidArgument for an unknown asset or a malformed amount.
  [[nodiscard]] absl::StatusOr<Amount> ParseAmount(
      std::string_view text, std::string_view asset) const;

  // Opens an account, idempotently. Users' accounts always forbid
  // overdraft; a system account allows it unless `forbid_overdraft`.
  // Accounts are also opened implicitly when first credited.
  // Errors: kInvalidArgument for an empty owner or unknown asset;
  // kAlreadyExists when the account exists with another overdraft policy.
  [[nodiscard]] absl::Status OpenAccount(const AccountKey& account,
                                         bool forbid_overdraft = false);
  [[nodiscard]] absl::Status OpenAccount(SqlTransaction& tx,
                                         const AccountKey& account,
                                         bool forbid_overdraft = false);

  // Records one transfer (see the file comment for idempotency).
  // Errors: kInvalidArgument for a malformed transfer (empty or too long id,
  // unknown asset, accounts of different assets, debit == credit, amount
  // zero, negative or with too many decimals); kNotFound when the debit
  // account or the pending transfer does not exist; kFailedPrecondition
  // when an overdraft-forbidding account would go negative, or the pending
  // transfer was already posted, voided or expired; kAlreadyExists when the
  // id is taken by a transfer with other fields (the message names the
  // field); kAborted when storage conflicts persisted.
  [[nodiscard]] absl::StatusOr<TransferResult> CreateTransfer(
      const Transfer& transfer);
  [[nodiscard]] absl::StatusOr<TransferResult> CreateTransfer(
      SqlTransaction& tx, const Transfer& transfer);

  // Records linked transfers: all of them or, on the first error, none. The
  // error names the failing transfer's index and id. Each transfer sees the
  // ones before it (a later one may post an earlier pending one), yet the
  // batch costs a few statements whatever its size: one read of the pending
  // transfers it refers to, one of the accounts touched, then one
  // multi-row insert per 256 transfers and one upsert of the changed
  // accounts. A batch that retries ids already recorded (or fails a check)
  // costs more: its inserts are undone and it is decided again from a read
  // of every id it names.
  // CreateTransfer is a batch of one. Errors as CreateTransfer.
  [[nodiscard]] absl::StatusOr<std::vector<TransferResult>> CreateTransfers(
      absl::Span<const Transfer> transfers);
  [[nodiscard]] absl::StatusOr<std::vector<TransferResult>> CreateTransfers(
      SqlTransaction& tx, absl::Span<const Transfer> transfers);

  // Voids every pending transfer whose timeout has passed; returns how many.
  [[nodiscard]] absl::StatusOr<int> ExpirePendingTransfers();

  // Errors: kNotFound for an account never opened; kInvalidArgument for an
  // unknown asset.
  [[nodiscard]] absl::StatusOr<Balance> GetBalance(const AccountKey& account);
  [[nodiscard]] absl::StatusOr<Balance> GetBalance(SqlTransaction& tx,
                                                   const AccountKey& account);

  // Errors: kNotFound for an unknown id.
  [[nodiscard]] absl::StatusOr<TransferRecord> GetTransfer(std::string_view id);

  // What `from` moved to `to`, by asset: the sum of the posted transfers
  // (and posted holds) debiting an account of `from` and crediting one of
  // `to`. Assets with nothing moved are absent. It reads each such
  // transfer, so it suits statistics (a user's referral rewards), not a
  // hot path. Errors: storage errors only.
  [[nodiscard]] absl::StatusOr<std::map<std::string, Amount>> PostedBetween(
      SqlTransaction& tx, std::string_view from, std::string_view to);

  // One page of an account's transfers, oldest first.
  // Errors: kInvalidArgument for a limit outside 1..1000.
  [[nodiscard]] absl::StatusOr<std::vector<TransferRecord>> History(
      const HistoryQuery& query);

  // Every transfer recorded after `after_sequence`, oldest first, at most
  // `limit` (1..10000): the ledger's feed, for auditors and exporters.
  // Sequences are given at insert time: on PostgreSQL a transaction still
  // open may later commit a sequence below one already read.
  // Errors: kInvalidArgument for a limit out of range.
  [[nodiscard]] absl::StatusOr<std::vector<TransferRecord>> Feed(
      int64_t after_sequence, int limit);

  // Checks the ledger's invariants over the whole database: per asset,
  // posted and pending debits equal credits; no overdraft-forbidding account
  // is negative; every account's totals equal the sums of its transfers.
  // Errors: kDataLoss describing the first violation.
  [[nodiscard]] absl::Status CheckInvariants();

 private:
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_LEDGER_LEDGER_H_
