"""botcore.Bot: the real bot runtime run from Python with Python adapters —
a scripted messenger, an advisor and a market-data feed — on a temporary
SQLite file; an advisor that raises; stop() from another thread; Ctrl-C."""

import datetime
import gc
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import weakref

import pytest

import botcore

UTC = datetime.timezone.utc
USER = 4242
OWNER = f"tg:{USER}"
# Runs that outlive this are stopped, and the test fails on what it saw.
SAFETY_STOP_SECONDS = 60


def money(text):
    return botcore.Amount(text, 2)


class SyntheticFeed(botcore.MarketData):
    """200 daily candles ending yesterday, drifting up from 150."""

    def __init__(self):
        super().__init__()
        today = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0,
                                                   microsecond=0)
        self.candles = [
            botcore.Candle(today - datetime.timedelta(days=200 - i),
                           150 + i * 0.1, 151 + i * 0.1, 149 + i * 0.1,
                           150.5 + i * 0.1, 1e6)
            for i in range(200)]

    def get_candles(self, query):
        return [c for c in self.candles if query.since <= c.time <= query.till]

    def get_security_info(self, security, board):
        return botcore.SecurityInfo(security=security, board=board, lot_size=10,
                                    decimals=2, price_step=money("0.01"))

    def get_last_price(self, security, board):
        return botcore.LastPrice(
            security=security, board=board,
            price=money(f"{self.candles[-1].close:.2f}"),
            time=datetime.datetime.now(UTC))


class BuyOneLot(botcore.Advisor):
    """Buys one lot at the last close with a 2 % stop and a 4 % target."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def name(self):
        return "py:buy_one_lot"

    def advise(self, context):
        self.calls += 1
        price = context.candles[-1].close
        step = context.instrument
        return botcore.Recommendation(
            context.symbol, botcore.TradeAction.BUY, quantity=step.lot_size,
            entry=step.price_on_step(price), stop_loss=step.price_on_step(price * 0.98),
            take_profit=step.price_on_step(price * 1.04), confidence=70,
            rationale="always one lot", source=self.name())


class BrokenAdvisor(botcore.Advisor):
    def name(self):
        return "py:broken"

    def advise(self, context):
        raise RuntimeError("the model fell over")


class ScriptedMessenger(botcore.Messenger):
    """One user typing `steps` in order: each step is (make_update, done),
    and the next step is sent once done(self) holds, i.e. once the bot has
    answered. After the last step receive() raises botcore.OutOfRange, which
    ends Bot.run."""

    def __init__(self, steps):
        super().__init__()
        self.steps = list(steps)
        self.sent = []  # OutgoingMessage, in order
        self.answers = []  # callback answer texts
        self.edits = []
        self.commands = []
        self.threads = set()
        self.condition = threading.Condition()
        self.done = None
        self.next_id = 0

    # The port.
    def receive(self, wait):
        self.threads.add(threading.current_thread().name)
        with self.condition:
            if not self.condition.wait_for(lambda: self.done is None or self.done(self),
                                           timeout=wait.total_seconds()):
                return []
            if not self.steps:
                raise botcore.OutOfRange("end of the script")
            make, self.done = self.steps.pop(0)
            self.next_id += 1
            return [make(self, self.next_id)]

    def acknowledge(self, update_id):
        pass

    def send_message(self, message):
        with self.condition:
            self.sent.append(message)
            self.condition.notify_all()
            return botcore.SentMessage(chat_id=message.chat_id,
                                       message_ids=[len(self.sent)])

    def edit_message_text(self, edit):
        with self.condition:
            self.edits.append(edit.text)
            self.condition.notify_all()

    def answer_callback_query(self, answer):
        with self.condition:
            self.answers.append(answer.text)
            self.condition.notify_all()

    def set_commands(self, commands):
        self.commands = [c.command for c in commands]

    # What the script reads.
    def texts(self):
        return [m.text for m in self.sent]

    def said(self, fragment):
        return any(fragment in text for text in self.texts())

    def proposal(self):
        """The id and text of the last message with a Confirm button, and
        that button's data."""
        for number in range(len(self.sent), 0, -1):
            message = self.sent[number - 1]
            for row in message.keyboard:
                for button in row:
                    if button.text == "Confirm":
                        return number, message.text, button.callback_data
        raise AssertionError(f"no proposal among {self.texts()}")


class IdleMessenger(botcore.Messenger):
    """A messenger nobody writes to: receive() waits and returns nothing."""

    def __init__(self):
        super().__init__()
        self.polled = threading.Event()

    def receive(self, wait):
        self.polled.set()
        threading.Event().wait(min(wait.total_seconds(), 0.2))
        return []

    def acknowledge(self, update_id):
        pass

    def set_commands(self, commands):
        pass


def user():
    return botcore.MessengerUser(id=USER, first_name="Ann")


def chat():
    return botcore.Chat(id=USER, type=botcore.ChatType.PRIVATE)


