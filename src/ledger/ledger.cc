#include "botcore/ledger/ledger.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "ledger accounts and transfers",
     R"sql(
CREATE TABLE ledger_accounts (
  owner TEXT NOT NULL,
  asset TEXT NOT NULL,
  forbid_overdraft BIGINT NOT NULL,
  debits_posted TEXT NOT NULL,
  credits_posted TEXT NOT NULL,
  debits_pending TEXT NOT NULL,
  credits_pending TEXT NOT NULL,
  PRIMARY KEY (owner, asset));
CREATE TABLE ledger_transfers (
  seq {{auto_id}},
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  debit_owner TEXT NOT NULL,
  credit_owner TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  pending_id TEXT NOT NULL,
  timeout_us BIGINT,
  pending_state TEXT NOT NULL,
  memo TEXT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_owner, asset, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_owner, asset, seq);
CREATE INDEX ledger_transfers_pending ON ledger_transfers (pending_state, timeout_us)
)sql"},
    {2, "only open holds in the pending index",
     // Every transfer had an entry, though only open holds are ever looked
     // up (ExpirePendingTransfers); a posted transfer now costs one index
     // insert less.
     R"sql(
DROP INDEX ledger_transfers_pending;
CREATE INDEX ledger_transfers_pending ON ledger_transfers (pending_state, timeout_us)
  WHERE pending_state = 'pending'
)sql"},
};

constexpr char kTransferColumns[] =
    "seq, id, kind, debit_owner, credit_owner, asset, amount, pending_id,"
    " timeout_us, pending_state, memo, created_at";

std::string_view PendingStateName(PendingState s) {
  switch (s) {
    case PendingState::kNone:
      return "";
    case PendingState::kPending:
      return "pending";
    case PendingState::kPosted:
      return "posted";
    case PendingState::kVoided:
      return "voided";
    case PendingState::kExpired:
      return "expired";
  }
  return "";
}

absl::StatusOr<PendingState> ParsePendingState(std::string_view s) {
  for (PendingState p :
       {PendingState::kNone, PendingState::kPending, PendingState::kPosted,
        PendingState::kVoided, PendingState::kExpired}) {
    if (PendingStateName(p) == s) return p;
  }
  return absl::DataLossError(
      absl::StrCat("unknown pending state '", ToAbsl(s), "' in the ledger"));
}

absl::StatusOr<TransferKind> ParseKind(std::string_view s) {
  for (TransferKind k :
       {TransferKind::kPosted, TransferKind::kPending,
        TransferKind::kPostPending, TransferKind::kVoidPending}) {
    if (TransferKindName(k) == s) return k;
  }
  return absl::DataLossError(
      absl::StrCat("unknown transfer kind '", ToAbsl(s), "' in the ledger"));
}

std::string Describe(const AccountKey& a) {
  return absl::StrCat(a.owner, "/", a.asset);
}

// One account row while a transaction works on it.
struct AccountState {
  bool forbid_overdraft = false;
  Amount debits_posted, credits_posted, debits_pending, credits_pending;

  absl::StatusOr<Amount> Posted() const {
    return credits_posted.Subtract(debits_posted);
  }
  absl::StatusOr<Amount> Available() const {
    BOTCORE_ASSIGN_OR_RETURN(Amount posted, Posted());
    return posted.Subtract(debits_pending);
  }
};

}  // namespace

namespace internal {
ComponentSchema LedgerSchema() { return {"ledger", kMigrations}; }
}  // namespace internal

absl::Status CheckUserId(std::string_view user_id) {
  if (user_id.empty()) return absl::InvalidArgumentError("empty user id");
  if (user_id.size() > kMaxUserIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "user id '", ToAbsl(user_id.substr(0, 32)), "...' is ", user_id.size(),
        " bytes long; at most ", kMaxUserIdLength, " are allowed"));
  }
  if (user_id.starts_with("$")) {
    return absl::InvalidArgumentError(
        absl::StrCat("user id '", ToAbsl(user_id),
                     "' names a system account (a leading '$')"));
  }
  return absl::OkStatus();
}

std::string_view TransferKindName(TransferKind kind) {
  switch (kind) {
    case TransferKind::kPosted:
      return "posted";
    case TransferKind::kPending:
      return "pending";
    case TransferKind::kPostPending:
      return "post_pending";
    case TransferKind::kVoidPending:
      return "void_pending";
  }
  return "?";
}

struct Ledger::Impl {
  Database* db;
  Clock* clock;
  SystemClock system_clock;
  std::map<std::string, int, std::less<>> scales;

