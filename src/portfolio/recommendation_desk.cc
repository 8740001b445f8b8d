#include "botcore/portfolio/recommendation_desk.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr std::string_view kColumns =
    "id, owner, symbol, action, quantity, percent, entry, stop_loss, "
    "take_profit, "
    "confidence, rationale, source, proposed_at, market_price, status, "
    "decision, "
    "reasons, trading_state, order_quantity, order_stop, order_target, "
    "created_at, "
    "expires_at, decided_at, trade_sequence";

absl::StatusOr<RecommendationStatus> ParseStatus(std::string_view name) {
  for (RecommendationStatus s :
       {RecommendationStatus::kPending, RecommendationStatus::kConfirmed,
        RecommendationStatus::kRejected, RecommendationStatus::kExpired,
        RecommendationStatus::kRefused}) {
    if (RecommendationStatusName(s) == name) return s;
  }
  return absl::DataLossError(absl::StrCat(
      "recommendation storage: unknown status \"", ToAbsl(name), "\""));
}

// Reasons as lines of "DECISION\tcode\tmessage"; tabs and newlines inside are
// flattened to spaces.
std::string EncodeReasons(const std::vector<RiskReason>& reasons) {
  std::string out;
  for (const RiskReason& r : reasons) {
    std::string message = r.message;
    for (char& c : message) {
      if (c == '\t' || c == '\n') c = ' ';
    }
    absl::StrAppend(&out, ToAbsl(RiskDecisionName(r.decision)), "\t", r.code,
                    "\t", message, "\n");
  }
  return out;
}

absl::StatusOr<RiskDecision> ParseDecision(std::string_view name) {
  for (RiskDecision d : {RiskDecision::kApproved, RiskDecision::kAdjusted,
                         RiskDecision::kRejected}) {
    if (RiskDecisionName(d) == name) return d;
  }
  return absl::DataLossError(absl::StrCat(
      "recommendation storage: unknown decision \"", ToAbsl(name), "\""));
}

absl::StatusOr<std::vector<RiskReason>> DecodeReasons(const std::string& text) {
  std::vector<RiskReason> reasons;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> parts =
        absl::StrSplit(line, absl::MaxSplits('\t', 2));
    if (parts.size() != 3) {
      return absl::DataLossError(absl::StrCat(
          "recommendation storage: malformed reason \"", line, "\""));
    }
    BOTCORE_ASSIGN_OR_RETURN(RiskDecision d, ParseDecision(parts[0]));
    reasons.push_back(RiskReason{d, parts[1], parts[2]});
  }
  return reasons;
}

absl::StatusOr<TradingState> ParseTradingState(std::string_view name) {
  for (TradingState s : {TradingState::kActive, TradingState::kReducing,
                         TradingState::kHalted}) {
    if (TradingStateName(s) == name) return s;
  }
  return absl::DataLossError(absl::StrCat(
      "recommendation storage: unknown trading state \"", ToAbsl(name), "\""));
}

SqlValue Level(const std::optional<Amount>& a) {
  return a ? SqlValue(a->ToString()) : SqlValue();
}

absl::StatusOr<std::optional<Amount>> LevelAt(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  BOTCORE_ASSIGN_OR_RETURN(std::string text, row.Text(i));
  const size_t dot = text.find('.');
  const int scale =
      dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  absl::StatusOr<Amount> a = Amount::Parse(text, scale);
  if (!a.ok()) return absl::DataLossError(a.status().message());
  return std::optional<Amount>(*a);
}

