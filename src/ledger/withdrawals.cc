#include "botcore/ledger/withdrawals.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "botcore/ledger/evm_address.h"
#include "internal/json_text.h"
#include "internal/schema.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "withdrawals",
     R"sql(
CREATE TABLE withdrawals (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  fee TEXT NOT NULL,
  destination TEXT NOT NULL,
  state TEXT NOT NULL,
  payout_tx_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE INDEX withdrawals_state ON withdrawals (state, created_at)
)sql"},
};

constexpr char kColumns[] =
    "id, user_id, asset, amount, fee, destination, state, payout_tx_hash,"
    " reason, created_at, updated_at";

constexpr WithdrawalState kAllStates[] = {
    WithdrawalState::kPending, WithdrawalState::kApproved,
    WithdrawalState::kRejected, WithdrawalState::kPaid,
    WithdrawalState::kFailed};

std::string HoldId(std::string_view id, std::string_view part) {
  return absl::StrCat("withdrawal:", ToAbsl(id), ":", ToAbsl(part));
}

}  // namespace

namespace internal {
ComponentSchema WithdrawalsSchema() { return {"withdrawals", kMigrations}; }
}  // namespace internal

std::string_view WithdrawalStateName(WithdrawalState state) {
  switch (state) {
    case WithdrawalState::kPending:
      return "pending";
    case WithdrawalState::kApproved:
      return "approved";
    case WithdrawalState::kRejected:
      return "rejected";
    case WithdrawalState::kPaid:
      return "paid";
    case WithdrawalState::kFailed:
      return "failed";
  }
  return "";
}

struct WithdrawalEngine::Impl {
  WithdrawalOptions options;
  SystemClock system_clock;
  Clock* clock = nullptr;
  int scale = 0;
  Amount minimum;
  Amount fee;

  absl::StatusOr<Withdrawal> FromRow(const SqlRow& row) const {
    Withdrawal w;
    BOTCORE_ASSIGN_OR_RETURN(w.request.id, row.Text(0));
    BOTCORE_ASSIGN_OR_RETURN(w.request.user_id, row.Text(1));
    BOTCORE_ASSIGN_OR_RETURN(w.asset, row.Text(2));
    BOTCORE_ASSIGN_OR_RETURN(std::string amount, row.Text(3));
    BOTCORE_ASSIGN_OR_RETURN(w.request.amount, Amount::Parse(amount, scale));
    BOTCORE_ASSIGN_OR_RETURN(std::string fee_text, row.Text(4));
    BOTCORE_ASSIGN_OR_RETURN(w.fee, Amount::Parse(fee_text, scale));
    BOTCORE_ASSIGN_OR_RETURN(w.request.destination, row.Text(5));
    BOTCORE_ASSIGN_OR_RETURN(std::string state, row.Text(6));
    bool known = false;
    for (WithdrawalState s : kAllStates) {
      if (WithdrawalStateName(s) == state) {
        w.state = s;
        known = true;
      }
    }
    if (!known) {
      return absl::DataLossError(
          absl::StrCat("unknown withdrawal state '", state, "'"));
    }
    BOTCORE_ASSIGN_OR_RETURN(w.payout_tx_hash, row.Text(7));
    BOTCORE_ASSIGN_OR_RETURN(w.reason, row.Text(8));
    BOTCORE_ASSIGN_OR_RETURN(int64_t created, row.Int64(9));
    w.created_at = absl::FromUnixMicros(created);
    BOTCORE_ASSIGN_OR_RETURN(int64_t updated, row.Int64(10));
    w.updated_at = absl::FromUnixMicros(updated);
    return w;
  }

