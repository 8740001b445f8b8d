#include "botcore/ledger/deposits.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "botcore/ledger/evm_address.h"
#include "internal/json_text.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::JsonObject;
using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "deposits, deposit wallets, levels and the scan cursor",
     R"sql(
CREATE TABLE deposit_wallets (
  address TEXT PRIMARY KEY,
  user_id TEXT NOT NULL);
CREATE TABLE deposits (
  chain_id BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  log_index BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  token TEXT NOT NULL,
  amount TEXT NOT NULL,
  state TEXT NOT NULL,
  user_id TEXT NOT NULL,
  confirmations BIGINT NOT NULL,
  seen_at BIGINT NOT NULL,
  credited_at BIGINT,
  PRIMARY KEY (chain_id, tx_hash, log_index));
CREATE INDEX deposits_state ON deposits (state, chain_id, block_number);
CREATE TABLE deposit_levels (
  user_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  credited_total TEXT NOT NULL,
  level BIGINT NOT NULL,
  PRIMARY KEY (user_id, asset));
CREATE TABLE deposit_cursors (
  chain_id BIGINT NOT NULL,
  token TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  PRIMARY KEY (chain_id, token))
)sql"},
    {2, "deposits numbered in the order recorded (credit transfer ids)",
     // Crediting transfers were "deposit:<chain>:<tx>:<log>" before; those
     // deposits are final, so the new ids never meet the old ones.
     R"sql(
CREATE TABLE deposits_numbered (
  number {{auto_id}},
  chain_id BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  log_index BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  token TEXT NOT NULL,
  amount TEXT NOT NULL,
  state TEXT NOT NULL,
  user_id TEXT NOT NULL,
  confirmations BIGINT NOT NULL,
  seen_at BIGINT NOT NULL,
  credited_at BIGINT,
  UNIQUE (chain_id, tx_hash, log_index));
INSERT INTO deposits_numbered (chain_id, tx_hash, log_index, block_number,
  block_hash, from_address, to_address, token, amount, state, user_id,
  confirmations, seen_at, credited_at)
SELECT chain_id, tx_hash, log_index, block_number, block_hash, from_address,
  to_address, token, amount, state, user_id, confirmations, seen_at,
  credited_at
FROM deposits ORDER BY seen_at, chain_id, block_number, log_index;
DROP TABLE deposits;
ALTER TABLE deposits_numbered RENAME TO deposits;
CREATE INDEX deposits_state ON deposits (state, chain_id, block_number)
)sql"},
};

constexpr char kColumns[] =
    "chain_id, tx_hash, log_index, block_number, block_hash, from_address,"
    " to_address, token, amount, state, user_id, confirmations, seen_at,"
    " credited_at";

// The first nine columns of kColumns, the observation's, as parameters.
void AppendObservation(const DepositObservation& o,
                       std::vector<SqlValue>& params) {
  params.emplace_back(static_cast<int64_t>(o.key.chain_id));
  params.emplace_back(o.key.tx_hash);
  params.emplace_back(static_cast<int64_t>(o.key.log_index));
  params.emplace_back(static_cast<int64_t>(o.block_number));
  params.emplace_back(o.block_hash);
  params.emplace_back(o.from);
  params.emplace_back(o.to);
  params.emplace_back(o.token);
  params.emplace_back(o.amount.ToString());
}

constexpr DepositState kAllStates[] = {
    DepositState::kSeen,      DepositState::kConfirming,
    DepositState::kCredited,  DepositState::kOrphaned,
    DepositState::kUnmatched, DepositState::kBelowMinimum};

absl::StatusOr<std::string> ParseHash(std::string_view what,
                                      std::string_view text) {
  bool ok = text.size() == 66 && text.starts_with("0x");
  for (size_t i = 2; ok && i < text.size(); ++i) {
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(text[i]));
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(what), " \"", absl::CHexEscape(ToAbsl(text)),
                     "\" is not 0x followed by 64 hex digits"));
  }
  return absl::AsciiStrToLower(ToAbsl(text));
}

}  // namespace

namespace internal {
ComponentSchema DepositsSchema() { return {"deposits", kMigrations}; }
}  // namespace internal

std::string DepositKey::ToString() const {
  return absl::StrCat(chain_id, ":", tx_hash, ":", log_index);
}

std::string Deposit::TransferId() const {
  // Zero-padded, so deposits credited together have neighbouring ids: the
  // unique index on transfer ids (and the outbox keys made from them) then
  // takes one batch's inserts in a few pages instead of scattering them.
  return absl::StrFormat("deposit:%020d", number);
}

std::string_view DepositStateName(DepositState state) {
  switch (state) {
    case DepositState::kSeen:
      return "seen";
    case DepositState::kConfirming:
      return "confirming";
    case DepositState::kCredited:
      return "credited";
    case DepositState::kOrphaned:
      return "orphaned";
    case DepositState::kUnmatched:
      return "unmatched";
    case DepositState::kBelowMinimum:
      return "below_minimum";
  }
  return "";
}

