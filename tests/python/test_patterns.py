"""botcore.ta candlestick patterns: TA-Lib's names, NumPy in and out, equal
to the TA-Lib 0.6.4 golden files."""

import csv
import math

import numpy as np
import pytest

import botcore
from botcore import ta
from shared_dir import SHARED_DIR



def gazp():
    with open(SHARED_DIR / "data" / "gazp_daily.csv") as f:
        rows = list(csv.DictReader(f))
    return [np.array([float(r[k]) for r in rows]) for k in ("open", "high", "low", "close")]


def golden(name):
    with open(SHARED_DIR / "golden" / "talib-gazp" / name) as f:
        reader = csv.reader(f)
        next(reader)
        return [None if v == "NaN" else int(v) for _, v in reader]


@pytest.mark.parametrize(
    "function,file,kwargs",
    [
        (ta.CDLDOJI, "CDLDOJI.csv", {}),
        (ta.CDLHAMMER, "CDLHAMMER.csv", {}),
        (ta.CDLENGULFING, "CDLENGULFING.csv", {}),
        (ta.CDLMORNINGSTAR, "CDLMORNINGSTAR_0.3.csv", {}),
        (ta.CDLMORNINGSTAR, "CDLMORNINGSTAR_0.5.csv", {"penetration": 0.5}),
    ],
)
def test_matches_talib_golden(function, file, kwargs):
    o, h, l, c = gazp()
    out = function(o, h, l, c, **kwargs)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.int32
    assert out.shape == o.shape
    want = golden(file)
    assert [0 if w is None else w for w in want] == out.tolist()
    assert np.count_nonzero(out) > 0


def test_every_pattern_runs_on_lists_and_arrays():
    o, h, l, c = gazp()
    patterns = [name for name in ta.__all__ if name.startswith("CDL")]
    assert len(patterns) == 9
    for name in patterns:
        out = getattr(ta, name)(list(o), list(h), list(l), list(c))
        assert out.shape == (len(o),)
        assert set(np.unique(out)) <= {-100, -80, 0, 80, 100}


def test_bad_input_raises_invalid_argument_with_the_value():
    o, h, l, c = gazp()
    with pytest.raises(botcore.InvalidArgument, match="CDLMORNINGSTAR: penetration"):
        ta.CDLMORNINGSTAR(o, h, l, c, penetration=-1)
    with pytest.raises(ValueError, match="high has 10 values"):
        ta.CDLHAMMER(o, h[:10], l, c)
    bad = c.copy()
    bad[3] = math.nan
    with pytest.raises(botcore.InvalidArgument, match=r"close\[3\] is nan"):
        ta.CDLDOJI(o, h, l, bad)
    with pytest.raises(botcore.InvalidArgument, match="one-dimensional"):
        ta.CDLDOJI(o.reshape(2, -1), h, l, c)