  absl::StatusOr<int> Scale(std::string_view asset) const {
    auto it = scales.find(asset);
    if (it == scales.end()) {
      std::vector<std::string> known;
      for (const auto& [code, scale] : scales) known.push_back(code);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown asset '", ToAbsl(asset), "' (the ledger holds ",
                       absl::StrJoin(known, ", "), ")"));
    }
    return it->second;
  }

  absl::StatusOr<Amount> Parse(const std::string& text, int scale) const {
    absl::StatusOr<Amount> a = Amount::Parse(text, scale);
    if (!a.ok()) {
      return absl::DataLossError(
          absl::StrCat("corrupt amount in the ledger: ", a.status().message()));
    }
    return a;
  }

  // Brings `amount` to the asset's scale, refusing to drop digits.
  absl::StatusOr<Amount> ToAssetScale(const Amount& amount,
                                      std::string_view asset) const {
    BOTCORE_ASSIGN_OR_RETURN(int scale, Scale(asset));
    BOTCORE_ASSIGN_OR_RETURN(Amount exact,
                             amount.Rescale(scale, RoundingMode::kTowardZero));
    if (exact != amount) {
      return absl::InvalidArgumentError(
          absl::StrCat("amount ", amount.ToString(), " has more than ", scale,
                       " decimals, the precision of ", ToAbsl(asset)));
    }
    return exact;
  }

  // The stored accounts among `keys`, read with one statement per asset and
  // chunk; missing ones are absent from the result.
  absl::StatusOr<std::map<AccountKey, AccountState>> LoadAccounts(
      SqlTransaction& tx, const std::set<AccountKey>& keys) const {
    std::map<std::string, std::vector<SqlValue>> owners_by_asset;
    for (const AccountKey& key : keys) {
      BOTCORE_RETURN_IF_ERROR(Scale(key.asset).status());
      owners_by_asset[key.asset].emplace_back(key.owner);
    }
    std::map<AccountKey, AccountState> accounts;
    for (const auto& [asset_name, owners] : owners_by_asset) {
      // A copy: clang 14 cannot capture a structured binding in a lambda.
      const std::string& asset = asset_name;
      const int scale = scales.at(asset);
      BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
          tx,
          "SELECT owner, forbid_overdraft, debits_posted, credits_posted,"
          " debits_pending, credits_pending FROM ledger_accounts WHERE"
          " asset = ? AND owner IN ",
          {asset}, owners, [&](const SqlRow& r) -> absl::Status {
            AccountKey key;
            BOTCORE_ASSIGN_OR_RETURN(key.owner, r.Text(0));
            key.asset = asset;
            AccountState a;
            BOTCORE_ASSIGN_OR_RETURN(int64_t forbid, r.Int64(1));
            a.forbid_overdraft = forbid != 0;
            std::string text;
            BOTCORE_ASSIGN_OR_RETURN(text, r.Text(2));
            BOTCORE_ASSIGN_OR_RETURN(a.debits_posted, Parse(text, scale));
            BOTCORE_ASSIGN_OR_RETURN(text, r.Text(3));
            BOTCORE_ASSIGN_OR_RETURN(a.credits_posted, Parse(text, scale));
            BOTCORE_ASSIGN_OR_RETURN(text, r.Text(4));
            BOTCORE_ASSIGN_OR_RETURN(a.debits_pending, Parse(text, scale));
            BOTCORE_ASSIGN_OR_RETURN(text, r.Text(5));
            BOTCORE_ASSIGN_OR_RETURN(a.credits_pending, Parse(text, scale));
            accounts.emplace(std::move(key), a);
            return absl::OkStatus();
          }));
    }
    return accounts;
  }

  absl::StatusOr<std::optional<AccountState>> LoadAccount(
      SqlTransaction& tx, const AccountKey& key) const {
    BOTCORE_ASSIGN_OR_RETURN(auto accounts, LoadAccounts(tx, {key}));
    if (accounts.empty()) return std::optional<AccountState>();
    return std::optional<AccountState>(accounts.begin()->second);
  }

  // Writes the accounts' totals, inserting those not stored yet: one upsert
  // per chunk of accounts. An account is never deleted, so an insert can
  // only meet one opened concurrently, which PostgreSQL's serializable
  // isolation fails (retried) and SQLite's write lock rules out.
  absl::Status StoreAccounts(
      SqlTransaction& tx,
      const std::vector<std::pair<AccountKey, AccountState>>& accounts) const {
    return internal::ForEachChunk(
        accounts.size(), [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 7);
          for (size_t i = first; i < first + count; ++i) {
            const auto& [key, a] = accounts[i];
            params.emplace_back(key.owner);
            params.emplace_back(key.asset);
            params.emplace_back(a.forbid_overdraft);
            params.emplace_back(a.debits_posted.ToString());
            params.emplace_back(a.credits_posted.ToString());
            params.emplace_back(a.debits_pending.ToString());
            params.emplace_back(a.credits_pending.ToString());
          }
          return tx
              .Execute(absl::StrCat(
                           "INSERT INTO ledger_accounts (owner, asset,"
                           " forbid_overdraft, debits_posted, credits_posted,"
                           " debits_pending, credits_pending) VALUES ",
                           internal::PlaceholderRows(count, 7),
                           " ON CONFLICT (owner, asset) DO UPDATE SET"
                           " debits_posted = excluded.debits_posted,"
                           " credits_posted = excluded.credits_posted,"
                           " debits_pending = excluded.debits_pending,"
                           " credits_pending = excluded.credits_pending"),
                       params)
              .status();
        });
  }

  absl::Status Open(SqlTransaction& tx, const AccountKey& key,
                    bool forbid_overdraft) const {
    if (key.owner.empty()) {
      return absl::InvalidArgumentError("an account needs an owner");
    }
    BOTCORE_ASSIGN_OR_RETURN(int scale, Scale(key.asset));
    const bool forbid = forbid_overdraft || !key.is_system();
    const std::string zero = Amount::Zero(scale).ToString();
    BOTCORE_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO ledger_accounts (owner, asset,"
                   " forbid_overdraft, debits_posted, credits_posted,"
                   " debits_pending, credits_pending) VALUES (?, ?, ?, ?, ?, ?,"
                   " ?) ON CONFLICT DO NOTHING",
                   {key.owner, key.asset, forbid, zero, zero, zero, zero})
            .status());
    BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> a,
                             LoadAccount(tx, key));
    if (!a.has_value()) {
      return absl::InternalError(
          absl::StrCat("account ", Describe(key), " vanished after opening"));
    }
    if (a->forbid_overdraft != forbid) {
      return absl::AlreadyExistsError(absl::StrCat(
          "account ", Describe(key), " already exists with forbid_overdraft=",
          a->forbid_overdraft ? "true" : "false"));
    }
    return absl::OkStatus();
  }

  // The stored transfers among `ids`, by id.
  absl::StatusOr<std::map<std::string, TransferRecord, std::less<>>> FindAll(
      SqlTransaction& tx, const std::vector<std::string>& ids) const {
    std::map<std::string, TransferRecord, std::less<>> found;
    const std::vector<SqlValue> values(ids.begin(), ids.end());
    BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
        tx,
        absl::StrCat("SELECT ", kTransferColumns,
                     " FROM ledger_transfers WHERE id IN "),
        {}, values, [&](const SqlRow& row) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, FromRow(row));
          std::string id = r.transfer.id;
          found.emplace(std::move(id), std::move(r));
          return absl::OkStatus();
        }));
    return found;
  }

  absl::StatusOr<std::optional<TransferRecord>> Find(
      SqlTransaction& tx, std::string_view id) const {
    BOTCORE_ASSIGN_OR_RETURN(auto found, FindAll(tx, {std::string(id)}));
    if (found.empty()) return std::optional<TransferRecord>();
    return std::optional<TransferRecord>(std::move(found.begin()->second));
  }

  absl::StatusOr<TransferRecord> FromRow(const SqlRow& row) const {
    TransferRecord r;
    Transfer& t = r.transfer;
    BOTCORE_ASSIGN_OR_RETURN(r.sequence, row.Int64(0));
    BOTCORE_ASSIGN_OR_RETURN(t.id, row.Text(1));
    BOTCORE_ASSIGN_OR_RETURN(std::string kind, row.Text(2));
    BOTCORE_ASSIGN_OR_RETURN(t.kind, ParseKind(kind));
    BOTCORE_ASSIGN_OR_RETURN(t.debit.owner, row.Text(3));
    BOTCORE_ASSIGN_OR_RETURN(t.credit.owner, row.Text(4));
    BOTCORE_ASSIGN_OR_RETURN(t.debit.asset, row.Text(5));
    t.credit.asset = t.debit.asset;
    BOTCORE_ASSIGN_OR_RETURN(int scale, Scale(t.debit.asset));
    BOTCORE_ASSIGN_OR_RETURN(std::string amount, row.Text(6));
    BOTCORE_ASSIGN_OR_RETURN(t.amount, Parse(amount, scale));
    BOTCORE_ASSIGN_OR_RETURN(t.pending_id, row.Text(7));
    if (!row.IsNull(8)) {
      BOTCORE_ASSIGN_OR_RETURN(int64_t timeout_us, row.Int64(8));
      t.timeout = absl::Microseconds(timeout_us);
    }
    BOTCORE_ASSIGN_OR_RETURN(std::string state, row.Text(9));
    BOTCORE_ASSIGN_OR_RETURN(r.pending_state, ParsePendingState(state));
    BOTCORE_ASSIGN_OR_RETURN(t.memo, row.Text(10));
    BOTCORE_ASSIGN_OR_RETURN(int64_t created, row.Int64(11));
    r.created_at = absl::FromUnixMicros(created);
    return r;
  }

  // Returns the first field in which a retry differs from what is stored,
  // or an empty string.
  static std::string Difference(const Transfer& want, const Transfer& have) {
    if (want.kind != have.kind) return "kind";
    const bool explicit_accounts = want.kind == TransferKind::kPosted ||
                                   want.kind == TransferKind::kPending;
    if (explicit_accounts) {
      if (want.debit != have.debit) return "debit";
      if (want.credit != have.credit) return "credit";
      if (want.amount != have.amount) return "amount";
    } else if (want.pending_id != have.pending_id) {
      return "pending_id";
    }
    if (want.kind == TransferKind::kPending && want.timeout != have.timeout) {
      return "timeout";
    }
    if (want.memo != have.memo) return "memo";
    return "";
  }

  absl::Status Validate(const Transfer& t) const {
    if (t.id.empty() || t.id.size() > 200) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a transfer id must have 1 to 200 characters, got ", t.id.size()));
    }
    for (char c : t.id) {
      if (!absl::ascii_isprint(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("transfer id \"", absl::CHexEscape(t.id),
                         "\" has a non-printable character"));
      }
    }
    if (t.kind == TransferKind::kPostPending ||
        t.kind == TransferKind::kVoidPending) {
      if (t.pending_id.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "transfer ", t.id, " (", ToAbsl(TransferKindName(t.kind)),
            ") needs a pending_id"));
      }
      return absl::OkStatus();
    }
    if (t.debit.owner.empty() || t.credit.owner.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "transfer ", t.id, " needs a debit and a credit account"));
    }
    if (t.debit.asset != t.credit.asset) {
      return absl::InvalidArgumentError(absl::StrCat(
          "transfer ", t.id, " debits ", Describe(t.debit), " but credits ",
          Describe(t.credit), ": the assets differ"));
    }
    if (t.debit == t.credit) {
      return absl::InvalidArgumentError(absl::StrCat(
          "transfer ", t.id, " debits and credits the same account ",
          Describe(t.debit)));
    }
    BOTCORE_RETURN_IF_ERROR(Scale(t.debit.asset).status());
    if (!t.amount.is_positive()) {
      return absl::InvalidArgumentError(
          absl::StrCat("transfer ", t.id, " has amount ", t.amount.ToString(),
                       "; it must be positive"));
    }
    if (t.timeout < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("transfer ", t.id, " has a negative timeout"));
    }
    return absl::OkStatus();
  }

  // What a batch does once every check passed in memory.
  struct Plan {
    std::vector<TransferResult> results;
    // The stored transfers consulted, then also those the batch creates.
    std::map<std::string, TransferRecord, std::less<>> known;
    std::map<AccountKey, AccountState> accounts;
    std::set<AccountKey> changed;
    std::vector<std::string> settled_pending;  // stored ones posted or voided
  };

  // Runs every check of `transfers` in order, as if one by one, against the
  // stored transfers in `known` (an id absent from it counts as new) and the
  // accounts touched, read with one statement per asset and chunk. On an
  // error *failed is the index of the failing transfer, or transfers.size()
  // for a storage error.
  absl::StatusOr<Plan> MakePlan(
      SqlTransaction& tx, const std::vector<Transfer>& transfers,
      std::map<std::string, TransferRecord, std::less<>> known,
      size_t* failed) const {
    *failed = transfers.size();
    Plan plan;
    plan.known = std::move(known);
    // The ids this batch creates (views of plan.known's keys), so that a
    // later transfer of the batch sees earlier ones.
    std::set<std::string_view> created;

    std::set<AccountKey> touched;
    for (const Transfer& t : transfers) {
      if (t.kind == TransferKind::kPosted || t.kind == TransferKind::kPending) {
        touched.insert(t.debit);
        touched.insert(t.credit);
      } else if (auto it = plan.known.find(t.pending_id);
                 it != plan.known.end()) {
        touched.insert(it->second.transfer.debit);
        touched.insert(it->second.transfer.credit);
      }
    }
    BOTCORE_ASSIGN_OR_RETURN(plan.accounts, LoadAccounts(tx, touched));

    const absl::Time now = clock->Now();
    plan.results.reserve(transfers.size());
    for (size_t i = 0; i < transfers.size(); ++i) {
      *failed = i;
      Transfer t = transfers[i];
      if (auto it = plan.known.find(t.id); it != plan.known.end()) {
        const std::string field = Difference(t, it->second.transfer);
        if (!field.empty()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "transfer id ", t.id,
              " is already used by a transfer with another ", field));
        }
        plan.results.push_back(TransferResult{it->second, false});
        continue;
      }
      TransferRecord* pending = nullptr;
      if (t.kind == TransferKind::kPostPending ||
          t.kind == TransferKind::kVoidPending) {
        auto it = plan.known.find(t.pending_id);
        if (it == plan.known.end() ||
            it->second.transfer.kind != TransferKind::kPending) {
          return absl::NotFoundError(
              absl::StrCat("transfer ", t.id, " refers to pending transfer ",
                           t.pending_id, ", which does not exist"));
        }
        pending = &it->second;
        if (pending->pending_state != PendingState::kPending) {
          return absl::FailedPreconditionError(
              absl::StrCat("pending transfer ", t.pending_id, " is already ",
                           ToAbsl(PendingStateName(pending->pending_state))));
        }
        const Transfer& p = pending->transfer;
        if (t.kind == TransferKind::kPostPending &&
            p.timeout > absl::ZeroDuration() &&
            now >= pending->created_at + p.timeout) {
          return absl::FailedPreconditionError(
              absl::StrCat("pending transfer ", t.pending_id, " timed out at ",
                           absl::FormatTime(pending->created_at + p.timeout)));
        }
        t.debit = p.debit;
        t.credit = p.credit;
        t.amount = p.amount;
        t.timeout = absl::ZeroDuration();
      }

      auto debit_it = plan.accounts.find(t.debit);
      if (debit_it == plan.accounts.end()) {
        if (!t.debit.is_system()) {
          return absl::NotFoundError(
              absl::StrCat("transfer ", t.id, ": debit account ",
                           Describe(t.debit), " does not exist"));
        }
        debit_it = plan.accounts.emplace(t.debit, ZeroAccount(t.debit)).first;
      }
      auto credit_it = plan.accounts.find(t.credit);
      if (credit_it == plan.accounts.end()) {
        credit_it =
            plan.accounts.emplace(t.credit, ZeroAccount(t.credit)).first;
      }
      AccountState& debit = debit_it->second;
      AccountState& credit = credit_it->second;
      if (t.kind == TransferKind::kPending) {
        BOTCORE_ASSIGN_OR_RETURN(debit.debits_pending,
                                 debit.debits_pending.Add(t.amount));
        BOTCORE_ASSIGN_OR_RETURN(credit.credits_pending,
                                 credit.credits_pending.Add(t.amount));
      } else if (t.kind != TransferKind::kPosted) {
        BOTCORE_ASSIGN_OR_RETURN(debit.debits_pending,
                                 debit.debits_pending.Subtract(t.amount));
        BOTCORE_ASSIGN_OR_RETURN(credit.credits_pending,
                                 credit.credits_pending.Subtract(t.amount));
      }
      if (t.kind == TransferKind::kPosted ||
          t.kind == TransferKind::kPostPending) {
        BOTCORE_ASSIGN_OR_RETURN(debit.debits_posted,
                                 debit.debits_posted.Add(t.amount));
        BOTCORE_ASSIGN_OR_RETURN(credit.credits_posted,
                                 credit.credits_posted.Add(t.amount));
      }
      if (debit.forbid_overdraft) {
        BOTCORE_ASSIGN_OR_RETURN(Amount available, debit.Available());
        if (available.is_negative()) {
          BOTCORE_ASSIGN_OR_RETURN(Amount before, available.Add(t.amount));
          return absl::FailedPreconditionError(absl::StrCat(
              "insufficient funds: transfer ", t.id, " of ",
              t.amount.ToString(), " ", t.debit.asset, " from ", t.debit.owner,
              ", who has ", before.ToString(), " available"));
        }
      }
      plan.changed.insert(t.debit);
      plan.changed.insert(t.credit);
      if (pending != nullptr) {
        pending->pending_state = t.kind == TransferKind::kPostPending
                                     ? PendingState::kPosted
                                     : PendingState::kVoided;
        if (!created.contains(t.pending_id)) {
          plan.settled_pending.push_back(t.pending_id);
        }
      }
      TransferRecord record;
      record.created_at = now;
      record.pending_state = t.kind == TransferKind::kPending
                                 ? PendingState::kPending
                                 : PendingState::kNone;
      record.transfer = std::move(t);
      plan.results.push_back(TransferResult{record, true});
      std::string id = record.transfer.id;
      created.insert(
          plan.known.emplace(std::move(id), std::move(record)).first->first);
    }
    *failed = transfers.size();
    return plan;
  }

  // Writes a plan: its new transfers first, then the accounts and the
  // settled pending transfers. Returns an id the plan takes for new that
  // turned out to be recorded already (the plan did not read it), with
  // nothing of the plan left written; an empty string once written.
  absl::StatusOr<std::string> Write(SqlTransaction& tx, Plan& plan) const {
    std::vector<const TransferRecord*> inserts;
    for (const TransferResult& r : plan.results) {
      if (r.created) {
        inserts.push_back(&plan.known.find(r.record.transfer.id)->second);
      }
    }
    std::string taken;
    BOTCORE_ASSIGN_OR_RETURN(auto sequences,
                             InsertTransfers(tx, inserts, &taken));
    if (!taken.empty()) {
      std::vector<SqlValue> inserted;
      for (const auto& [id, seq] : sequences) inserted.emplace_back(id);
      BOTCORE_RETURN_IF_ERROR(internal::ForEachInList(
          inserted, [&](absl::Span<const SqlValue> list) -> absl::Status {
            return tx
                .Execute(
                    absl::StrCat("DELETE FROM ledger_transfers WHERE id IN ",
                                 internal::PlaceholderRows(1, list.size())),
                    list)
                .status();
          }));
      return taken;
    }
    std::vector<std::pair<AccountKey, AccountState>> writes;
    for (const AccountKey& key : plan.changed) {
      writes.emplace_back(key, plan.accounts.at(key));
    }
    BOTCORE_RETURN_IF_ERROR(StoreAccounts(tx, writes));
    for (const std::string& id : plan.settled_pending) {
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute(
                "UPDATE ledger_transfers SET pending_state = ? WHERE id = ?",
                {PendingStateName(plan.known.find(id)->second.pending_state),
                 id})
              .status());
    }
    for (TransferResult& r : plan.results) {
      auto it = sequences.find(r.record.transfer.id);
      if (it != sequences.end()) r.record.sequence = it->second;
    }
    return std::string();
  }

  // Records `requests` in order, as if one by one, with a handful of
  // statements for the whole batch. First on the expectation that every id
  // is new, which is the usual case: only the pending transfers referred to
  // are read, then the accounts touched; if every check passes in memory,
  // the new transfers are inserted (multi-row, per chunk), and if none of
  // their ids was taken, the changed accounts are upserted. Otherwise —
  // a check failed, or an id was taken, whose rows are then deleted again —
  // the batch is planned anew from a read of every id and pending id it
  // names, which decides retries (the original result, or kAlreadyExists
  // naming the field that differs) and errors. On an error nothing is
  // written and *failed is the index of the failing transfer, or
  // requests.size() for a storage error.
  absl::StatusOr<std::vector<TransferResult>> Apply(
      SqlTransaction& tx, absl::Span<const Transfer> requests,
      size_t* failed) const {
    *failed = requests.size();
    std::vector<Transfer> transfers;
    transfers.reserve(requests.size());
    std::vector<std::string> pending_ids;
    for (size_t i = 0; i < requests.size(); ++i) {
      Transfer t = requests[i];
      absl::Status valid = Validate(t);
      if (valid.ok() && (t.kind == TransferKind::kPosted ||
                         t.kind == TransferKind::kPending)) {
        absl::StatusOr<Amount> exact = ToAssetScale(t.amount, t.debit.asset);
        if (exact.ok()) t.amount = *exact;
        valid = exact.status();
      }
      if (!valid.ok()) {
        *failed = i;
        return valid;
      }
      if (!t.pending_id.empty()) pending_ids.push_back(t.pending_id);
      transfers.push_back(std::move(t));
    }
    std::sort(pending_ids.begin(), pending_ids.end());
    pending_ids.erase(std::unique(pending_ids.begin(), pending_ids.end()),
                      pending_ids.end());

    BOTCORE_ASSIGN_OR_RETURN(auto referred, FindAll(tx, pending_ids));
    absl::StatusOr<Plan> plan =
        MakePlan(tx, transfers, std::move(referred), failed);
    if (plan.ok()) {
      BOTCORE_ASSIGN_OR_RETURN(std::string taken, Write(tx, *plan));
      if (taken.empty()) return std::move(plan->results);
    } else if (*failed == transfers.size()) {
      return plan.status();
    }

    // Every id and pending id the batch names, listed only now: the
    // expected path above never reads them.
    std::vector<std::string> ids = pending_ids;
    for (const Transfer& t : transfers) ids.push_back(t.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    BOTCORE_ASSIGN_OR_RETURN(auto known, FindAll(tx, ids));
    BOTCORE_ASSIGN_OR_RETURN(plan,
                             MakePlan(tx, transfers, std::move(known), failed));
    BOTCORE_ASSIGN_OR_RETURN(std::string taken, Write(tx, *plan));
    if (!taken.empty()) {
      // Another transaction recorded the id between our read and insert;
      // this one must not commit its balance changes.
      return absl::AbortedError(absl::StrCat(
          "transfer ", taken, " was recorded concurrently; retry it"));
    }
    return std::move(plan->results);
  }

  AccountState ZeroAccount(const AccountKey& key) const {
    const Amount zero = Amount::Zero(scales.at(key.asset));
    return AccountState{!key.is_system(), zero, zero, zero, zero};
  }

  // Inserts the records (in their final pending state) with multi-row
  // statements; returns the sequences of those inserted, by id. Stops after
  // the first statement that met an id already recorded, and sets *taken
  // to that id (left alone otherwise).
  absl::StatusOr<std::map<std::string, int64_t, std::less<>>> InsertTransfers(
      SqlTransaction& tx, const std::vector<const TransferRecord*>& records,
      std::string* taken) const {
    std::map<std::string, int64_t, std::less<>> sequences;
    BOTCORE_RETURN_IF_ERROR(internal::ForEachChunk(
        records.size(), [&](size_t first, size_t count) -> absl::Status {
          if (!taken->empty()) return absl::OkStatus();
          std::vector<SqlValue> params;
          params.reserve(count * 11);
          for (size_t i = first; i < first + count; ++i) {
            const TransferRecord& r = *records[i];
            const Transfer& t = r.transfer;
            SqlValue timeout;
            if (t.kind == TransferKind::kPending &&
                t.timeout > absl::ZeroDuration()) {
              timeout = SqlValue(absl::ToInt64Microseconds(t.timeout));
            }
            params.emplace_back(t.id);
            params.emplace_back(TransferKindName(t.kind));
            params.emplace_back(t.debit.owner);
            params.emplace_back(t.credit.owner);
            params.emplace_back(t.debit.asset);
            params.emplace_back(t.amount.ToString());
            params.emplace_back(t.pending_id);
            params.push_back(std::move(timeout));
            params.emplace_back(PendingStateName(r.pending_state));
            params.emplace_back(t.memo);
            params.emplace_back(absl::ToUnixMicros(r.created_at));
          }
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query(
                  absl::StrCat("INSERT INTO ledger_transfers (id, kind,"
                               " debit_owner, credit_owner, asset, amount,"
                               " pending_id, timeout_us, pending_state, memo,"
                               " created_at) VALUES ",
                               internal::PlaceholderRows(count, 11),
                               " ON CONFLICT DO NOTHING RETURNING id, seq"),
                  params));
          for (const SqlRow& row : rows) {
            BOTCORE_ASSIGN_OR_RETURN(std::string id, row.Text(0));
            BOTCORE_ASSIGN_OR_RETURN(int64_t seq, row.Int64(1));
            sequences.emplace(std::move(id), seq);
          }
          if (rows.size() < count) {
            for (size_t i = first; i < first + count; ++i) {
              if (!sequences.contains(records[i]->transfer.id)) {
                *taken = records[i]->transfer.id;
                break;
              }
            }
          }
          return absl::OkStatus();
        }));
    return sequences;
  }

  absl::StatusOr<Balance> GetBalance(SqlTransaction& tx,
                                     const AccountKey& key) const {
    BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> a,
                             LoadAccount(tx, key));
    if (!a.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("account ", Describe(key), " does not exist"));
    }
    Balance b;
    b.account = key;
    b.debits_posted = a->debits_posted;
    b.credits_posted = a->credits_posted;
    b.debits_pending = a->debits_pending;
    b.credits_pending = a->credits_pending;
    BOTCORE_ASSIGN_OR_RETURN(b.posted, a->Posted());
    BOTCORE_ASSIGN_OR_RETURN(b.available, a->Available());
    b.forbid_overdraft = a->forbid_overdraft;
    return b;
  }
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Create(
    const LedgerOptions& options) {
  if (options.database == nullptr) {
    return absl::InvalidArgumentError("LedgerOptions.database is required");
  }
  if (options.assets.empty()) {
    return absl::InvalidArgumentError(
        "LedgerOptions.assets must name at least one asset");
  }
  auto impl = std::make_unique<Impl>();
  impl->db = options.database;
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
  for (const AssetSpec& asset : options.assets) {
    if (asset.code.empty() || asset.scale < 0 ||
        asset.scale > Amount::kMaxScale) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad asset '", asset.code, "' with scale ", asset.scale,
                       " (a code and a scale of 0..18 are required)"));
    }
    if (!impl->scales.emplace(asset.code, asset.scale).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("asset '", asset.code, "' is listed twice"));
    }
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::LedgerSchema()));
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