def command(text):
    name, _, args = text[1:].partition(" ")

    def make(messenger, update_id):
        return botcore.Update(
            id=update_id, kind=botcore.UpdateKind.MESSAGE,
            message=botcore.Message(message_id=update_id, chat=chat(), sender=user(),
                                    date=datetime.datetime.now(UTC), text=text,
                                    command=name, command_args=args))
    return make


def press_confirm(query_id):
    def make(messenger, update_id):
        message_id, text, data = messenger.proposal()
        shown = botcore.Message(message_id=message_id, chat=chat(), text=text,
                                date=datetime.datetime.now(UTC))
        return botcore.Update(
            id=update_id, kind=botcore.UpdateKind.CALLBACK_QUERY,
            callback_query=botcore.CallbackQuery(id=query_id, sender=user(),
                                                 message=shown, data=data))
    return make


def said(fragment):
    return lambda messenger: messenger.said(fragment)


def answered(count):
    return lambda messenger: len(messenger.answers) >= count


def run_to_the_end(bot):
    """Runs `bot` on this thread; a timer stops it if the script stalls."""
    safety = threading.Timer(SAFETY_STOP_SECONDS, bot.stop)
    safety.start()
    try:
        bot.run()
    finally:
        safety.cancel()


def config(tmp_path):
    return botcore.Config({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "POLL_TIMEOUT": "1s",
        "SHUTDOWN_TIMEOUT": "10s",
    })


def trades_in(tmp_path):
    with botcore.Database(f"sqlite:///{tmp_path / 'bot.db'}") as database:
        return botcore.Portfolios(database).trades(OWNER)


def test_config_from_a_dict_and_from_a_file(tmp_path, monkeypatch):
    c = botcore.Config({"TELEGRAM_BOT_TOKEN": "123:secret", "WORKER_THREADS": "2"})
    assert c.get("WORKER_THREADS") == "2"
    assert c.get("MISSING") is None
    assert c.display_value("TELEGRAM_BOT_TOKEN") == "***"
    env = tmp_path / ".env"
    env.write_text("WORKER_THREADS=3\nBOT_USERNAME=from_file\n")
    monkeypatch.setenv("BOT_USERNAME", "from_environment")
    loaded = botcore.Config.load(str(env))
    assert loaded.get("WORKER_THREADS") == "3"
    assert loaded.get("BOT_USERNAME") == "from_environment"  # the environment wins
    env.write_text("NOT A SETTING\n")
    with pytest.raises(botcore.InvalidArgument, match=r"\.env:1: .*NOT A SETTING"):
        botcore.Config.load(str(env))
    with pytest.raises(TypeError):
        botcore.Config({"WORKER_THREADS": 2})


def test_a_bad_setting_or_adapter_is_refused(tmp_path):
    bad = botcore.Config({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                          "WORKER_THREADS": "many"})
    with pytest.raises(botcore.InvalidArgument, match="WORKER_THREADS"):
        botcore.Bot(bad, market_data=SyntheticFeed(), messenger=ScriptedMessenger([]))
    with pytest.raises(TypeError, match="advisor must be a botcore.Advisor"):
        botcore.Bot(config(tmp_path), advisor=SyntheticFeed())


def test_the_bot_keeps_its_adapters_alive_until_closed(tmp_path):
    feed, advisor = SyntheticFeed(), BuyOneLot()
    refs = [weakref.ref(feed), weakref.ref(advisor)]
    bot = botcore.Bot(config(tmp_path), market_data=feed, advisor=advisor,
                      messenger=IdleMessenger())
    del feed, advisor
    gc.collect()
    assert all(ref() is not None for ref in refs)
    bot.close()
    bot.close()  # a no-op
    gc.collect()
    assert all(ref() is None for ref in refs)
    bot.stop()  # a no-op
    with pytest.raises(botcore.FailedPrecondition, match="closed"):
        bot.run()


def test_python_adapters_drive_a_confirmed_trade_end_to_end(tmp_path):
    messenger = ScriptedMessenger([
        (command("/start"), said("Welcome")),
        (command("/price"), said("GAZP: ")),
        (command("/recommend"), lambda m: any(
            b.text == "Confirm" for msg in m.sent for row in msg.keyboard for b in row)),
        (press_confirm("cb1"), answered(1)),
        (press_confirm("cb2"), answered(2)),  # pressed twice
        (command("/portfolio"), said("Trades: 1")),
    ])
    advisor = BuyOneLot()
    with botcore.Bot(config(tmp_path), market_data=SyntheticFeed(), advisor=advisor,
                     messenger=messenger) as bot:
        assert bot.mode == "console"
        assert not bot.health().running
        run_to_the_end(bot)
        assert not messenger.steps, f"the script stalled; the bot said {messenger.texts()}"
        health = bot.health()
        assert health.database_reachable and not health.running
        assert health.last_poll_age is not None
    assert bot.closed
    with pytest.raises(botcore.FailedPrecondition, match="closed"):
        bot.health()

    assert "recommend" in messenger.commands
    assert advisor.calls == 1
    assert messenger.answers == ["Executed.", "Already executed."]
    assert sum(text.startswith("Executed: BUY 10 GAZP") for text in messenger.texts()) == 1
    assert any(edit.endswith("Confirmed.") for edit in messenger.edits)
    # The adapters ran on the runtime's C++ threads, not on this one.
    assert threading.current_thread().name not in messenger.threads
    trades = trades_in(tmp_path)
    assert len(trades) == 1 and trades[0].quantity == 10


