#include "botcore/runtime/bot_assembly.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "botcore/adapters/bsc.h"
#include "botcore/adapters/console.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/llm.h"
#include "botcore/adapters/moex.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/candle.h"
#include "botcore/ledger/evm_address.h"
#include "botcore/portfolio/strategy_advisor.h"
#include "botcore/runtime/replay_market_data.h"
#include "botcore/signals/default_strategy.h"
#include "botcore/testing/simulated_chain.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

absl::Status BadKey(std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(key), ": ", std::string(why)));
}

// A percentage key ("30" for 30 %) as a fraction.
absl::StatusOr<double> Fraction(const Config& c, std::string_view key,
                                double default_percent) {
  BOTCORE_ASSIGN_OR_RETURN(double pct, c.GetDouble(key, default_percent));
  if (!(pct > 0 && pct <= 100)) {
    return BadKey(key, absl::StrCat(c.DisplayValue(key),
                                    " is not a percent in (0, 100]"));
  }
  return pct / 100;
}

absl::StatusOr<int> PositiveInt(const Config& c, std::string_view key,
                                int64_t default_value) {
  BOTCORE_ASSIGN_OR_RETURN(int64_t v, c.GetInt(key, default_value));
  if (v < 1 || v > 1'000'000'000) {
    return BadKey(key, absl::StrCat(c.DisplayValue(key), " is not positive"));
  }
  return static_cast<int>(v);
}

absl::StatusOr<absl::Duration> PositiveDuration(const Config& c,
                                                std::string_view key,
                                                absl::Duration default_value) {
  BOTCORE_ASSIGN_OR_RETURN(absl::Duration d, c.GetDuration(key, default_value));
  if (d <= absl::ZeroDuration()) {
    return BadKey(key, absl::StrCat(c.DisplayValue(key), " is not positive"));
  }
  return d;
}

// The directory of the binary this code is linked into: the executable, or
// a shared object such as the Python extension module; "" if unknown.
std::string BinaryDir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&BundledCandlePaths), &info) == 0 ||
      info.dli_fname == nullptr) {
    return "";
  }
  std::error_code ec;
  std::filesystem::path binary = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::string() : binary.parent_path().string();
}

// Free bytes on the disk holding a SQLite database file; nothing for other
// databases.
std::function<absl::StatusOr<int64_t>()> DiskGuardFor(std::string_view url) {
  constexpr std::string_view kPrefix = "sqlite:///";
  if (!url.starts_with(kPrefix)) return {};
  std::filesystem::path file(std::string(url.substr(kPrefix.size())));
  std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  return [dir]() -> absl::StatusOr<int64_t> {
    std::error_code ec;
    std::filesystem::space_info space = std::filesystem::space(dir, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat(
          "cannot read free space of ", dir.string(), ": ", ec.message()));
    }
    return static_cast<int64_t>(space.available);
  };
}

// Console mode's /simulate_deposit: a transfer to the system wallet mined on
// the simulated chain with every confirmation, so that an offline user sees
// a deposit credited.
CustomCommand SimulatedDepositCommand(testing::SimulatedChain* chain,
                                      const BotOptions& bot) {
  CustomCommand c;
  c.name = "simulate_deposit";
  c.description = "console demo: /simulate_deposit 1 0x<your wallet>";
  c.run = [chain, bot](const CommandRequest& r) -> absl::StatusOr<std::string> {
    const std::string usage =
        "Usage: /simulate_deposit <amount> <your /wallet address>, e.g. "
        "/simulate_deposit 1 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    std::vector<std::string> args =
        absl::StrSplit(r.args, ' ', absl::SkipEmpty());
    if (args.size() != 2) return absl::InvalidArgumentError(usage);
    absl::StatusOr<Amount> amount = Amount::Parse(args[0], bot.asset_scale);
    absl::StatusOr<std::string> from = ParseEvmAddress(args[1]);
    if (!amount.ok() || !amount->is_positive() || !from.ok()) {
      return absl::InvalidArgumentError(usage);
    }
    BOTCORE_ASSIGN_OR_RETURN(std::string to,
                             ParseEvmAddress(bot.system_wallet));
    const BlockHeader block = chain->MineBlock(
        {{absl::AsciiStrToLower(bot.token_contract),
          absl::AsciiStrToLower(*from), absl::AsciiStrToLower(to), *amount}});
    chain->MineBlocks(bot.confirmations - 1);
    return absl::StrCat("Mined a transfer of ", amount->ToDisplayString(), " ",
                        bot.asset, " from ", args[1], " in block ",
                        block.number, " and ", bot.confirmations - 1,
                        " blocks after it; the chain monitor credits it "
                        "shortly.");
  };
  return c;
}

}  // namespace

