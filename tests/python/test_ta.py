"""botcore.ta: TA-Lib's Python API over botcore's indicators, checked against
TA-Lib 0.6.4's output on GAZP (../shared/golden/talib-gazp)."""

import csv
import math

import numpy as np
import pytest

import botcore
import botcore.ta as talib
from shared_dir import SHARED_DIR

GOLDEN = SHARED_DIR / "golden" / "talib-gazp"


def load_ohlcv(name):
    with open(SHARED_DIR / "data" / name) as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows]) for k in
            ("open", "high", "low", "close", "volume")}


def load_golden(name):
    with open(GOLDEN / name) as f:
        rows = list(csv.reader(f))
    return [np.array([float(r[c]) for r in rows[1:]])
            for c in range(1, len(rows[0]))]


def same_bits(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    nan = np.isnan(a)
    return (a.shape == b.shape and np.array_equal(nan, np.isnan(b))
            and np.array_equal(a[~nan].view(np.int64), b[~nan].view(np.int64)))


@pytest.fixture(scope="module")
def gazp():
    return load_ohlcv("gazp_daily.csv")


def outputs(result):
    return list(result) if isinstance(result, tuple) else [result]


# (golden file, call) for every TA-Lib indicator file.
CASES = [
    ("SMA_30.csv", lambda d: talib.SMA(d["close"])),
    ("SMA_20.csv", lambda d: talib.SMA(d["close"], timeperiod=20)),
    ("EMA_30.csv", lambda d: talib.EMA(d["close"])),
    ("EMA_20.csv", lambda d: talib.EMA(d["close"], timeperiod=20)),
    ("WMA_30.csv", lambda d: talib.WMA(d["close"])),
    ("WMA_10.csv", lambda d: talib.WMA(d["close"], timeperiod=10)),
    ("DEMA_30.csv", lambda d: talib.DEMA(d["close"])),
    ("DEMA_10.csv", lambda d: talib.DEMA(d["close"], timeperiod=10)),
    ("TEMA_30.csv", lambda d: talib.TEMA(d["close"])),
    ("TEMA_10.csv", lambda d: talib.TEMA(d["close"], timeperiod=10)),
    ("KAMA_30.csv", lambda d: talib.KAMA(d["close"])),
    ("KAMA_10.csv", lambda d: talib.KAMA(d["close"], timeperiod=10)),
    ("BBANDS_5_2_2_matype0.csv", lambda d: talib.BBANDS(d["close"])),
    ("BBANDS_20_2_2_matype0.csv",
     lambda d: talib.BBANDS(d["close"], timeperiod=20, nbdevup=2, nbdevdn=2,
                            matype=0)),
    ("BBANDS_20_2_2_matype1.csv",
     lambda d: talib.BBANDS(d["close"], timeperiod=20,
                            matype=talib.MA_Type.EMA)),
    ("SAR_0.02_0.2.csv", lambda d: talib.SAR(d["high"], d["low"])),
    ("SAR_0.01_0.1.csv",
     lambda d: talib.SAR(d["high"], d["low"], acceleration=0.01,
                         maximum=0.1)),
    ("RSI_14.csv", lambda d: talib.RSI(d["close"])),
    ("RSI_7.csv", lambda d: talib.RSI(d["close"], timeperiod=7)),
    ("MACD_12_26_9.csv", lambda d: talib.MACD(d["close"])),
    ("MACD_5_35_5.csv",
     lambda d: talib.MACD(d["close"], fastperiod=5, slowperiod=35,
                          signalperiod=5)),
    ("MACDFIX_9.csv", lambda d: talib.MACDFIX(d["close"], signalperiod=9)),
    ("STOCH_5_3_0_3_0.csv",
     lambda d: talib.STOCH(d["high"], d["low"], d["close"])),
    ("STOCH_14_3_0_3_0.csv",
     lambda d: talib.STOCH(d["high"], d["low"], d["close"], fastk_period=14)),
    ("STOCH_14_3_1_3_1.csv",
     lambda d: talib.STOCH(d["high"], d["low"], d["close"], fastk_period=14,
                           slowk_period=3, slowk_matype=1, slowd_period=3,
                           slowd_matype=1)),
    ("STOCHRSI_14_5_3_0.csv", lambda d: talib.STOCHRSI(d["close"])),
    ("STOCHRSI_14_14_3_0.csv",
     lambda d: talib.STOCHRSI(d["close"], timeperiod=14, fastk_period=14,
                              fastd_period=3, fastd_matype=0)),
    ("CCI_14.csv", lambda d: talib.CCI(d["high"], d["low"], d["close"])),
    ("CCI_20.csv",
     lambda d: talib.CCI(d["high"], d["low"], d["close"], timeperiod=20)),
    ("MFI_14.csv",
     lambda d: talib.MFI(d["high"], d["low"], d["close"], d["volume"])),
    ("MFI_7.csv",
     lambda d: talib.MFI(d["high"], d["low"], d["close"], d["volume"],
                         timeperiod=7)),
    ("WILLR_14.csv", lambda d: talib.WILLR(d["high"], d["low"], d["close"])),
    ("WILLR_10.csv",
     lambda d: talib.WILLR(d["high"], d["low"], d["close"], timeperiod=10)),
    ("ROC_10.csv", lambda d: talib.ROC(d["close"])),
    ("ROC_20.csv", lambda d: talib.ROC(d["close"], timeperiod=20)),
    ("MOM_10.csv", lambda d: talib.MOM(d["close"])),
    ("MOM_20.csv", lambda d: talib.MOM(d["close"], timeperiod=20)),
    ("AROON_14.csv", lambda d: talib.AROON(d["high"], d["low"])),
    ("AROON_25.csv", lambda d: talib.AROON(d["high"], d["low"], timeperiod=25)),
    ("TRIX_30.csv", lambda d: talib.TRIX(d["close"])),
    ("TRIX_15.csv", lambda d: talib.TRIX(d["close"], timeperiod=15)),
    ("ULTOSC_7_14_28.csv",
     lambda d: talib.ULTOSC(d["high"], d["low"], d["close"])),
    ("ULTOSC_5_10_20.csv",
     lambda d: talib.ULTOSC(d["high"], d["low"], d["close"], timeperiod1=5,
                            timeperiod2=10, timeperiod3=20)),
    ("ADX_14.csv", lambda d: talib.ADX(d["high"], d["low"], d["close"])),
    ("ADX_7.csv",
     lambda d: talib.ADX(d["high"], d["low"], d["close"], timeperiod=7)),
    ("PLUS_DI_14.csv",
     lambda d: talib.PLUS_DI(d["high"], d["low"], d["close"])),
    ("PLUS_DI_7.csv",
     lambda d: talib.PLUS_DI(d["high"], d["low"], d["close"], timeperiod=7)),
    ("MINUS_DI_14.csv",
     lambda d: talib.MINUS_DI(d["high"], d["low"], d["close"])),
    ("MINUS_DI_7.csv",
     lambda d: talib.MINUS_DI(d["high"], d["low"], d["close"], timeperiod=7)),
    ("ATR_14.csv", lambda d: talib.ATR(d["high"], d["low"], d["close"])),
    ("ATR_5.csv",
     lambda d: talib.ATR(d["high"], d["low"], d["close"], timeperiod=5)),
    ("NATR_14.csv", lambda d: talib.NATR(d["high"], d["low"], d["close"])),
    ("NATR_5.csv",
     lambda d: talib.NATR(d["high"], d["low"], d["close"], timeperiod=5)),
    ("TRANGE.csv", lambda d: talib.TRANGE(d["high"], d["low"], d["close"])),
    ("OBV.csv", lambda d: talib.OBV(d["close"], d["volume"])),
]


def test_every_indicator_file_has_a_case():
    files = {p.name for p in GOLDEN.glob("*.csv")
             if not p.name.startswith("CDL")}
    probes = {"RSI_14_unstable100.csv", "EMA_20_metastock.csv",
              "RSI_14_metastock.csv"}
    assert files == {name for name, _ in CASES} | probes


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_matches_talib_bit_for_bit(gazp, name, call):
    got = outputs(call(gazp))
    want = load_golden(name)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        assert same_bits(g, w)


def test_global_settings_reproduce_the_probes(gazp):
    close = gazp["close"]
    try:
        talib.set_unstable_period("RSI", 100)
        assert talib.get_unstable_period("RSI") == 100
        assert same_bits(talib.RSI(close), load_golden("RSI_14_unstable100.csv")[0])
        talib.set_unstable_period("RSI", 0)
        talib.set_compatibility(1)
        assert talib.get_compatibility() == 1
        assert same_bits(talib.EMA(close, timeperiod=20),
                         load_golden("EMA_20_metastock.csv")[0])
        assert same_bits(talib.RSI(close), load_golden("RSI_14_metastock.csv")[0])
    finally:
        talib.set_unstable_period("ALL", 0)
        talib.set_compatibility(0)
    with pytest.raises(botcore.InvalidArgument, match="'ADX'"):
        talib.set_unstable_period("ADX", 5)


def test_inputs_of_other_types_and_layouts(gazp):
    close = gazp["close"]
    want = talib.SMA(close, timeperiod=10)
    strided = np.repeat(close, 2)[::2]
    assert not strided.flags.c_contiguous
    assert same_bits(talib.SMA(strided, timeperiod=10), want)
    assert same_bits(talib.SMA(list(close), timeperiod=10), want)
    readonly = close.copy()
    readonly.flags.writeable = False
    assert same_bits(talib.SMA(readonly, timeperiod=10), want)
    ints = np.arange(50, dtype=np.int64)
    assert talib.SMA(ints, timeperiod=5)[4] == 2.0


def test_bad_input_raises_value_error_with_the_status_message(gazp):
    close = gazp["close"]
    with pytest.raises(botcore.InvalidArgument,
                       match=r"^RSI: timeperiod must be in 2..100000, got 1$"):
        talib.RSI(close, timeperiod=1)
    # As TA-Lib: a period longer than the input gives no value, not an error.
    assert np.isnan(talib.SMA(close, timeperiod=5000)).all()
    bad = close.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"EMA: close\[3\] is nan"):
        talib.EMA(bad)
    with pytest.raises(ValueError, match="low has 10 values but high has"):
        talib.ATR(gazp["high"], gazp["low"][:10], gazp["close"])
    with pytest.raises(ValueError, match=r"high\[0\] = 1 is below low\[0\]"):
        high = gazp["high"].copy()
        high[0] = 1
        talib.ADX(high, gazp["low"], gazp["close"])
    with pytest.raises(ValueError, match=r"matype 3 \(DEMA\) is not supported"):
        talib.BBANDS(close, matype=talib.MA_Type.DEMA)
    assert talib.SMA(np.array([])).shape == (0,)
    with pytest.raises(ValueError, match="1-dimensional"):
        talib.SMA(np.ones((3, 3)))
    with pytest.raises(botcore.InvalidArgument):
        talib.StreamingRSI(timeperiod=0)


