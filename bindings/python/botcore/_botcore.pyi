"""Type stubs for botcore's C++ extension module."""

import datetime
import decimal
import enum
from typing import Callable, ClassVar, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str

class Error(Exception):
    code: ClassVar[str]

class Cancelled(Error): ...
class Unknown(Error): ...
class InvalidArgument(Error, ValueError): ...
class DeadlineExceeded(Error, TimeoutError): ...
class NotFound(Error, LookupError): ...
class AlreadyExists(Error): ...
class PermissionDenied(Error, PermissionError): ...
class ResourceExhausted(Error): ...
class FailedPrecondition(Error): ...
class Aborted(Error): ...
class OutOfRange(Error, ValueError): ...
class Unimplemented(Error, NotImplementedError): ...
class Internal(Error): ...
class Unavailable(Error): ...
class DataLoss(Error): ...
class Unauthenticated(Error): ...

class RoundingMode(enum.Enum):
    HALF_EVEN = ...
    HALF_AWAY_FROM_ZERO = ...
    TOWARD_ZERO = ...
    AWAY_FROM_ZERO = ...
    FLOOR = ...
    CEILING = ...

class Amount:
    def __init__(self, value: Union[str, int, decimal.Decimal], scale: int) -> None: ...
    @staticmethod
    def from_units(units: int, scale: int) -> Amount: ...
    @property
    def units(self) -> int: ...
    @property
    def scale(self) -> int: ...
    def to_decimal(self) -> decimal.Decimal: ...
    def to_display_string(self) -> str: ...
    def multiply_by_rate(
        self, rate: Amount, rounding: RoundingMode = RoundingMode.HALF_EVEN
    ) -> Amount: ...
    def divide_by(
        self, divisor: int, rounding: RoundingMode = RoundingMode.HALF_EVEN
    ) -> Amount: ...
    def rescale(
        self, scale: int, rounding: RoundingMode = RoundingMode.HALF_EVEN
    ) -> Amount: ...
    def __add__(self, other: Amount) -> Amount: ...
    def __sub__(self, other: Amount) -> Amount: ...
    def __mul__(self, factor: int) -> Amount: ...
    def __rmul__(self, factor: int) -> Amount: ...
    def __neg__(self) -> Amount: ...
    def __bool__(self) -> bool: ...
    def __lt__(self, other: Amount) -> bool: ...
    def __le__(self, other: Amount) -> bool: ...
    def __gt__(self, other: Amount) -> bool: ...
    def __ge__(self, other: Amount) -> bool: ...
    def __hash__(self) -> int: ...

# Candlestick patterns (re-exported by botcore.ta): int32 arrays, TA-Lib 0.6.4.
_Prices = npt.ArrayLike
_Pattern = npt.NDArray[np.int32]

