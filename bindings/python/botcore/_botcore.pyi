"""Type stubs for botcore's C++ extension module."""

import concurrent.futures
import datetime
import decimal
import enum
import types
from typing import Callable, ClassVar, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union, overload

import numpy.typing as npt

__version__: str

_T = TypeVar("_T")

# The TA-Lib-compatible functions; import them from botcore.ta.
ta: types.ModuleType

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
        self, rate: Union[Amount, str, int, decimal.Decimal],
        rounding: RoundingMode = RoundingMode.HALF_EVEN,
    ) -> Amount: ...
    def divide_by(
        self, divisor: int, rounding: RoundingMode = RoundingMode.HALF_EVEN
    ) -> Amount: ...
    def rescale(
        self, scale: int, rounding: RoundingMode = RoundingMode.HALF_EVEN
    ) -> Amount: ...
    # int and Decimal operands are taken exactly at self's scale (a Decimal
    # with more decimals raises InvalidArgument); bool and float raise
    # TypeError.
    def __add__(self, other: Union[Amount, int, decimal.Decimal]) -> Amount: ...
    def __radd__(self, other: Union[int, decimal.Decimal]) -> Amount: ...
    def __sub__(self, other: Union[Amount, int, decimal.Decimal]) -> Amount: ...
    def __rsub__(self, other: Union[int, decimal.Decimal]) -> Amount: ...
    # A whole number (int, or a Decimal without fraction) within 64 bits.
    def __mul__(self, factor: Union[int, decimal.Decimal]) -> Amount: ...
    def __rmul__(self, factor: Union[int, decimal.Decimal]) -> Amount: ...
    def __neg__(self) -> Amount: ...
    def __pos__(self) -> Amount: ...
    def __abs__(self) -> Amount: ...
    def __bool__(self) -> bool: ...
    # Exact, with Amounts, ints and Decimals; never equal to a float or bool.
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __lt__(self, other: Union[Amount, int, decimal.Decimal]) -> bool: ...
    def __le__(self, other: Union[Amount, int, decimal.Decimal]) -> bool: ...
    def __gt__(self, other: Union[Amount, int, decimal.Decimal]) -> bool: ...
    def __ge__(self, other: Union[Amount, int, decimal.Decimal]) -> bool: ...
    def __hash__(self) -> int: ...

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
    def __init__(self, url: str) -> None: ...
    @property
    def url(self) -> str: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Database: ...
    def __exit__(self, *exc: object) -> None: ...

class SignalOutcome(enum.Enum):
    OPEN = ...
    TAKE_PROFIT = ...
    STOP_LOSS = ...
    EXPIRED = ...

class JournalEntry:
    def __init__(self) -> None: ...
    signal: Signal
    outcome: SignalOutcome
    bars: int
    resolved_at: Optional[datetime.datetime]
    exit_price: float
    r_multiple: float
    return_percent: float

class SignalStats:
    def __init__(self) -> None: ...
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

class DefaultStrategyOptions:
    symbol: str
    timeframe: str
    macd_fast: int
    macd_slow: int
    macd_signal: int
    rsi_period: int
    rsi_overbought: float
    rsi_oversold: float
    rsi_midline: float
    bbands_period: int
    bbands_deviations: float
    band_proximity: float
    pattern_bars: int
    atr_period: int
    stop_atr_multiple: float
    reward_risk: float
    base_confidence: int
    rsi_weight: int
    bands_weight: int
    pattern_weight: int
    min_confidence: int
    def __init__(self) -> None: ...

# --- trading: candles, strategies, portfolios, risk, backtests -------------


def format_iso_time(time: datetime.datetime) -> str: ...

class Strategy:
    def __init__(self) -> None: ...
    def name(self) -> str: ...
    def on_bar(self, bar: Candle) -> Optional[Signal]: ...
    def reset(self) -> None: ...

class DefaultStrategy(Strategy):
    def __init__(self, options: DefaultStrategyOptions) -> None: ...