std::string_view BotModeName(BotMode mode) {
  switch (mode) {
    case BotMode::kConsole:
      return "console";
    case BotMode::kLongPolling:
      return "polling";
    case BotMode::kWebhook:
      return "webhook";
  }
  return "console";
}

std::vector<std::string> BundledCandlePaths() {
  std::vector<std::string> paths;
  const std::string binary = BinaryDir();
  if (!binary.empty()) {
    paths.push_back(binary + "/data/gazp_daily.csv");
    paths.push_back(binary + "/../share/botcore/gazp_daily.csv");
  }
#ifdef BOTCORE_INSTALL_DATA_DIR
  paths.push_back(std::string(BOTCORE_INSTALL_DATA_DIR) + "/gazp_daily.csv");
#endif
#ifdef BOTCORE_SOURCE_DATA_DIR
  paths.push_back(std::string(BOTCORE_SOURCE_DATA_DIR) + "/gazp_daily.csv");
#endif
  return paths;
}

absl::StatusOr<BotSettings> ReadBotSettings(const Config& c) {
  BotSettings s;
  BotOptions& b = s.bot;
  s.telegram_token = c.GetString("TELEGRAM_BOT_TOKEN", "");
  s.telegram_api_base_url =
      c.GetString("TELEGRAM_API_BASE_URL", "https://api.telegram.org");
  const std::string mode = c.GetString("TELEGRAM_MODE", "polling");
  if (mode != "polling" && mode != "webhook") {
    return BadKey("TELEGRAM_MODE",
                  absl::StrCat("\"", mode, "\" is not polling or webhook"));
  }
  if (s.telegram_token.empty()) {
    s.mode = BotMode::kConsole;
  } else {
    s.mode = mode == "webhook" ? BotMode::kWebhook : BotMode::kLongPolling;
  }
  s.webhook_url = c.GetString("TELEGRAM_WEBHOOK_URL", "");
  s.webhook_secret = c.GetString("TELEGRAM_WEBHOOK_SECRET", "");
  if (s.mode == BotMode::kWebhook && s.webhook_secret.empty()) {
    return BadKey("TELEGRAM_WEBHOOK_SECRET", "is required in webhook mode");
  }
  s.database_url = c.GetString("DATABASE_URL", kDefaultDatabaseUrl);
  s.moex_base_url = c.GetString("MOEX_BASE_URL", "https://iss.moex.com/iss");
  BOTCORE_ASSIGN_OR_RETURN(s.moex_data_delay,
                           c.GetDuration("MOEX_DATA_DELAY", absl::Minutes(15)));
  if (s.moex_data_delay < absl::ZeroDuration()) {
    return BadKey(
        "MOEX_DATA_DELAY",
        absl::StrCat(c.DisplayValue("MOEX_DATA_DELAY"), " is negative"));
  }
  s.llm_api_key = c.GetString("AGENTROUTER_API_KEY", "");
  s.llm_base_url = c.GetString("LLM_BASE_URL", "https://api.openai.com/v1");
  s.llm_model = c.GetString("LLM_MODEL", "gpt-4o-mini");
  s.bsc_rpc_url = c.GetString("BSC_RPC_URL", "");
  s.replay_candles_csv = c.GetString("REPLAY_CANDLES_CSV", "");
  BOTCORE_ASSIGN_OR_RETURN(s.http, OperationsServerOptionsFromConfig(c));
  s.serve_http = s.mode == BotMode::kWebhook || c.Get("HTTP_PORT").has_value();
  BOTCORE_ASSIGN_OR_RETURN(s.log, LoggerOptionsFromConfig(c));
  s.backup_file = c.GetString("BACKUP_FILE", "");

  b.instance_id = c.GetString("INSTANCE_ID", "");
  b.bot_username = c.GetString("BOT_USERNAME", "");
  for (const std::string& id : c.GetList("ADMIN_IDS")) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(id, &v)) {
      return BadKey("ADMIN_IDS", absl::StrCat("\"", id, "\" is not a user id"));
    }
    b.admin_ids.push_back(v);
  }
  BOTCORE_ASSIGN_OR_RETURN(b.owner_chat_id, c.GetInt("OWNER_CHAT_ID", 0));

  // Trading.
  b.default_symbol = c.GetString("DEFAULT_SYMBOL", "GAZP");
  b.board = c.GetString("MOEX_BOARD", "TQBR");
  BOTCORE_ASSIGN_OR_RETURN(b.history_bars, PositiveInt(c, "HISTORY_BARS", 120));
  BOTCORE_ASSIGN_OR_RETURN(
      b.book.initial_cash,
      c.GetAmount("DEFAULT_INITIAL_CAPITAL", 2,
                  PortfolioBookOptions::DefaultInitialCash()));
  if (!b.book.initial_cash.is_positive()) {
    return BadKey("DEFAULT_INITIAL_CAPITAL", "must be positive");
  }
  BOTCORE_ASSIGN_OR_RETURN(b.limits.max_position_fraction,
                           Fraction(c, "MAX_POSITION_SIZE_PCT", 30));
  BOTCORE_ASSIGN_OR_RETURN(b.limits.max_trades_per_day,
                           PositiveInt(c, "MAX_TRADES_PER_DAY", 5));
  BOTCORE_ASSIGN_OR_RETURN(b.limits.daily_loss_limit,
                           c.GetAmount("DAILY_LOSS_LIMIT_RUB", 2,
                                       RiskLimits::DefaultDailyLossLimit()));
  BOTCORE_ASSIGN_OR_RETURN(b.limits.default_stop_loss_fraction,
                           Fraction(c, "STOP_LOSS_PCT", 0.8));
  BOTCORE_ASSIGN_OR_RETURN(b.limits.default_take_profit_fraction,
                           Fraction(c, "TAKE_PROFIT_PCT", 1.5));
  BOTCORE_ASSIGN_OR_RETURN(b.limits.min_reward_risk,
                           c.GetDouble("MIN_REWARD_RISK", 1.5));
  // Replayed daily candles carry no session: console mode trades any time.
  BOTCORE_ASSIGN_OR_RETURN(
      b.limits.enforce_trading_hours,
      c.GetBool("ENFORCE_TRADING_HOURS", s.mode != BotMode::kConsole));
  BOTCORE_ASSIGN_OR_RETURN(
      b.recommendation_expiry,
      PositiveDuration(c, "RECOMMENDATION_EXPIRY", absl::Minutes(15)));

  // Money.
  BOTCORE_ASSIGN_OR_RETURN(int64_t chain_id, c.GetInt("BSC_CHAIN_ID", 56));
  b.chain_id = static_cast<uint64_t>(chain_id);
  b.token_contract = c.GetString("USDT_CONTRACT",
                                 "0x55d398326f99059ff775485246999027b3197955");
  b.system_wallet = c.GetString("SYSTEM_WALLET_ADDRESS", "");
  if (s.mode == BotMode::kConsole && b.system_wallet.empty()) {
    // The simulated chain's demo wallet.
    b.system_wallet = "0x00000000000000000000000000000000000b0775";
  }
  BOTCORE_ASSIGN_OR_RETURN(b.confirmations,
                           PositiveInt(c, "BSC_CONFIRMATION_BLOCKS", 12));
  BOTCORE_ASSIGN_OR_RETURN(int64_t start, c.GetInt("BSC_START_BLOCK", 0));
  b.start_block = static_cast<uint64_t>(std::max<int64_t>(0, start));
  b.minimum_deposit = c.GetString("MIN_DEPOSIT", "0");
  for (int i = 0; i < 6; ++i) {
    const std::string key = absl::StrCat("DEPOSIT_LEVEL_", i + 1);
    b.level_thresholds[i] = c.GetString(key, b.level_thresholds[i]);
  }
  for (int i = 0; i < 3; ++i) {
    const std::string key = absl::StrCat("REFERRAL_RATE_LEVEL_", i + 1);
    b.referral_rates[i] = c.GetString(key, b.referral_rates[i]);
  }
  BOTCORE_ASSIGN_OR_RETURN(int64_t depth, c.GetInt("MAX_REFERRAL_DEPTH", 3));
  if (depth < 0 || depth > 3) {
    return BadKey("MAX_REFERRAL_DEPTH",
                  absl::StrCat(depth, " is not between 0 and 3"));
  }
  b.max_referral_depth = static_cast<int>(depth);
  b.minimum_withdrawal = c.GetString("MIN_WITHDRAWAL", "1");
  b.withdrawal_fee = c.GetString("WITHDRAWAL_FEE", "0");

  // Runtime.
  BOTCORE_ASSIGN_OR_RETURN(b.worker_threads,
                           PositiveInt(c, "WORKER_THREADS", 4));
  BOTCORE_ASSIGN_OR_RETURN(
      b.max_unrecorded_answers,
      PositiveInt(c, "MAX_UNRECORDED_ANSWERS", b.worker_threads));
  BOTCORE_ASSIGN_OR_RETURN(
      b.poll_wait, PositiveDuration(c, "POLL_TIMEOUT", absl::Seconds(25)));
  BOTCORE_ASSIGN_OR_RETURN(b.rate_limit_max_requests,
                           PositiveInt(c, "RATE_LIMIT_MAX_REQUESTS", 20));
  BOTCORE_ASSIGN_OR_RETURN(
      b.rate_limit_window,
      PositiveDuration(c, "RATE_LIMIT_WINDOW", absl::Minutes(1)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.update_claim_lease,
      PositiveDuration(c, "UPDATE_CLAIM_LEASE", absl::Minutes(2)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.shutdown_timeout,
      PositiveDuration(c, "SHUTDOWN_TIMEOUT", absl::Seconds(10)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.outbox_retry,
      PositiveDuration(c, "OUTBOX_RETRY_INTERVAL", absl::Minutes(5)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.outbox_period,
      PositiveDuration(c, "OUTBOX_INTERVAL", absl::Seconds(10)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.chain_monitor_period,
      PositiveDuration(c, "CHAIN_POLL_INTERVAL", absl::Seconds(30)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.confirmation_period,
      PositiveDuration(c, "CONFIRMATION_CHECK_INTERVAL", absl::Seconds(15)));
  BOTCORE_ASSIGN_OR_RETURN(
      b.watcher_period,
      PositiveDuration(c, "STOP_WATCH_INTERVAL", absl::Minutes(1)));
  BOTCORE_ASSIGN_OR_RETURN(b.broadcast_per_second,
                           c.GetDouble("BROADCAST_RATE", 20));
  if (!(b.broadcast_per_second > 0)) {
    return BadKey("BROADCAST_RATE", "must be positive");
  }
  BOTCORE_ASSIGN_OR_RETURN(
      b.retention, PositiveDuration(c, "RETENTION", absl::Hours(24 * 30)));
  BOTCORE_ASSIGN_OR_RETURN(int64_t min_free_mb,
                           c.GetInt("MIN_FREE_DISK_MB", 1024));
  b.min_free_disk_bytes = min_free_mb * (int64_t{1} << 20);
  BOTCORE_ASSIGN_OR_RETURN(b.alert_after_errors,
                           PositiveInt(c, "ALERT_AFTER_ERRORS", 3));
  return s;
}

struct BotAssembly::Parts {
  BotSettings settings;
  SystemClock system_clock;
  // Declared first so that it is destroyed last.
  std::unique_ptr<Database> database;
  std::unique_ptr<HttpClient> telegram_http;
  std::unique_ptr<HttpClient> moex_http;
  std::unique_ptr<HttpClient> llm_http;
  std::unique_ptr<HttpClient> bsc_http;
  // Console mode: standard input, unless BotAssemblyOptions gave one.
  std::unique_ptr<ConsoleInput> stdin_input;
  ConsoleInput* console_input = nullptr;
  std::unique_ptr<Messenger> messenger;
  TelegramMessenger* telegram = nullptr;
  std::unique_ptr<MarketData> market_data;
  std::unique_ptr<Strategy> strategy;
  std::unique_ptr<Advisor> advisor;
  std::unique_ptr<ChainClient> chain;
  testing::SimulatedChain* simulated_chain = nullptr;
  std::unique_ptr<Logger> logger;
  BotMetrics metrics;
  std::unique_ptr<Bot> bot;
};

BotAssembly::BotAssembly(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

BotAssembly::~BotAssembly() {
  // The Bot uses every port: it goes first.
  parts_->bot.reset();
}

absl::StatusOr<std::unique_ptr<BotAssembly>> BotAssembly::Create(
    const Config& config, const BotAssemblyOptions& overrides) {
  auto p = std::make_unique<Parts>();
  BOTCORE_ASSIGN_OR_RETURN(p->settings, ReadBotSettings(config));
  BotSettings& s = p->settings;
  Clock* clock =
      overrides.clock != nullptr ? overrides.clock : &p->system_clock;
  BOTCORE_ASSIGN_OR_RETURN(p->database, OpenDatabase(s.database_url));

  BotOptions options = s.bot;
  options.clock = clock;
  options.database = p->database.get();
  options.observer =
      overrides.observer != nullptr ? overrides.observer : &p->metrics;
  p->logger = std::make_unique<Logger>(s.log);
  options.log = [logger = p->logger.get()](std::string_view line) {
    logger->Log(
        line.starts_with("audit:") ? LogLevel::kInfo : LogLevel::kWarning,
        line);
  };
  if (!s.backup_file.empty()) {
    options.backup = [db = p->database.get(), file = s.backup_file] {
      return BackupDatabase(*db, file);
    };
  }
  options.free_disk_bytes = DiskGuardFor(s.database_url);

  // Messenger.
  if (overrides.messenger != nullptr) {
    options.messenger = overrides.messenger;
  } else if (s.mode == BotMode::kConsole) {
    if (overrides.console_input != nullptr) {
      p->console_input = overrides.console_input;
    } else {
      p->stdin_input = std::make_unique<ConsoleInput>(STDIN_FILENO);
      p->console_input = p->stdin_input.get();
    }
    ConsoleOptions co;
    co.input = p->console_input;
    co.out =
        overrides.console_out != nullptr ? overrides.console_out : &std::cout;
    co.clock = clock;
    BOTCORE_ASSIGN_OR_RETURN(p->messenger, NewConsoleMessenger(co));
    options.messenger = p->messenger.get();
    // Console update ids restart with the process, and a person reads each
    // answer before typing on.
    options.claim_updates = false;
    options.finish_batch_before_receive = true;
  } else {
    CurlHttpClientOptions ho;
    ho.total_timeout = absl::Seconds(60);
    BOTCORE_ASSIGN_OR_RETURN(p->telegram_http, NewCurlHttpClient(ho));
    TelegramOptions to;
    to.token = s.telegram_token;
    to.api_base_url = s.telegram_api_base_url;
    to.http = p->telegram_http.get();
    to.clock = clock;
    to.database = p->database.get();
    to.mode = s.mode == BotMode::kWebhook ? TelegramMode::kWebhook
                                          : TelegramMode::kLongPolling;
    to.webhook_secret_token = s.webhook_secret;
    BOTCORE_ASSIGN_OR_RETURN(std::unique_ptr<TelegramMessenger> telegram,
                             TelegramMessenger::Create(to));
    p->telegram = telegram.get();
    p->messenger = std::move(telegram);
    options.messenger = p->messenger.get();
    // Telegram does not send again what the webhook answered 200: on stop
    // the webhook closes (Stop) and the Bot handles what it queued.
    options.drain_on_stop = s.mode == BotMode::kWebhook;
  }

  // Market data.
  if (overrides.market_data != nullptr) {
    options.market_data = overrides.market_data;
  } else if (s.mode == BotMode::kConsole) {
    std::vector<std::string> paths = BundledCandlePaths();
    if (!s.replay_candles_csv.empty()) paths = {s.replay_candles_csv};
    std::string found;
    for (const std::string& path : paths) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) {
        found = path;
        break;
      }
    }
    if (found.empty()) {
      return absl::NotFoundError(
          absl::StrCat("console mode: no candle file at ",
                       absl::StrJoin(paths, ", "), "; set REPLAY_CANDLES_CSV"));
    }
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Candle> candles,
                             ReadCandlesCsv(found));
    ReplayMarketDataOptions ro;
    ro.symbol = s.bot.default_symbol;
    ro.board = s.bot.board;
    ro.candles = std::move(candles);
    ro.now = clock->Now();
    BOTCORE_ASSIGN_OR_RETURN(p->market_data,
                             NewReplayMarketData(std::move(ro)));
    options.market_data = p->market_data.get();
  } else {
    BOTCORE_ASSIGN_OR_RETURN(p->moex_http, NewMoexHttpClient(clock));
    MoexOptions mo;
    mo.http = p->moex_http.get();
    mo.clock = clock;
    mo.base_url = s.moex_base_url;
    mo.data_delay = s.moex_data_delay;
    BOTCORE_ASSIGN_OR_RETURN(p->market_data, NewMoexMarketData(mo));
    options.market_data = p->market_data.get();
  }

  // Advisor: the LLM when a key is configured, else the rule-based one.
  if (overrides.advisor != nullptr) {
    options.advisor = overrides.advisor;
  } else if (!s.llm_api_key.empty()) {
    BOTCORE_ASSIGN_OR_RETURN(p->llm_http,
                             NewCurlHttpClient(CurlHttpClientOptions{}));
    LlmAdvisorOptions lo;
    lo.http = p->llm_http.get();
    lo.clock = clock;
    lo.base_url = s.llm_base_url;
    lo.api_key = s.llm_api_key;
    lo.model = s.llm_model;
    BOTCORE_ASSIGN_OR_RETURN(p->advisor, LlmAdvisor::Create(lo));
    options.advisor = p->advisor.get();
  } else {
    DefaultStrategyOptions so;
    so.symbol = s.bot.default_symbol;
    BOTCORE_ASSIGN_OR_RETURN(p->strategy, DefaultStrategy::Create(so));
    BOTCORE_ASSIGN_OR_RETURN(
        p->advisor,
        StrategyAdvisor::Create(p->strategy.get(), StrategyAdvisorOptions{}));
    options.advisor = p->advisor.get();
  }

  // Chain.
  if (overrides.chain != nullptr) {
    options.chain = overrides.chain;
  } else if (!s.bsc_rpc_url.empty()) {
    BOTCORE_ASSIGN_OR_RETURN(p->bsc_http, NewBscHttpClient(clock));
    BscOptions bo;
    bo.http = p->bsc_http.get();
    bo.url = s.bsc_rpc_url;
    bo.chain_id = s.bot.chain_id;
    BOTCORE_ASSIGN_OR_RETURN(p->chain, BscChainClient::Create(bo));
    options.chain = p->chain.get();
  } else if (s.mode == BotMode::kConsole) {
    auto chain = std::make_unique<testing::SimulatedChain>(s.bot.chain_id);
    p->simulated_chain = chain.get();
    options.commands.push_back(SimulatedDepositCommand(chain.get(), s.bot));
    p->chain = std::move(chain);
    options.chain = p->chain.get();
  }

  BOTCORE_ASSIGN_OR_RETURN(p->bot, Bot::Create(options));
  return std::unique_ptr<BotAssembly>(new BotAssembly(std::move(p)));
}

absl::Status BotAssembly::Run() {
  std::unique_ptr<OperationsServer> server;
  if (parts_->settings.serve_http) {
    OperationsServerOptions options = parts_->settings.http;
    if (parts_->settings.mode == BotMode::kWebhook) {
      options.telegram = parts_->telegram;
    }
    options.metrics = &parts_->metrics;
    options.health = [bot = parts_->bot.get()] { return bot->Health(); };
    BOTCORE_ASSIGN_OR_RETURN(server, OperationsServer::Start(options));
  }
  if (parts_->telegram != nullptr &&
      parts_->settings.mode == BotMode::kWebhook &&
      !parts_->settings.webhook_url.empty()) {
    WebhookSettings ws;
    ws.url = parts_->settings.webhook_url;
    // Each connection Telegram keeps open holds one of the server's threads.
    ws.max_connections =
        std::min(ws.max_connections, parts_->settings.http.threads);
    BOTCORE_RETURN_IF_ERROR(parts_->telegram->SetWebhook(ws));
  }
  absl::Status status = parts_->bot->Run();
  if (server != nullptr) server->Stop();
  return status;
}

void BotAssembly::Stop() {
  if (parts_->telegram != nullptr &&
      parts_->settings.mode == BotMode::kWebhook) {
    parts_->telegram->CloseWebhook();
  }
  // A console waiting for a line returns (end of input).
  if (parts_->console_input != nullptr) parts_->console_input->Stop();
  parts_->bot->Stop();
}
Bot& BotAssembly::bot() { return *parts_->bot; }
HealthSnapshot BotAssembly::Health() { return parts_->bot->Health(); }
const BotSettings& BotAssembly::settings() const { return parts_->settings; }
Database& BotAssembly::database() { return *parts_->database; }
TelegramMessenger* BotAssembly::telegram() { return parts_->telegram; }
testing::SimulatedChain* BotAssembly::simulated_chain() {
  return parts_->simulated_chain;
}

}  // namespace botcore