absl::StatusOr<int> Ledger::AssetScale(std::string_view asset) const {
  return impl_->Scale(asset);
}

absl::StatusOr<Amount> Ledger::ParseAmount(std::string_view text,
                                           std::string_view asset) const {
  BOTCORE_ASSIGN_OR_RETURN(int scale, impl_->Scale(asset));
  return Amount::Parse(text, scale);
}

absl::Status Ledger::OpenAccount(const AccountKey& account,
                                 bool forbid_overdraft) {
  return impl_->db->Transact([&](SqlTransaction& tx) {
    return impl_->Open(tx, account, forbid_overdraft);
  });
}

absl::Status Ledger::OpenAccount(SqlTransaction& tx, const AccountKey& account,
                                 bool forbid_overdraft) {
  return impl_->Open(tx, account, forbid_overdraft);
}

absl::StatusOr<TransferResult> Ledger::CreateTransfer(
    const Transfer& transfer) {
  TransferResult result;
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(result, CreateTransfer(tx, transfer));
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<TransferResult> Ledger::CreateTransfer(
    SqlTransaction& tx, const Transfer& transfer) {
  size_t failed = 0;
  BOTCORE_ASSIGN_OR_RETURN(std::vector<TransferResult> results,
                           impl_->Apply(tx, {&transfer, 1}, &failed));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<TransferResult>> Ledger::CreateTransfers(
    absl::Span<const Transfer> transfers) {
  std::vector<TransferResult> results;
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(results, CreateTransfers(tx, transfers));
        return absl::OkStatus();
      }));
  return results;
}

