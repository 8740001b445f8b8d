#include "botcore/referral/referral.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/json_text.h"
#include "internal/keccak.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "referral members and rewards",
     R"sql(
CREATE TABLE referral_members (
  user_id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  referrer TEXT NOT NULL,
  registered_at BIGINT NOT NULL);
CREATE INDEX referral_members_referrer ON referral_members (referrer);
CREATE TABLE referral_rewards (
  transfer_id TEXT PRIMARY KEY,
  beneficiary TEXT NOT NULL,
  depositor TEXT NOT NULL,
  level BIGINT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL);
CREATE INDEX referral_rewards_beneficiary ON referral_rewards (beneficiary)
)sql"},
    {2, "rewards are read from the ledger",
     // Each row repeated a reward transfer (ids "referral:..."): the ledger
     // keeps them all, and ReferralEngine::Stats now sums them there.
     "DROP TABLE referral_rewards"},
    {3, "rewards the pool could not cover",
     R"sql(
CREATE TABLE referral_unpaid_rewards (
  transfer_id TEXT PRIMARY KEY,
  beneficiary TEXT NOT NULL,
  depositor TEXT NOT NULL,
  level BIGINT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  recorded_at BIGINT NOT NULL);
CREATE INDEX referral_unpaid_rewards_beneficiary
  ON referral_unpaid_rewards (beneficiary)
)sql"},
};

// How many codes Register tries for one user before giving up: each is
// taken with a chance of (members / 2^48), so running out means the table
// was filled on purpose.
constexpr int kCodeCandidates = 64;

// The user's `n`-th candidate code: "r" and 12 hex digits of a hash. The
// seeds of n = 0 ("botcore referral <user>") and n >= 1 ("botcore
// referral#<n> <user>") never coincide, whatever the user ids.
std::string CandidateCode(std::string_view user_id, int n) {
  const std::string seed =
      n == 0 ? absl::StrCat("botcore referral ", ToAbsl(user_id))
             : absl::StrCat("botcore referral#", n, " ", ToAbsl(user_id));
  const std::array<uint8_t, 32> digest = internal::Keccak256(seed);
  return absl::StrCat("r",
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(digest.data()), 6)));
}

// A reward due to `beneficiary` for `depositor`'s deposit, as the transfer
// that pays it from the pool.
struct Reward {
  Transfer transfer;
  std::string depositor;
  int level = 0;
};

// `id`: "referral:<deposit transfer id>:<level>".
Reward MakeReward(std::string id, std::string beneficiary,
                  std::string depositor, int level, std::string asset,
                  Amount amount) {
  Reward r;
  r.transfer.id = std::move(id);
  r.transfer.debit = {std::string(kRewardsPool), asset};
  r.transfer.credit = {std::move(beneficiary), std::move(asset)};
  r.transfer.amount = amount;
  r.transfer.memo =
      absl::StrCat("referral reward, level ", level, ", from ", depositor);
  r.depositor = std::move(depositor);
  r.level = level;
  return r;
}

// The message about `reward` under `topic`, keyed `key`.
OutboxMessage RewardMessage(std::string key, std::string topic,
                            const Reward& reward) {
  const Transfer& t = reward.transfer;
  return OutboxMessage{
      std::move(key), std::move(topic),
      internal::JsonObject({{"user_id", t.credit.owner},
                            {"from_user_id", reward.depositor},
                            {"level", absl::StrCat(reward.level)},
                            {"amount", t.amount.ToString()},
                            {"asset", t.credit.asset},
                            {"transfer_id", t.id}})};
}

}  // namespace

namespace internal {
ComponentSchema ReferralSchema() { return {"referral", kMigrations}; }
}  // namespace internal

struct ReferralEngine::Impl {
  ReferralOptions options;
  SystemClock system_clock;
  Clock* clock = nullptr;
  std::vector<Amount> rates;

