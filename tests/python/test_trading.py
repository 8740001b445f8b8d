"""Portfolios, the risk engine, the backtester and Python strategies."""

import datetime
import math
import os

import pytest

import botcore
from test_sma_cross_reference import DATA, reference_trades

UTC = datetime.timezone.utc
NOON = datetime.datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # 12:00 Moscow, Monday


def money(text):
    return botcore.Amount(text, 2)


def test_portfolio_fills_exact_money():
    book = botcore.Portfolio()
    trade = book.execute(
        botcore.Order("GAZP", botcore.Side.BUY, 100, money("144.40")), NOON)
    assert trade.commission == money("7.22")
    assert book.cash == money("85552.78")
    book.mark("GAZP", money("150.00"))
    assert book.equity == book.cash + book.market_value
    assert book.equity == book.initial_cash + book.realized_pnl + book.unrealized_pnl
    sell = book.execute(
        botcore.Order("GAZP", botcore.Side.SELL, 100, money("150.00")), NOON)
    assert sell.realized_pnl == money("545.28")
    assert book.round_trips[0].pnl == money("545.28")
    replayed = botcore.Portfolio.replay(botcore.PortfolioOptions(), book.trades)
    assert replayed.cash == book.cash


def test_portfolio_refuses_bad_orders():
    book = botcore.Portfolio()
    with pytest.raises(botcore.InvalidArgument, match="whole number of lots"):
        book.execute(botcore.Order("GAZP", botcore.Side.BUY, 15, money("100.00")), NOON)
    with pytest.raises(botcore.FailedPrecondition):
        book.execute(botcore.Order("GAZP", botcore.Side.SELL, 10, money("100.00")), NOON)
    with pytest.raises(botcore.NotFound):
        book.execute(botcore.Order("SBER", botcore.Side.BUY, 10, money("100.00")), NOON)


def test_risk_engine_adjusts_and_rejects():
    risk = botcore.RiskEngine()
    book = botcore.Portfolio()
    limits = botcore.RiskLimits()
    rec = botcore.Recommendation("GAZP", botcore.TradeAction.BUY, percent=95)
    verdict = risk.review(rec, book, money("100.00"), NOON, limits)
    assert verdict.decision == botcore.RiskDecision.ADJUSTED
    assert verdict.order.quantity == 290  # 300 would cost 30015.00 > 30 %
    assert verdict.order.stop_loss == money("99.20")
    assert [r.code for r in verdict.reasons] == ["levels_filled", "max_position"]
    wrong = botcore.Recommendation("GAZP", botcore.TradeAction.BUY, quantity=10,
                                   stop_loss=money("101.00"))
    verdict = risk.review(wrong, book, money("100.00"), NOON, limits)
    assert not verdict.allowed
    assert verdict.reasons[0].code == "stop_wrong_side"
    saturday = NOON + datetime.timedelta(days=5)
    verdict = risk.review(rec, book, money("100.00"), saturday, limits)
    assert verdict.reasons[-1].code == "market_closed"
    holiday = botcore.RiskEngine(holidays=["2024-01-15"])
    assert holiday.review(rec, book, money("100.00"), NOON, limits).reasons[-1].code == \
        "market_closed"
    with pytest.raises(botcore.InvalidArgument):
        botcore.RiskEngine(holidays=["15.01.2024"])


@pytest.mark.skipif(not os.path.exists(DATA), reason="shared data not present")
def test_backtester_matches_the_independent_reference():
    import csv

    candles = botcore.read_candles_csv(DATA)
    result = botcore.Backtester().run(botcore.SmaCrossStrategy(), candles)
    with open(DATA, newline="") as f:
        expected = reference_trades(list(csv.DictReader(f)))
    assert len(result.round_trips) == len(expected)
    for trip, want in zip(result.round_trips, expected):
        assert str(trip.entry_price) == str(want[1])
        assert str(trip.exit_price) == str(want[3])
        assert trip.quantity == want[4]
        assert trip.pnl.to_decimal() == want[5]
    assert len(result.equity_curve) == len(candles)
    assert result.report.bars == len(candles)


