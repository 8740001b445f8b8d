"""botcore.DefaultStrategy and the chart patterns from Python, feeding the
signal journal."""

import numpy as np
import pytest

import botcore
from shared_dir import SHARED_DIR



def gazp():
    return botcore.read_candles_csv(str(SHARED_DIR / "data" / "gazp_daily.csv"))


def run(strategy, bars):
    return [s for s in (strategy.on_bar(b) for b in bars) if s is not None]


def test_strategy_signals_are_deterministic_and_journaled():
    options = botcore.DefaultStrategyOptions()
    options.symbol = "GAZP"
    strategy = botcore.DefaultStrategy(options)
    assert strategy.name() == "default"
    bars = gazp()
    signals = run(strategy, bars)
    assert signals
    assert all(60 <= s.confidence <= 100 for s in signals)
    assert all(s.reasons[0].startswith("MACD") for s in signals)
    strategy.reset()
    again = run(strategy, bars)
    assert [(s.id, s.entry, s.stop_loss, s.take_profit) for s in again] == [
        (s.id, s.entry, s.stop_loss, s.take_profit) for s in signals]

    journal = botcore.SignalJournal(botcore.Database("sqlite::memory:"))
    assert all(journal.record(s) for s in signals)
    assert not any(journal.record(s) for s in signals)  # replay: nothing new
    journal.resolve("GAZP", "1d", bars)
    st = journal.stats("GAZP", "1d")
    assert st.recorded == len(signals)
    assert st.resolved + st.open == st.recorded
    assert st.take_profits + st.stop_losses + st.expired == st.resolved
    assert 0 <= st.win_rate <= 1


def test_strategy_rejects_bad_bars_and_options():
    options = botcore.DefaultStrategyOptions()
    with pytest.raises(botcore.InvalidArgument, match="symbol"):
        botcore.DefaultStrategy(options)
    options.symbol = "GAZP"
    options.timeframe = "2d"
    with pytest.raises(botcore.InvalidArgument, match='"2d"'):
        botcore.DefaultStrategy(options)
    options.timeframe = "1d"
    strategy = botcore.DefaultStrategy(options)
    bars = gazp()
    strategy.on_bar(bars[1])
    with pytest.raises(botcore.InvalidArgument, match="not after"):
        strategy.on_bar(bars[0])


def test_chart_patterns_on_a_constructed_double_top():
    # 100 up to 120, down to 108, up to 119, down to 100: one unit per bar.
    path = np.concatenate([np.arange(100, 121), np.arange(119, 107, -1),
                           np.arange(109, 120), np.arange(118, 99, -1)]).astype(float)
    swings = botcore.find_swing_points(path, path, 5.0)
    assert [p.kind for p in swings] == [botcore.SwingPoint.Kind.LOW,
                                        botcore.SwingPoint.Kind.HIGH,
                                        botcore.SwingPoint.Kind.LOW,
                                        botcore.SwingPoint.Kind.HIGH]
    found = [p for p in botcore.find_chart_patterns(path, path, path)
             if p.kind == botcore.ChartPatternKind.DOUBLE_TOP]
    assert len(found) == 1
    top = found[0]
    assert [p.price for p in top.points] == [120.0, 108.0, 119.0]
    assert [p.index for p in top.points] == [20, 32, 43]
    assert not top.bullish
    assert top.neckline.at(0) == 108
    assert top.breakout_index is not None
    assert path[top.breakout_index] < 108
    assert top.height == 12
    assert top.target == 96
    strict = botcore.ChartPatternOptions()
    strict.peak_tolerance_percent = 0.5
    assert not [p for p in botcore.find_chart_patterns(path, path, path, strict)
                if p.kind == botcore.ChartPatternKind.DOUBLE_TOP]
    with pytest.raises(botcore.InvalidArgument, match="threshold_percent"):
        botcore.find_swing_points(path, path, 0)