  absl::StatusOr<std::optional<ReferralMember>> Load(
      SqlTransaction& tx, std::string_view column,
      std::string_view value) const {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query(absl::StrCat("SELECT user_id, code, referrer FROM"
                              " referral_members WHERE ",
                              ToAbsl(column), " = ?"),
                 {value}));
    if (rows.empty()) return std::optional<ReferralMember>();
    ReferralMember m;
    BOTCORE_ASSIGN_OR_RETURN(m.user_id, rows[0].Text(0));
    BOTCORE_ASSIGN_OR_RETURN(m.code, rows[0].Text(1));
    BOTCORE_ASSIGN_OR_RETURN(m.referrer, rows[0].Text(2));
    return std::optional<ReferralMember>(std::move(m));
  }

  // The chains above `users`, nearest first, at most `depth` long each. A
  // query follows up to kLevelsPerQuery levels for all of them at once (per
  // chunk of users), with one self-join per level; longer chains take
  // another query from where they got to.
  absl::StatusOr<std::map<std::string, std::vector<std::string>>> UplinesOf(
      SqlTransaction& tx, const std::set<std::string>& users, int depth) const {
    constexpr int kLevelsPerQuery = 3;
    std::map<std::string, std::vector<std::string>> chains;
    std::set<std::string> open;  // users whose chain may go on
    for (const std::string& user : users) {
      chains[user];
      if (depth > 0) open.insert(user);
    }
    while (!open.empty()) {
      // Where each open chain got to, and how many levels it still needs.
      std::set<std::string> tips;
      size_t wanted = 0;
      for (const std::string& user : open) {
        const std::vector<std::string>& chain = chains[user];
        tips.insert(chain.empty() ? user : chain.back());
        wanted = std::max(wanted, static_cast<size_t>(depth) - chain.size());
      }
      const int levels =
          static_cast<int>(std::min<size_t>(wanted, kLevelsPerQuery));
      std::string sql = "SELECT m1.user_id";
      for (int level = 1; level <= levels; ++level) {
        absl::StrAppend(&sql, ", m", level, ".referrer");
      }
      absl::StrAppend(&sql, " FROM referral_members m1");
      for (int level = 2; level <= levels; ++level) {
        absl::StrAppend(&sql, " LEFT JOIN referral_members m", level, " ON m",
                        level, ".user_id = m", level - 1, ".referrer");
      }
      absl::StrAppend(&sql, " WHERE m1.user_id IN ");
      // The referrers above each tip, nearest first; fewer than `levels`
      // where the tree ends ("" for a member registered without one, NULL
      // past the top).
      std::map<std::string, std::vector<std::string>> above;
      const std::vector<SqlValue> ids(tips.begin(), tips.end());
      BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
          tx, sql, {}, ids, [&](const SqlRow& row) -> absl::Status {
            BOTCORE_ASSIGN_OR_RETURN(std::string tip, row.Text(0));
            std::vector<std::string> referrers;
            for (int level = 1; level <= levels && !row.IsNull(level);
                 ++level) {
              BOTCORE_ASSIGN_OR_RETURN(std::string referrer, row.Text(level));
              if (referrer.empty()) break;
              referrers.push_back(std::move(referrer));
            }
            above[std::move(tip)] = std::move(referrers);
            return absl::OkStatus();
          }));
      std::set<std::string> still_open;
      for (const std::string& user : open) {
        std::vector<std::string>& chain = chains[user];
        const std::vector<std::string>& next =
            above[chain.empty() ? user : chain.back()];
        for (const std::string& referrer : next) {
          if (static_cast<int>(chain.size()) == depth) break;
          // Registration cannot make a cycle; a stored one (a table edited
          // by hand) would otherwise be followed up to `depth` levels.
          if (referrer == user ||
              std::find(chain.begin(), chain.end(), referrer) != chain.end()) {
            return absl::DataLossError(
                absl::StrCat("referral chain above ", user, " comes back to ",
                             referrer, ": the stored referrers form a cycle"));
          }
          chain.push_back(referrer);
        }
        if (static_cast<int>(next.size()) == levels &&
            static_cast<int>(chain.size()) < depth) {
          still_open.insert(user);
        }
      }
      open = std::move(still_open);
    }
    return chains;
  }

  // Splits `rewards` (in order) into those the pool can pay now, appended to
  // *paid, and the rest, appended to *unpaid. A pool account that allows
  // overdraft (or was never opened, which is the same) pays them all; one
  // that forbids it pays each reward that still fits in its available
  // balance, less the rewards before it.
  absl::Status SplitByPool(SqlTransaction& tx, std::vector<Reward> rewards,
                           std::vector<Reward>* paid,
                           std::vector<Reward>* unpaid) const {
    // Per asset: what the pool can still pay; nullopt: no limit.
    std::map<std::string, std::optional<Amount>> left;
    for (Reward& reward : rewards) {
      const AccountKey& pool = reward.transfer.debit;
      auto it = left.find(pool.asset);
      if (it == left.end()) {
        absl::StatusOr<Balance> balance = options.ledger->GetBalance(tx, pool);
        if (!balance.ok() && !absl::IsNotFound(balance.status())) {
          return balance.status();
        }
        std::optional<Amount> limit;
        if (balance.ok() && balance->forbid_overdraft) {
          limit = balance->available;
        }
        it = left.emplace(pool.asset, limit).first;
      }
      std::optional<Amount>& limit = it->second;
      if (limit.has_value()) {
        if (reward.transfer.amount > *limit) {
          unpaid->push_back(std::move(reward));
          continue;
        }
        // Both at the asset's scale (the ledger's balance, the reward).
        BOTCORE_ASSIGN_OR_RETURN(*limit,
                                 limit->Subtract(reward.transfer.amount));
      }
      paid->push_back(std::move(reward));
    }
    return absl::OkStatus();
  }

  // Records `unpaid` in referral_unpaid_rewards (kept as they are when
  // already there) and, with an outbox, queues a "referral.reward_unpaid"
  // message for each into *messages.
  absl::Status RecordUnpaid(SqlTransaction& tx,
                            const std::vector<Reward>& unpaid,
                            std::vector<OutboxMessage>& messages) const {
    const int64_t now = absl::ToUnixMicros(clock->Now());
    BOTCORE_RETURN_IF_ERROR(internal::ForEachChunk(
        unpaid.size(), [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 7);
          for (size_t i = first; i < first + count; ++i) {
            const Transfer& t = unpaid[i].transfer;
            params.emplace_back(t.id);
            params.emplace_back(t.credit.owner);
            params.emplace_back(unpaid[i].depositor);
            params.emplace_back(static_cast<int64_t>(unpaid[i].level));
            params.emplace_back(t.credit.asset);
            params.emplace_back(t.amount.ToString());
            params.emplace_back(now);
          }
          return tx
              .Execute(absl::StrCat(
                           "INSERT INTO referral_unpaid_rewards (transfer_id,"
                           " beneficiary, depositor, level, asset, amount,"
                           " recorded_at) VALUES ",
                           internal::PlaceholderRows(count, 7),
                           " ON CONFLICT DO NOTHING"),
                       params)
              .status();
        }));
    if (options.outbox != nullptr) {
      for (const Reward& reward : unpaid) {
        messages.push_back(RewardMessage(
            absl::StrCat("referral.reward_unpaid:", reward.transfer.id),
            "referral.reward_unpaid", reward));
      }
    }
    return absl::OkStatus();
  }

  // Appends the transfers of `paid` to *transfers and, with an outbox, a
  // "referral.reward" message for each to *messages.
  void AddPaid(std::vector<Reward>& paid, std::vector<Transfer>& transfers,
               std::vector<OutboxMessage>& messages) const {
    for (Reward& reward : paid) {
      if (options.outbox != nullptr) {
        messages.push_back(
            RewardMessage(reward.transfer.id, "referral.reward", reward));
      }
      transfers.push_back(std::move(reward.transfer));
    }
  }

  // The chain above `user_id`, nearest first, at most `depth` long.
  absl::StatusOr<std::vector<std::string>> Uplines(SqlTransaction& tx,
                                                   std::string user_id,
                                                   int depth) const {
    BOTCORE_ASSIGN_OR_RETURN(auto chains, UplinesOf(tx, {user_id}, depth));
    return std::move(chains[user_id]);
  }
};

