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
};

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
  const std::array<uint8_t, 32> digest =
      internal::Keccak256(absl::StrCat("botcore referral ", ToAbsl(user_id)));
  return absl::StrCat("r",
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(digest.data()), 6)));
}

absl::StatusOr<ReferralMember> ReferralEngine::Register(
    std::string_view user_id, std::string_view referral_code) {
  if (user_id.empty()) {
    return absl::InvalidArgumentError("Register needs a user id");
  }
  ReferralMember member;
  BOTCORE_RETURN_IF_ERROR(impl_->options.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        std::string referrer;
        if (!referral_code.empty()) {
          if (referral_code == CodeOf(user_id)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "user ", ToAbsl(user_id),
                " cannot use their own referral code ", ToAbsl(referral_code)));
          }
          BOTCORE_ASSIGN_OR_RETURN(std::optional<ReferralMember> owner,
                                   impl_->Load(tx, "code", referral_code));
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
        member.code = CodeOf(user_id);
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
        for (int depth = 0; depth < kMaxReferralDepth; ++depth) {
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
  std::vector<OutboxMessage> messages;
  for (const Deposit& deposit : deposits) {
    const std::vector<std::string>& chain = uplines[deposit.user_id];
    const std::string deposit_id = deposit.TransferId();
    for (size_t i = 0; i < chain.size(); ++i) {
      const int level = static_cast<int>(i) + 1;
      BOTCORE_ASSIGN_OR_RETURN(Amount reward,
                               deposit.observation.amount.MultiplyByRate(
                                   impl_->rates[i], RoundingMode::kTowardZero));
      if (!reward.is_positive()) continue;  // all dust: nothing to pay
      Transfer t;
      t.id = absl::StrCat("referral:", deposit_id, ":", level);
      t.debit = {std::string(kRewardsPool), deposit.asset};
      t.credit = {chain[i], deposit.asset};
      t.amount = reward;
      t.memo = absl::StrCat("referral reward, level ", level, ", from ",
                            deposit.user_id);
      if (impl_->options.outbox != nullptr) {
        messages.push_back(OutboxMessage{
            t.id, "referral.reward",
            internal::JsonObject({{"user_id", t.credit.owner},
                                  {"from_user_id", deposit.user_id},
                                  {"level", absl::StrCat(level)},
                                  {"amount", t.amount.ToString()},
                                  {"asset", t.credit.asset}})});
      }
      transfers.push_back(std::move(t));
    }
  }
  if (!messages.empty()) {
    BOTCORE_RETURN_IF_ERROR(impl_->options.outbox->EnqueueAll(tx, messages));
  }
  return absl::OkStatus();
}

}  // namespace botcore
