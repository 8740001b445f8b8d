"""10 000 calls from 4 Python threads into the engines (indicators, Amount,
ledger, signal journal) with no crash and no deadlock. A hang fails the test
through faulthandler, which dumps every thread's stack and exits."""

import datetime
import faulthandler
import sys
import threading

import numpy as np
import pytest

import botcore
import botcore.ta as ta

THREADS = 4
CALLS_PER_THREAD = 2500
# Generous: the run takes a few seconds; only a deadlock gets near this.
HANG_TIMEOUT_SECONDS = 300

UTC = datetime.timezone.utc
START = datetime.datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def hang_watchdog():
    faulthandler.dump_traceback_later(HANG_TIMEOUT_SECONDS, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


def test_four_threads_make_ten_thousand_engine_calls(tmp_path, hang_watchdog):
    db = botcore.Database(f"sqlite:///{tmp_path}/threads.db")
    ledger = botcore.Ledger(db, [("USDT", 18)])
    journal = botcore.SignalJournal(db)
    closes = np.linspace(100.0, 200.0, 500)
    expected_sma = ta.SMA(closes, timeperiod=20)
    one = botcore.Amount("0.000000000000000001", 18)
    failures = []
    counts = [0] * THREADS
    start = threading.Barrier(THREADS)

    def work(thread):
        start.wait()
        try:
            for i in range(CALLS_PER_THREAD):
                kind = i % 4
                if kind == 0:
                    assert np.array_equal(ta.SMA(closes, timeperiod=20), expected_sma,
                                          equal_nan=True)
                elif kind == 1:
                    total = one * (i + 1) + botcore.Amount(str(thread), 18)
                    assert total.units == i + 1 + thread * 10**18
                elif kind == 2:
                    if i % 40 == 2:
                        ledger.transfer(f"t{thread}-{i}", ("$deposit_clearing", "USDT"),
                                        (f"user{thread}", "USDT"), one)
                    else:
                        ledger.balance(f"user{thread}", "USDT")
                else:
                    if i % 40 == 3:
                        signal = botcore.Signal(
                            "GAZP", "1h", START + datetime.timedelta(hours=thread * 10**4 + i),
                            botcore.Side.BUY, 100.0, 102.0, 99.0, confidence=70)
                        assert journal.record(signal)
                    else:
                        journal.stats("GAZP", "1h")
                counts[thread] += 1
        except Exception as e:  # reported below, with the thread
            failures.append((thread, repr(e)))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sum(counts) == THREADS * CALLS_PER_THREAD == 10_000
    transfers = len(range(2, CALLS_PER_THREAD, 40))
    for t in range(THREADS):
        assert ledger.balance(f"user{t}", "USDT").posted == one * transfers
    assert journal.stats("GAZP", "1h").recorded == THREADS * len(range(3, CALLS_PER_THREAD, 40))
    ledger.check_invariants()
