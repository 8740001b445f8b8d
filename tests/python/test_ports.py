"""Ports implemented in Python and handed to C++ engines: an advisor driving
a confirmed trade, a market-data feed under a backtest, a messenger, and
Python exceptions turned into statuses, also on C++ worker threads."""

import datetime
import pathlib
import threading

import pytest

import botcore

UTC = datetime.timezone.utc
NOON = datetime.datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # 12:00 Moscow, Monday
GAZP_CSV = pathlib.Path(__file__).resolve().parents[1] / "data" / "gazp_daily.csv"


def money(text):
    return botcore.Amount(text, 2)


def gazp():
    return botcore.read_candles_csv(str(GAZP_CSV))


def on_a_cpp_worker():
    """True on a thread Python did not start (threading names those Dummy)."""
    return threading.current_thread().name.startswith("Dummy")


class CsvFeed(botcore.MarketData):
    """Market data from the bundled GAZP candles."""

    def __init__(self, candles):
        super().__init__()
        self.candles = candles
        self.queries = []

    def get_candles(self, query):
        self.queries.append((query.security, query.interval))
        return [c for c in self.candles if query.since <= c.time <= query.till]

    def get_security_info(self, security, board):
        return botcore.SecurityInfo(security=security, board=board, lot_size=10,
                                    decimals=2, price_step=money("0.01"))

    def get_last_price(self, security, board):
        last = self.candles[-1]
        return botcore.LastPrice(security=security, board=board,
                                 price=money(f"{last.close:.2f}"), time=last.time)


class BuyTheDip(botcore.Advisor):
    """Buys 100 shares after a red candle, with a stop and a target."""

    def __init__(self):
        super().__init__()
        self.contexts = []

    def name(self):
        return "py:dip"

    def advise(self, context):
        self.contexts.append(context)
        last = context.candles[-1]
        if last.close >= last.open:
            return None
        return botcore.Recommendation(
            context.symbol, botcore.TradeAction.BUY, quantity=100,
            entry=money("100.00"), stop_loss=money("99.00"),
            take_profit=money("102.00"), confidence=70,
            rationale=f"red candle, cash {context.portfolio.cash}", source=self.name())


def test_a_python_advisor_drives_a_confirmed_trade_end_to_end(tmp_path):
    db = botcore.Database(f"sqlite:///{tmp_path}/paper.db")
    clock = botcore.ManualClock(NOON)
    portfolios = botcore.Portfolios(db, clock=clock)
    desk = botcore.RecommendationDesk(portfolios, botcore.RiskEngine())
    advisor = BuyTheDip()
    green = botcore.Candle(NOON, 99, 101, 98.5, 100.5)
    red = botcore.Candle(NOON, 101, 101.5, 99.5, 100)

    assert desk.recommend("tg:1", advisor, "GAZP", [green], money("100.00")) is None
    stored = desk.recommend("tg:1", advisor, "GAZP", [green, red], money("100.00"))
    assert stored.status == botcore.RecommendationStatus.PENDING
    assert stored.recommendation.source == "py:dip"
    assert stored.recommendation.rationale == "red candle, cash 100000.00"

    # The context borrowed the desk's data: readable during advise() only.
    with pytest.raises(botcore.FailedPrecondition, match="after advise"):
        advisor.contexts[-1].candles

    rec_id = stored.recommendation.id
    trade = desk.confirm("tg:1", rec_id, money("100.00"))
    assert trade.quantity == 100
    with pytest.raises(botcore.AlreadyExists):
        desk.confirm("tg:1", rec_id, money("100.00"))
    assert len(portfolios.trades("tg:1")) == 1
    assert portfolios.open("tg:1").position("GAZP").quantity == 100
    portfolios.verify("tg:1")


def test_the_advisor_context_shows_the_owner_portfolio_and_limits(tmp_path):
    db = botcore.Database(f"sqlite:///{tmp_path}/paper.db")
    portfolios = botcore.Portfolios(db, clock=botcore.ManualClock(NOON))
    desk = botcore.RecommendationDesk(portfolios, botcore.RiskEngine())
    seen = {}

    class Inspector(botcore.Advisor):
        def advise(self, context):
            seen.update(symbol=context.symbol, now=context.now,
                        bars=len(context.candles), lot=context.instrument.lot_size,
                        cash=context.portfolio.cash,
                        max_position=context.limits.max_position_fraction,
                        indicators=context.indicators)
            return None

    candles = [botcore.Candle(NOON, 1, 2, 0.5, 1.5)]
    assert desk.recommend("u", Inspector(), "GAZP", candles, money("1.50")) is None
    assert seen == {"symbol": "GAZP", "now": NOON, "bars": 1, "lot": 10,
                    "cash": money("100000.00"), "max_position": 0.3,
                    "indicators": {}}


