#include "botcore/backtest/backtester.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace botcore {
namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                             1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                             1e14, 1e15, 1e16, 1e17, 1e18};

double ToDouble(const Amount& a) {
  return static_cast<double>(a.units()) / kPow10[a.scale()];
}

// Mean and variance of a stream of returns, and the downside square sum,
// without storing them (Welford).
class ReturnStats {
 public:
  void Add(double r) {
    ++n_;
    const double delta = r - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (r - mean_);
    if (r < 0) downside_ += r * r;
  }
  double Sharpe(double periods) const {
    if (n_ < 2 || m2_ <= 0) return 0;
    return mean_ / std::sqrt(m2_ / static_cast<double>(n_ - 1)) *
           std::sqrt(periods);
  }
  double Sortino(double periods) const {
    if (n_ < 1 || downside_ <= 0) return 0;
    return mean_ / std::sqrt(downside_ / static_cast<double>(n_)) *
           std::sqrt(periods);
  }

 private:
  int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double downside_ = 0;
};

std::string BarError(size_t index, const Candle& bar, const absl::Status& s) {
  return absl::StrCat("bar ", index, " (", FormatIsoTime(bar.time),
                      "): ", s.message());
}

}  // namespace

Backtester::Backtester(BacktestOptions options,
                       std::unique_ptr<RiskEngine> risk)
    : options_(std::move(options)), risk_(std::move(risk)) {}

absl::StatusOr<std::unique_ptr<Backtester>> Backtester::Create(
    const BacktestOptions& options) {
  absl::StatusOr<PortfolioBook> book = PortfolioBook::Create(options.portfolio);
  if (!book.ok()) return book.status();
  if (book->FindInstrument(options.symbol) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("backtest symbol \"", options.symbol,
                     "\" is not among the instruments"));
  }
  if (options.progress_every < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("progress_every ", options.progress_every, " is below 1"));
  }
  absl::StatusOr<std::unique_ptr<RiskEngine>> risk =
      RiskEngine::Create(options.risk);
  if (!risk.ok()) return risk.status();
  return std::unique_ptr<Backtester>(new Backtester(options, *std::move(risk)));
}

absl::StatusOr<BacktestResult> Backtester::Run(
    Strategy& strategy, absl::Span<const Candle> bars,
    const StrategyAdvisorOptions& advisor_options) const {
  strategy.Reset();
  absl::StatusOr<std::unique_ptr<StrategyAdvisor>> advisor =
      StrategyAdvisor::Create(&strategy, advisor_options);
  if (!advisor.ok()) return advisor.status();
  return Run(**advisor, bars);
}