  absl::StatusOr<std::optional<Withdrawal>> Load(SqlTransaction& tx,
                                                 std::string_view id) const {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query(
            absl::StrCat("SELECT ", kColumns, " FROM withdrawals WHERE id = ?"),
            {id}));
    if (rows.empty()) return std::optional<Withdrawal>();
    BOTCORE_ASSIGN_OR_RETURN(Withdrawal w, FromRow(rows[0]));
    return std::optional<Withdrawal>(std::move(w));
  }

  absl::Status Notify(SqlTransaction& tx, const Withdrawal& w) const {
    if (options.outbox == nullptr) return absl::OkStatus();
    const std::string state(WithdrawalStateName(w.state));
    std::string payload =
        internal::JsonObject({{"id", w.request.id},
                              {"user_id", w.request.user_id},
                              {"amount", w.request.amount.ToString()},
                              {"fee", w.fee.ToString()},
                              {"asset", w.asset},
                              {"destination", w.request.destination},
                              {"state", state},
                              {"payout_tx_hash", w.payout_tx_hash},
                              {"reason", w.reason}});
    if (w.state == WithdrawalState::kApproved) {
      BOTCORE_RETURN_IF_ERROR(options.outbox->Enqueue(
          tx, {absl::StrCat("withdrawal.payout:", w.request.id),
               "withdrawal.payout", payload}));
    }
    return options.outbox->Enqueue(
        tx, {absl::StrCat("withdrawal.", state, ":", w.request.id),
             absl::StrCat("withdrawal.", state), std::move(payload)});
  }

  // Posts or voids the holds of `w`.
  absl::Status SettleHolds(SqlTransaction& tx, const Withdrawal& w,
                           TransferKind kind) const {
    std::vector<Transfer> transfers;
    std::vector<std::string> parts = {"amount"};
    if (w.fee.is_positive()) parts.push_back("fee");
    for (const std::string& part : parts) {
      Transfer t;
      t.kind = kind;
      t.id = HoldId(
          w.request.id,
          absl::StrCat(part, ":",
                       kind == TransferKind::kPostPending ? "post" : "void"));
      t.pending_id = HoldId(w.request.id, part);
      transfers.push_back(std::move(t));
    }
    return options.ledger->CreateTransfers(tx, transfers).status();
  }

  // Runs one state step: from `from` to `to`, applying `effect` in the same
  // transaction. Repeating a step that already happened calls `effect` with
  // repeat = true (to check it is the same step) and returns the record.
  absl::StatusOr<Withdrawal> Step(
      std::string_view id, WithdrawalState from, WithdrawalState to,
      absl::FunctionRef<absl::Status(SqlTransaction&, Withdrawal&, bool)>
          effect) const {
    Withdrawal result;
    BOTCORE_RETURN_IF_ERROR(
        options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(std::optional<Withdrawal> w, Load(tx, id));
          if (!w.has_value()) {
            return absl::NotFoundError(
                absl::StrCat("no withdrawal with id ", ToAbsl(id)));
          }
          if (w->state == to) {
            BOTCORE_RETURN_IF_ERROR(effect(tx, *w, true));
            result = *std::move(w);
            return absl::OkStatus();
          }
          if (w->state != from) {
            return absl::FailedPreconditionError(absl::StrCat(
                "withdrawal ", ToAbsl(id), " is ",
                ToAbsl(WithdrawalStateName(w->state)), "; it cannot become ",
                ToAbsl(WithdrawalStateName(to))));
          }
          w->state = to;
          w->updated_at = clock->Now();
          BOTCORE_RETURN_IF_ERROR(effect(tx, *w, false));
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("UPDATE withdrawals SET state = ?, payout_tx_hash = ?,"
                         " reason = ?, updated_at = ? WHERE id = ?",
                         {WithdrawalStateName(w->state), w->payout_tx_hash,
                          w->reason, absl::ToUnixMicros(w->updated_at), id})
                  .status());
          BOTCORE_RETURN_IF_ERROR(Notify(tx, *w));
          result = *std::move(w);
          return absl::OkStatus();
        }));
    return result;
  }
};