struct DepositEngine::Impl {
  DepositEngineOptions options;
  SystemClock system_clock;
  Clock* clock = nullptr;
  int scale = 0;
  Amount minimum;
  std::vector<Amount> thresholds;
  std::set<std::string> wallets;  // canonical lower case
  std::string token;              // canonical lower case

  std::string Describe(const DepositKey& k) const {
    return absl::StrCat("deposit (chain ", k.chain_id, ", tx ", k.tx_hash,
                        ", log ", k.log_index, ")");
  }

  absl::StatusOr<DepositObservation> Validate(
      const DepositObservation& in) const {
    DepositObservation o = in;
    if (o.key.chain_id != options.chain_id) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(o.key), " is on chain ", o.key.chain_id,
                       ", not ", options.chain_id));
    }
    BOTCORE_ASSIGN_OR_RETURN(o.key.tx_hash,
                             ParseHash("tx hash", o.key.tx_hash));
    BOTCORE_ASSIGN_OR_RETURN(o.block_hash,
                             ParseHash("block hash", o.block_hash));
    BOTCORE_ASSIGN_OR_RETURN(o.token, ParseEvmAddress(o.token));
    BOTCORE_ASSIGN_OR_RETURN(o.from, ParseEvmAddress(o.from));
    BOTCORE_ASSIGN_OR_RETURN(o.to, ParseEvmAddress(o.to));
    if (o.token != token) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(o.key), " moves token ", o.token,
                       ", not the watched ", token));
    }
    if (!wallets.contains(o.to)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(o.key), " goes to ", o.to,
                       ", which is not a deposit wallet"));
    }
    if (!o.amount.is_positive()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(o.key), " has amount ", o.amount.ToString(),
                       "; it must be positive"));
    }
    BOTCORE_ASSIGN_OR_RETURN(
        Amount exact, o.amount.Rescale(scale, RoundingMode::kTowardZero));
    if (exact != o.amount) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(o.key), " has amount ", o.amount.ToString(),
                       " with more than ", scale, " decimals"));
    }
    o.amount = exact;
    return o;
  }

  // A row of SELECT kColumns, number.
  absl::StatusOr<Deposit> FromRow(const SqlRow& row) const {
    Deposit d;
    d.asset = options.asset;
    DepositObservation& o = d.observation;
    BOTCORE_ASSIGN_OR_RETURN(int64_t chain, row.Int64(0));
    o.key.chain_id = static_cast<uint64_t>(chain);
    BOTCORE_ASSIGN_OR_RETURN(o.key.tx_hash, row.Text(1));
    BOTCORE_ASSIGN_OR_RETURN(int64_t log_index, row.Int64(2));
    o.key.log_index = static_cast<uint64_t>(log_index);
    BOTCORE_ASSIGN_OR_RETURN(int64_t block, row.Int64(3));
    o.block_number = static_cast<uint64_t>(block);
    BOTCORE_ASSIGN_OR_RETURN(o.block_hash, row.Text(4));
    BOTCORE_ASSIGN_OR_RETURN(o.from, row.Text(5));
    BOTCORE_ASSIGN_OR_RETURN(o.to, row.Text(6));
    BOTCORE_ASSIGN_OR_RETURN(o.token, row.Text(7));
    BOTCORE_ASSIGN_OR_RETURN(std::string amount, row.Text(8));
    BOTCORE_ASSIGN_OR_RETURN(o.amount, Amount::Parse(amount, scale));
    BOTCORE_ASSIGN_OR_RETURN(std::string state, row.Text(9));
    bool known = false;
    for (DepositState s : kAllStates) {
      if (DepositStateName(s) == state) {
        d.state = s;
        known = true;
      }
    }
    if (!known) {
      return absl::DataLossError(
          absl::StrCat("unknown deposit state '", state, "'"));
    }
    BOTCORE_ASSIGN_OR_RETURN(d.user_id, row.Text(10));
    BOTCORE_ASSIGN_OR_RETURN(d.confirmations, row.Int64(11));
    BOTCORE_ASSIGN_OR_RETURN(int64_t seen, row.Int64(12));
    d.seen_at = absl::FromUnixMicros(seen);
    d.credited_at = absl::InfinitePast();
    if (!row.IsNull(13)) {
      BOTCORE_ASSIGN_OR_RETURN(int64_t credited, row.Int64(13));
      d.credited_at = absl::FromUnixMicros(credited);
    }
    BOTCORE_ASSIGN_OR_RETURN(d.number, row.Int64(14));
    return d;
  }

  // The stored deposits among `keys`, by DepositKey::ToString().
  absl::StatusOr<std::map<std::string, Deposit>> LoadAll(
      SqlTransaction& tx, absl::Span<const DepositKey> keys) const {
    std::map<uint64_t, std::vector<SqlValue>> hashes_by_chain;
    std::set<std::string> wanted;
    for (const DepositKey& k : keys) {
      hashes_by_chain[k.chain_id].emplace_back(k.tx_hash);
      wanted.insert(k.ToString());
    }
    std::map<std::string, Deposit> found;
    for (auto& [chain_id, hashes] : hashes_by_chain) {
      // A copy: clang 14 cannot capture a structured binding in a lambda.
      const auto chain = chain_id;
      std::sort(hashes.begin(), hashes.end(),
                [](const SqlValue& a, const SqlValue& b) {
                  return std::get<std::string>(a.value()) <
                         std::get<std::string>(b.value());
                });
      hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
      BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
          tx,
          absl::StrCat("SELECT ", kColumns, ", number FROM deposits WHERE",
                       " chain_id = ? AND token = ? AND tx_hash IN "),
          {static_cast<int64_t>(chain), token}, hashes,
          [&](const SqlRow& row) -> absl::Status {
            BOTCORE_ASSIGN_OR_RETURN(Deposit d, FromRow(row));
            std::string id = d.observation.key.ToString();
            if (wanted.contains(id)) found.emplace(std::move(id), std::move(d));
            return absl::OkStatus();
          }));
    }
    return found;
  }

  // The key as stored: its tx hash in lower case.
  absl::StatusOr<DepositKey> Canonical(const DepositKey& key) const {
    DepositKey k = key;
    BOTCORE_ASSIGN_OR_RETURN(k.tx_hash, ParseHash("tx hash", key.tx_hash));
    return k;
  }

  // `key` must be canonical (Canonical).
  absl::StatusOr<std::optional<Deposit>> Load(SqlTransaction& tx,
                                              const DepositKey& key) const {
    BOTCORE_ASSIGN_OR_RETURN(auto found, LoadAll(tx, {&key, 1}));
    if (found.empty()) return std::optional<Deposit>();
    return std::optional<Deposit>(std::move(found.begin()->second));
  }

  // Writes the state, user, confirmations and credit time of stored
  // deposits (read back, so numbered): one update per chunk, joined with
  // the new values by number. (An upsert on the observation's key carried
  // all 14 columns and, on PostgreSQL, locked each row before updating it.)
  absl::Status StoreStates(SqlTransaction& tx,
                           absl::Span<const Deposit> deposits) const {
    return internal::ForEachChunk(
        deposits.size(), [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 5);
          std::string rows;
          for (size_t i = first; i < first + count; ++i) {
            const Deposit& d = deposits[i];
            if (d.number <= 0) {
              return absl::InternalError(absl::StrCat(
                  Describe(d.observation.key),
                  " has no number; it was not read from the database"));
            }
            params.emplace_back(d.number);
            params.emplace_back(DepositStateName(d.state));
            params.emplace_back(d.user_id);
            params.emplace_back(d.confirmations);
            params.push_back(d.credited_at == absl::InfinitePast()
                                 ? SqlValue()
                                 : SqlValue(absl::ToUnixMicros(d.credited_at)));
            // Typed, since PostgreSQL takes an untyped parameter in VALUES
            // for text.
            absl::StrAppend(&rows, i == first ? "" : ", ",
                            "(CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT),"
                            " CAST(? AS BIGINT))");
          }
          BOTCORE_ASSIGN_OR_RETURN(
              int64_t updated,
              tx.Execute(absl::StrCat(
                             "UPDATE deposits SET state = v.column2, user_id ="
                             " v.column3, confirmations = v.column4,"
                             " credited_at = v.column5 FROM (VALUES ",
                             rows, ") AS v WHERE deposits.number = v.column1"),
                         params));
          if (updated != static_cast<int64_t>(count)) {
            // A deposit read in this transaction has no row any more: its
            // state must not go unwritten while its credit is recorded.
            return absl::InternalError(
                absl::StrCat("deposit states: ", updated, " of ", count,
                             " deposits updated; the others are not stored"));
          }
          return absl::OkStatus();
        });
  }

  void Notify(std::vector<OutboxMessage>& messages, std::string key,
              std::string_view topic, std::string payload) const {
    if (options.outbox == nullptr) return;
    messages.push_back(
        OutboxMessage{std::move(key), std::string(topic), std::move(payload)});
  }

  std::vector<std::pair<std::string_view, std::string>> Fields(
      const Deposit& d) const {
    const DepositObservation& o = d.observation;
    return {{"chain_id", absl::StrCat(o.key.chain_id)},
            {"tx_hash", o.key.tx_hash},
            {"log_index", absl::StrCat(o.key.log_index)},
            {"from", o.from},
            {"amount", o.amount.ToString()},
            {"asset", options.asset},
            {"user_id", d.user_id},
            {"state", std::string(DepositStateName(d.state))}};
  }

  // The users' credited totals and levels (absent: never credited).
  absl::StatusOr<std::map<std::string, std::pair<Amount, int64_t>>> LoadLevels(
      SqlTransaction& tx, const std::set<std::string>& users) const {
    const std::vector<SqlValue> ids(users.begin(), users.end());
    std::map<std::string, std::pair<Amount, int64_t>> levels;
    BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
        tx,
        "SELECT user_id, credited_total, level FROM deposit_levels WHERE"
        " asset = ? AND user_id IN ",
        {options.asset}, ids, [&](const SqlRow& row) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(std::string user, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(std::string text, row.Text(1));
          BOTCORE_ASSIGN_OR_RETURN(Amount total, Amount::Parse(text, scale));
          BOTCORE_ASSIGN_OR_RETURN(int64_t level, row.Int64(2));
          levels.emplace(std::move(user), std::make_pair(total, level));
          return absl::OkStatus();
        }));
    return levels;
  }

  absl::Status StoreLevels(
      SqlTransaction& tx,
      const std::map<std::string, std::pair<Amount, int64_t>>& levels) const {
    const std::vector<std::pair<std::string, std::pair<Amount, int64_t>>> rows(
        levels.begin(), levels.end());
    return internal::ForEachChunk(
        rows.size(), [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 4);
          for (size_t i = first; i < first + count; ++i) {
            params.emplace_back(rows[i].first);
            params.emplace_back(options.asset);
            params.emplace_back(rows[i].second.first.ToString());
            params.emplace_back(rows[i].second.second);
          }
          return tx
              .Execute(absl::StrCat(
                           "INSERT INTO deposit_levels (user_id, asset,"
                           " credited_total, level) VALUES ",
                           internal::PlaceholderRows(count, 4),
                           " ON CONFLICT (user_id, asset) DO UPDATE SET"
                           " credited_total = excluded.credited_total, level"
                           " = excluded.level"),
                       params)
              .status();
        });
  }

  // Credits `deposits` (each checked to be confirmed and matched to its
  // user_id) in `tx`, as a batch: states, one ledger batch of their
  // transfers ($deposit_clearing -> user) and the listener's, levels and
  // outbox messages.
  absl::Status CreditAll(SqlTransaction& tx,
                         std::vector<Deposit>& deposits) const {
    if (deposits.empty()) return absl::OkStatus();
    const absl::Time now = clock->Now();
    std::vector<Transfer> transfers;
    std::set<std::string> users;
    for (Deposit& d : deposits) {
      d.state = DepositState::kCredited;
      d.credited_at = now;
      Transfer t;
      t.id = d.TransferId();
      t.debit = {std::string(kDepositClearing), options.asset};
      t.credit = {d.user_id, options.asset};
      t.amount = d.observation.amount;
      t.memo = absl::StrCat("deposit ", d.observation.key.ToString());
      transfers.push_back(std::move(t));
      users.insert(d.user_id);
    }
    BOTCORE_RETURN_IF_ERROR(StoreStates(tx, deposits));
    if (options.listener != nullptr) {
      BOTCORE_RETURN_IF_ERROR(
          options.listener->OnDepositsCredited(tx, deposits, transfers));
    }
    BOTCORE_RETURN_IF_ERROR(
        options.ledger->CreateTransfers(tx, transfers).status());

    BOTCORE_ASSIGN_OR_RETURN(auto levels, LoadLevels(tx, users));
    std::vector<OutboxMessage> messages;
    for (const Deposit& d : deposits) {
      auto& [total, level] =
          levels
              .try_emplace(d.user_id,
                           std::make_pair(Amount::Zero(scale), int64_t{0}))
              .first->second;
      const int64_t old_level = level;
      BOTCORE_ASSIGN_OR_RETURN(total, total.Add(d.observation.amount));
      level = LevelOf(total);
      Notify(messages, absl::StrCat("deposit.credited:", d.TransferId()),
             "deposit.credited", JsonObject(Fields(d)));
      if (level > old_level) {
        Notify(messages,
               absl::StrCat("deposit.level_up:", d.user_id, ":", options.asset,
                            ":", level),
               "deposit.level_up",
               JsonObject({{"user_id", d.user_id},
                           {"asset", options.asset},
                           {"level", absl::StrCat(level)},
                           {"previous_level", absl::StrCat(old_level)},
                           {"credited_total", total.ToString()}}));
      }
    }
    BOTCORE_RETURN_IF_ERROR(StoreLevels(tx, levels));
    if (!messages.empty()) {
      BOTCORE_RETURN_IF_ERROR(options.outbox->EnqueueAll(tx, messages));
    }
    return absl::OkStatus();
  }

  int64_t LevelOf(const Amount& total) const {
    int64_t level = 0;
    for (const Amount& t : thresholds) {
      if (total >= t) ++level;
    }
    return level;
  }

  // Settles confirmed deposits, as a batch: each one still seen/confirming
  // in the block that was checked becomes credited, unmatched or
  // below_minimum; one that changed meanwhile (another worker got there
  // first, or a re-org moved it) is left alone. Counts the outcomes in
  // `report`.
  absl::Status SettleAll(SqlTransaction& tx, absl::Span<const Deposit> ready,
                         SyncReport& report) const {
    std::vector<DepositKey> keys;
    for (const Deposit& d : ready) keys.push_back(d.observation.key);
    BOTCORE_ASSIGN_OR_RETURN(auto stored, LoadAll(tx, keys));
    std::vector<Deposit> settling;
    std::vector<SqlValue> senders;
    for (const Deposit& r : ready) {
      auto it = stored.find(r.observation.key.ToString());
      if (it == stored.end()) continue;
      Deposit& d = it->second;
      if (d.observation.block_hash != r.observation.block_hash ||
          (d.state != DepositState::kSeen &&
           d.state != DepositState::kConfirming)) {
        continue;
      }
      d.confirmations = r.confirmations;
      if (d.user_id.empty()) senders.emplace_back(d.observation.from);
      settling.push_back(std::move(d));
      stored.erase(it);  // a key listed twice settles once
    }
    BOTCORE_ASSIGN_OR_RETURN(auto owners, WalletOwners(tx, senders));
    std::vector<Deposit> parked, credit;
    std::vector<OutboxMessage> messages;
    for (Deposit& d : settling) {
      if (d.observation.amount < minimum) {
        d.state = DepositState::kBelowMinimum;
        ++report.below_minimum;
        parked.push_back(std::move(d));
        continue;
      }
      if (d.user_id.empty()) {
        auto owner = owners.find(d.observation.from);
        if (owner != owners.end()) d.user_id = owner->second;
      }
      if (d.user_id.empty()) {
        d.state = DepositState::kUnmatched;
        ++report.unmatched;
        Notify(messages, absl::StrCat("deposit.unmatched:", d.TransferId()),
               "deposit.unmatched", JsonObject(Fields(d)));
        parked.push_back(std::move(d));
        continue;
      }
      ++report.credited;
      credit.push_back(std::move(d));
    }
    BOTCORE_RETURN_IF_ERROR(StoreStates(tx, parked));
    if (!messages.empty()) {
      BOTCORE_RETURN_IF_ERROR(options.outbox->EnqueueAll(tx, messages));
    }
    return CreditAll(tx, credit);
  }

  // The registered owners of the wallets among `addresses`.
  absl::StatusOr<std::map<std::string, std::string>> WalletOwners(
      SqlTransaction& tx, std::vector<SqlValue>& addresses) const {
    std::sort(addresses.begin(), addresses.end(),
              [](const SqlValue& a, const SqlValue& b) {
                return std::get<std::string>(a.value()) <
                       std::get<std::string>(b.value());
              });
    addresses.erase(std::unique(addresses.begin(), addresses.end()),
                    addresses.end());
    std::map<std::string, std::string> owners;
    BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
        tx, "SELECT address, user_id FROM deposit_wallets WHERE address IN ",
        {}, addresses, [&](const SqlRow& row) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(std::string address, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(std::string user, row.Text(1));
          owners.emplace(std::move(address), std::move(user));
          return absl::OkStatus();
        }));
    return owners;
  }

  // Records observations: one multi-row insert per chunk for the new ones;
  // an already known one found in another block (a re-org moved it) is
  // moved there and re-checked unless final. Returns how many were new.
  absl::StatusOr<int> RecordIn(
      SqlTransaction& tx,
      const std::vector<DepositObservation>& observations) const {
    const int64_t now = absl::ToUnixMicros(clock->Now());
    std::set<std::string> inserted;
    BOTCORE_RETURN_IF_ERROR(internal::ForEachChunk(
        observations.size(), [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 10);
          for (size_t i = first; i < first + count; ++i) {
            AppendObservation(observations[i], params);
            params.emplace_back(now);
          }
          std::string rows;
          for (size_t i = 0; i < count; ++i) {
            absl::StrAppend(&rows, i == 0 ? "" : ", ",
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'seen', '', 0, ?,"
                            " NULL)");
          }
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> keys,
              tx.Query(absl::StrCat("INSERT INTO deposits (", kColumns,
                                    ") VALUES ", rows,
                                    " ON CONFLICT DO NOTHING RETURNING"
                                    " chain_id, tx_hash, log_index"),
                       params));
          for (const SqlRow& row : keys) {
            DepositKey k;
            BOTCORE_ASSIGN_OR_RETURN(int64_t chain, row.Int64(0));
            BOTCORE_ASSIGN_OR_RETURN(k.tx_hash, row.Text(1));
            BOTCORE_ASSIGN_OR_RETURN(int64_t log_index, row.Int64(2));
            k.chain_id = static_cast<uint64_t>(chain);
            k.log_index = static_cast<uint64_t>(log_index);
            inserted.insert(k.ToString());
          }
          return absl::OkStatus();
        }));
    // The rest were known (or repeated in this call): as if recorded one
    // by one after the new ones.
    std::vector<const DepositObservation*> known;
    std::vector<DepositKey> known_keys;
    std::set<std::string> counted;
    for (const DepositObservation& o : observations) {
      const std::string id = o.key.ToString();
      if (inserted.contains(id) && counted.insert(id).second) continue;
      known.push_back(&o);
      known_keys.push_back(o.key);
    }
    if (known.empty()) return static_cast<int>(inserted.size());
    BOTCORE_ASSIGN_OR_RETURN(auto stored, LoadAll(tx, known_keys));
    for (const DepositObservation* o : known) {
      auto it = stored.find(o->key.ToString());
      if (it == stored.end()) continue;
      Deposit& d = it->second;
      // Recorded where it is now when a re-org moved it before it was
      // final, and when it was orphaned: an orphan seen again, even in its
      // own block, is revived (the chain went back to that block, or the
      // node that orphaned it had lagged behind).
      const bool open = d.state == DepositState::kSeen ||
                        d.state == DepositState::kConfirming;
      const bool moved = d.observation.block_hash != o->block_hash;
      if (d.state != DepositState::kOrphaned && !(open && moved)) continue;
      const DepositKey& k = o->key;
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute("UPDATE deposits SET block_number = ?, block_hash = ?,"
                     " state = 'seen', confirmations = 0 WHERE chain_id = ? AND"
                     " tx_hash = ? AND log_index = ?",
                     {static_cast<int64_t>(o->block_number), o->block_hash,
                      static_cast<int64_t>(k.chain_id), k.tx_hash,
                      static_cast<int64_t>(k.log_index)})
              .status());
      d.observation.block_number = o->block_number;
      d.observation.block_hash = o->block_hash;
      d.state = DepositState::kSeen;
      d.confirmations = 0;
    }
    return static_cast<int>(inserted.size());
  }
};

