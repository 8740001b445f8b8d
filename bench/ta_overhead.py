"""Python call overhead of botcore.ta on a 100-bar array.

    PYTHONPATH=build/python /usr/bin/python3 bench/ta_overhead.py

For each function: the time of one call on 100 bars (best of 7 timeit
repeats), the per-bar cost from the difference between 1100-bar and
100-bar calls, and the overhead = call time - 100 * per-bar cost (the
fixed cost of the call: argument parsing, array checks, output arrays).
"""

import timeit

import numpy as np

import botcore.ta as ta


def series(n):
    rng = np.random.default_rng(20240607)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    return close * 1.004, close * 0.996, close


CALLS = {
    "SMA(close, timeperiod=20)": lambda h, l, c: ta.SMA(c, timeperiod=20),
    "EMA(close, timeperiod=20)": lambda h, l, c: ta.EMA(c, timeperiod=20),
    "RSI(close)": lambda h, l, c: ta.RSI(c),
    "MACD(close)": lambda h, l, c: ta.MACD(c),
    "BBANDS(close, 20)": lambda h, l, c: ta.BBANDS(c, 20),
    "ATR(high, low, close)": lambda h, l, c: ta.ATR(h, l, c),
    "ADX(high, low, close)": lambda h, l, c: ta.ADX(h, l, c),
    "STOCH(high, low, close, 14)": lambda h, l, c: ta.STOCH(h, l, c, 14),
}


def best(call, args, number=20000):
    return min(timeit.repeat(lambda: call(*args), number=number,
                             repeat=7)) / number


print(f"{'call':30s} {'100 bars':>9s} {'per bar':>9s} {'overhead':>9s}")
for name, call in CALLS.items():
    t100 = best(call, series(100))
    t1100 = best(call, series(1100), number=5000)
    per_bar = (t1100 - t100) / 1000
    overhead = t100 - 100 * per_bar
    print(f"{name:30s} {t100 * 1e6:7.2f}us {per_bar * 1e9:7.2f}ns "
          f"{overhead * 1e6:7.2f}us")
