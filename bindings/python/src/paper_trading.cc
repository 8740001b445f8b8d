// The persisted side of paper trading: botcore.Portfolios (one portfolio per
// owner in a botcore.Database), botcore.RecommendationDesk (propose, confirm
// exactly once, reject, expire) and botcore.ManualClock for tests. Database
// work runs without the GIL, so Python threads may confirm concurrently.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "botcore/core/clock.h"
#include "botcore/portfolio/portfolios.h"
#include "botcore/portfolio/recommendation_desk.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/database.h"
#include "botcore/risk/risk_engine.h"
#include "botcore/testing/manual_clock.h"
#include "gil.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// Owns what Portfolios borrows.
struct PortfoliosHandle {
  std::shared_ptr<Database> database;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<Portfolios> portfolios;
};

struct DeskHandle {
  std::shared_ptr<PortfoliosHandle> portfolios;
  std::unique_ptr<RecommendationDesk> desk;
};

}  // namespace

void BindPaperTrading(py::module_& m) {
  py::class_<testing::ManualClock, std::shared_ptr<testing::ManualClock>>(
      m, "ManualClock", "A clock that moves only when told to (tests).")
      .def(py::init<absl::Time>(), py::arg("start"))
      .def(
          "advance",
          [](testing::ManualClock& c, absl::Duration by) { c.Advance(by); },
          py::arg("by"), "Moves the clock forward by a timedelta.")
      .def("set", &testing::ManualClock::Set, py::arg("time"),
           "Sets the clock to `time`.")
      .def("now", &testing::ManualClock::Now, "The clock's time.");

  py::class_<BarPrices>(m, "BarPrices",
                        "Open, high, low and last of a bar, as money.")
      .def(py::init([](Amount open, Amount high, Amount low, Amount last) {
             return BarPrices{open, high, low, last};
           }),
           py::arg("open"), py::arg("high"), py::arg("low"), py::arg("last"))
      .def_readwrite("open", &BarPrices::open)
      .def_readwrite("high", &BarPrices::high)
      .def_readwrite("low", &BarPrices::low)
      .def_readwrite("last", &BarPrices::last);

  py::class_<PositionExit>(m, "PositionExit",
                           "A stop-loss or take-profit exit on_price executed, "
                           "and whose portfolio it was.")
      .def(py::init<>())
      .def_readonly("owner", &PositionExit::owner)
      .def_readonly("trade", &PositionExit::trade);

  py::class_<EquityRecord>(m, "EquityRecord",
                           "A portfolio's cash and equity at a time.")
      .def(py::init<>())
      .def_readonly("time", &EquityRecord::time)
      .def_readonly("cash", &EquityRecord::cash)
      .def_readonly("equity", &EquityRecord::equity);

  py::class_<PortfoliosHandle, std::shared_ptr<PortfoliosHandle>>(
      m, "Portfolios", "Paper portfolios per owner, persisted in a Database.")
      .def(py::init([](std::shared_ptr<Database> database,
                       const PortfolioBookOptions& options,
                       std::shared_ptr<testing::ManualClock> clock) {
             auto handle = std::make_shared<PortfoliosHandle>();
             handle->database = std::move(database);
             // The system clock unless a ManualClock is given (tests).
             if (clock) {
               handle->clock = std::move(clock);
             } else {
               handle->clock = std::make_shared<SystemClock>();
             }
             PortfoliosOptions o;
             o.database = handle->database.get();
             o.clock = handle->clock.get();
             o.book = options;
             handle->portfolios =
                 WithoutGil([&] { return Portfolios::Create(o); });
             return handle;
           }),
           py::arg("database"), py::arg("options") = PortfolioBookOptions{},
           py::arg("clock") = nullptr)
      .def(
          "open",
          [](PortfoliosHandle& h, const std::string& owner) {
            return WithoutGil([&] { return h.portfolios->Open(owner); });
          },
          py::arg("owner"),
          "The owner's portfolio (created on first use), as a Portfolio.")
      .def(
          "execute",
          [](PortfoliosHandle& h, const std::string& owner,
             const Order& order) {
            return WithoutGil(
                [&] { return h.portfolios->Execute(owner, order); });
          },
          py::arg("owner"), py::arg("order"),
          "Executes `order` on the owner's portfolio at the clock's time; "
          "returns the Trade.")
      .def(
          "on_price",
          [](PortfoliosHandle& h, const std::string& symbol,
             const BarPrices& prices) {
            return WithoutGil(
                [&] { return h.portfolios->OnPrice(symbol, prices); });
          },
          py::arg("symbol"), py::arg("prices"),
          "Marks every holder of `symbol` and closes positions whose stop-loss "
          "or "
          "take-profit was crossed; returns the exits.")
      .def(
          "reset_drawdown",
          [](PortfoliosHandle& h, const std::string& owner) {
            return WithoutGil(
                [&] { return h.portfolios->ResetDrawdown(owner); });
          },
          py::arg("owner"),
          "Lifts a drawdown halt: moves the owner's equity peak to the "
          "current equity and stores it (the user's or operator's decision); "
          "returns the Portfolio.")
      .def(
          "purge_equity_history",
          [](PortfoliosHandle& h, absl::Time before, int batch_size) {
            return WithoutGil([&] {
              return h.portfolios->PurgeEquityHistory(before, batch_size);
            });
          },
          py::arg("before"), py::arg("batch_size") = 1000,
          "Deletes every owner's equity points recorded before `before` "
          "(trades and portfolios stay); returns how many.")
      .def(
          "trades",
          [](PortfoliosHandle& h, const std::string& owner) {
            return WithoutGil([&] { return h.portfolios->Trades(owner); });
          },
          py::arg("owner"), "The owner's trades, oldest first.")
      .def(
          "equity_history",
          [](PortfoliosHandle& h, const std::string& owner) {
            return WithoutGil(
                [&] { return h.portfolios->EquityHistory(owner); });
          },
          py::arg("owner"),
          "The owner's recorded cash and equity, oldest first.")
      .def(
          "verify",
          [](PortfoliosHandle& h, const std::string& owner) {
            WithoutGil([&] { return h.portfolios->Verify(owner); });
          },
          py::arg("owner"),
          "Raises botcore.DataLoss when the stored state differs from the one "
          "replayed from the trade history.");

  py::enum_<RecommendationStatus>(m, "RecommendationStatus")
      .value("PENDING", RecommendationStatus::kPending)
      .value("CONFIRMED", RecommendationStatus::kConfirmed)
      .value("REJECTED", RecommendationStatus::kRejected)
      .value("EXPIRED", RecommendationStatus::kExpired)
      .value("REFUSED", RecommendationStatus::kRefused);

  py::class_<StoredRecommendation>(
      m, "StoredRecommendation",
      "A recommendation as the desk stores it: owner, status, verdict, times "
      "and the executing trade.")
      .def(py::init<>())
      .def_readonly("owner", &StoredRecommendation::owner)
      .def_readonly("recommendation", &StoredRecommendation::recommendation)
      .def_readonly("status", &StoredRecommendation::status)
      .def_readonly("market_price", &StoredRecommendation::market_price)
      .def_readonly("verdict", &StoredRecommendation::verdict)
      .def_readonly("created_at", &StoredRecommendation::created_at)
      .def_readonly("expires_at", &StoredRecommendation::expires_at)
      .def_readonly("decided_at", &StoredRecommendation::decided_at)
      .def_readonly("trade_sequence", &StoredRecommendation::trade_sequence);

  py::class_<RecommendationTransition>(
      m, "RecommendationTransition",
      "One stored status change of a recommendation, with its time and note.")
      .def(py::init<>())
      .def_readonly("status", &RecommendationTransition::status)
      .def_readonly("time", &RecommendationTransition::time)
      .def_readonly("note", &RecommendationTransition::note);

  py::class_<DeskHandle>(m, "RecommendationDesk",
                         "Propose -> confirm (exactly once) | reject | expire.")
      .def(py::init([](std::shared_ptr<PortfoliosHandle> portfolios,
                       const RiskEngine& risk, const RiskLimits& limits,
                       absl::Duration expiry) {
             auto handle = std::make_unique<DeskHandle>();
             handle->portfolios = std::move(portfolios);
             RecommendationDeskOptions o;
             o.portfolios = handle->portfolios->portfolios.get();
             o.risk = &risk;
             o.limits = limits;
             o.expiry = expiry;
             handle->desk =
                 WithoutGil([&] { return RecommendationDesk::Create(o); });
             return handle;
           }),
           py::arg("portfolios"), py::arg("risk"),
           py::arg("limits") = RiskLimits{},
           py::arg("expiry") = absl::Minutes(15), py::keep_alive<1, 3>())
      .def(
          "propose",
          [](DeskHandle& h, const std::string& owner, const Recommendation& r,
             const Amount& market_price) {
            return WithoutGil(
                [&] { return h.desk->Propose(owner, r, market_price); });
          },
          py::arg("owner"), py::arg("recommendation"), py::arg("market_price"),
          "Reviews `recommendation` at `market_price` and stores it PENDING "
          "(or REFUSED by the risk engine); returns the StoredRecommendation.")
      .def(
          "recommend",
          [](DeskHandle& h, const std::string& owner, Advisor& advisor,
             const std::string& symbol, const std::vector<Candle>& candles,
             const Amount& market_price) {
            return WithoutGil(
                [&]() -> absl::StatusOr<std::optional<StoredRecommendation>> {
                  Portfolios& portfolios = *h.portfolios->portfolios;
                  absl::StatusOr<PortfolioBook> book = portfolios.Open(owner);
                  if (!book.ok()) return book.status();
                  AdvisorContext context;
                  context.symbol = symbol;
                  context.now = portfolios.clock().Now();
                  context.candles = candles;
                  context.instrument = book->FindInstrument(symbol);
                  context.portfolio = &*book;
                  context.limits = &h.desk->LimitsFor(owner);
                  absl::StatusOr<std::optional<Recommendation>> advice =
                      advisor.Advise(context);
                  if (!advice.ok()) return advice.status();
                  if (!advice->has_value()) return std::nullopt;
                  absl::StatusOr<StoredRecommendation> stored =
                      h.desk->Propose(owner, **std::move(advice), market_price);
                  if (!stored.ok()) return stored.status();
                  return *std::move(stored);
                });
          },
          py::arg("owner"), py::arg("advisor"), py::arg("symbol"),
          py::arg("candles"), py::arg("market_price"),
          "Asks `advisor` about `symbol` (shown `candles`, the owner's "
          "portfolio and risk limits) and proposes what it recommends, as "
          "propose() does; None when it has nothing to say. Raises the "
          "advisor's error (a Python advisor's exception keeps its "
          "botcore.Error code).")
      .def(
          "confirm",
          [](DeskHandle& h, const std::string& owner, const std::string& id,
             const Amount& market_price) {
            return WithoutGil(
                [&] { return h.desk->Confirm(owner, id, market_price); });
          },
          py::arg("owner"), py::arg("id"), py::arg("market_price"),
          "Executes a pending recommendation once. Raises AlreadyExists on a "
          "repeat, "
          "FailedPrecondition when rejected, expired or refused, NotFound.")
      .def(
          "reject",
          [](DeskHandle& h, const std::string& owner, const std::string& id) {
            WithoutGil([&] { return h.desk->Reject(owner, id); });
          },
          py::arg("owner"), py::arg("id"),
          "PENDING -> REJECTED; raises FailedPrecondition when no longer "
          "pending, NotFound.")
      .def(
          "expire_due",
          [](DeskHandle& h) {
            return WithoutGil([&] { return h.desk->ExpireDue(); });
          },
          "Marks every pending recommendation past its expiry EXPIRED; returns "
          "how many.")
      .def(
          "get",
          [](DeskHandle& h, const std::string& id) {
            return WithoutGil([&] { return h.desk->Get(id); });
          },
          py::arg("id"),
          "The stored recommendation `id`; raises botcore.NotFound.")
      .def(
          "pending",
          [](DeskHandle& h, const std::string& owner) {
            return WithoutGil([&] { return h.desk->Pending(owner); });
          },
          py::arg("owner"),
          "The owner's pending recommendations, oldest first.")
      .def(
          "history",
          [](DeskHandle& h, const std::string& id) {
            return WithoutGil([&] { return h.desk->History(id); });
          },
          py::arg("id"),
          "Every status change of recommendation `id`, oldest first.");
}

}  // namespace botcore::python