ReferralEngine::ReferralEngine(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
ReferralEngine::~ReferralEngine() = default;

absl::StatusOr<std::unique_ptr<ReferralEngine>> ReferralEngine::Create(
    const ReferralOptions& options) {
  if (options.database == nullptr || options.ledger == nullptr) {
    return absl::InvalidArgumentError(
        "ReferralOptions.database and .ledger are required");
  }
  if (options.max_depth < 0 || options.max_depth > kMaxReferralDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("referral depth ", options.max_depth, " is outside 0..",
                     kMaxReferralDepth));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
  Amount sum = Amount::Zero(Amount::kMaxScale);
  for (const std::string& text : options.rates) {
    BOTCORE_ASSIGN_OR_RETURN(Amount rate,
                             Amount::Parse(text, Amount::kMaxScale));
    if (rate.is_negative()) {
      return absl::InvalidArgumentError(
          absl::StrCat("referral rate ", text, " is negative"));
    }
    BOTCORE_ASSIGN_OR_RETURN(sum, sum.Add(rate));
    impl->rates.push_back(rate);
  }
  if (sum >= *Amount::FromUnits(1, 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("referral rates sum to ", sum.ToDisplayString(),
                     "; they must pay out less than the deposit"));
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::ReferralSchema()));
  return std::unique_ptr<ReferralEngine>(new ReferralEngine(std::move(impl)));
}