def test_advisor_context_candles_is_one_view_not_a_copy_per_access():
    # Regression: every access copied the whole history into a new list, so a
    # backtest whose advisor read context.candles each bar was O(n**2).
    candles = gazp()[:50]
    seen = []

    class Reader(botcore.Advisor):
        def advise(self, context):
            view = context.candles
            assert context.candles is view
            assert len(view) == len(seen) + 1
            assert view[-1].time == candles[len(seen)].time
            assert view[0].time == candles[0].time
            assert [c.time for c in view[-2:]] == [c.time for c in candles[max(0, len(seen) - 1):len(seen) + 1]]
            assert [c.close for c in view] == [c.close for c in candles[:len(seen) + 1]]
            assert [c.close for c in reversed(view)][0] == view[-1].close
            with pytest.raises(IndexError):
                view[len(view)]
            seen.append(view)
            return None

    botcore.Backtester().run(Reader(), candles)
    assert len(seen) == len(candles)
    with pytest.raises(botcore.FailedPrecondition, match="after advise"):
        len(seen[0])
    with pytest.raises(botcore.FailedPrecondition, match="after advise"):
        seen[-1][0]


def test_advisor_errors_keep_their_code_and_name_the_exception(tmp_path):
    db = botcore.Database(f"sqlite:///{tmp_path}/paper.db")
    portfolios = botcore.Portfolios(db, clock=botcore.ManualClock(NOON))
    desk = botcore.RecommendationDesk(portfolios, botcore.RiskEngine())
    candles = [botcore.Candle(NOON, 1, 2, 0.5, 1.5)]

    class Down(botcore.Advisor):
        def advise(self, context):
            raise botcore.Unavailable("LLM down")

    class Buggy(botcore.Advisor):
        def advise(self, context):
            return {}["missing"]

    class WrongType(botcore.Advisor):
        def advise(self, context):
            return "buy"

    class Silent(botcore.Advisor):
        pass

    with pytest.raises(botcore.Unavailable,
                       match="Advisor.advise raised botcore.Unavailable: LLM down"):
        desk.recommend("u", Down(), "GAZP", candles, money("1.50"))
    with pytest.raises(botcore.NotFound, match="KeyError: 'missing'"):
        desk.recommend("u", Buggy(), "GAZP", candles, money("1.50"))
    with pytest.raises(botcore.Internal, match="Advisor.advise returned the wrong type"):
        desk.recommend("u", WrongType(), "GAZP", candles, money("1.50"))
    with pytest.raises(botcore.Unimplemented, match="does not define advise"):
        desk.recommend("u", Silent(), "GAZP", candles, money("1.50"))

    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no text either")

    class Obscure(botcore.Advisor):
        def advise(self, context):
            raise Unprintable()

    with pytest.raises(botcore.Internal, match="raised .*Unprintable: <unprintable>"):
        desk.recommend("u", Obscure(), "GAZP", candles, money("1.50"))
    assert desk.pending("u") == []


def test_a_python_feed_under_a_cpp_backtest():
    candles = gazp()
    feed = CsvFeed(candles)
    query = botcore.CandleQuery("GAZP", since=candles[0].time, till=candles[-1].time)
    backtester = botcore.Backtester()
    from_feed = backtester.run(botcore.SmaCrossStrategy(), market_data=feed, query=query)
    direct = backtester.run(botcore.SmaCrossStrategy(), candles)
    assert feed.queries == [("GAZP", botcore.CandleInterval.DAY)]
    assert from_feed.report.bars == len(candles)
    assert [t.price for t in from_feed.trades] == [t.price for t in direct.trades]
    assert from_feed.report.final_equity == direct.report.final_equity

    half = botcore.CandleQuery("GAZP", since=candles[0].time, till=candles[99].time)
    assert backtester.run(botcore.SmaCrossStrategy(), market_data=feed,
                          query=half).report.bars == 100

    class Offline(CsvFeed):
        def get_candles(self, query):
            raise TimeoutError("ISS did not answer")

    with pytest.raises(botcore.DeadlineExceeded, match="TimeoutError: ISS did not answer"):
        backtester.run(botcore.SmaCrossStrategy(), market_data=Offline(candles),
                       query=query)
    with pytest.raises(botcore.InvalidArgument, match="either candles or market_data"):
        backtester.run(botcore.SmaCrossStrategy(), candles, market_data=feed, query=query)


