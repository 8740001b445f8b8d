"""botcore.SignalJournal from Python: record, resolve, stats."""

import datetime as dt
import math

import pytest

import botcore

UTC = dt.timezone.utc


def day(d):
    return dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(days=d)


def bar(d, o, h, l, c):
    return botcore.Candle(day(d), o, h, l, c, 1000)


def signal(d, side, entry, stop, target, **kw):
    return botcore.Signal("TEST", "1d", day(d), side, entry, target, stop,
                          confidence=70, reasons=["MACD crossed"], **kw)


@pytest.fixture
def journal():
    db = botcore.Database("sqlite::memory:")
    return botcore.SignalJournal(db, expiry_bars=3)


def test_record_resolve_stats(journal):
    buy, sell = botcore.Side.BUY, botcore.Side.SELL
    assert journal.record(signal(1, buy, 100, 98, 104)) is True
    assert journal.record(signal(1, buy, 100, 98, 104)) is False  # idempotent
    journal.record(signal(3, sell, 104, 104.8, 100))  # its bar touches both: stop
    journal.record(signal(4, buy, 97, 95, 101))       # expires after 3 bars
    candles = [bar(1, 100, 101, 99, 100), bar(2, 100, 104.5, 99.5, 104),
               bar(3, 104, 105, 96, 97), bar(4, 97, 98, 96.5, 97.5),
               bar(5, 97.5, 98, 97, 97.8), bar(6, 97.8, 98.2, 97.2, 98)]
    resolved = journal.resolve("TEST", "1d", candles)
    assert [e.outcome for e in resolved] == [
        botcore.SignalOutcome.TAKE_PROFIT, botcore.SignalOutcome.STOP_LOSS,
        botcore.SignalOutcome.EXPIRED]
    assert resolved[0].r_multiple == 2
    assert resolved[0].resolved_at == day(2)
    assert resolved[1].exit_price == 104.8
    assert resolved[2].r_multiple == 0.5
    assert journal.resolve("TEST", "1d", candles) == []

    st = journal.stats("TEST", "1d")
    assert (st.recorded, st.resolved, st.wins, st.losses) == (3, 3, 2, 1)
    assert st.win_rate == pytest.approx(2 / 3)
    assert st.average_r == pytest.approx((2 - 1 + 0.5) / 3)
    assert st.profit_factor == 2.5
    assert st.longest_losing_streak == 1
    assert repr(st).startswith("SignalStats(TEST 1d recorded=3 resolved=3")
    assert repr(resolved[0]).endswith("take_profit bars=2 r=2)")
    [all_stats] = journal.all_stats()
    assert all_stats.symbol == "TEST"
    entries = journal.entries("TEST", "1d")
    assert entries[0].signal.reasons == ["MACD crossed"]
    assert entries[0].signal.id == signal(1, buy, 100, 98, 104).effective_id


def test_errors_carry_codes(journal):
    with pytest.raises(botcore.InvalidArgument, match="stop_loss 101"):
        journal.record(signal(1, botcore.Side.BUY, 100, 101, 104))
    journal.record(signal(1, botcore.Side.BUY, 100, 98, 104, id="x"))
    with pytest.raises(botcore.AlreadyExists):
        journal.record(signal(1, botcore.Side.BUY, 100, 98, 105, id="x"))
    with pytest.raises(botcore.InvalidArgument, match="not after"):
        journal.resolve("TEST", "1d", [bar(2, 1, 2, 0.5, 1), bar(1, 1, 2, 0.5, 1)])
    with pytest.raises(botcore.InvalidArgument):
        botcore.SignalJournal(botcore.Database("sqlite::memory:"), expiry_bars=0)


def test_naive_datetimes_are_refused_and_empty_stats_are_nan(journal):
    with pytest.raises(TypeError, match="naive"):
        botcore.Candle(dt.datetime(2024, 1, 2), 1, 2, 0.5, 1)
    moscow = dt.timezone(dt.timedelta(hours=3))
    candle = botcore.Candle(dt.datetime(2024, 1, 2, 3, tzinfo=moscow), 1, 2, 0.5, 1)
    assert candle.time == dt.datetime(2024, 1, 2, tzinfo=UTC)
    assert candle.time.tzinfo == UTC
    st = journal.stats("NONE", "1h")
    assert st.recorded == 0
    assert math.isnan(st.win_rate)