std::string ReferralEngine::CodeOf(std::string_view user_id) {
  return CandidateCode(user_id, 0);
}

absl::StatusOr<ReferralMember> ReferralEngine::Register(
    std::string_view user_id, std::string_view referral_code) {
  BOTCORE_RETURN_IF_ERROR(CheckUserId(user_id));
  ReferralMember member;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        std::string referrer;
        if (!referral_code.empty()) {
          BOTCORE_ASSIGN_OR_RETURN(std::optional<ReferralMember> owner,
                                   impl_->Load(tx, "code", referral_code));
          // The code the user holds, or would get first (unless another
          // member holds it: then it is theirs to share).
          if (owner.has_value() ? owner->user_id == user_id
                                : referral_code == CodeOf(user_id)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "user ", ToAbsl(user_id),
                " cannot use their own referral code ", ToAbsl(referral_code)));
          }
          if (!owner.has_value()) {
            return absl::NotFoundError(
                absl::StrCat("no user has referral code \"",
                             absl::CHexEscape(ToAbsl(referral_code)), "\""));
          }
          referrer = owner->user_id;
        }
        BOTCORE_ASSIGN_OR_RETURN(std::optional<ReferralMember> existing,
                                 impl_->Load(tx, "user_id", user_id));
        if (existing.has_value()) {
          if (existing->referrer == referrer) {
            member = *std::move(existing);
            return absl::OkStatus();
          }
          if (!referrer.empty()) {
            // Would the new referrer sit below this user?
            BOTCORE_ASSIGN_OR_RETURN(std::vector<std::string> above,
                                     impl_->Uplines(tx, referrer, 1 << 20));
            for (const std::string& u : above) {
              if (u == user_id) {
                return absl::InvalidArgumentError(absl::StrCat(
                    "user ", ToAbsl(user_id), " cannot be referred by ",
                    referrer, ", whom they referred (directly or not): that",
                    " would be a cycle"));
              }
            }
          }
          return absl::FailedPreconditionError(absl::StrCat(
              "user ", ToAbsl(user_id), " is registered with referrer \"",
              existing->referrer, "\"; a referrer never changes"));
        }
        member.user_id = std::string(user_id);
        member.code.clear();
        for (int n = 0; n < kCodeCandidates && member.code.empty(); ++n) {
          std::string code = CandidateCode(user_id, n);
          BOTCORE_ASSIGN_OR_RETURN(std::optional<ReferralMember> holder,
                                   impl_->Load(tx, "code", code));
          if (!holder.has_value()) member.code = std::move(code);
        }
        if (member.code.empty()) {
          return absl::InternalError(
              absl::StrCat("user ", ToAbsl(user_id), "'s ", kCodeCandidates,
                           " candidate referral codes are all taken"));
        }
        member.referrer = referrer;
        BOTCORE_ASSIGN_OR_RETURN(
            int64_t inserted,
            tx.Execute("INSERT INTO referral_members (user_id, code, referrer,"
                       " registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO"
                       " NOTHING",
                       {member.user_id, member.code, member.referrer,
                        absl::ToUnixMicros(impl_->clock->Now())}));
        if (inserted == 0) {
          return absl::AbortedError(absl::StrCat(
              "user ", member.user_id,
              " was registered concurrently; retry to see the outcome"));
        }
        return absl::OkStatus();
      }));
  return member;
}