absl::StatusOr<StoredRecommendation> FromRow(const SqlRow& row) {
  StoredRecommendation s;
  Recommendation& r = s.recommendation;
  BOTCORE_ASSIGN_OR_RETURN(r.id, row.Text(0));
  BOTCORE_ASSIGN_OR_RETURN(s.owner, row.Text(1));
  BOTCORE_ASSIGN_OR_RETURN(r.symbol, row.Text(2));
  BOTCORE_ASSIGN_OR_RETURN(std::string action, row.Text(3));
  absl::StatusOr<TradeAction> parsed = ParseTradeAction(action);
  if (!parsed.ok()) return absl::DataLossError(parsed.status().message());
  r.action = *parsed;
  BOTCORE_ASSIGN_OR_RETURN(r.quantity, row.Int64(4));
  BOTCORE_ASSIGN_OR_RETURN(r.percent, row.Double(5));
  BOTCORE_ASSIGN_OR_RETURN(r.entry, LevelAt(row, 6));
  BOTCORE_ASSIGN_OR_RETURN(r.stop_loss, LevelAt(row, 7));
  BOTCORE_ASSIGN_OR_RETURN(r.take_profit, LevelAt(row, 8));
  BOTCORE_ASSIGN_OR_RETURN(int64_t confidence, row.Int64(9));
  r.confidence = static_cast<int>(confidence);
  BOTCORE_ASSIGN_OR_RETURN(r.rationale, row.Text(10));
  BOTCORE_ASSIGN_OR_RETURN(r.source, row.Text(11));
  BOTCORE_ASSIGN_OR_RETURN(int64_t proposed, row.Int64(12));
  r.time = absl::FromUnixMicros(proposed);
  BOTCORE_ASSIGN_OR_RETURN(std::optional<Amount> market, LevelAt(row, 13));
  s.market_price = market.value_or(Amount());
  BOTCORE_ASSIGN_OR_RETURN(std::string status, row.Text(14));
  BOTCORE_ASSIGN_OR_RETURN(s.status, ParseStatus(status));
  BOTCORE_ASSIGN_OR_RETURN(std::string decision, row.Text(15));
  BOTCORE_ASSIGN_OR_RETURN(s.verdict.decision, ParseDecision(decision));
  BOTCORE_ASSIGN_OR_RETURN(std::string reasons, row.Text(16));
  BOTCORE_ASSIGN_OR_RETURN(s.verdict.reasons, DecodeReasons(reasons));
  BOTCORE_ASSIGN_OR_RETURN(std::string state, row.Text(17));
  BOTCORE_ASSIGN_OR_RETURN(s.verdict.trading_state, ParseTradingState(state));
  Order& o = s.verdict.order;
  o.symbol = r.symbol;
  o.side = r.action == TradeAction::kSell ? Side::kSell : Side::kBuy;
  BOTCORE_ASSIGN_OR_RETURN(o.quantity, row.Int64(18));
  o.price = s.market_price;
  BOTCORE_ASSIGN_OR_RETURN(o.stop_loss, LevelAt(row, 19));
  BOTCORE_ASSIGN_OR_RETURN(o.take_profit, LevelAt(row, 20));
  o.recommendation_id = r.id;
  BOTCORE_ASSIGN_OR_RETURN(int64_t created, row.Int64(21));
  s.created_at = absl::FromUnixMicros(created);
  BOTCORE_ASSIGN_OR_RETURN(int64_t expires, row.Int64(22));
  s.expires_at = absl::FromUnixMicros(expires);
  if (!row.IsNull(23)) {
    BOTCORE_ASSIGN_OR_RETURN(int64_t decided, row.Int64(23));
    s.decided_at = absl::FromUnixMicros(decided);
  }
  BOTCORE_ASSIGN_OR_RETURN(s.trade_sequence, row.Int64(24));
  return s;
}

absl::StatusOr<std::optional<StoredRecommendation>> Find(SqlTransaction& tx,
                                                         std::string_view id) {
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      tx.Query(absl::StrCat("SELECT ", ToAbsl(kColumns),
                            " FROM portfolio_recommendations WHERE id = ?"),
               {id}));
  if (rows.empty()) return std::nullopt;
  BOTCORE_ASSIGN_OR_RETURN(StoredRecommendation s, FromRow(rows[0]));
  return std::optional<StoredRecommendation>(std::move(s));
}

absl::Status AddTransition(SqlTransaction& tx, std::string_view id,
                           RecommendationStatus status, absl::Time time,
                           std::string_view note) {
  // Steps number the transitions of one id in order, even within one
  // microsecond.
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> last,
      tx.Query("SELECT COUNT(*) FROM portfolio_recommendation_transitions "
               "WHERE id = ?",
               {id}));
  BOTCORE_ASSIGN_OR_RETURN(int64_t steps, last.at(0).Int64(0));
  return tx
      .Execute(
          "INSERT INTO portfolio_recommendation_transitions (id, step, status, "
          "time, note) VALUES (?, ?, ?, ?, ?)",
          {id, steps + 1, RecommendationStatusName(status),
           absl::ToUnixMicros(time), note})
      .status();
}

// PENDING -> `to` if still pending; returns whether this call moved it.
absl::StatusOr<bool> Leave(SqlTransaction& tx, std::string_view id,
                           RecommendationStatus to, absl::Time now,
                           std::string_view note) {
  BOTCORE_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute(
          "UPDATE portfolio_recommendations SET status = ?, decided_at = ? "
          "WHERE id = ? AND status = 'PENDING'",
          {RecommendationStatusName(to), absl::ToUnixMicros(now), id}));
  if (changed == 0) return false;
  BOTCORE_RETURN_IF_ERROR(AddTransition(tx, id, to, now, note));
  return true;
}