DepositEngine::DepositEngine(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
DepositEngine::~DepositEngine() = default;

absl::StatusOr<std::unique_ptr<DepositEngine>> DepositEngine::Create(
    const DepositEngineOptions& options) {
  if (options.database == nullptr || options.ledger == nullptr) {
    return absl::InvalidArgumentError(
        "DepositEngineOptions.database and .ledger are required");
  }
  if (options.wallets.empty()) {
    return absl::InvalidArgumentError(
        "DepositEngineOptions.wallets must list at least one deposit address");
  }
  if (options.confirmations < 1 || options.max_blocks_per_scan < 1 ||
      options.credit_batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "confirmations (", options.confirmations, "), max_blocks_per_scan (",
        options.max_blocks_per_scan, ") and credit_batch_size (",
        options.credit_batch_size, ") must be at least 1"));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
  BOTCORE_ASSIGN_OR_RETURN(impl->scale,
                           options.ledger->AssetScale(options.asset));
  BOTCORE_ASSIGN_OR_RETURN(impl->token, ParseEvmAddress(options.token));
  for (const std::string& w : options.wallets) {
    BOTCORE_ASSIGN_OR_RETURN(std::string wallet, ParseEvmAddress(w));
    impl->wallets.insert(std::move(wallet));
  }
  BOTCORE_ASSIGN_OR_RETURN(impl->minimum,
                           Amount::Parse(options.minimum_deposit, impl->scale));
  for (const std::string& t : options.level_thresholds) {
    BOTCORE_ASSIGN_OR_RETURN(Amount threshold, Amount::Parse(t, impl->scale));
    if (!threshold.is_positive() ||
        (!impl->thresholds.empty() && threshold <= impl->thresholds.back())) {
      return absl::InvalidArgumentError(
          absl::StrCat("deposit level thresholds must be positive and"
                       " increasing; ",
                       t, " is not"));
    }
    impl->thresholds.push_back(threshold);
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::DepositsSchema()));
  return std::unique_ptr<DepositEngine>(new DepositEngine(std::move(impl)));
}

