"""An independent, pure-Python reimplementation of the reference backtest.

SMA(10)/SMA(30) crossover on closes, long only, as in DESIGN of issue #4:
exact window means (math.fsum), crosses judged against the last non-zero
difference, a signal at bar t's close fills at bar t+1's open, buys of whole
lots of 10 with 95 % of cash, sells of the whole position, 5 bp commission per
side rounded half-even to kopecks. It shares no code with the C++ engine and
is compared with tests/data/gazp_sma_cross_trades.csv, which the C++
backtester's regression test also checks.
"""

import csv
import math
import os
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import pytest
from shared_dir import SHARED_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = str(SHARED_DIR / "data" / "gazp_daily.csv")
REGRESSION = os.path.join(ROOT, "tests", "data", "gazp_sma_cross_trades.csv")
KOPECK = Decimal("0.01")


def reference_trades(rows, fast=10, slow=30, lot=10, cash=Decimal("100000.00"),
                     bps=Decimal(5)):
    closes = [float(r["close"]) for r in rows]
    last_diff = 0.0
    pending = None
    position = None  # (entry_time, entry_price, quantity, buy_commission)
    trades = []
    for t, row in enumerate(rows):
        if pending is not None:
            price = Decimal(row["open"]).quantize(KOPECK, rounding=ROUND_HALF_EVEN)
            if pending == "BUY" and position is None:
                lots = int((cash * Decimal("0.95") / (price * lot)).to_integral_value(
                    rounding=ROUND_FLOOR))
                if lots > 0:
                    qty = lots * lot
                    notional = price * qty
                    fee = (notional * bps / 10000).quantize(KOPECK, rounding=ROUND_HALF_EVEN)
                    cash -= notional + fee
                    position = (row["ts"], price, qty, fee)
            elif pending == "SELL" and position is not None:
                entry_time, entry_price, qty, buy_fee = position
                notional = price * qty
                fee = (notional * bps / 10000).quantize(KOPECK, rounding=ROUND_HALF_EVEN)
                cash += notional - fee
                pnl = notional - fee - (entry_price * qty + buy_fee)
                trades.append((entry_time, entry_price, row["ts"], price, qty, pnl))
                position = None
            pending = None
        if t + 1 >= slow:
            fast_sma = math.fsum(closes[t + 1 - fast:t + 1]) / fast
            slow_sma = math.fsum(closes[t + 1 - slow:t + 1]) / slow
            diff = fast_sma - slow_sma
            if diff != 0:
                if last_diff < 0 < diff and position is None:
                    pending = "BUY"
                elif last_diff > 0 > diff and position is not None:
                    pending = "SELL"
                last_diff = diff
    return trades


def iso(ts):
    return ts + "Z" if "T" in ts else ts + "T00:00:00Z"


@pytest.mark.skipif(not os.path.exists(DATA), reason="shared data not present")
def test_reference_trades_match_the_regression_file():
    with open(DATA, newline="") as f:
        rows = list(csv.DictReader(f))
    expected = reference_trades(rows)
    with open(REGRESSION, newline="") as f:
        recorded = list(csv.DictReader(f))
    assert len(recorded) == len(expected) > 0
    for want, got in zip(expected, recorded):
        entry_time, entry_price, exit_time, exit_price, qty, pnl = want
        assert got["entry_time"] == iso(entry_time)
        assert Decimal(got["entry_price"]) == entry_price
        assert got["exit_time"] == iso(exit_time)
        assert Decimal(got["exit_price"]) == exit_price
        assert int(got["quantity"]) == qty
        assert Decimal(got["pnl"]) == pnl
