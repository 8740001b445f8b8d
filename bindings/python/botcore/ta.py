"""TA-Lib-compatible functions under TA-Lib's names.

``botcore.ta.CDLENGULFING(open, high, low, close)`` takes array-likes of
floats and returns a NumPy int32 array of the same length, equal to what
TA-Lib 0.6.4 returns (0 before the pattern's lookback).
"""

from ._botcore import (
    CDL3BLACKCROWS,
    CDL3WHITESOLDIERS,
    CDLDOJI,
    CDLENGULFING,
    CDLEVENINGSTAR,
    CDLHAMMER,
    CDLHARAMI,
    CDLMORNINGSTAR,
    CDLSHOOTINGSTAR,
)

__all__ = [
    "CDL3BLACKCROWS",
    "CDL3WHITESOLDIERS",
    "CDLDOJI",
    "CDLENGULFING",
    "CDLEVENINGSTAR",
    "CDLHAMMER",
    "CDLHARAMI",
    "CDLMORNINGSTAR",
    "CDLSHOOTINGSTAR",
]