@pytest.mark.parametrize("file", ["gazp_daily.csv", "sber_daily.csv"])
def test_streaming_equals_batch(file):
    d = load_ohlcv(file)
    h, l, c, v = d["high"], d["low"], d["close"], d["volume"]
    session = np.arange(len(c), dtype=np.int64) // 5
    cases = [
        (talib.StreamingSMA(20), lambda s, i: s.update(c[i]),
         talib.SMA(c, timeperiod=20)),
        (talib.StreamingEMA(), lambda s, i: s.update(c[i]), talib.EMA(c)),
        (talib.StreamingRSI(), lambda s, i: s.update(c[i]), talib.RSI(c)),
        (talib.StreamingMACD(), lambda s, i: s.update(c[i]), talib.MACD(c)),
        (talib.StreamingMACD.fix(), lambda s, i: s.update(c[i]),
         talib.MACDFIX(c)),
        (talib.StreamingBBANDS(20, matype=1), lambda s, i: s.update(c[i]),
         talib.BBANDS(c, 20, matype=1)),
        (talib.StreamingSTOCH(14), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.STOCH(h, l, c, 14)),
        (talib.StreamingSTOCHRSI(), lambda s, i: s.update(c[i]),
         talib.STOCHRSI(c)),
        (talib.StreamingATR(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.ATR(h, l, c)),
        (talib.StreamingADX(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.ADX(h, l, c)),
        (talib.StreamingPLUS_DI(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.PLUS_DI(h, l, c)),
        (talib.StreamingMINUS_DI(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.MINUS_DI(h, l, c)),
        (talib.StreamingCCI(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.CCI(h, l, c)),
        (talib.StreamingSAR(), lambda s, i: s.update(h[i], l[i]),
         talib.SAR(h, l)),
        (talib.StreamingAROON(), lambda s, i: s.update(h[i], l[i]),
         talib.AROON(h, l)),
        (talib.StreamingOBV(), lambda s, i: s.update(c[i], v[i]),
         talib.OBV(c, v)),
        (talib.StreamingMFI(), lambda s, i: s.update(h[i], l[i], c[i], v[i]),
         talib.MFI(h, l, c, v)),
        (talib.StreamingVWAP(),
         lambda s, i: s.update(h[i], l[i], c[i], v[i], int(session[i])),
         talib.VWAP(h, l, c, v, session)),
        (talib.StreamingROLLING_VWAP(),
         lambda s, i: s.update(h[i], l[i], c[i], v[i]),
         talib.ROLLING_VWAP(h, l, c, v)),
        (talib.StreamingULTOSC(), lambda s, i: s.update(h[i], l[i], c[i]),
         talib.ULTOSC(h, l, c)),
    ]
    for stream, update, batch in cases:
        streamed = [update(stream, i) for i in range(len(c))]
        want = outputs(batch)
        got = list(zip(*streamed)) if len(want) > 1 else [streamed]
        for g, w in zip(got, want):
            assert same_bits(np.array(g), w), type(stream).__name__
        assert stream.bars == len(c)


def test_streaming_rejects_a_nan_bar():
    s = talib.StreamingATR(3)
    assert math.isnan(s.update(10, 9, float("nan")))
    assert math.isnan(s.update(10, 11, 10.5))  # high below low
    assert s.bars == 0
    s.update(10, 9, 9.5)
    assert s.bars == 1
    s.reset()
    assert s.bars == 0


def test_vwap_restarts_each_session():
    h = np.array([11.0, 12, 13, 14])
    l = np.array([9.0, 10, 11, 12])
    c = np.array([10.0, 11, 12, 13])
    v = np.array([1.0, 3, 2, 2])
    vwap = talib.VWAP(h, l, c, v, np.array([1, 1, 2, 2]))
    assert vwap[0] == 10.0
    assert vwap[1] == (10.0 * 1 + 11.0 * 3) / 4
    assert vwap[2] == 12.0
    assert vwap[3] == (12.0 * 2 + 13.0 * 2) / 4


def test_vwap_refuses_session_keys_that_are_not_whole_numbers():
    # Regression: float keys were truncated, so np.linspace(0, 1, 60) made
    # one session of 59 bars.
    n = 60
    c = 10.0 + np.arange(n)
    h, l, v = c + 1, c - 1, np.ones(n)
    with pytest.raises(botcore.InvalidArgument,
                       match=r"VWAP: session\[1\] = 0.0169492 is not a whole number"):
        talib.VWAP(h, l, c, v, np.linspace(0, 1, n))
    with pytest.raises(botcore.InvalidArgument, match=r"session\[0\] = nan"):
        talib.VWAP(h, l, c, v, np.full(n, np.nan))
    with pytest.raises(botcore.InvalidArgument, match="session must hold integers"):
        talib.VWAP(h, l, c, v, np.array(["a"] * n))
    big = np.zeros(n, dtype=np.uint64)
    big[3] = 2**63  # would wrap to a negative key
    with pytest.raises(botcore.InvalidArgument,
                       match=r"session\[3\] = 9223372036854775808 is past the int64"):
        talib.VWAP(h, l, c, v, big)
    # Integer dtypes, and floats that are whole numbers, are keys.
    keys = np.arange(n) // 5
    want = talib.VWAP(h, l, c, v, keys)
    assert want[5] == c[5]  # a new session starts at bar 5
    for same in (keys.astype(np.float64), keys.astype(np.int32), keys.astype(np.uint8),
                 list(keys)):
        assert same_bits(talib.VWAP(h, l, c, v, same), want)


# Every function with array inputs, on GAZP (session: 5 bars each).
ARRAY_CALLS = [
    ("SMA", lambda d: talib.SMA(d["close"])),
    ("EMA", lambda d: talib.EMA(d["close"])),
    ("WMA", lambda d: talib.WMA(d["close"])),
    ("DEMA", lambda d: talib.DEMA(d["close"])),
    ("TEMA", lambda d: talib.TEMA(d["close"])),
    ("KAMA", lambda d: talib.KAMA(d["close"])),
    ("MA", lambda d: talib.MA(d["close"], matype=1)),
    ("BBANDS", lambda d: talib.BBANDS(d["close"], timeperiod=20)),
    ("SAR", lambda d: talib.SAR(d["high"], d["low"])),
    ("RSI", lambda d: talib.RSI(d["close"])),
    ("MACD", lambda d: talib.MACD(d["close"])),
    ("MACDFIX", lambda d: talib.MACDFIX(d["close"])),
    ("STOCH", lambda d: talib.STOCH(d["high"], d["low"], d["close"])),
    ("STOCHRSI", lambda d: talib.STOCHRSI(d["close"])),
    ("CCI", lambda d: talib.CCI(d["high"], d["low"], d["close"])),
    ("WILLR", lambda d: talib.WILLR(d["high"], d["low"], d["close"])),
    ("ROC", lambda d: talib.ROC(d["close"])),
    ("MOM", lambda d: talib.MOM(d["close"])),
    ("TRIX", lambda d: talib.TRIX(d["close"])),
    ("ULTOSC", lambda d: talib.ULTOSC(d["high"], d["low"], d["close"])),
    ("ADX", lambda d: talib.ADX(d["high"], d["low"], d["close"])),
    ("PLUS_DI", lambda d: talib.PLUS_DI(d["high"], d["low"], d["close"])),
    ("MINUS_DI", lambda d: talib.MINUS_DI(d["high"], d["low"], d["close"])),
    ("AROON", lambda d: talib.AROON(d["high"], d["low"])),
    ("ATR", lambda d: talib.ATR(d["high"], d["low"], d["close"])),
    ("NATR", lambda d: talib.NATR(d["high"], d["low"], d["close"])),
    ("TRANGE", lambda d: talib.TRANGE(d["high"], d["low"], d["close"])),
    ("OBV", lambda d: talib.OBV(d["close"], d["volume"])),
    ("MFI", lambda d: talib.MFI(d["high"], d["low"], d["close"], d["volume"])),
    ("VWAP", lambda d: talib.VWAP(d["high"], d["low"], d["close"], d["volume"],
                                  d["session"])),
    ("ROLLING_VWAP",
     lambda d: talib.ROLLING_VWAP(d["high"], d["low"], d["close"], d["volume"])),
    ("CDLENGULFING",
     lambda d: talib.CDLENGULFING(d["open"], d["high"], d["low"], d["close"])),
    ("CDLMORNINGSTAR",
     lambda d: talib.CDLMORNINGSTAR(d["open"], d["high"], d["low"], d["close"])),
]


def with_session(d):
    return dict(d, session=np.arange(len(d["close"]), dtype=np.int64) // 5)


def test_array_calls_cover_every_function():
    assert {name for name, _ in ARRAY_CALLS} == {
        n for n in talib.__all__ if n.isupper() and n != "MA_Type"
        and not n.startswith(("Streaming", "CDL"))} | {"CDLENGULFING", "CDLMORNINGSTAR"}


def padded(result, skipped, fill):
    return [np.concatenate([np.full(skipped, fill, dtype=r.dtype), r])
            for r in outputs(result)]


@pytest.mark.parametrize("name,call", ARRAY_CALLS, ids=[c[0] for c in ARRAY_CALLS])
def test_leading_nans_are_skipped_as_talib_does(gazp, name, call):
    # TA-Lib's wrapper computes from the first bar where no input is NaN, as
    # if the series began there, and pads the output (NaN; 0 for patterns).
    d = with_session(gazp)
    want = outputs(call(d))
    fill = 0 if name.startswith("CDL") else np.nan
    # NaN in every input for 3 bars, then in high and close only for 2 more
    # (each function reads one of them at least).
    nans = {k: (np.concatenate([np.full(3, np.nan), a]) if k != "session"
                else np.concatenate([np.zeros(3, dtype=a.dtype), a]))
            for k, a in d.items()}
    nans["high"][3:5] = np.nan
    nans["close"][3:5] = np.nan
    skipped = 5
    trimmed = {k: a[skipped:] for k, a in nans.items()}
    got = outputs(call(nans))
    expect = padded(call(trimmed), skipped, fill)
    assert len(got) == len(want) == len(expect)
    for g, e in zip(got, expect):
        assert g.dtype == e.dtype
        assert same_bits(g, e), name
    # Clean input: bit-identical to before (the golden tests check the values).
    for g, w in zip(outputs(call(d)), want):
        assert same_bits(g, w)


@pytest.mark.parametrize("name,call", ARRAY_CALLS, ids=[c[0] for c in ARRAY_CALLS])
def test_input_shorter_than_the_lookback_is_all_nan(gazp, name, call):
    d = {k: a[:3] for k, a in with_session(gazp).items()}
    got = outputs(call(d))
    if name.startswith("CDL"):
        assert all(r.dtype == np.int32 and len(r) == 3 and not r.any() for r in got)
    elif name not in ("OBV", "VWAP", "TRANGE", "SAR"):  # lookback 0 or 1
        assert all(len(r) == 3 and np.isnan(r).all() for r in got)
    empty = outputs(call({k: a[:0] for k, a in d.items()}))
    assert all(len(r) == 0 for r in empty)


def test_nan_in_one_input_skips_the_bar():
    h = np.array([np.nan, np.nan, 12, 13, 14, 15, 16])
    l = np.array([9.0, 9, 10, 11, 12, 13, 14])
    c = np.array([np.nan, 10, 11, 12, 13, 14, 15])
    got = talib.ATR(h, l, c, timeperiod=2)
    assert np.isnan(got[:4]).all()
    assert same_bits(got[2:], talib.ATR(h[2:], l[2:], c[2:], timeperiod=2))


def test_chained_indicators_work_as_with_talib(gazp):
    c = gazp["close"]
    sma = talib.SMA(c, 5)
    rsi = talib.RSI(sma)
    assert np.isnan(rsi[:4 + 14]).all() and not np.isnan(rsi[18:]).any()
    assert same_bits(rsi[4:], talib.RSI(sma[4:]))
    macd = talib.MACD(c)[0]
    signal = talib.EMA(macd, 9)
    assert same_bits(signal[33:], talib.EMA(macd[33:], 9))
    returns = np.concatenate([[np.nan], np.diff(c) / c[:-1]])
    assert same_bits(talib.SMA(returns, 10)[1:], talib.SMA(returns[1:], 10))
    assert np.isnan(talib.SMA(np.full(50, np.nan), 10)).all()


def test_only_leading_nans_are_skipped(gazp):
    c = gazp["close"].copy()
    c[0] = np.nan
    c[10] = np.nan
    with pytest.raises(botcore.InvalidArgument,
                       match=r"EMA: close\[9\] is nan.*count from bar 1"):
        talib.EMA(c)
    # bad parameters still raise, however short the input
    with pytest.raises(botcore.InvalidArgument, match="timeperiod must be in 2..100000"):
        talib.RSI(c[:3], timeperiod=1)
    with pytest.raises(ValueError, match="low has 10 values but high has"):
        talib.ATR(np.full(20, np.nan), np.full(10, np.nan), np.full(20, np.nan))