absl::Status DepositEngine::RegisterWallet(std::string_view user_id,
                                           std::string_view address) {
  BOTCORE_RETURN_IF_ERROR(CheckUserId(user_id));
  BOTCORE_ASSIGN_OR_RETURN(std::string wallet, ParseEvmAddress(address));
  return impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO deposit_wallets (address, user_id) VALUES"
                       " (?, ?) ON CONFLICT DO NOTHING",
                       {wallet, user_id})
                .status());
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT user_id FROM deposit_wallets WHERE address = ?",
                     {wallet}));
        BOTCORE_ASSIGN_OR_RETURN(std::string owner, rows.at(0).Text(0));
        if (owner != user_id) {
          return absl::AlreadyExistsError(absl::StrCat(
              "wallet ", wallet, " is already registered by another user"));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<int> DepositEngine::Record(
    absl::Span<const DepositObservation> observations) {
  std::vector<DepositObservation> valid;
  for (const DepositObservation& o : observations) {
    BOTCORE_ASSIGN_OR_RETURN(DepositObservation v, impl_->Validate(o));
    valid.push_back(std::move(v));
  }
  int recorded = 0;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(recorded, impl_->RecordIn(tx, valid));
        return absl::OkStatus();
      }));
  return recorded;
}

absl::StatusOr<SyncReport> DepositEngine::Sync(ChainClient& chain) {
  const DepositEngineOptions& o = impl_->options;
  BOTCORE_ASSIGN_OR_RETURN(uint64_t chain_id, chain.ChainId());
  if (chain_id != o.chain_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("the chain client is on chain ", chain_id,
                     ", the engine on ", o.chain_id));
  }
  SyncReport report;
  BOTCORE_ASSIGN_OR_RETURN(report.head, chain.BlockNumber());
  BOTCORE_ASSIGN_OR_RETURN(std::optional<uint64_t> cursor, Cursor());
  // Re-read the unconfirmed tail: a re-org may have re-included a
  // transaction in a later block.
  uint64_t from = o.start_block;
  if (cursor.has_value()) {
    const uint64_t rescan = static_cast<uint64_t>(o.confirmations);
    from = std::max(o.start_block,
                    *cursor + 1 > rescan ? *cursor + 1 - rescan : 0);
  }
  report.cursor = cursor.value_or(0);
  while (from <= report.head) {
    const uint64_t to = std::min(report.head, from + o.max_blocks_per_scan - 1);
    TransferLogFilter filter;
    filter.token = impl_->token;
    filter.token_scale = impl_->scale;
    filter.to.assign(impl_->wallets.begin(), impl_->wallets.end());
    filter.from_block = from;
    filter.to_block = to;
    BOTCORE_ASSIGN_OR_RETURN(std::vector<TransferLog> logs,
                             chain.TransferLogs(filter));
    std::vector<DepositObservation> observations;
    for (const TransferLog& log : logs) {
      // A transfer of nothing (address-poisoning spam sends these to any
      // address) is no deposit; refusing it would stop the scan here.
      if (log.amount.is_zero()) continue;
      DepositObservation ob;
      ob.key = {o.chain_id, log.tx_hash, log.log_index};
      ob.block_number = log.block_number;
      ob.block_hash = log.block_hash;
      ob.from = log.from;
      ob.to = log.to;
      ob.token = log.token;
      ob.amount = log.amount;
      BOTCORE_ASSIGN_OR_RETURN(DepositObservation v, impl_->Validate(ob));
      observations.push_back(std::move(v));
    }
    int recorded = 0;
    BOTCORE_RETURN_IF_ERROR(
        o.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(recorded, impl_->RecordIn(tx, observations));
          // The cursor only moves forward, whichever worker is ahead.
          return tx
              .Execute(
                  tx.dialect() == SqlDialect::kPostgresql
                      ? "INSERT INTO deposit_cursors (chain_id, token,"
                        " block_number) VALUES (?, ?, ?) ON CONFLICT (chain_id,"
                        " token) DO UPDATE SET block_number ="
                        " GREATEST(deposit_cursors.block_number,"
                        " excluded.block_number)"
                      : "INSERT INTO deposit_cursors (chain_id, token,"
                        " block_number) VALUES (?, ?, ?) ON CONFLICT (chain_id,"
                        " token) DO UPDATE SET block_number ="
                        " MAX(deposit_cursors.block_number,"
                        " excluded.block_number)",
                  {static_cast<int64_t>(o.chain_id), impl_->token,
                   static_cast<int64_t>(to)})
              .status();
        }));
    report.recorded += recorded;
    report.cursor = std::max(report.cursor, to);
    from = to + 1;
  }
  BOTCORE_ASSIGN_OR_RETURN(SyncReport processed, Process(chain));
  report.credited = processed.credited;
  report.orphaned = processed.orphaned;
  report.unmatched = processed.unmatched;
  report.below_minimum = processed.below_minimum;
  return report;
}