class SwingPoint:
    class Kind(enum.Enum):
        HIGH = ...
        LOW = ...
    def __init__(self) -> None: ...
    kind: SwingPoint.Kind
    index: int
    price: float
    confirmed_at: int

def find_swing_points(
    high: npt.ArrayLike, low: npt.ArrayLike, threshold_percent: float = 5.0
) -> List[SwingPoint]: ...

class ChartPatternKind(enum.Enum):
    HEAD_AND_SHOULDERS = ...
    INVERSE_HEAD_AND_SHOULDERS = ...
    DOUBLE_TOP = ...
    DOUBLE_BOTTOM = ...

class Neckline:
    def __init__(self) -> None: ...
    from_index: int
    from_price: float
    to_index: int
    to_price: float
    def at(self, index: int) -> float: ...

class ChartPattern:
    def __init__(self) -> None: ...
    kind: ChartPatternKind
    points: List[SwingPoint]
    neckline: Neckline
    breakout_index: Optional[int]
    height: float
    target: float
    @property
    def bullish(self) -> bool: ...

class ChartPatternOptions:
    swing_threshold_percent: float
    shoulder_tolerance_percent: float
    head_margin_percent: float
    neckline_tolerance_percent: float
    peak_tolerance_percent: float
    min_peak_separation_bars: int
    def __init__(self) -> None: ...

def find_chart_patterns(
    high: npt.ArrayLike, low: npt.ArrayLike, close: npt.ArrayLike,
    options: ChartPatternOptions = ...,
) -> List[ChartPattern]: ...
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
    stop_loss_guard_window: datetime.timedelta
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
    def run(
        self,
        advisor: Union[Strategy, Advisor],
        candles: Optional[List[Candle]] = None,
        *,
        market_data: Optional[MarketData] = None,
        query: Optional[CandleQuery] = None,
        buy_percent: float = 95.0,
    ) -> BacktestResult: ...

# --- paper trading: persisted portfolios and the recommendation desk -------

class ManualClock:
    def __init__(self, start: datetime.datetime) -> None: ...
    def now(self) -> datetime.datetime: ...
    def advance(self, by: datetime.timedelta) -> None: ...
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
    def reset_drawdown(self, owner: str) -> Portfolio: ...
    def purge_equity_history(
        self, before: datetime.datetime, batch_size: int = 1000
    ) -> int: ...
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
        expiry: datetime.timedelta = ...,
    ) -> None: ...
    def propose(
        self, owner: str, recommendation: Recommendation, market_price: Amount
    ) -> StoredRecommendation: ...
    def recommend(
        self,
        owner: str,
        advisor: Advisor,
        symbol: str,
        candles: List[Candle],
        market_price: Amount,
    ) -> Optional[StoredRecommendation]: ...
    def confirm(self, owner: str, id: str, market_price: Amount) -> Trade: ...
    def reject(self, owner: str, id: str) -> None: ...
    def expire_due(self) -> int: ...
    def get(self, id: str) -> StoredRecommendation: ...
    def pending(self, owner: str) -> List[StoredRecommendation]: ...
    def history(self, id: str) -> List[RecommendationTransition]: ...
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
    created_at: datetime.datetime

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
        self,
        owner: str,
        asset: str,
        *,
        after_sequence: int = 0,
        page_size: int = 100,
        since: Optional[datetime.datetime] = None,
        until: Optional[datetime.datetime] = None,
    ) -> LedgerHistory: ...
    def check_invariants(self) -> None: ...

class LedgerHistory:
    # Returned by Ledger.history; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    def __iter__(self) -> LedgerHistory: ...
    def __next__(self) -> TransferRecord: ...

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
    unpaid_rewards: dict[str, Amount]

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
    def pay_unpaid_rewards(self) -> int: ...
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
    number: int
    tx_hash: str
    log_index: int
    amount: Amount
    def transfer_id(self) -> str: ...

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

# --- ports implementable in Python ------------------------------------------