WithdrawalEngine::WithdrawalEngine(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
WithdrawalEngine::~WithdrawalEngine() = default;

absl::StatusOr<std::unique_ptr<WithdrawalEngine>> WithdrawalEngine::Create(
    const WithdrawalOptions& options) {
  if (options.database == nullptr || options.ledger == nullptr) {
    return absl::InvalidArgumentError(
        "WithdrawalOptions.database and .ledger are required");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
  BOTCORE_ASSIGN_OR_RETURN(impl->scale,
                           options.ledger->AssetScale(options.asset));
  BOTCORE_ASSIGN_OR_RETURN(impl->minimum,
                           Amount::Parse(options.minimum_amount, impl->scale));
  BOTCORE_ASSIGN_OR_RETURN(impl->fee, Amount::Parse(options.fee, impl->scale));
  if (impl->fee.is_negative() || impl->minimum.is_negative()) {
    return absl::InvalidArgumentError(
        absl::StrCat("withdrawal fee (", options.fee, ") and minimum (",
                     options.minimum_amount, ") must not be negative"));
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::WithdrawalsSchema()));
  return std::unique_ptr<WithdrawalEngine>(
      new WithdrawalEngine(std::move(impl)));
}

absl::StatusOr<Withdrawal> WithdrawalEngine::Request(
    const WithdrawalRequest& request) {
  const Impl& impl = *impl_;
  if (request.id.empty() || request.id.size() > 100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a withdrawal id needs 1 to 100 characters, got ", request.id.size()));
  }
  if (absl::Status user = CheckUserId(request.user_id); !user.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("withdrawal ", request.id, ": ", user.message()));
  }
  BOTCORE_ASSIGN_OR_RETURN(std::string destination,
                           ParseEvmAddress(request.destination));
  destination = EvmChecksumAddress(destination);
  if (!request.amount.is_positive()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "withdrawal amount ", request.amount.ToString(), " must be positive"));
  }
  BOTCORE_ASSIGN_OR_RETURN(
      Amount amount,
      request.amount.Rescale(impl.scale, RoundingMode::kTowardZero));
  if (amount != request.amount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "withdrawal amount ", request.amount.ToString(), " has more than ",
        impl.scale, " decimals, the precision of ", impl.options.asset));
  }
  if (amount < impl.minimum) {
    return absl::InvalidArgumentError(absl::StrCat(
        "withdrawal amount ", amount.ToString(), " is below the minimum ",
        impl.minimum.ToString(), " ", impl.options.asset));
  }
  Withdrawal w;
  w.request = request;
  w.request.amount = amount;
  w.request.destination = destination;
  w.asset = impl.options.asset;
  w.fee = impl.fee;
  BOTCORE_RETURN_IF_ERROR(
      impl.options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(std::optional<Withdrawal> existing,
                                 impl.Load(tx, request.id));
        if (existing.has_value()) {
          const char* field = nullptr;
          if (existing->request.user_id != w.request.user_id) {
            field = "user_id";
          } else if (existing->request.amount != w.request.amount) {
            field = "amount";
          } else if (existing->request.destination != w.request.destination) {
            field = "destination";
          }
          if (field != nullptr) {
            return absl::AlreadyExistsError(absl::StrCat(
                "withdrawal id ", request.id,
                " is already used by a request with another ", field));
          }
          w = *std::move(existing);
          return absl::OkStatus();
        }
        const AccountKey user{w.request.user_id, w.asset};
        std::vector<Transfer> holds;
        Transfer hold;
        hold.kind = TransferKind::kPending;
        hold.id = HoldId(w.request.id, "amount");
        hold.debit = user;
        hold.credit = {std::string(kPayouts), w.asset};
        hold.amount = w.request.amount;
        hold.memo = absl::StrCat("withdrawal to ", w.request.destination);
        holds.push_back(hold);
        if (w.fee.is_positive()) {
          hold.id = HoldId(w.request.id, "fee");
          hold.credit = {std::string(kFees), w.asset};
          hold.amount = w.fee;
          hold.memo = "withdrawal fee";
          holds.push_back(hold);
        }
        BOTCORE_RETURN_IF_ERROR(
            impl.options.ledger->CreateTransfers(tx, holds).status());
        w.state = WithdrawalState::kPending;
        w.created_at = w.updated_at = impl.clock->Now();
        BOTCORE_RETURN_IF_ERROR(
            tx.Execute(
                  absl::StrCat("INSERT INTO withdrawals (", kColumns,
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, '', '', ?, ?)"),
                  {w.request.id, w.request.user_id, w.asset,
                   w.request.amount.ToString(), w.fee.ToString(),
                   w.request.destination, WithdrawalStateName(w.state),
                   absl::ToUnixMicros(w.created_at),
                   absl::ToUnixMicros(w.updated_at)})
                .status());
        return impl.Notify(tx, w);
      }));
  return w;
}