absl::Status NotFound(std::string_view owner, std::string_view id) {
  return absl::NotFoundError(absl::StrCat("no recommendation \"", ToAbsl(id),
                                          "\" of ", ToAbsl(owner)));
}

}  // namespace

std::string_view RecommendationStatusName(RecommendationStatus status) {
  switch (status) {
    case RecommendationStatus::kPending:
      return "PENDING";
    case RecommendationStatus::kConfirmed:
      return "CONFIRMED";
    case RecommendationStatus::kRejected:
      return "REJECTED";
    case RecommendationStatus::kExpired:
      return "EXPIRED";
    case RecommendationStatus::kRefused:
      return "REFUSED";
  }
  return "REFUSED";
}

RecommendationDesk::RecommendationDesk(RecommendationDeskOptions options)
    : options_(std::move(options)), id_state_(std::random_device{}()) {
  id_state_ = (id_state_ << 32) ^ std::random_device{}();
}

absl::StatusOr<std::unique_ptr<RecommendationDesk>> RecommendationDesk::Create(
    const RecommendationDeskOptions& options) {
  if (options.portfolios == nullptr || options.risk == nullptr) {
    return absl::InvalidArgumentError(
        "RecommendationDeskOptions: portfolios and risk are required");
  }
  if (options.expiry <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("recommendation expiry ",
                     absl::FormatDuration(options.expiry), " is not positive"));
  }
  return std::unique_ptr<RecommendationDesk>(new RecommendationDesk(options));
}

const RiskLimits& RecommendationDesk::LimitsFor(std::string_view owner) const {
  auto it = options_.owner_limits.find(owner);
  return it == options_.owner_limits.end() ? options_.limits : it->second;
}

absl::StatusOr<RiskLimits> RecommendationDesk::ReviewLimits(
    SqlTransaction& tx, std::string_view owner) const {
  if (options_.limits_of) return options_.limits_of(tx, owner);
  return LimitsFor(owner);
}

std::string RecommendationDesk::NewId() {
  absl::MutexLock lock(&mu_);
  // splitmix64: distinct ids from one random seed; 16 hex digits keep the
  // Telegram callback data (64 bytes) short.
  uint64_t z = (id_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return absl::StrFormat("r%016x", z ^ (z >> 31));
}

absl::StatusOr<StoredRecommendation> RecommendationDesk::Propose(
    std::string_view owner, Recommendation recommendation,
    const Amount& market_price, std::string_view id) {
  if (owner.empty())
    return absl::InvalidArgumentError("recommendation owner is empty");
  const bool id_valid =
      id.size() <= 48 && std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               c == '-';
      });
  if (!id_valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("recommendation id \"", ToAbsl(id.substr(0, 60)),
                     "\" is not 1-48 of A-Z, a-z, 0-9, '_', '-'"));
  }
  Portfolios& portfolios = *options_.portfolios;
  const absl::Time now = portfolios.clock().Now();
  recommendation.id = id.empty() ? NewId() : std::string(id);
  if (recommendation.time == absl::Time()) recommendation.time = now;
  StoredRecommendation stored;
  BOTCORE_RETURN_IF_ERROR(portfolios.database().Transact([&](SqlTransaction& tx)
                                                             -> absl::Status {
    if (!id.empty()) {
      BOTCORE_ASSIGN_OR_RETURN(std::optional<StoredRecommendation> found,
                               Find(tx, id));
      if (found && found->owner != owner) {
        return absl::AlreadyExistsError(
            absl::StrCat("recommendation id \"", ToAbsl(id),
                         "\" is taken by another owner"));
      }
      if (found) {
        stored = *std::move(found);
        return absl::OkStatus();
      }
    }
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book,
                             portfolios.LoadIn(tx, owner, now));
    BOTCORE_ASSIGN_OR_RETURN(RiskLimits limits, ReviewLimits(tx, owner));
    stored = StoredRecommendation{};
    stored.owner = std::string(owner);
    stored.recommendation = recommendation;
    stored.market_price = market_price;
    stored.verdict =
        options_.risk->Review(recommendation, book, market_price, now, limits);
    stored.status = stored.verdict.allowed() ? RecommendationStatus::kPending
                                             : RecommendationStatus::kRefused;
    stored.created_at = now;
    stored.expires_at = now + options_.expiry;
    if (!stored.verdict.allowed()) stored.decided_at = now;
    const Recommendation& r = recommendation;
    const Order& o = stored.verdict.order;
    BOTCORE_RETURN_IF_ERROR(
        tx.Execute(
              absl::StrCat(
                  "INSERT INTO portfolio_recommendations (", ToAbsl(kColumns),
                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?, 0)"),
              {r.id,
               owner,
               r.symbol,
               TradeActionName(r.action),
               r.quantity,
               r.percent,
               Level(r.entry),
               Level(r.stop_loss),
               Level(r.take_profit),
               int64_t{r.confidence},
               r.rationale,
               r.source,
               absl::ToUnixMicros(r.time),
               market_price.ToString(),
               RecommendationStatusName(stored.status),
               RiskDecisionName(stored.verdict.decision),
               EncodeReasons(stored.verdict.reasons),
               TradingStateName(stored.verdict.trading_state),
               o.quantity,
               Level(o.stop_loss),
               Level(o.take_profit),
               absl::ToUnixMicros(now),
               absl::ToUnixMicros(stored.expires_at),
               stored.decided_at ? SqlValue(absl::ToUnixMicros(now))
                                 : SqlValue()})
            .status());
    return AddTransition(tx, r.id, stored.status, now,
                         stored.verdict.Summary());
  }));
  return stored;
}