absl::StatusOr<std::vector<TransferResult>> Ledger::CreateTransfers(
    SqlTransaction& tx, absl::Span<const Transfer> transfers) {
  size_t failed = 0;
  absl::StatusOr<std::vector<TransferResult>> results =
      impl_->Apply(tx, transfers, &failed);
  if (!results.ok() && failed < transfers.size()) {
    return absl::Status(
        results.status().code(),
        absl::StrCat("linked transfer ", failed, " (", transfers[failed].id,
                     ") failed, none recorded: ", results.status().message()));
  }
  return results;
}

absl::StatusOr<int> Ledger::ExpirePendingTransfers() {
  int expired = 0;
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        expired = 0;
        const int64_t now = absl::ToUnixMicros(impl_->clock->Now());
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kTransferColumns,
                                  " FROM ledger_transfers WHERE pending_state ="
                                  " 'pending' AND timeout_us IS NOT NULL AND"
                                  " created_at + timeout_us <= ? ORDER BY seq"),
                     {now}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, impl_->FromRow(row));
          const Transfer& t = r.transfer;
          BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> debit,
                                   impl_->LoadAccount(tx, t.debit));
          BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> credit,
                                   impl_->LoadAccount(tx, t.credit));
          if (!debit.has_value() || !credit.has_value()) {
            return absl::DataLossError(absl::StrCat(
                "pending transfer ", t.id, " refers to a missing account"));
          }
          BOTCORE_ASSIGN_OR_RETURN(debit->debits_pending,
                                   debit->debits_pending.Subtract(t.amount));
          BOTCORE_ASSIGN_OR_RETURN(credit->credits_pending,
                                   credit->credits_pending.Subtract(t.amount));
          BOTCORE_RETURN_IF_ERROR(impl_->StoreAccounts(
              tx, {{t.debit, *debit}, {t.credit, *credit}}));
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("UPDATE ledger_transfers SET pending_state ="
                         " 'expired' WHERE id = ?",
                         {t.id})
                  .status());
          ++expired;
        }
        return absl::OkStatus();
      }));
  return expired;
}