class CandleInterval(enum.Enum):
    MINUTE = ...
    TEN_MINUTES = ...
    HOUR = ...
    DAY = ...
    WEEK = ...
    MONTH = ...
    QUARTER = ...

class CandleQuery:
    security: str
    board: str
    interval: CandleInterval
    since: datetime.datetime
    till: datetime.datetime
    def __init__(
        self,
        security: str,
        *,
        board: str = "TQBR",
        interval: CandleInterval = ...,
        since: datetime.datetime,
        till: datetime.datetime,
    ) -> None: ...

class SecurityInfo:
    security: str
    board: str
    short_name: str
    isin: str
    currency: str
    lot_size: int
    decimals: int
    price_step: Amount
    def __init__(self, **fields: object) -> None: ...

class LastPrice:
    security: str
    board: str
    price: Amount
    time: datetime.datetime
    def __init__(self, **fields: object) -> None: ...

class MarketData:
    def __init__(self) -> None: ...
    def get_candles(self, query: CandleQuery) -> List[Candle]: ...
    def get_security_info(self, security: str, board: str = "TQBR") -> SecurityInfo: ...
    def get_last_price(self, security: str, board: str = "TQBR") -> LastPrice: ...

class AdvisorCandles:
    # AdvisorContext.candles: a read-only sequence that makes a Candle only
    # for the item read; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> Candle: ...
    @overload
    def __getitem__(self, slice: slice) -> List[Candle]: ...

class AdvisorContext:
    # Given to Advisor.advise; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    @property
    def symbol(self) -> str: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def candles(self) -> AdvisorCandles: ...
    @property
    def indicators(self) -> dict[str, float]: ...
    @property
    def instrument(self) -> Optional[Instrument]: ...
    @property
    def portfolio(self) -> Optional[Portfolio]: ...
    @property
    def limits(self) -> Optional[RiskLimits]: ...

class Advisor:
    def __init__(self) -> None: ...
    def name(self) -> str: ...
    def advise(self, context: AdvisorContext) -> Optional[Recommendation]: ...

class ChatType(enum.Enum):
    PRIVATE = ...
    GROUP = ...
    SUPERGROUP = ...
    CHANNEL = ...
    OTHER = ...

class MemberStatus(enum.Enum):
    CREATOR = ...
    ADMINISTRATOR = ...
    MEMBER = ...
    RESTRICTED = ...
    LEFT = ...
    KICKED = ...
    OTHER = ...

class UpdateKind(enum.Enum):
    MESSAGE = ...
    EDITED_MESSAGE = ...
    CALLBACK_QUERY = ...
    MY_CHAT_MEMBER = ...
    OTHER = ...

class ParseMode(enum.Enum):
    PLAIN = ...
    HTML = ...
    MARKDOWN_V2 = ...

class MessengerUser:
    id: int
    is_bot: bool
    first_name: str
    last_name: str
    username: str
    language_code: str
    def __init__(self, **fields: object) -> None: ...

class Chat:
    id: int
    type: ChatType
    title: str
    username: str
    def __init__(self, **fields: object) -> None: ...

class Location:
    latitude: float
    longitude: float
    def __init__(self, **fields: object) -> None: ...

class PhotoSize:
    file_id: str
    file_unique_id: str
    width: int
    height: int
    file_size: int
    def __init__(self, **fields: object) -> None: ...

class Message:
    message_id: int
    chat: Chat
    sender: Optional[MessengerUser]
    date: datetime.datetime
    edit_date: Optional[datetime.datetime]
    text: str
    command: str
    command_bot: str
    command_args: str
    location: Optional[Location]
    photo: List[PhotoSize]
    reply_to_message_id: Optional[int]
    message_thread_id: Optional[int]
    def __init__(self, **fields: object) -> None: ...

class CallbackQuery:
    id: str
    sender: MessengerUser
    message: Optional[Message]
    inline_message_id: str
    chat_instance: str
    data: str
    def __init__(self, **fields: object) -> None: ...