absl::StatusOr<Withdrawal> WithdrawalEngine::Approve(std::string_view id) {
  return impl_->Step(
      id, WithdrawalState::kPending, WithdrawalState::kApproved,
      [](SqlTransaction&, Withdrawal&, bool) { return absl::OkStatus(); });
}

absl::StatusOr<Withdrawal> WithdrawalEngine::Reject(std::string_view id,
                                                    std::string_view reason) {
  return impl_->Step(
      id, WithdrawalState::kPending, WithdrawalState::kRejected,
      [&](SqlTransaction& tx, Withdrawal& w, bool repeat) -> absl::Status {
        if (repeat) return absl::OkStatus();
        w.reason = std::string(reason);
        return impl_->SettleHolds(tx, w, TransferKind::kVoidPending);
      });
}

absl::StatusOr<Withdrawal> WithdrawalEngine::MarkPaid(
    std::string_view id, std::string_view tx_hash) {
  bool ok = tx_hash.size() == 66 && tx_hash.starts_with("0x");
  for (size_t i = 2; ok && i < tx_hash.size(); ++i) {
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(tx_hash[i]));
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("payout tx hash \"", absl::CHexEscape(ToAbsl(tx_hash)),
                     "\" is not 0x followed by 64 hex digits"));
  }
  const std::string hash = absl::AsciiStrToLower(ToAbsl(tx_hash));
  return impl_->Step(
      id, WithdrawalState::kApproved, WithdrawalState::kPaid,
      [&](SqlTransaction& tx, Withdrawal& w, bool repeat) -> absl::Status {
        if (repeat) {
          if (w.payout_tx_hash != hash) {
            return absl::FailedPreconditionError(
                absl::StrCat("withdrawal ", w.request.id,
                             " was already paid by ", w.payout_tx_hash));
          }
          return absl::OkStatus();
        }
        w.payout_tx_hash = hash;
        return impl_->SettleHolds(tx, w, TransferKind::kPostPending);
      });
}

absl::StatusOr<Withdrawal> WithdrawalEngine::MarkFailed(
    std::string_view id, std::string_view reason) {
  return impl_->Step(
      id, WithdrawalState::kApproved, WithdrawalState::kFailed,
      [&](SqlTransaction& tx, Withdrawal& w, bool repeat) -> absl::Status {
        if (repeat) return absl::OkStatus();
        w.reason =
            reason.empty() ? std::string("payout failed") : std::string(reason);
        return impl_->SettleHolds(tx, w, TransferKind::kVoidPending);
      });
}

absl::StatusOr<Withdrawal> WithdrawalEngine::Get(std::string_view id) {
  std::optional<Withdrawal> w;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(w, impl_->Load(tx, id));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (!w.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no withdrawal with id ", ToAbsl(id)));
  }
  return *std::move(w);
}

absl::StatusOr<std::vector<Withdrawal>> WithdrawalEngine::List(
    WithdrawalState state, int limit) {
  std::vector<Withdrawal> list;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        list.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kColumns,
                                  " FROM withdrawals WHERE state = ? ORDER BY"
                                  " created_at, id LIMIT ?"),
                     {WithdrawalStateName(state), int64_t{limit}}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(Withdrawal w, impl_->FromRow(row));
          list.push_back(std::move(w));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return list;
}

}  // namespace botcore