def CDLDOJI(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDLHAMMER(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDLSHOOTINGSTAR(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDLENGULFING(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDLHARAMI(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDLMORNINGSTAR(
    open: _Prices, high: _Prices, low: _Prices, close: _Prices, penetration: float = 0.3
) -> _Pattern: ...
def CDLEVENINGSTAR(
    open: _Prices, high: _Prices, low: _Prices, close: _Prices, penetration: float = 0.3
) -> _Pattern: ...
def CDL3WHITESOLDIERS(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...
def CDL3BLACKCROWS(open: _Prices, high: _Prices, low: _Prices, close: _Prices) -> _Pattern: ...

class Side(enum.Enum):
    BUY = ...
    SELL = ...

class Candle:
    time: datetime.datetime
    open: float
    high: float
    low: float
    close: float
    volume: float
    def __init__(
        self, time: datetime.datetime, open: float, high: float, low: float,
        close: float, volume: float = 0.0,
    ) -> None: ...

def read_candles_csv(path: str) -> List[Candle]: ...

class Signal:
    symbol: str
    timeframe: str
    time: datetime.datetime
    side: Side
    entry: float
    take_profit: float
    stop_loss: float
    confidence: int
    reasons: List[str]
    id: str
    def __init__(
        self, symbol: str, timeframe: str, time: datetime.datetime, side: Side,
        entry: float, take_profit: float, stop_loss: float, confidence: int = 0,
        reasons: Sequence[str] = ..., id: str = "",
    ) -> None: ...
    @property
    def effective_id(self) -> str: ...

class Database:
    @property
    def url(self) -> str: ...

def open_database(url: str) -> Database: ...

class SignalOutcome(enum.Enum):
    OPEN = ...
    TAKE_PROFIT = ...
    STOP_LOSS = ...
    EXPIRED = ...

class JournalEntry:
    signal: Signal
    outcome: SignalOutcome
    bars: int
    resolved_at: Optional[datetime.datetime]
    exit_price: float
    r_multiple: float
    return_percent: float

class SignalStats:
    symbol: str
    timeframe: str
    recorded: int
    open: int
    resolved: int
    take_profits: int
    stop_losses: int
    expired: int
    wins: int
    losses: int
    win_rate: float
    average_r: float
    profit_factor: float
    expectancy_percent: float
    longest_losing_streak: int

class SignalJournal:
    def __init__(self, database: Database, expiry_bars: int = 20) -> None: ...
    def record(self, signal: Signal) -> bool: ...
    def resolve(self, symbol: str, timeframe: str, candles: Sequence[Candle]) -> List[JournalEntry]: ...
    def entries(self, symbol: str, timeframe: str) -> List[JournalEntry]: ...
    def stats(self, symbol: str, timeframe: str) -> SignalStats: ...
    def all_stats(self) -> List[SignalStats]: ...

# --- trading: candles, strategies, portfolios, risk, backtests -------------


def format_iso_time(time: datetime.datetime) -> str: ...

class Strategy:
    def __init__(self) -> None: ...
    def name(self) -> str: ...
    def on_bar(self, bar: Candle) -> Optional[Signal]: ...
    def reset(self) -> None: ...

class SmaCrossStrategy(Strategy):
    def __init__(self, fast: int = 10, slow: int = 30, symbol: str = "GAZP") -> None: ...
    @property
    def fast_sma(self) -> float: ...
    @property
    def slow_sma(self) -> float: ...

class Instrument:
    def __init__(self, symbol: str, lot_size: int = 1, price_step: str = "0.01") -> None: ...
    @property
    def symbol(self) -> str: ...
    @property
    def lot_size(self) -> int: ...
    @property
    def price_step(self) -> Amount: ...
    def price_on_step(self, price: float, rounding: RoundingMode = ...) -> Amount: ...

class TradeReason(enum.Enum):
    ORDER = ...
    STOP_LOSS = ...
    TAKE_PROFIT = ...

class Order:
    symbol: str
    side: Side
    quantity: int
    price: Amount
    stop_loss: Optional[Amount]
    take_profit: Optional[Amount]
    reason: TradeReason
    recommendation_id: str
    def __init__(
        self,
        symbol: str,
        side: Side,
        quantity: int,
        price: Amount,
        stop_loss: Optional[Amount] = None,
        take_profit: Optional[Amount] = None,
    ) -> None: ...

class Trade:
    def __init__(self) -> None: ...
    sequence: int
    time: datetime.datetime
    symbol: str
    side: Side
    quantity: int
    price: Amount
    commission: Amount
    realized_pnl: Amount
    cash_after: Amount
    reason: TradeReason
    recommendation_id: str
    stop_loss: Optional[Amount]
    take_profit: Optional[Amount]

class Position:
    def __init__(self) -> None: ...
    symbol: str
    quantity: int
    cost: Amount
    last_price: Amount
    stop_loss: Optional[Amount]
    take_profit: Optional[Amount]
    opened_at: datetime.datetime
    def market_value(self) -> Amount: ...
    def unrealized_pnl(self) -> Amount: ...
    def average_entry_price(self) -> Amount: ...

class RoundTrip:
    def __init__(self) -> None: ...
    symbol: str
    entry_time: datetime.datetime
    exit_time: datetime.datetime
    entry_price: Amount
    exit_price: Amount
    quantity: int
    pnl: Amount
    commission: Amount
    exit_reason: TradeReason

class PortfolioOptions:
    currency: str
    initial_cash: Amount
    commission_bps: Amount
    slippage_steps: int
    instruments: List[Instrument]
    def __init__(self) -> None: ...

class Portfolio:
    def __init__(self, options: PortfolioOptions = ...) -> None: ...
    @staticmethod
    def replay(options: PortfolioOptions, trades: List[Trade]) -> Portfolio: ...
    def execute(self, order: Order, time: datetime.datetime) -> Trade: ...
    def mark(self, symbol: str, price: Amount) -> None: ...
    def crossed_exit(self, symbol: str, open: Amount, high: Amount, low: Amount) -> Optional[Order]: ...
    def position(self, symbol: str) -> Optional[Position]: ...
    cash: Amount
    initial_cash: Amount
    realized_pnl: Amount
    commission_paid: Amount
    peak_equity: Amount
    market_value: Amount
    equity: Amount
    unrealized_pnl: Amount
    exposure: Amount
    positions: List[Position]
    trades: List[Trade]
    round_trips: List[RoundTrip]

class TradeAction(enum.Enum):
    BUY = ...
    SELL = ...
    HOLD = ...

class Recommendation:
    id: str
    symbol: str
    action: TradeAction
    quantity: int
    percent: float
    entry: Optional[Amount]
    stop_loss: Optional[Amount]
    take_profit: Optional[Amount]
    confidence: int
    rationale: str
    source: str
    def __init__(
        self,
        symbol: str,
        action: TradeAction,
        quantity: int = 0,
        percent: float = 0.0,
        entry: Optional[Amount] = None,
        stop_loss: Optional[Amount] = None,
        take_profit: Optional[Amount] = None,
        confidence: int = 0,
        rationale: str = "",
        source: str = "",
    ) -> None: ...

class RiskDecision(enum.Enum):
    APPROVED = ...
    ADJUSTED = ...
    REJECTED = ...

class TradingState(enum.Enum):
    ACTIVE = ...
    REDUCING = ...
    HALTED = ...

class RiskReason:
    def __init__(self) -> None: ...
    decision: RiskDecision
    code: str
    message: str

class RiskVerdict:
    def __init__(self) -> None: ...
    decision: RiskDecision
    order: Order
    reasons: List[RiskReason]
    trading_state: TradingState
    allowed: bool
    def summary(self) -> str: ...

class RiskLimits:
    max_position_fraction: Optional[float]
    require_protective_levels: bool
    default_stop_loss_fraction: float
    default_take_profit_fraction: float
    min_reward_risk: Optional[float]
    max_trades_per_day: Optional[int]
    daily_loss_limit: Optional[Amount]
    enforce_trading_hours: bool
    stop_loss_guard_count: Optional[int]
    stop_loss_guard_window_seconds: float
    reducing_drawdown: Optional[float]
    halted_drawdown: Optional[float]
    max_entry_deviation: Optional[float]
    absurd_notional_multiple: float
    def __init__(self) -> None: ...
    @staticmethod
    def cash_only() -> RiskLimits: ...

class RiskEngine:
    def __init__(self, holidays: List[str] = ...) -> None: ...
    def review(
        self,
        recommendation: Recommendation,
        portfolio: Portfolio,
        market_price: Amount,
        now: datetime.datetime,
        limits: RiskLimits,
    ) -> RiskVerdict: ...
    @staticmethod
    def trading_state(portfolio: Portfolio, limits: RiskLimits) -> TradingState: ...

class BacktestReport:
    def __init__(self) -> None: ...
    bars: int
    initial_equity: Amount
    final_equity: Amount
    years: float
    total_return: float
    cagr: float
    max_drawdown: float
    sharpe: float
    sortino: float
    calmar: float
    round_trips: int
    fills: int
    refused: int
    win_rate: float
    profit_factor: float
    expectancy: Amount
    realized_pnl: Amount
    commission: Amount
    time_in_market: float
    open_quantity: int

class EquityPoint:
    def __init__(self) -> None: ...
    time: datetime.datetime
    equity: Amount

class BacktestResult:
    def __init__(self) -> None: ...
    report: BacktestReport
    equity_curve: List[EquityPoint]
    trades: List[Trade]
    round_trips: List[RoundTrip]
    refusals: List[RiskVerdict]
    def write_trades_csv(self, path: str) -> None: ...
    def write_equity_csv(self, path: str) -> None: ...

class BacktestOptions:
    portfolio: PortfolioOptions
    symbol: str
    limits: RiskLimits
    progress: Optional[Callable[[int, int], None]]
    progress_every: int
    periods_per_year: float
    def __init__(self) -> None: ...

class Backtester:
    def __init__(self, options: BacktestOptions = ...) -> None: ...
    def run(self, strategy: Strategy, candles: List[Candle], buy_percent: float = 95.0) -> BacktestResult: ...


class Database:
    def __init__(self, url: str) -> None: ...
    @property
    def url(self) -> str: ...

def parse_evm_address(text: str) -> str: ...
def evm_checksum_address(address: str) -> str: ...

class Balance:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    owner: str
    asset: str
    posted: Amount
    available: Amount
    debits_posted: Amount
    credits_posted: Amount
    debits_pending: Amount
    credits_pending: Amount
    forbid_overdraft: bool

class TransferRecord:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    id: str
    kind: str
    debit: Tuple[str, str]
    credit: Tuple[str, str]
    amount: Amount
    memo: str
    sequence: int

class Ledger:
    def __init__(self, database: Database, assets: Sequence[Tuple[str, int]]) -> None: ...
    def transfer(
        self,
        id: str,
        debit: Tuple[str, str] = ...,
        credit: Tuple[str, str] = ...,
        amount: Amount = ...,
        kind: str = "posted",
        pending_id: str = "",
        memo: str = "",
    ) -> TransferRecord: ...
    def balance(self, owner: str, asset: str) -> Balance: ...
    def history(
        self, owner: str, asset: str, after_sequence: int = 0, limit: int = 100
    ) -> List[TransferRecord]: ...
    def check_invariants(self) -> None: ...

class Outbox:
    def __init__(self, database: Database, max_attempts: int = 5) -> None: ...
    def pending(self, limit: int = 100) -> List[Tuple[str, str]]: ...

class ReferralMember:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    user_id: str
    code: str
    referrer: str

class ReferralStats:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    referrals_per_level: List[int]
    rewards: dict[str, Amount]

class ReferralEngine:
    def __init__(
        self,
        database: Database,
        ledger: Ledger,
        outbox: Optional[Outbox] = None,
        enabled: bool = True,
        rates: Sequence[str] = ("0.05", "0.04", "0.03"),
        max_depth: int = 3,
    ) -> None: ...
    def register(self, user_id: str, referral_code: str = "") -> ReferralMember: ...
    def stats(self, user_id: str) -> ReferralStats: ...
    @staticmethod
    def code_of(user_id: str) -> str: ...

class BlockHeader:
    def __init__(self, number: int, hash: str, parent_hash: str) -> None: ...
    number: int
    hash: str
    parent_hash: str

class TransferLogFilter:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    token: str
    token_scale: int
    to: List[str]
    from_block: int
    to_block: int

class TransferLog:
    def __init__(
        self,
        tx_hash: str,
        log_index: int,
        block_number: int,
        block_hash: str,
        token: str,
        sender: str,
        recipient: str,
        amount: Amount,
    ) -> None: ...
    tx_hash: str
    log_index: int
    block_number: int
    block_hash: str
    amount: Amount

class ChainClient:
    def __init__(self) -> None: ...

class SimulatedChain(ChainClient):
    def __init__(self, chain_id: int = 56) -> None: ...
    def mine_block(
        self, transfers: Sequence[Tuple[str, str, Amount]] = ..., token: str = ...
    ) -> int: ...
    def mine_blocks(self, count: int) -> None: ...
    def reorg(self, depth: int, reinclude: bool = False) -> None: ...
    def tx_hash(self, block_number: int, index: int) -> str: ...

class DepositLevel:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    level: int
    credited_total: Amount

class SyncReport:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    head: int
    cursor: int
    recorded: int
    credited: int
    orphaned: int
    unmatched: int
    below_minimum: int

class Deposit:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    state: str
    user_id: str
    tx_hash: str
    log_index: int
    amount: Amount

class DepositEngine:
    def __init__(
        self,
        database: Database,
        ledger: Ledger,
        wallets: Sequence[str],
        referral: Optional[ReferralEngine] = None,
        outbox: Optional[Outbox] = None,
        chain_id: int = 56,
        token: str = ...,
        asset: str = "USDT",
        confirmations: int = 12,
        minimum_deposit: str = "0",
        level_thresholds: Sequence[str] = ...,
    ) -> None: ...
    def register_wallet(self, user_id: str, address: str) -> None: ...
    def sync(self, chain: ChainClient) -> SyncReport: ...
    def get(self, tx_hash: str, log_index: int, chain_id: int = 56) -> Deposit: ...
    def unmatched(self) -> List[Deposit]: ...
    def assign(
        self, tx_hash: str, log_index: int, user_id: str, chain_id: int = 56
    ) -> Deposit: ...
    def level(self, user_id: str) -> DepositLevel: ...

class Withdrawal:
    # Returned by the engines; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    id: str
    state: str
    amount: Amount
    destination: str
    fee: Amount
    payout_tx_hash: str
    reason: str

class WithdrawalEngine:
    def __init__(
        self,
        database: Database,
        ledger: Ledger,
        outbox: Optional[Outbox] = None,
        asset: str = "USDT",
        minimum_amount: str = "1",
        fee: str = "0",
    ) -> None: ...
    def request(
        self, id: str, user_id: str, amount: Amount, destination: str
    ) -> Withdrawal: ...
    def approve(self, id: str) -> Withdrawal: ...
    def reject(self, id: str, reason: str) -> Withdrawal: ...
    def mark_paid(self, id: str, tx_hash: str) -> Withdrawal: ...
    def mark_failed(self, id: str, reason: str) -> Withdrawal: ...

# --- paper trading: persisted portfolios and the recommendation desk -------

class ManualClock:
    def __init__(self, start: datetime.datetime) -> None: ...
    def now(self) -> datetime.datetime: ...
    def advance(self, seconds: float) -> None: ...
    def set(self, time: datetime.datetime) -> None: ...

class BarPrices:
    open: Amount
    high: Amount
    low: Amount
    last: Amount
    def __init__(self, open: Amount, high: Amount, low: Amount, last: Amount) -> None: ...

class PositionExit:
    def __init__(self) -> None: ...
    owner: str
    trade: Trade

class EquityRecord:
    def __init__(self) -> None: ...
    time: datetime.datetime
    cash: Amount
    equity: Amount

class Portfolios:
    def __init__(
        self,
        database: Database,
        options: PortfolioOptions = ...,
        clock: Optional[ManualClock] = None,
    ) -> None: ...
    def open(self, owner: str) -> Portfolio: ...
    def execute(self, owner: str, order: Order) -> Trade: ...
    def on_price(self, symbol: str, prices: BarPrices) -> List[PositionExit]: ...
    def trades(self, owner: str) -> List[Trade]: ...
    def equity_history(self, owner: str) -> List[EquityRecord]: ...
    def verify(self, owner: str) -> None: ...

class RecommendationStatus(enum.Enum):
    PENDING = ...
    CONFIRMED = ...
    REJECTED = ...
    EXPIRED = ...
    REFUSED = ...

class StoredRecommendation:
    def __init__(self) -> None: ...
    owner: str
    recommendation: Recommendation
    status: RecommendationStatus
    market_price: Amount
    verdict: RiskVerdict
    created_at: datetime.datetime
    expires_at: datetime.datetime
    decided_at: Optional[datetime.datetime]
    trade_sequence: int

class RecommendationTransition:
    def __init__(self) -> None: ...
    status: RecommendationStatus
    time: datetime.datetime
    note: str

class RecommendationDesk:
    def __init__(
        self,
        portfolios: Portfolios,
        risk: RiskEngine,
        limits: RiskLimits = ...,
        expiry_seconds: float = 900.0,
    ) -> None: ...
    def propose(
        self, owner: str, recommendation: Recommendation, market_price: Amount
    ) -> StoredRecommendation: ...
    def confirm(self, owner: str, id: str, market_price: Amount) -> Trade: ...
    def reject(self, owner: str, id: str) -> None: ...
    def expire_due(self) -> int: ...
    def get(self, id: str) -> StoredRecommendation: ...
    def pending(self, owner: str) -> List[StoredRecommendation]: ...
    def history(self, id: str) -> List[RecommendationTransition]: ...
