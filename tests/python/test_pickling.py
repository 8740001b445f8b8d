"""Value types survive pickle and copy.deepcopy, so that multiprocessing
parameter sweeps can send options and candles to worker processes."""

import copy
import datetime
import pickle

import botcore

UTC = datetime.timezone.utc
NOON = datetime.datetime(2024, 1, 15, 9, 0, tzinfo=UTC)


def round_trips(value):
    return [pickle.loads(pickle.dumps(value, protocol)) for protocol in (2, pickle.HIGHEST_PROTOCOL)] + \
        [copy.deepcopy(value), copy.copy(value)]


def test_amount_round_trips_with_its_scale():
    for a in (botcore.Amount("1.50", 2), botcore.Amount("-0.000000000000000001", 18),
              botcore.Amount("170141183460469231731687303715884105727", 0)):
        for r in round_trips(a):
            assert type(r) is botcore.Amount and r == a and r.scale == a.scale


def test_candle_round_trips():
    c = botcore.Candle(NOON, 1.0, 2.0, 0.5, 1.5, 1000.0)
    for r in round_trips(c):
        assert (r.time, r.open, r.high, r.low, r.close, r.volume) == \
            (NOON, 1.0, 2.0, 0.5, 1.5, 1000.0)


def test_backtest_options_round_trip_with_portfolio_and_limits():
    o = botcore.BacktestOptions()
    o.symbol = "SBER"
    o.portfolio.initial_cash = botcore.Amount("5000.00", 2)
    o.portfolio.commission_bps = botcore.Amount("7", 0)
    o.limits.max_trades_per_day = 3
    for r in round_trips(o):
        assert r.symbol == "SBER"
        assert r.portfolio.initial_cash == botcore.Amount("5000.00", 2)
        assert r.portfolio.commission_bps == 7
        assert r.limits.max_trades_per_day == 3
        assert [(i.symbol, i.lot_size, i.price_step) for i in r.portfolio.instruments] == \
            [(i.symbol, i.lot_size, i.price_step) for i in o.portfolio.instruments]
    candles = botcore.read_candles_csv(
        str(__import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "gazp_daily.csv"))[:300]
    o = botcore.BacktestOptions()
    o.symbol = "GAZP"
    copied = pickle.loads(pickle.dumps(o))
    want = botcore.Backtester(o).run(botcore.SmaCrossStrategy(), candles).report
    got = botcore.Backtester(copied).run(botcore.SmaCrossStrategy(), candles).report
    assert (got.final_equity, got.fills) == (want.final_equity, want.fills)


def test_records_round_trip():
    info = botcore.SecurityInfo(security="GAZP", lot_size=10, decimals=2,
                                price_step=botcore.Amount("0.01", 2))
    for r in round_trips(info):
        assert (r.security, r.lot_size, r.decimals, r.price_step) == ("GAZP", 10, 2, info.price_step)
    chat = botcore.Chat(id=42, type=botcore.ChatType.PRIVATE)
    for r in round_trips(chat):
        assert (r.id, r.type) == (42, botcore.ChatType.PRIVATE)
    instrument = botcore.Instrument("GAZP", lot_size=10, price_step="0.01")
    for r in round_trips(instrument):
        assert (r.symbol, r.lot_size, r.price_step) == ("GAZP", 10, botcore.Amount("0.01", 2))