absl::StatusOr<SyncReport> DepositEngine::Process(ChainClient& chain) {
  const DepositEngineOptions& o = impl_->options;
  SyncReport report;
  BOTCORE_ASSIGN_OR_RETURN(report.head, chain.BlockNumber());
  BOTCORE_ASSIGN_OR_RETURN(std::vector<Deposit> open,
                           List(DepositState::kSeen, 1 << 30));
  BOTCORE_ASSIGN_OR_RETURN(std::vector<Deposit> confirming,
                           List(DepositState::kConfirming, 1 << 30));
  open.insert(open.end(), confirming.begin(), confirming.end());

  std::map<uint64_t, std::optional<BlockHeader>> headers;
  std::vector<Deposit> orphaned, waiting, ready;
  for (Deposit& d : open) {
    const uint64_t n = d.observation.block_number;
    auto it = headers.find(n);
    if (it == headers.end()) {
      BOTCORE_ASSIGN_OR_RETURN(std::optional<BlockHeader> h,
                               chain.HeaderByNumber(n));
      it = headers.emplace(n, std::move(h)).first;
    }
    // A block the node does not have (yet: it lags behind the one that
    // reported the log) is checked again next time.
    if (!it->second.has_value()) continue;
    if (absl::AsciiStrToLower(it->second->hash) != d.observation.block_hash) {
      orphaned.push_back(std::move(d));
      continue;
    }
    d.confirmations =
        report.head >= n ? static_cast<int64_t>(report.head - n + 1) : 0;
    if (d.confirmations >= o.confirmations) {
      ready.push_back(std::move(d));
    } else {
      waiting.push_back(std::move(d));
    }
  }

  // Orphans and confirmation counts: only rows still in the state and block
  // we looked at change, so a concurrent worker's newer view wins.
  BOTCORE_RETURN_IF_ERROR(
      o.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        report.orphaned = 0;
        for (const Deposit& d : orphaned) {
          const DepositKey& k = d.observation.key;
          BOTCORE_ASSIGN_OR_RETURN(
              int64_t changed,
              tx.Execute("UPDATE deposits SET state = 'orphaned' WHERE"
                         " chain_id = ? AND tx_hash = ? AND log_index = ? AND"
                         " block_hash = ? AND state IN ('seen', 'confirming')",
                         {static_cast<int64_t>(k.chain_id), k.tx_hash,
                          static_cast<int64_t>(k.log_index),
                          d.observation.block_hash}));
          report.orphaned += static_cast<int>(changed);
        }
        for (const Deposit& d : waiting) {
          const DepositKey& k = d.observation.key;
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("UPDATE deposits SET state = 'confirming',"
                         " confirmations = ? WHERE chain_id = ? AND tx_hash = ?"
                         " AND log_index = ? AND block_hash = ? AND state IN"
                         " ('seen', 'confirming') AND confirmations < ?",
                         {d.confirmations, static_cast<int64_t>(k.chain_id),
                          k.tx_hash, static_cast<int64_t>(k.log_index),
                          d.observation.block_hash, d.confirmations})
                  .status());
        }
        return absl::OkStatus();
      }));

  for (size_t start = 0; start < ready.size();
       start += static_cast<size_t>(o.credit_batch_size)) {
    const size_t end = std::min(
        ready.size(), start + static_cast<size_t>(o.credit_batch_size));
    SyncReport batch;
    TransactionOptions tx_options;
    tx_options.max_attempts = 100;
    BOTCORE_RETURN_IF_ERROR(o.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          batch = SyncReport();
          return impl_->SettleAll(
              tx, absl::Span<const Deposit>(ready).subspan(start, end - start),
              batch);
        },
        tx_options));
    report.credited += batch.credited;
    report.unmatched += batch.unmatched;
    report.below_minimum += batch.below_minimum;
  }
  return report;
}