def test_an_exception_in_the_python_advisor_is_an_error_reply(tmp_path, capfd):
    messenger = ScriptedMessenger([
        (command("/start"), said("Welcome")),
        (command("/recommend"), said("advisor is not available")),
        (command("/price"), said("GAZP: ")),  # still running
    ])
    with botcore.Bot(config(tmp_path), market_data=SyntheticFeed(),
                     advisor=BrokenAdvisor(), messenger=messenger) as bot:
        run_to_the_end(bot)
    assert not messenger.steps, f"the script stalled; the bot said {messenger.texts()}"
    assert not any(m.keyboard for m in messenger.sent)
    assert trades_in(tmp_path) == []
    # The bot's log names the Python exception.
    assert "Advisor.advise raised RuntimeError: the model fell over" in capfd.readouterr().err


def test_stop_from_another_thread(tmp_path):
    idle = IdleMessenger()
    with botcore.Bot(config(tmp_path), market_data=SyntheticFeed(), advisor=BuyOneLot(),
                     messenger=idle) as bot:
        runner = threading.Thread(target=bot.run)
        runner.start()
        assert idle.polled.wait(SAFETY_STOP_SECONDS)
        assert bot.health().running
        with pytest.raises(botcore.FailedPrecondition, match="run\\(\\) is in progress"):
            bot.close()
        with pytest.raises(botcore.FailedPrecondition, match="already running"):
            bot.run()
        bot.stop()
        runner.join(SAFETY_STOP_SECONDS)
        assert not runner.is_alive()
        assert not bot.health().running


CTRL_C_CHILD = textwrap.dedent("""
    import datetime, faulthandler, os, sys, threading
    sys.path[:0] = [{tests!r}]
    faulthandler.dump_traceback_later({bound}, exit=True)  # a hang dumps every thread
    import botcore
    from test_bot import SyntheticFeed, BuyOneLot, IdleMessenger

    database = {database!r}
    messenger = IdleMessenger()
    bot = botcore.Bot(botcore.Config({{"DATABASE_URL": "sqlite:///" + database,
                                      "POLL_TIMEOUT": "1s"}}),
                      market_data=SyntheticFeed(), advisor=BuyOneLot(), messenger=messenger)
    threading.Thread(target=lambda: messenger.polled.wait() and print("polling", flush=True),
                     daemon=True).start()
    try:
        bot.run()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    bot.close()
    print("closed", not os.path.exists(database + "-wal"), flush=True)
""")


CONSOLE_CHILD = textwrap.dedent("""
    import faulthandler, os, sys
    faulthandler.dump_traceback_later({bound}, exit=True)  # a hang dumps every thread
    import botcore

    database = {database!r}
    # Console mode: stdin/stdout, replayed GAZP candles, a simulated chain.
    bot = botcore.Bot(botcore.Config({{"DATABASE_URL": "sqlite:///" + database}}))
    try:
        bot.run()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    bot.close()
    print("closed", not os.path.exists(database + "-wal"), flush=True)
""")


def interrupt(script, stdin_line=None, wait_for=None):
    """Runs `script` in a child Python, waits for `wait_for` on its stdout,
    sends SIGINT and returns the rest of its stdout. Fails when it does not
    exit, or exits with an error."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env)
    try:
        if stdin_line is not None:
            child.stdin.write(stdin_line)
            child.stdin.flush()  # stdin stays open: the bot waits for the next line
        while wait_for not in child.stdout.readline():
            assert child.poll() is None, child.stderr.read()
        child.send_signal(signal.SIGINT)
        out = child.stdout.read()
        child.wait(timeout=60)
        err = child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    return out.splitlines()


def test_ctrl_c_stops_a_console_bot_waiting_for_a_line(tmp_path):
    database = str(tmp_path / "bot.db")
    script = CONSOLE_CHILD.format(bound=50, database=database)
    out = interrupt(script, stdin_line="/start\n", wait_for="[bot] Welcome")
    assert out[-2:] == ["interrupted", "closed True"]


def test_ctrl_c_stops_a_bot_with_a_python_messenger(tmp_path):
    database = str(tmp_path / "bot.db")
    script = CTRL_C_CHILD.format(tests=str(pathlib.Path(__file__).parent), bound=50,
                                 database=database)
    assert interrupt(script, wait_for="polling") == ["interrupted", "closed True"]