def test_a_python_advisor_under_a_cpp_backtest():
    candles = gazp()[:200]
    advisor = BuyTheDip()
    result = botcore.Backtester().run(advisor, candles)
    assert result.report.bars == 200
    assert len(advisor.contexts) == 200
    assert result.report.fills + result.report.refused > 0


def test_base_methods_call_the_python_implementation_through_cpp():
    candles = gazp()
    feed = CsvFeed(candles)
    info = botcore.MarketData.get_security_info(feed, "GAZP", "TQBR")
    assert (info.lot_size, info.price_step) == (10, money("0.01"))
    last = botcore.MarketData.get_last_price(feed, "GAZP")
    assert last.time == candles[-1].time and last.time.tzinfo == UTC

    class Telegram(botcore.Messenger):
        def __init__(self):
            super().__init__()
            self.sent = []

        def receive(self, wait):
            assert wait == datetime.timedelta(seconds=25)
            chat = botcore.Chat(id=42, type=botcore.ChatType.PRIVATE)
            message = botcore.Message(message_id=1, chat=chat, date=NOON,
                                      text="/start ref_7", command="start",
                                      command_args="ref_7")
            return [botcore.Update(id=7, kind=botcore.UpdateKind.MESSAGE,
                                   message=message)]

        def send_message(self, message):
            if message.chat_id == 13:
                raise botcore.PermissionDenied("blocked by the user")
            self.sent.append(message)
            return botcore.SentMessage(chat_id=message.chat_id, message_ids=[5])

    telegram = Telegram()
    [update] = botcore.Messenger.receive(telegram, datetime.timedelta(seconds=25))
    assert (update.message.chat.id, update.message.command_args) == (42, "ref_7")
    button = botcore.InlineButton(text="Confirm", callback_data="ok:17")
    sent = botcore.Messenger.send_message(
        telegram, botcore.OutgoingMessage(chat_id=42, text="hi", keyboard=[[button]]))
    assert sent.message_ids == [5]
    assert telegram.sent[0].keyboard[0][0].callback_data == "ok:17"
    with pytest.raises(botcore.PermissionDenied, match="blocked by the user"):
        botcore.Messenger.send_message(telegram, botcore.OutgoingMessage(chat_id=13))
    with pytest.raises(botcore.Unimplemented, match="set_commands"):
        botcore.Messenger.set_commands(telegram, [botcore.BotCommand(command="start")])
    # username() is optional: without it the bot has no username.
    with pytest.raises(NotImplementedError, match="username"):
        botcore.Messenger.username(telegram)

    class Named(Telegram):
        def username(self):
            return "my_bot"

    assert botcore.Messenger.username(Named()) == "my_bot"
    addressed = botcore.Message(text="/help@my_bot", command="help",
                                command_bot="my_bot")
    assert (addressed.command, addressed.command_bot) == ("help", "my_bot")
    with pytest.raises(AttributeError):
        botcore.Chat(identifier=1)


def test_exceptions_in_adapters_on_cpp_worker_threads_become_statuses():
    candles = gazp()
    threads = []

    class Flaky(CsvFeed):
        def get_candles(self, query):
            threads.append(on_a_cpp_worker())
            if query.security == "BOOM":
                raise RuntimeError("feed crashed")
            if query.security == "DOWN":
                raise botcore.Unavailable("exchange closed the connection")
            return super().get_candles(query)

    feed = Flaky(candles)

    def query(security):
        return botcore.CandleQuery(security, since=candles[0].time, till=candles[-1].time)

    def backtest(security):
        return botcore.Backtester().run(botcore.SmaCrossStrategy(), market_data=feed,
                                        query=query(security)).report.bars

    with botcore.OrderedExecutor(threads=2) as executor:
        futures = [executor.submit(key, lambda s=s: backtest(s))
                   for key, s in enumerate(["BOOM", "GAZP", "DOWN"] * 10)]
        results = [f.exception(timeout=60) or f.result() for f in futures]
        advisor = executor.submit(0, lambda: botcore.Backtester().run(
            BuyTheDip(), candles[:50]).report.bars)
        assert advisor.result(timeout=60) == 50
    assert all(threads) and len(threads) == 30
    for i in range(0, 30, 3):
        assert isinstance(results[i], botcore.Internal)
        assert "MarketData.get_candles raised RuntimeError: feed crashed" in str(results[i])
        assert results[i + 1] == len(candles)
        assert isinstance(results[i + 2], botcore.Unavailable)
        assert "exchange closed the connection" in str(results[i + 2])