absl::StatusOr<Deposit> DepositEngine::Assign(const DepositKey& key,
                                              std::string_view user_id) {
  BOTCORE_RETURN_IF_ERROR(CheckUserId(user_id));
  BOTCORE_ASSIGN_OR_RETURN(const DepositKey canonical, impl_->Canonical(key));
  Deposit result;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(std::optional<Deposit> d,
                                 impl_->Load(tx, canonical));
        if (!d.has_value()) {
          return absl::NotFoundError(absl::StrCat("no ", impl_->Describe(key)));
        }
        switch (d->state) {
          case DepositState::kCredited:
            if (d->user_id != user_id) {
              return absl::FailedPreconditionError(
                  absl::StrCat(impl_->Describe(key), " is already credited to ",
                               d->user_id));
            }
            break;
          case DepositState::kOrphaned:
          case DepositState::kBelowMinimum:
            return absl::FailedPreconditionError(absl::StrCat(
                impl_->Describe(key), " is ",
                ToAbsl(DepositStateName(d->state)), " and cannot be credited"));
          case DepositState::kSeen:
          case DepositState::kConfirming:
            d->user_id = std::string(user_id);
            BOTCORE_RETURN_IF_ERROR(impl_->StoreStates(tx, {&*d, 1}));
            break;
          case DepositState::kUnmatched: {
            d->user_id = std::string(user_id);
            std::vector<Deposit> one = {*std::move(d)};
            BOTCORE_RETURN_IF_ERROR(impl_->CreditAll(tx, one));
            d = std::move(one[0]);
            break;
          }
        }
        result = *std::move(d);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<Deposit> DepositEngine::Get(const DepositKey& key) {
  BOTCORE_ASSIGN_OR_RETURN(const DepositKey canonical, impl_->Canonical(key));
  std::optional<Deposit> d;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(d, impl_->Load(tx, canonical));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (!d.has_value()) {
    return absl::NotFoundError(absl::StrCat("no ", impl_->Describe(key)));
  }
  return *std::move(d);
}

absl::StatusOr<std::vector<Deposit>> DepositEngine::List(DepositState state,
                                                         int limit) {
  std::vector<Deposit> deposits;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        deposits.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat("SELECT ", kColumns, ", number",
                                  " FROM deposits WHERE state = ? AND"
                                  " chain_id = ? AND token = ? ORDER BY"
                                  " block_number, tx_hash, log_index LIMIT ?"),
                     {DepositStateName(state),
                      static_cast<int64_t>(impl_->options.chain_id),
                      impl_->token, int64_t{limit}}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(Deposit d, impl_->FromRow(row));
          deposits.push_back(std::move(d));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return deposits;
}

absl::StatusOr<DepositLevel> DepositEngine::Level(std::string_view user_id) {
  DepositLevel level;
  level.user_id = std::string(user_id);
  level.credited_total = Amount::Zero(impl_->scale);
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT credited_total, level FROM deposit_levels WHERE"
                     " user_id = ? AND asset = ?",
                     {user_id, impl_->options.asset}));
        if (rows.empty()) return absl::OkStatus();
        BOTCORE_ASSIGN_OR_RETURN(std::string text, rows[0].Text(0));
        BOTCORE_ASSIGN_OR_RETURN(level.credited_total,
                                 Amount::Parse(text, impl_->scale));
        BOTCORE_ASSIGN_OR_RETURN(int64_t n, rows[0].Int64(1));
        level.level = static_cast<int>(n);
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return level;
}

absl::StatusOr<std::optional<uint64_t>> DepositEngine::Cursor() {
  std::optional<uint64_t> cursor;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(
                "SELECT block_number FROM deposit_cursors WHERE chain_id"
                " = ? AND token = ?",
                {static_cast<int64_t>(impl_->options.chain_id), impl_->token}));
        if (rows.empty()) return absl::OkStatus();
        BOTCORE_ASSIGN_OR_RETURN(int64_t n, rows[0].Int64(0));
        cursor = static_cast<uint64_t>(n);
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return cursor;
}

}  // namespace botcore
