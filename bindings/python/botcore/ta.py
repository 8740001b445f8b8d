"""TA-Lib-compatible technical indicators.

Same function names, keyword names, defaults and output order as TA-Lib's
Python wrapper, so that ``import botcore.ta as talib`` replaces
``import talib``::

    import botcore.ta as talib
    rsi = talib.RSI(close, timeperiod=14)
    macd, signal, hist = talib.MACD(close, fastperiod=12, slowperiod=26,
                                    signalperiod=9)

Inputs are 1-D NumPy arrays (C-contiguous float64 arrays are used without a
copy; others are converted); outputs are new float64 arrays, NaN where
TA-Lib has no value. The values are TA-Lib 0.6.4's, bit for bit.

NaN handling is the TA-Lib wrapper's: a function starts at the first bar
where no input is NaN, as if the series began there, and its outputs are NaN
before it (0 for the candlestick patterns), so indicators chain
(``talib.RSI(talib.SMA(close, 5))``, ``talib.EMA(talib.MACD(close)[0], 9)``).
An input not longer than the lookback (what remains after those bars) gives
all NaN (all 0 for the patterns), as does an empty one.

Where TA-Lib would still compute, botcore raises
:class:`botcore.InvalidArgument` (a ``ValueError``) with the C++ status
message: a NaN or infinity after the first bar it starts at (TA-Lib lets it
spread NaN through the output), a high below its low, arrays of different
lengths, a parameter out of range. ``PLUS_DI`` and ``MINUS_DI`` take
``timeperiod`` 2..100000 (TA-Lib also takes 1, the unsmoothed DI), and
``matype`` is SMA or EMA.

Beyond TA-Lib: ``VWAP`` (per session: it restarts when the integer session
key changes, e.g. a day number; keys of any integer dtype, or floats that
are all whole numbers such as ``np.floor(t / 86400)``; a fractional key
raises :class:`botcore.InvalidArgument` naming it, rather than being
truncated into another session) and ``ROLLING_VWAP``, and streaming
classes (``StreamingRSI(14).update(close)`` ...) whose value at each bar is
bit-identical to the batch function's.

``set_unstable_period`` and ``set_compatibility`` mirror TA-Lib's global
settings for EMA and RSI (module state, like TA-Lib's).
"""

import enum

from . import _botcore

_ta = _botcore.ta


class MA_Type(enum.IntEnum):
    """TA-Lib's moving average types; botcore implements SMA and EMA."""

    SMA = 0
    EMA = 1
    WMA = 2
    DEMA = 3
    TEMA = 4
    TRIMA = 5
    KAMA = 6
    MAMA = 7
    T3 = 8


# Every public name of the C++ submodule, including functions other binding
# files add to it (the candlestick patterns).
_NAMES = sorted(name for name in dir(_ta) if not name.startswith("_"))
globals().update({name: getattr(_ta, name) for name in _NAMES})

__all__ = _NAMES + ["MA_Type"]