absl::StatusOr<Balance> Ledger::GetBalance(const AccountKey& account) {
  BOTCORE_RETURN_IF_ERROR(impl_->Scale(account.asset).status());
  Balance balance;
  BOTCORE_RETURN_IF_ERROR(impl_->db->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(balance, impl_->GetBalance(tx, account));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return balance;
}

absl::StatusOr<Balance> Ledger::GetBalance(SqlTransaction& tx,
                                           const AccountKey& account) {
  return impl_->GetBalance(tx, account);
}

absl::StatusOr<TransferRecord> Ledger::GetTransfer(std::string_view id) {
  std::optional<TransferRecord> record;
  BOTCORE_RETURN_IF_ERROR(impl_->db->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(record, impl_->Find(tx, id));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (!record.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no transfer with id ", ToAbsl(id)));
  }
  return *std::move(record);
}

absl::StatusOr<std::map<std::string, Amount>> Ledger::PostedBetween(
    SqlTransaction& tx, std::string_view from, std::string_view to) {
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      tx.Query("SELECT asset, amount FROM ledger_transfers WHERE"
               " credit_owner = ? AND debit_owner = ? AND kind IN"
               " ('posted', 'post_pending')",
               {std::string(to), std::string(from)}));
  std::map<std::string, Amount> totals;
  for (const SqlRow& row : rows) {
    BOTCORE_ASSIGN_OR_RETURN(std::string asset, row.Text(0));
    BOTCORE_ASSIGN_OR_RETURN(std::string text, row.Text(1));
    BOTCORE_ASSIGN_OR_RETURN(Amount amount, ParseAmount(text, asset));
    auto [it, fresh] = totals.try_emplace(std::move(asset), amount);
    if (!fresh) {
      BOTCORE_ASSIGN_OR_RETURN(it->second, it->second.Add(amount));
    }
  }
  return totals;
}

absl::StatusOr<std::vector<TransferRecord>> Ledger::History(
    const HistoryQuery& query) {
  if (query.limit < 1 || query.limit > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("history page size ", query.limit, " is outside 1..1000"));
  }
  BOTCORE_RETURN_IF_ERROR(impl_->Scale(query.account.asset).status());
  std::string sql = absl::StrCat(
      "SELECT ", kTransferColumns,
      " FROM ledger_transfers WHERE (debit_owner = ? OR credit_owner = ?)"
      " AND asset = ? AND seq > ?");
  std::vector<SqlValue> params = {query.account.owner, query.account.owner,
                                  query.account.asset, query.after_sequence};
  if (!query.kinds.empty()) {
    std::vector<std::string> marks;
    for (TransferKind k : query.kinds) {
      marks.push_back("?");
      params.emplace_back(TransferKindName(k));
    }
    absl::StrAppend(&sql, " AND kind IN (", absl::StrJoin(marks, ", "), ")");
  }
  if (query.since != absl::InfinitePast()) {
    absl::StrAppend(&sql, " AND created_at >= ?");
    params.emplace_back(absl::ToUnixMicros(query.since));
  }
  if (query.until != absl::InfiniteFuture()) {
    absl::StrAppend(&sql, " AND created_at < ?");
    params.emplace_back(absl::ToUnixMicros(query.until));
  }
  absl::StrAppend(&sql, " ORDER BY seq LIMIT ?");
  params.emplace_back(int64_t{query.limit});
  std::vector<TransferRecord> page;
  BOTCORE_RETURN_IF_ERROR(impl_->db->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        page.clear();
        BOTCORE_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                                 tx.Query(sql, params));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, impl_->FromRow(row));
          page.push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return page;
}