def test_ordered_executor_keeps_per_key_order_and_cancels_dropped_tasks():
    order = []
    gate = threading.Event()
    executor = botcore.OrderedExecutor(threads=2)
    first = executor.submit(1, lambda: gate.wait(30))
    rest = [executor.submit(1, lambda i=i: order.append(i)) for i in range(5)]
    with pytest.raises(ValueError):
        executor.submit(2, lambda: int("x")).result(timeout=30)
    gate.set()
    assert first.result(timeout=30) is True
    for f in rest:
        f.result(timeout=30)
    assert order == [0, 1, 2, 3, 4]

    # The running task outlives the 50 ms shutdown deadline (it is released
    # later, while shutdown joins the workers); the queued one is dropped.
    blocker = threading.Event()
    running = threading.Event()
    executor.submit(3, lambda: (running.set(), blocker.wait(30)))
    queued = executor.submit(3, lambda: None)
    assert running.wait(30)
    release = threading.Timer(1.0, blocker.set)
    release.start()
    with pytest.raises(botcore.DeadlineExceeded, match="1 queued tasks dropped"):
        executor.shutdown(datetime.timedelta(milliseconds=50))
    release.join()
    assert queued.cancelled()
    with pytest.raises(botcore.FailedPrecondition):
        executor.submit(1, lambda: None)
    with pytest.raises(botcore.InvalidArgument, match="threads"):
        botcore.OrderedExecutor(threads=0)


def test_errors_in_methods_that_cannot_fail_go_to_the_unraisable_hook(monkeypatch):
    reported = []
    monkeypatch.setattr("sys.unraisablehook", reported.append)

    class NoisyStrategy(botcore.Strategy):
        def name(self):
            raise RuntimeError("no name")

        def on_bar(self, bar):
            return None

        def reset(self):
            raise RuntimeError("cannot reset")

    result = botcore.Backtester().run(NoisyStrategy(), gazp()[:10])
    assert result.report.bars == 10
    messages = [str(r.exc_value) for r in reported]
    assert any("Strategy.reset raised RuntimeError: cannot reset" in m for m in messages)

    def progress(done, total):
        raise RuntimeError("progress bar broke")

    options = botcore.BacktestOptions()
    options.progress = progress
    options.progress_every = 5
    assert botcore.Backtester(options).run(
        botcore.SmaCrossStrategy(), gazp()[:10]).report.bars == 10
    assert any("progress bar broke" in str(r.exc_value) for r in reported)


def test_keyboard_interrupt_and_system_exit_in_an_adapter_reach_the_caller_as_themselves():
    # Regression: Ctrl-C in Strategy.on_bar (run on the calling thread) came
    # back as botcore.Cancelled, and sys.exit() in an adapter as
    # botcore.Internal.
    candles = gazp()[:50]

    class Interrupted(botcore.Strategy):
        def name(self):
            return "interrupted"

        def reset(self):
            pass

        def on_bar(self, bar):
            if bar.time == candles[10].time:
                raise KeyboardInterrupt
            return None

    with pytest.raises(KeyboardInterrupt) as info:
        botcore.Backtester().run(Interrupted(), candles)
    assert "on_bar" in [entry.name for entry in info.traceback]

    leaving = SystemExit(3)

    class Exiting(botcore.Advisor):
        def advise(self, context):
            raise leaving

    with pytest.raises(SystemExit) as info:
        botcore.Backtester().run(Exiting(), candles)
    assert info.value is leaving and info.value.code == 3
    # The next call is not affected by what the last one raised.
    assert botcore.Backtester().run(botcore.SmaCrossStrategy(), candles).report.bars == 50


def test_an_adapter_error_on_the_calling_thread_keeps_the_original_as_its_cause():
    class Buggy(botcore.Advisor):
        def advise(self, context):
            return {}["missing"]

    with pytest.raises(botcore.NotFound, match="KeyError: 'missing'") as info:
        botcore.Backtester().run(Buggy(), gazp()[:5])
    assert isinstance(info.value.__cause__, KeyError)
    assert "advise" in [f.name for f in
                        __import__("traceback").extract_tb(info.value.__cause__.__traceback__)]