absl::StatusOr<Trade> RecommendationDesk::Confirm(std::string_view owner,
                                                  std::string_view id,
                                                  const Amount& market_price) {
  Portfolios& portfolios = *options_.portfolios;
  enum class Outcome { kExecuted, kAlready, kNotPending, kExpired, kRefused };
  Outcome outcome = Outcome::kExecuted;
  RecommendationStatus seen = RecommendationStatus::kPending;
  int64_t sequence = 0;
  std::string why;
  std::optional<Trade> trade;
  BOTCORE_RETURN_IF_ERROR(portfolios.database().Transact([&](SqlTransaction& tx)
                                                             -> absl::Status {
    trade.reset();
    why.clear();
    const absl::Time now = portfolios.clock().Now();
    BOTCORE_ASSIGN_OR_RETURN(std::optional<StoredRecommendation> found,
                             Find(tx, id));
    if (!found || found->owner != owner) return NotFound(owner, id);
    seen = found->status;
    sequence = found->trade_sequence;
    if (seen == RecommendationStatus::kConfirmed) {
      outcome = Outcome::kAlready;
      return absl::OkStatus();
    }
    if (seen != RecommendationStatus::kPending) {
      outcome = Outcome::kNotPending;
      return absl::OkStatus();
    }
    if (now >= found->expires_at) {
      outcome = Outcome::kExpired;
      return Leave(tx, id, RecommendationStatus::kExpired, now, "expired")
          .status();
    }
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book,
                             portfolios.LoadIn(tx, owner, now));
    const int64_t loaded = book.state().trade_count;
    BOTCORE_ASSIGN_OR_RETURN(RiskLimits limits, ReviewLimits(tx, owner));
    RiskVerdict verdict = options_.risk->Review(found->recommendation, book,
                                                market_price, now, limits);
    if (!verdict.allowed()) {
      outcome = Outcome::kRefused;
      why = verdict.Summary();
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute("UPDATE portfolio_recommendations SET reasons = ?, "
                     "decision = ? "
                     "WHERE id = ?",
                     {EncodeReasons(verdict.reasons),
                      RiskDecisionName(verdict.decision), id})
              .status());
      return Leave(tx, id, RecommendationStatus::kRefused, now, why).status();
    }
    BOTCORE_ASSIGN_OR_RETURN(
        bool moved, Leave(tx, id, RecommendationStatus::kConfirmed, now,
                          verdict.Summary()));
    if (!moved) {
      outcome = Outcome::kAlready;
      return absl::OkStatus();
    }
    BOTCORE_ASSIGN_OR_RETURN(Trade t, book.Execute(verdict.order, now));
    BOTCORE_RETURN_IF_ERROR(portfolios.SaveIn(tx, owner, book, loaded, now));
    BOTCORE_RETURN_IF_ERROR(
        tx.Execute("UPDATE portfolio_recommendations SET trade_sequence = ?, "
                   "market_price = ?, order_quantity = ?, order_stop = ?, "
                   "order_target = ? "
                   "WHERE id = ?",
                   {t.sequence, market_price.ToString(), t.quantity,
                    Level(verdict.order.stop_loss),
                    Level(verdict.order.take_profit), id})
            .status());
    outcome = Outcome::kExecuted;
    trade = std::move(t);
    return absl::OkStatus();
  }));
  switch (outcome) {
    case Outcome::kExecuted:
      return *std::move(trade);
    case Outcome::kAlready:
      return absl::AlreadyExistsError(
          absl::StrCat("recommendation ", ToAbsl(id),
                       " was already confirmed (trade ", sequence, ")"));
    case Outcome::kNotPending:
      return absl::FailedPreconditionError(absl::StrCat(
          "recommendation ", ToAbsl(id), " is ",
          ToAbsl(RecommendationStatusName(seen)), ", not PENDING"));
    case Outcome::kExpired:
      return absl::FailedPreconditionError(
          absl::StrCat("recommendation ", ToAbsl(id), " has expired"));
    case Outcome::kRefused:
      return absl::FailedPreconditionError(absl::StrCat(
          "recommendation ", ToAbsl(id), " refused on confirmation: ", why));
  }
  return absl::InternalError("unreachable");
}

