#include "botcore/runtime/replay_market_data.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "botcore/core/amount.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

class ReplayMarketData final : public MarketData {
 public:
  ReplayMarketData(ReplayMarketDataOptions options, Amount step)
      : options_(std::move(options)), step_(step) {}

  absl::StatusOr<std::vector<Candle>> GetCandles(
      const CandleQuery& query) override {
    BOTCORE_RETURN_IF_ERROR(Check(query.security, query.board));
    if (query.interval != CandleInterval::kDay) {
      return absl::InvalidArgumentError(
          absl::StrCat("replayed market data has daily candles only, not ",
                       internal::ToAbsl(CandleIntervalName(query.interval))));
    }
    if (query.from > query.till) {
      return absl::InvalidArgumentError("candle query: from is after till");
    }
    std::vector<Candle> out;
    for (const Candle& c : options_.candles) {
      if (c.time >= query.from && c.time <= query.till) out.push_back(c);
    }
    return out;
  }

  absl::StatusOr<SecurityInfo> GetSecurityInfo(
      std::string_view security, std::string_view board) override {
    BOTCORE_RETURN_IF_ERROR(Check(security, board));
    SecurityInfo info;
    info.security = options_.symbol;
    info.board = options_.board;
    info.short_name = options_.symbol;
    info.currency = "SUR";
    info.lot_size = options_.lot_size;
    info.decimals = options_.decimals;
    info.price_step = step_;
    return info;
  }

  absl::StatusOr<LastPrice> GetLastPrice(std::string_view security,
                                         std::string_view board) override {
    BOTCORE_RETURN_IF_ERROR(Check(security, board));
    const Candle& last = options_.candles.back();
    BOTCORE_ASSIGN_OR_RETURN(
        Amount price,
        Amount::Parse(absl::StrFormat("%.*f", options_.decimals, last.close),
                      options_.decimals));
    return LastPrice{options_.symbol, options_.board, price, last.time};
  }

 private:
  absl::Status Check(std::string_view security, std::string_view board) const {
    if (security != options_.symbol || board != options_.board) {
      return absl::NotFoundError(
          absl::StrCat("no replayed data for ", internal::ToAbsl(security),
                       " on board ", internal::ToAbsl(board)));
    }
    return absl::OkStatus();
  }

  const ReplayMarketDataOptions options_;
  const Amount step_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MarketData>> NewReplayMarketData(
    ReplayMarketDataOptions options) {
  if (options.symbol.empty() || options.candles.empty()) {
    return absl::InvalidArgumentError(
        "replayed market data needs a symbol and at least one candle");
  }
  BOTCORE_ASSIGN_OR_RETURN(Amount step,
                           Amount::Parse(options.price_step, options.decimals));
  const absl::Time today = absl::FromCivil(
      absl::ToCivilDay(options.now, absl::UTCTimeZone()), absl::UTCTimeZone());
  const absl::Duration shift = today - options.candles.back().time;
  for (Candle& c : options.candles) c.time += shift;
  return std::make_unique<ReplayMarketData>(std::move(options), step);
}

}  // namespace botcore