absl::StatusOr<BacktestResult> Backtester::Run(
    Advisor& advisor, absl::Span<const Candle> bars) const {
  absl::StatusOr<PortfolioBook> created =
      PortfolioBook::Create(options_.portfolio);
  if (!created.ok()) return created.status();
  PortfolioBook& book = *created;
  const std::string& symbol = options_.symbol;
  const Instrument& instrument = *book.FindInstrument(symbol);
  const int money_scale = book.money_scale();
  absl::int128 to_money = 1;
  for (int s = instrument.price_step.scale(); s < money_scale; ++s)
    to_money *= 10;

  // A candle price as money on the step; no allocation on success.
  auto money = [&](double price) -> absl::StatusOr<Amount> {
    absl::StatusOr<Amount> p =
        PriceOnStep(instrument, price, options_.price_rounding);
    if (!p.ok()) return p.status();
    return Amount::FromUnits(p->units() * to_money, money_scale);
  };

  BacktestResult result;
  result.equity_curve.reserve(bars.size());
  ReturnStats returns;
  const double initial = ToDouble(book.initial_cash());
  double previous_equity = initial;
  double peak = initial;
  double max_drawdown = 0;
  int64_t bars_in_market = 0;
  std::optional<Recommendation> pending;
  int64_t recommendation_count = 0;

  AdvisorContext context;
  context.symbol = symbol;
  context.instrument = &instrument;
  context.portfolio = &book;
  context.limits = &options_.limits;

  const int64_t total = static_cast<int64_t>(bars.size());
  for (size_t i = 0; i < bars.size(); ++i) {
    const Candle& bar = bars[i];
    if (pending) {
      absl::StatusOr<Amount> open = money(bar.open);
      if (!open.ok())
        return absl::InvalidArgumentError(BarError(i, bar, open.status()));
      RiskVerdict verdict =
          risk_->Review(*pending, book, *open, bar.time, options_.limits);
      if (verdict.allowed()) {
        absl::StatusOr<Trade> trade = book.Execute(verdict.order, bar.time);
        if (!trade.ok()) {
          return absl::InternalError(BarError(i, bar, trade.status()));
        }
      } else {
        result.refusals.push_back(
            BacktestRefusal{bar.time, std::move(verdict)});
      }
      pending.reset();
    }
    if (const Position* p = book.FindPosition(symbol);
        p != nullptr && (p->stop_loss || p->take_profit)) {
      absl::StatusOr<Amount> open = money(bar.open);
      absl::StatusOr<Amount> high = money(bar.high);
      absl::StatusOr<Amount> low = money(bar.low);
      for (const auto* price : {&open, &high, &low}) {
        if (!price->ok()) {
          return absl::InvalidArgumentError(BarError(i, bar, price->status()));
        }
      }
      if (std::optional<Order> exit =
              book.CrossedExit(symbol, *open, *high, *low)) {
        absl::StatusOr<Trade> trade = book.Execute(*exit, bar.time);
        if (!trade.ok())
          return absl::InternalError(BarError(i, bar, trade.status()));
      }
    }
    absl::StatusOr<Amount> close = money(bar.close);
    if (!close.ok())
      return absl::InvalidArgumentError(BarError(i, bar, close.status()));
    if (absl::Status s = book.Mark(symbol, *close); !s.ok()) {
      return absl::InvalidArgumentError(BarError(i, bar, s));
    }
    const Amount equity = book.Equity();
    result.equity_curve.push_back(EquityPoint{bar.time, equity});
    const double e = ToDouble(equity);
    returns.Add(previous_equity != 0 ? e / previous_equity - 1 : 0);
    previous_equity = e;
    if (e > peak) peak = e;
    if (peak > 0) max_drawdown = std::max(max_drawdown, 1 - e / peak);
    if (book.FindPosition(symbol) != nullptr) ++bars_in_market;

    context.now = bar.time;
    context.candles = bars.subspan(0, i + 1);
    absl::StatusOr<std::optional<Recommendation>> advice =
        advisor.Advise(context);
    if (!advice.ok())
      return absl::Status(advice.status().code(),
                          BarError(i, bar, advice.status()));
    if (*advice && (*advice)->action != TradeAction::kHold) {
      pending = **std::move(advice);
      pending->id = absl::StrCat("backtest-", ++recommendation_count);
    }
    if (options_.progress &&
        ((static_cast<int64_t>(i) + 1) % options_.progress_every == 0)) {
      options_.progress(static_cast<int64_t>(i) + 1, total);
    }
  }
  if (options_.progress && total % options_.progress_every != 0) {
    options_.progress(total, total);
  }

  BacktestReport& r = result.report;
  r.bars = total;
  r.initial_equity = book.initial_cash();
  r.final_equity = book.Equity();
  const double final_equity = ToDouble(r.final_equity);
  if (bars.size() >= 2) {
    r.years = absl::ToDoubleHours(bars.back().time - bars.front().time) /
              (24 * 365.25);
  }
  r.total_return = initial != 0 ? final_equity / initial - 1 : 0;
  r.cagr = r.years > 0 && initial > 0 && final_equity > 0
               ? std::pow(final_equity / initial, 1 / r.years) - 1
               : 0;
  r.max_drawdown = max_drawdown;
  double periods = options_.periods_per_year;
  if (periods <= 0) periods = r.years > 0 ? (total - 1) / r.years : 252;
  r.sharpe = returns.Sharpe(periods);
  r.sortino = returns.Sortino(periods);
  r.calmar = max_drawdown > 0 ? r.cagr / max_drawdown : 0;
  result.trades = book.trades();
  result.round_trips = book.round_trips();
  r.fills = static_cast<int64_t>(result.trades.size());
  r.round_trips = static_cast<int64_t>(result.round_trips.size());
  r.refused = static_cast<int64_t>(result.refusals.size());
  absl::int128 pnl_sum = 0;
  double gross_profit = 0;
  double gross_loss = 0;
  int64_t wins = 0;
  for (const RoundTrip& t : result.round_trips) {
    pnl_sum += t.pnl.units();
    const double pnl = ToDouble(t.pnl);
    if (pnl > 0) {
      ++wins;
      gross_profit += pnl;
    } else {
      gross_loss -= pnl;
    }
  }
  r.win_rate =
      r.round_trips > 0 ? static_cast<double>(wins) / r.round_trips : 0;
  r.profit_factor = gross_loss > 0     ? gross_profit / gross_loss
                    : gross_profit > 0 ? std::numeric_limits<double>::infinity()
                                       : 0;
  const Amount pnl_total = *Amount::FromUnits(pnl_sum, money_scale);
  r.expectancy = r.round_trips > 0 ? *pnl_total.DivideBy(
                                         r.round_trips, RoundingMode::kHalfEven)
                                   : Amount::Zero(money_scale);
  r.realized_pnl = book.realized_pnl();
  r.commission = book.commission_paid();
  r.time_in_market =
      total > 0 ? static_cast<double>(bars_in_market) / total : 0;
  const Position* open = book.FindPosition(symbol);
  r.open_quantity = open == nullptr ? 0 : open->quantity;
  return result;
}

