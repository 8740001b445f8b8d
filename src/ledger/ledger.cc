#include "botcore/ledger/ledger.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/schema.h"
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

  absl::StatusOr<std::optional<AccountState>> LoadAccount(
      SqlTransaction& tx, const AccountKey& key) const {
    BOTCORE_ASSIGN_OR_RETURN(int scale, Scale(key.asset));
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT forbid_overdraft, debits_posted, credits_posted,"
                 " debits_pending, credits_pending FROM ledger_accounts"
                 " WHERE owner = ? AND asset = ?",
                 {key.owner, key.asset}));
    if (rows.empty()) return std::optional<AccountState>();
    const SqlRow& r = rows[0];
    AccountState a;
    BOTCORE_ASSIGN_OR_RETURN(int64_t forbid, r.Int64(0));
    a.forbid_overdraft = forbid != 0;
    std::string text;
    BOTCORE_ASSIGN_OR_RETURN(text, r.Text(1));
    BOTCORE_ASSIGN_OR_RETURN(a.debits_posted, Parse(text, scale));
    BOTCORE_ASSIGN_OR_RETURN(text, r.Text(2));
    BOTCORE_ASSIGN_OR_RETURN(a.credits_posted, Parse(text, scale));
    BOTCORE_ASSIGN_OR_RETURN(text, r.Text(3));
    BOTCORE_ASSIGN_OR_RETURN(a.debits_pending, Parse(text, scale));
    BOTCORE_ASSIGN_OR_RETURN(text, r.Text(4));
    BOTCORE_ASSIGN_OR_RETURN(a.credits_pending, Parse(text, scale));
    return std::optional<AccountState>(a);
  }

  absl::Status StoreAccount(SqlTransaction& tx, const AccountKey& key,
                            const AccountState& a) const {
    return tx
        .Execute(
            "UPDATE ledger_accounts SET debits_posted = ?, credits_posted = ?,"
            " debits_pending = ?, credits_pending = ? WHERE owner = ? AND"
            " asset = ?",
            {a.debits_posted.ToString(), a.credits_posted.ToString(),
             a.debits_pending.ToString(), a.credits_pending.ToString(),
             key.owner, key.asset})
        .status();
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

  absl::StatusOr<std::optional<TransferRecord>> Find(
      SqlTransaction& tx, std::string_view id) const {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query(absl::StrCat("SELECT ", kTransferColumns,
                              " FROM ledger_transfers WHERE id = ?"),
                 {id}));
    if (rows.empty()) return std::optional<TransferRecord>();
    BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, FromRow(rows[0]));
    return std::optional<TransferRecord>(std::move(r));
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

  absl::StatusOr<TransferResult> Apply(SqlTransaction& tx,
                                       const Transfer& request) const {
    BOTCORE_RETURN_IF_ERROR(Validate(request));
    Transfer t = request;
    if (t.kind == TransferKind::kPosted || t.kind == TransferKind::kPending) {
      BOTCORE_ASSIGN_OR_RETURN(t.amount, ToAssetScale(t.amount, t.debit.asset));
    }
    BOTCORE_ASSIGN_OR_RETURN(std::optional<TransferRecord> existing,
                             Find(tx, t.id));
    if (existing.has_value()) {
      const std::string field = Difference(t, existing->transfer);
      if (!field.empty()) {
        return absl::AlreadyExistsError(absl::StrCat(
            "transfer id ", t.id,
            " is already used by a transfer with another ", field));
      }
      return TransferResult{*std::move(existing), false};
    }
    const absl::Time now = clock->Now();
    std::optional<TransferRecord> pending;
    if (t.kind == TransferKind::kPostPending ||
        t.kind == TransferKind::kVoidPending) {
      BOTCORE_ASSIGN_OR_RETURN(pending, Find(tx, t.pending_id));
      if (!pending.has_value() ||
          pending->transfer.kind != TransferKind::kPending) {
        return absl::NotFoundError(
            absl::StrCat("transfer ", t.id, " refers to pending transfer ",
                         t.pending_id, ", which does not exist"));
      }
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

    BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> debit,
                             LoadAccount(tx, t.debit));
    if (!debit.has_value()) {
      if (!t.debit.is_system()) {
        return absl::NotFoundError(
            absl::StrCat("transfer ", t.id, ": debit account ",
                         Describe(t.debit), " does not exist"));
      }
      BOTCORE_RETURN_IF_ERROR(Open(tx, t.debit, false));
      BOTCORE_ASSIGN_OR_RETURN(debit, LoadAccount(tx, t.debit));
    }
    BOTCORE_ASSIGN_OR_RETURN(std::optional<AccountState> credit,
                             LoadAccount(tx, t.credit));
    if (!credit.has_value()) {
      BOTCORE_RETURN_IF_ERROR(Open(tx, t.credit, false));
      BOTCORE_ASSIGN_OR_RETURN(credit, LoadAccount(tx, t.credit));
    }

    if (t.kind == TransferKind::kPending) {
      BOTCORE_ASSIGN_OR_RETURN(debit->debits_pending,
                               debit->debits_pending.Add(t.amount));
      BOTCORE_ASSIGN_OR_RETURN(credit->credits_pending,
                               credit->credits_pending.Add(t.amount));
    } else if (t.kind != TransferKind::kPosted) {
      BOTCORE_ASSIGN_OR_RETURN(debit->debits_pending,
                               debit->debits_pending.Subtract(t.amount));
      BOTCORE_ASSIGN_OR_RETURN(credit->credits_pending,
                               credit->credits_pending.Subtract(t.amount));
    }
    if (t.kind == TransferKind::kPosted ||
        t.kind == TransferKind::kPostPending) {
      BOTCORE_ASSIGN_OR_RETURN(debit->debits_posted,
                               debit->debits_posted.Add(t.amount));
      BOTCORE_ASSIGN_OR_RETURN(credit->credits_posted,
                               credit->credits_posted.Add(t.amount));
    }
    if (debit->forbid_overdraft) {
      BOTCORE_ASSIGN_OR_RETURN(Amount available, debit->Available());
      if (available.is_negative()) {
        BOTCORE_ASSIGN_OR_RETURN(Amount before, available.Add(t.amount));
        return absl::FailedPreconditionError(absl::StrCat(
            "insufficient funds: transfer ", t.id, " of ", t.amount.ToString(),
            " ", t.debit.asset, " from ", t.debit.owner, ", who has ",
            before.ToString(), " available"));
      }
    }
    BOTCORE_RETURN_IF_ERROR(StoreAccount(tx, t.debit, *debit));
    BOTCORE_RETURN_IF_ERROR(StoreAccount(tx, t.credit, *credit));
    if (pending.has_value()) {
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute(
                "UPDATE ledger_transfers SET pending_state = ? WHERE id = ?",
                {PendingStateName(t.kind == TransferKind::kPostPending
                                      ? PendingState::kPosted
                                      : PendingState::kVoided),
                 t.pending_id})
              .status());
    }
    TransferRecord record;
    record.created_at = now;
    record.pending_state = t.kind == TransferKind::kPending
                               ? PendingState::kPending
                               : PendingState::kNone;
    SqlValue timeout;
    if (t.kind == TransferKind::kPending && t.timeout > absl::ZeroDuration()) {
      timeout = SqlValue(absl::ToInt64Microseconds(t.timeout));
    }
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query(
            "INSERT INTO ledger_transfers (id, kind, debit_owner,"
            " credit_owner, asset, amount, pending_id, timeout_us,"
            " pending_state, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq",
            {t.id, TransferKindName(t.kind), t.debit.owner, t.credit.owner,
             t.debit.asset, t.amount.ToString(), t.pending_id, timeout,
             PendingStateName(record.pending_state), t.memo,
             absl::ToUnixMicros(now)}));
    if (rows.empty()) {
      // Another transaction recorded the id between our check and insert;
      // this one must not commit its balance changes.
      return absl::AbortedError(absl::StrCat(
          "transfer ", t.id, " was recorded concurrently; retry it"));
    }
    BOTCORE_ASSIGN_OR_RETURN(record.sequence, rows[0].Int64(0));
    record.transfer = std::move(t);
    return TransferResult{std::move(record), true};
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
        BOTCORE_ASSIGN_OR_RETURN(result, impl_->Apply(tx, transfer));
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<TransferResult> Ledger::CreateTransfer(
    SqlTransaction& tx, const Transfer& transfer) {
  return impl_->Apply(tx, transfer);
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
  std::vector<TransferResult> results;
  results.reserve(transfers.size());
  for (size_t i = 0; i < transfers.size(); ++i) {
    absl::StatusOr<TransferResult> r = impl_->Apply(tx, transfers[i]);
    if (!r.ok()) {
      return absl::Status(
          r.status().code(),
          absl::StrCat("linked transfer ", i, " (", transfers[i].id,
                       ") failed, none recorded: ", r.status().message()));
    }
    results.push_back(*std::move(r));
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
          BOTCORE_RETURN_IF_ERROR(impl_->StoreAccount(tx, t.debit, *debit));
          BOTCORE_RETURN_IF_ERROR(impl_->StoreAccount(tx, t.credit, *credit));
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
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(balance, impl_->GetBalance(tx, account));
        return absl::OkStatus();
      }, kReadOnlyTransaction));
  return balance;
}