class PySmaCross(botcore.Strategy):
    """The reference strategy written in Python, through the trampoline."""

    def __init__(self, fast=10, slow=30):
        super().__init__()
        self.fast, self.slow = fast, slow
        self.reset()

    def name(self):
        return "py_sma_cross"

    def reset(self):
        self.closes = []
        self.last_diff = 0.0

    def on_bar(self, bar):
        self.closes.append(bar.close)
        if len(self.closes) < self.slow:
            return None
        diff = (math.fsum(self.closes[-self.fast:]) / self.fast
                - math.fsum(self.closes[-self.slow:]) / self.slow)
        if diff == 0:
            return None
        before, self.last_diff = self.last_diff, diff
        if before < 0 < diff:
            return botcore.Signal("GAZP", "1d", bar.time, botcore.Side.BUY, bar.close,
                                  math.nan, math.nan)
        if before > 0 > diff:
            return botcore.Signal("GAZP", "1d", bar.time, botcore.Side.SELL, bar.close,
                                  math.nan, math.nan)
        return None


@pytest.mark.skipif(not os.path.exists(DATA), reason="shared data not present")
def test_python_strategy_gives_the_same_trades_as_the_cpp_one(tmp_path):
    candles = botcore.read_candles_csv(DATA)
    calls = []
    options = botcore.BacktestOptions()
    options.progress = lambda done, total: calls.append((done, total))
    options.progress_every = 1000
    backtester = botcore.Backtester(options)
    cpp = backtester.run(botcore.SmaCrossStrategy(), candles)
    py = backtester.run(PySmaCross(), candles)
    assert [(t.entry_time, t.exit_time, t.quantity, t.pnl) for t in py.round_trips] == \
        [(t.entry_time, t.exit_time, t.quantity, t.pnl) for t in cpp.round_trips]
    assert py.report.final_equity == cpp.report.final_equity
    assert calls[-1] == (len(candles), len(candles))
    path = tmp_path / "trades.csv"
    py.write_trades_csv(str(path))
    assert path.read_text().splitlines()[0].startswith(
        "entry_time,entry_price,exit_time,exit_price,quantity,pnl")


class Exploding(botcore.Strategy):
    def name(self):
        return "exploding"

    def on_bar(self, bar):
        raise RuntimeError("boom")


def test_python_strategy_errors_keep_their_type_and_message():
    candles = [botcore.Candle(NOON, 100, 101, 99, 100)]
    # A bug in the strategy is Internal; the message names the bar, the
    # method, the exception type and its message.
    with pytest.raises(botcore.Internal,
                       match=r"bar 0 .*Strategy.on_bar raised RuntimeError: boom"):
        botcore.Backtester().run(Exploding(), candles)

    class Refusing(Exploding):
        def on_bar(self, bar):
            raise botcore.FailedPrecondition("market closed")

    with pytest.raises(botcore.FailedPrecondition, match="market closed"):
        botcore.Backtester().run(Refusing(), candles)


def test_sma_cross_from_python():
    s = botcore.SmaCrossStrategy(fast=2, slow=3)
    t = NOON
    for close in (3, 2, 1):
        assert s.on_bar(botcore.Candle(t, close, close, close, close)) is None
        t += datetime.timedelta(days=1)
    signal = s.on_bar(botcore.Candle(t, 9, 9, 9, 9))
    assert signal.side == botcore.Side.BUY
    assert signal.time == t
    with pytest.raises(botcore.InvalidArgument):
        s.on_bar(botcore.Candle(t, 9, 9, 9, 9))
    with pytest.raises(botcore.InvalidArgument):
        botcore.SmaCrossStrategy(fast=30, slow=10)