class ChatMemberUpdate:
    chat: Chat
    sender: MessengerUser
    date: datetime.datetime
    member: MessengerUser
    old_status: MemberStatus
    new_status: MemberStatus
    def __init__(self, **fields: object) -> None: ...

class Update:
    id: int
    kind: UpdateKind
    message: Optional[Message]
    callback_query: Optional[CallbackQuery]
    my_chat_member: Optional[ChatMemberUpdate]
    def __init__(self, **fields: object) -> None: ...

class InlineButton:
    text: str
    callback_data: str
    url: str
    def __init__(self, **fields: object) -> None: ...

class OutgoingMessage:
    chat_id: int
    text: str
    parse_mode: ParseMode
    keyboard: List[List[InlineButton]]
    reply_to_message_id: Optional[int]
    disable_link_preview: bool
    def __init__(self, **fields: object) -> None: ...

class SentMessage:
    chat_id: int
    message_ids: List[int]
    def __init__(self, **fields: object) -> None: ...

class MessageEdit:
    chat_id: int
    message_id: int
    text: str
    parse_mode: ParseMode
    keyboard: List[List[InlineButton]]
    def __init__(self, **fields: object) -> None: ...

class CallbackAnswer:
    callback_query_id: str
    text: str
    show_alert: bool
    def __init__(self, **fields: object) -> None: ...

class OutgoingFile:
    chat_id: int
    file_name: str
    content: bytes
    file_id: str
    url: str
    caption: str
    parse_mode: ParseMode
    keyboard: List[List[InlineButton]]
    def __init__(self, **fields: object) -> None: ...

class BotCommand:
    command: str
    description: str
    def __init__(self, **fields: object) -> None: ...

class Messenger:
    def __init__(self) -> None: ...
    def receive(self, wait: datetime.timedelta) -> List[Update]: ...
    def acknowledge(self, update_id: int) -> None: ...
    def send_message(self, message: OutgoingMessage) -> SentMessage: ...
    def edit_message_text(self, edit: MessageEdit) -> None: ...
    def answer_callback_query(self, answer: CallbackAnswer) -> None: ...
    def send_photo(self, photo: OutgoingFile) -> SentMessage: ...
    def send_document(self, document: OutgoingFile) -> SentMessage: ...
    def set_commands(self, commands: List[BotCommand]) -> None: ...
    def username(self) -> str: ...

# --- runtime -----------------------------------------------------------------

class OrderedExecutor:
    def __init__(self, threads: int = 4) -> None: ...
    def submit(self, key: int, task: Callable[[], _T]) -> concurrent.futures.Future[_T]: ...
    def shutdown(self, timeout: Optional[datetime.timedelta] = None) -> None: ...
    @property
    def pending(self) -> int: ...
    def __enter__(self) -> OrderedExecutor: ...
    def __exit__(self, *exc: object) -> None: ...

# --- the bot -----------------------------------------------------------------

class Config:
    def __init__(self, values: Mapping[str, str] = ...) -> None: ...
    @staticmethod
    def load(env_file: str = ".env") -> Config: ...
    def get(self, key: str) -> Optional[str]: ...
    def display_value(self, key: str) -> str: ...

class BotHealth:
    # Returned by Bot.health; constructing one from Python raises TypeError.
    def __init__(self, *args: object) -> None: ...
    @property
    def database_reachable(self) -> bool: ...
    @property
    def database_error(self) -> Optional[str]: ...
    @property
    def last_poll_age(self) -> Optional[datetime.timedelta]: ...
    @property
    def running(self) -> bool: ...
    @property
    def in_flight(self) -> int: ...

class Bot:
    def __init__(
        self,
        config: Config,
        *,
        market_data: Optional[MarketData] = None,
        advisor: Optional[Advisor] = None,
        messenger: Optional[Messenger] = None,
        chain: Optional[ChainClient] = None,
    ) -> None: ...
    def run(self) -> None: ...
    def stop(self) -> None: ...
    def health(self) -> BotHealth: ...
    @property
    def mode(self) -> str: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Bot: ...
    def __exit__(self, *exc: object) -> None: ...