absl::StatusOr<Balance> Ledger::GetBalance(SqlTransaction& tx,
                                           const AccountKey& account) {
  return impl_->GetBalance(tx, account);
}

absl::StatusOr<TransferRecord> Ledger::GetTransfer(std::string_view id) {
  std::optional<TransferRecord> record;
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(record, impl_->Find(tx, id));
        return absl::OkStatus();
      }, kReadOnlyTransaction));
  if (!record.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no transfer with id ", ToAbsl(id)));
  }
  return *std::move(record);
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
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
        page.clear();
        BOTCORE_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                                 tx.Query(sql, params));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(TransferRecord r, impl_->FromRow(row));
          page.push_back(std::move(r));
        }
        return absl::OkStatus();
      }, kReadOnlyTransaction));
  return page;
}

absl::StatusOr<std::vector<TransferRecord>> Ledger::Feed(int64_t after_sequence,
                                                         int limit) {
  if (limit < 1 || limit > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("feed page size ", limit, " is outside 1..10000"));
  }
  std::vector<TransferRecord> page;
  BOTCORE_RETURN_IF_ERROR(
      impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
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
      }, kReadOnlyTransaction));
  return page;
}

absl::Status Ledger::CheckInvariants() {
  return impl_->db->Transact([&](SqlTransaction& tx) -> absl::Status {
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
        it = expected.emplace(key, AccountState{false, zero, zero, zero, zero})
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
        tx.Query(
            "SELECT owner, asset FROM ledger_accounts ORDER BY owner, asset"));
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
          return absl::DataLossError(
              absl::StrCat("account ", Describe(key), " forbids overdraft but",
                           " has ", available.ToString(), " available"));
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
      BOTCORE_ASSIGN_OR_RETURN(pend.first, pend.first.Add(a->debits_pending));
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
  }, kReadOnlyTransaction);
}

}  // namespace botcore