absl::StatusOr<std::vector<TransferRecord>> Ledger::Feed(int64_t after_sequence,
                                                         int limit) {
  if (limit < 1 || limit > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("feed page size ", limit, " is outside 1..10000"));
  }
  std::vector<TransferRecord> page;
  BOTCORE_RETURN_IF_ERROR(impl_->db->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        page.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kTransferColumns,
                                  " FROM ledger_transfers WHERE seq > ? ORDER"
                                  " BY seq LIMIT ?"),
                     {after_sequence, int64_t{limit}}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, impl_->FromRow(row));
          page.push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return page;
}

absl::Status Ledger::CheckInvariants() {
  return impl_->db->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        // Totals recomputed from the transfers, per account.
        std::map<AccountKey, AccountState> expected;
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> transfers,
            tx.Query(absl::StrCat("SELECT ", kTransferColumns,
                                  " FROM ledger_transfers ORDER BY seq")));
        auto slot = [&](const AccountKey& key) -> AccountState& {
          auto it = expected.find(key);
          if (it == expected.end()) {
            const Amount zero = Amount::Zero(impl_->scales.at(key.asset));
            it = expected
                     .emplace(key, AccountState{false, zero, zero, zero, zero})
                     .first;
          }
          return it->second;
        };
        for (const SqlRow& row : transfers) {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, impl_->FromRow(row));
          const Transfer& t = r.transfer;
          AccountState& d = slot(t.debit);
          AccountState& c = slot(t.credit);
          if (t.kind == TransferKind::kPosted ||
              t.kind == TransferKind::kPostPending) {
            BOTCORE_ASSIGN_OR_RETURN(d.debits_posted,
                                     d.debits_posted.Add(t.amount));
            BOTCORE_ASSIGN_OR_RETURN(c.credits_posted,
                                     c.credits_posted.Add(t.amount));
          } else if (t.kind == TransferKind::kPending &&
                     r.pending_state == PendingState::kPending) {
            BOTCORE_ASSIGN_OR_RETURN(d.debits_pending,
                                     d.debits_pending.Add(t.amount));
            BOTCORE_ASSIGN_OR_RETURN(c.credits_pending,
                                     c.credits_pending.Add(t.amount));
          }
        }
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> accounts,
            tx.Query("SELECT owner, asset FROM ledger_accounts ORDER BY owner, "
                     "asset"));
        std::map<std::string, std::pair<Amount, Amount>> posted_sums;
        std::map<std::string, std::pair<Amount, Amount>> pending_sums;
        for (const SqlRow& row : accounts) {
          AccountKey key;
          BOTCORE_ASSIGN_OR_RETURN(key.owner, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(key.asset, row.Text(1));
          BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> a,
                                   impl_->LoadAccount(tx, key));
          const AccountState& want = slot(key);
          if (a->debits_posted != want.debits_posted ||
              a->credits_posted != want.credits_posted ||
              a->debits_pending != want.debits_pending ||
              a->credits_pending != want.credits_pending) {
            return absl::DataLossError(
                absl::StrCat("account ", Describe(key),
                             " totals differ from the sum of its transfers"));
          }
          if (a->forbid_overdraft) {
            BOTCORE_ASSIGN_OR_RETURN(Amount available, a->Available());
            if (available.is_negative()) {
              return absl::DataLossError(absl::StrCat(
                  "account ", Describe(key), " forbids overdraft but", " has ",
                  available.ToString(), " available"));
            }
          }
          const Amount zero = Amount::Zero(impl_->scales.at(key.asset));
          auto& posted =
              posted_sums.try_emplace(key.asset, zero, zero).first->second;
          auto& pend =
              pending_sums.try_emplace(key.asset, zero, zero).first->second;
          BOTCORE_ASSIGN_OR_RETURN(posted.first,
                                   posted.first.Add(a->debits_posted));
          BOTCORE_ASSIGN_OR_RETURN(posted.second,
                                   posted.second.Add(a->credits_posted));
          BOTCORE_ASSIGN_OR_RETURN(pend.first,
                                   pend.first.Add(a->debits_pending));
          BOTCORE_ASSIGN_OR_RETURN(pend.second,
                                   pend.second.Add(a->credits_pending));
        }
        if (expected.size() != accounts.size()) {
          return absl::DataLossError(
              "a transfer refers to an account that does not exist");
        }
        for (const auto& [asset, sums] : posted_sums) {
          if (sums.first != sums.second ||
              pending_sums[asset].first != pending_sums[asset].second) {
            return absl::DataLossError(absl::StrCat(
                "debits and credits of ", asset, " differ: posted ",
                sums.first.ToString(), " vs ", sums.second.ToString()));
          }
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction);
}

}  // namespace botcore