absl::Status WriteTradesCsv(const std::string& path,
                            absl::Span<const RoundTrip> trips) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  out << "entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission,"
         "exit_reason\n";
  for (const RoundTrip& t : trips) {
    out << FormatIsoTime(t.entry_time) << ',' << t.entry_price.ToString() << ','
        << FormatIsoTime(t.exit_time) << ',' << t.exit_price.ToString() << ','
        << t.quantity << ',' << t.pnl.ToString() << ','
        << t.commission.ToString() << ',' << TradeReasonName(t.exit_reason)
        << '\n';
  }
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status WriteEquityCsv(const std::string& path,
                            absl::Span<const EquityPoint> curve,
                            const Amount& initial_equity) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  out << "time,equity,drawdown\n";
  double peak = ToDouble(initial_equity);
  for (const EquityPoint& p : curve) {
    const double e = ToDouble(p.equity);
    peak = std::max(peak, e);
    out << FormatIsoTime(p.time) << ',' << p.equity.ToString() << ','
        << absl::StrFormat("%.6f", peak > 0 ? 1 - e / peak : 0) << '\n';
  }
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

std::string FormatBacktestReport(const BacktestReport& r) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    absl::StrAppend(&out,
                    absl::StrFormat("%-16s %s\n", std::string(name), value));
  };
  auto pct = [](double f) { return absl::StrFormat("%.2f %%", f * 100); };
  line("bars", absl::StrCat(r.bars));
  line("years", absl::StrFormat("%.2f", r.years));
  line("initial equity", r.initial_equity.ToString());
  line("final equity", r.final_equity.ToString());
  line("total return", pct(r.total_return));
  line("CAGR", pct(r.cagr));
  line("max drawdown", pct(r.max_drawdown));
  line("Sharpe", absl::StrFormat("%.3f", r.sharpe));
  line("Sortino", absl::StrFormat("%.3f", r.sortino));
  line("Calmar", absl::StrFormat("%.3f", r.calmar));
  line("round trips", absl::StrCat(r.round_trips));
  line("fills", absl::StrCat(r.fills));
  line("refused", absl::StrCat(r.refused));
  line("win rate", pct(r.win_rate));
  line("profit factor", absl::StrFormat("%.3f", r.profit_factor));
  line("expectancy", r.expectancy.ToString());
  line("realized P&L", r.realized_pnl.ToString());
  line("commission", r.commission.ToString());
  line("time in market", pct(r.time_in_market));
  line("open quantity", absl::StrCat(r.open_quantity));
  return out;
}

}  // namespace botcore