absl::StatusOr<ReferralMember> ReferralEngine::Member(
    std::string_view user_id) {
  std::optional<ReferralMember> member;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(member, impl_->Load(tx, "user_id", user_id));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (!member.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("user ", ToAbsl(user_id), " is not registered"));
  }
  return *std::move(member);
}

absl::StatusOr<ReferralStats> ReferralEngine::Stats(std::string_view user_id) {
  ReferralStats stats;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        stats = ReferralStats();
        stats.user_id = std::string(user_id);
        BOTCORE_ASSIGN_OR_RETURN(std::optional<ReferralMember> m,
                                 impl_->Load(tx, "user_id", user_id));
        if (!m.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("user ", ToAbsl(user_id), " is not registered"));
        }
        std::vector<std::string> level = {std::string(user_id)};
        for (int depth = 0; depth < impl_->options.max_depth; ++depth) {
          std::vector<std::string> next;
          for (const std::string& u : level) {
            BOTCORE_ASSIGN_OR_RETURN(
                std::vector<SqlRow> rows,
                tx.Query("SELECT user_id FROM referral_members WHERE"
                         " referrer = ? ORDER BY user_id",
                         {u}));
            for (const SqlRow& row : rows) {
              BOTCORE_ASSIGN_OR_RETURN(std::string child, row.Text(0));
              next.push_back(std::move(child));
            }
          }
          stats.referrals_per_level.push_back(
              static_cast<int64_t>(next.size()));
          level = std::move(next);
        }
        BOTCORE_ASSIGN_OR_RETURN(
            stats.rewards,
            impl_->options.ledger->PostedBetween(tx, kRewardsPool, user_id));
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> unpaid,
            tx.Query("SELECT asset, amount FROM referral_unpaid_rewards WHERE"
                     " beneficiary = ?",
                     {user_id}));
        for (const SqlRow& row : unpaid) {
          BOTCORE_ASSIGN_OR_RETURN(std::string asset, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(std::string text, row.Text(1));
          BOTCORE_ASSIGN_OR_RETURN(int scale,
                                   impl_->options.ledger->AssetScale(asset));
          BOTCORE_ASSIGN_OR_RETURN(Amount amount, Amount::Parse(text, scale));
          Amount& sum = stats.unpaid_rewards
                            .try_emplace(std::move(asset), Amount::Zero(scale))
                            .first->second;
          BOTCORE_ASSIGN_OR_RETURN(sum, sum.Add(amount));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return stats;
}

absl::Status ReferralEngine::OnDepositsCredited(
    SqlTransaction& tx, absl::Span<const Deposit> deposits,
    std::vector<Transfer>& transfers) {
  if (!impl_->options.enabled || deposits.empty()) return absl::OkStatus();
  const int depth = std::min<int>(impl_->options.max_depth,
                                  static_cast<int>(impl_->rates.size()));
  std::set<std::string> depositors;
  for (const Deposit& d : deposits) depositors.insert(d.user_id);
  BOTCORE_ASSIGN_OR_RETURN(auto uplines,
                           impl_->UplinesOf(tx, depositors, depth));
  std::vector<Reward> rewards;
  for (const Deposit& deposit : deposits) {
    const std::vector<std::string>& chain = uplines[deposit.user_id];
    const std::string deposit_id = deposit.TransferId();
    for (size_t i = 0; i < chain.size(); ++i) {
      BOTCORE_ASSIGN_OR_RETURN(Amount amount,
                               deposit.observation.amount.MultiplyByRate(
                                   impl_->rates[i], RoundingMode::kTowardZero));
      if (!amount.is_positive()) continue;  // all dust: nothing to pay
      const int level = static_cast<int>(i) + 1;
      rewards.push_back(
          MakeReward(absl::StrCat("referral:", deposit_id, ":", level),
                     chain[i], deposit.user_id, level, deposit.asset, amount));
    }
  }
  std::vector<Reward> paid;
  std::vector<Reward> unpaid;
  BOTCORE_RETURN_IF_ERROR(
      impl_->SplitByPool(tx, std::move(rewards), &paid, &unpaid));
  std::vector<OutboxMessage> messages;
  impl_->AddPaid(paid, transfers, messages);
  BOTCORE_RETURN_IF_ERROR(impl_->RecordUnpaid(tx, unpaid, messages));
  if (!messages.empty()) {
    BOTCORE_RETURN_IF_ERROR(impl_->options.outbox->EnqueueAll(tx, messages));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ReferralEngine::PayUnpaidRewards() {
  int count = 0;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        count = 0;
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT transfer_id, beneficiary, depositor, level,"
                     " asset, amount FROM referral_unpaid_rewards ORDER BY"
                     " recorded_at, transfer_id"));
        std::vector<Reward> owed;
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(std::string id, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(std::string beneficiary, row.Text(1));
          BOTCORE_ASSIGN_OR_RETURN(std::string depositor, row.Text(2));
          BOTCORE_ASSIGN_OR_RETURN(int64_t level, row.Int64(3));
          BOTCORE_ASSIGN_OR_RETURN(std::string asset, row.Text(4));
          BOTCORE_ASSIGN_OR_RETURN(std::string text, row.Text(5));
          BOTCORE_ASSIGN_OR_RETURN(int scale,
                                   impl_->options.ledger->AssetScale(asset));
          BOTCORE_ASSIGN_OR_RETURN(Amount amount, Amount::Parse(text, scale));
          owed.push_back(MakeReward(
              std::move(id), std::move(beneficiary), std::move(depositor),
              static_cast<int>(level), std::move(asset), amount));
        }
        std::vector<Reward> paid;
        std::vector<Reward> still_unpaid;
        BOTCORE_RETURN_IF_ERROR(
            impl_->SplitByPool(tx, std::move(owed), &paid, &still_unpaid));
        if (paid.empty()) return absl::OkStatus();
        std::vector<SqlValue> ids;
        for (const Reward& reward : paid) ids.emplace_back(reward.transfer.id);
        BOTCORE_RETURN_IF_ERROR(internal::ForEachInList(
            ids, [&](absl::Span<const SqlValue> list) -> absl::Status {
              return tx
                  .Execute(
                      absl::StrCat("DELETE FROM referral_unpaid_rewards WHERE"
                                   " transfer_id IN ",
                                   internal::PlaceholderRows(1, list.size())),
                      std::vector<SqlValue>(list.begin(), list.end()))
                  .status();
            }));
        std::vector<Transfer> transfers;
        std::vector<OutboxMessage> messages;
        impl_->AddPaid(paid, transfers, messages);
        BOTCORE_RETURN_IF_ERROR(
            impl_->options.ledger->CreateTransfers(tx, transfers).status());
        if (!messages.empty()) {
          BOTCORE_RETURN_IF_ERROR(
              impl_->options.outbox->EnqueueAll(tx, messages));
        }
        count = static_cast<int>(transfers.size());
        return absl::OkStatus();
      }));
  return count;
}

}  // namespace botcore