absl::Status RecommendationDesk::Reject(std::string_view owner,
                                        std::string_view id) {
  Portfolios& portfolios = *options_.portfolios;
  RecommendationStatus seen = RecommendationStatus::kPending;
  bool moved = false;
  BOTCORE_RETURN_IF_ERROR(
      portfolios.database().Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(std::optional<StoredRecommendation> found,
                                 Find(tx, id));
        if (!found || found->owner != owner) return NotFound(owner, id);
        seen = found->status;
        BOTCORE_ASSIGN_OR_RETURN(
            moved, Leave(tx, id, RecommendationStatus::kRejected,
                         portfolios.clock().Now(), "rejected by the user"));
        return absl::OkStatus();
      }));
  if (!moved) {
    return absl::FailedPreconditionError(
        absl::StrCat("recommendation ", ToAbsl(id), " is ",
                     ToAbsl(RecommendationStatusName(seen)), ", not PENDING"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> RecommendationDesk::ExpireDue() {
  Portfolios& portfolios = *options_.portfolios;
  int count = 0;
  BOTCORE_RETURN_IF_ERROR(portfolios.database().Transact([&](SqlTransaction& tx)
                                                             -> absl::Status {
    count = 0;
    const absl::Time now = portfolios.clock().Now();
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query(
            "SELECT id FROM portfolio_recommendations WHERE status = 'PENDING' "
            "AND expires_at <= ? ORDER BY id",
            {absl::ToUnixMicros(now)}));
    for (const SqlRow& row : rows) {
      BOTCORE_ASSIGN_OR_RETURN(std::string id, row.Text(0));
      BOTCORE_ASSIGN_OR_RETURN(
          bool moved,
          Leave(tx, id, RecommendationStatus::kExpired, now, "expired"));
      count += moved;
    }
    return absl::OkStatus();
  }));
  return count;
}

absl::StatusOr<StoredRecommendation> RecommendationDesk::Get(
    std::string_view id) {
  std::optional<StoredRecommendation> found;
  BOTCORE_RETURN_IF_ERROR(options_.portfolios->database().Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(found, Find(tx, id));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("no recommendation \"", ToAbsl(id), "\""));
  }
  return *std::move(found);
}

absl::StatusOr<std::vector<RecommendationTransition>>
RecommendationDesk::History(std::string_view id) {
  std::vector<RecommendationTransition> out;
  BOTCORE_RETURN_IF_ERROR(options_.portfolios->database().Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        out.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT status, time, note FROM "
                     "portfolio_recommendation_transitions "
                     "WHERE id = ? ORDER BY step",
                     {id}));
        for (const SqlRow& row : rows) {
          RecommendationTransition t;
          BOTCORE_ASSIGN_OR_RETURN(std::string status, row.Text(0));
          BOTCORE_ASSIGN_OR_RETURN(t.status, ParseStatus(status));
          BOTCORE_ASSIGN_OR_RETURN(int64_t micros, row.Int64(1));
          t.time = absl::FromUnixMicros(micros);
          BOTCORE_ASSIGN_OR_RETURN(t.note, row.Text(2));
          out.push_back(std::move(t));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return out;
}

absl::StatusOr<std::vector<StoredRecommendation>> RecommendationDesk::Pending(
    std::string_view owner) {
  std::vector<StoredRecommendation> out;
  Portfolios& portfolios = *options_.portfolios;
  BOTCORE_RETURN_IF_ERROR(portfolios.database().Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        out.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(absl::StrCat(
                         "SELECT ", ToAbsl(kColumns),
                         " FROM portfolio_recommendations WHERE owner = ? AND "
                         "status = 'PENDING' AND expires_at > ? ORDER BY "
                         "created_at, id"),
                     {owner, absl::ToUnixMicros(portfolios.clock().Now())}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(StoredRecommendation s, FromRow(row));
          out.push_back(std::move(s));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return out;
}

}  // namespace botcore
