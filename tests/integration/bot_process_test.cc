// The real botcore-bot executable: the console mode driven through stdin,
// and a restart after SIGKILL in the middle of a Telegram conversation (no
// update lost or answered twice).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "botcore/core/candle.h"
#include "botcore/signals/default_strategy.h"
#include "botcore/testing/scripted_telegram_server.h"
#include "doctest/doctest.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

// A scratch directory for this process, removed at exit.
std::string TempDir() {
  static const std::string* const dir = [] {
    auto* d = new std::string(
        absl::StrCat(std::filesystem::temp_directory_path().string(),
                     "/botcore-bot-test-", getpid()));
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(*dir, ec);
    });
    return d;
  }();
  return *dir;
}

// Starts the executable with `args` and `env` added to a minimal
// environment, stdin from `in` and stdout/stderr into `out`; returns its pid.
pid_t Spawn(const std::map<std::string, std::string>& env,
            const std::string& in, const std::string& out,
            const std::string& cwd, const std::vector<std::string>& args = {}) {
  std::vector<std::string> entries = {"PATH=/usr/bin:/bin"};
  for (const auto& [k, v] : env) entries.push_back(k + "=" + v);
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    int in_fd = open(in.c_str(), O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in_fd < 0 || out_fd < 0) _exit(126);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    std::vector<char*> envp;
    for (std::string& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<char*> argv = {const_cast<char*>(BOTCORE_BOT_EXECUTABLE)};
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execve(BOTCORE_BOT_EXECUTABLE, argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// WaitExit, but gives up after `limit`: SIGKILL, and -1.
int WaitExitWithin(pid_t pid, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The GAZP candles cut after the first bar on which the default strategy,
// fed the 120 bars the bot shows its advisor, signals BUY: the console's
// rule-based advisor then recommends a buy.
std::string CsvEndingOnBuySignal(const std::string& dir) {
  const std::string source = testing::SharedDir() + "/data/gazp_daily.csv";
  absl::StatusOr<std::vector<Candle>> candles = ReadCandlesCsv(source);
  REQUIRE(candles.ok());
  for (size_t end = 300; end < candles->size(); ++end) {
    DefaultStrategyOptions o;
    o.symbol = "GAZP";
    absl::StatusOr<std::unique_ptr<DefaultStrategy>> strategy =
        DefaultStrategy::Create(o);
    REQUIRE(strategy.ok());
    std::optional<Signal> last;
    for (size_t i = end - 119; i <= end; ++i) {
      absl::StatusOr<std::optional<Signal>> s =
          (*strategy)->OnBar((*candles)[i]);
      REQUIRE(s.ok());
      last = *s;
    }
    if (!last || last->side != Side::kBuy) continue;
    std::vector<std::string> lines =
        absl::StrSplit(ReadAll(source), '\n', absl::SkipEmpty());
    std::ofstream out(dir + "/gazp.csv");
    for (size_t i = 0; i <= end + 1; ++i) out << lines[i] << "\n";
    return dir + "/gazp.csv";
  }
  FAIL("no BUY signal in the GAZP history");
  return "";
}

TEST_SUITE("bot_process") {
  TEST_CASE("an unknown command prints the usage and exits 2") {
    const std::string dir = TempDir() + "/usage";
    std::filesystem::create_directories(dir);
    // Were it ignored, the bot would start (console mode on an empty input).
    pid_t pid = Spawn({{"DATABASE_URL", "sqlite:///usage.db"}}, "/dev/null",
                      dir + "/out.txt", dir, {"migrations"});
    CHECK(WaitExit(pid) == 2);
    const std::string out = ReadAll(dir + "/out.txt");
    CAPTURE(out);
    CHECK(absl::StrContains(out, "unknown command \"migrations\""));
    CHECK(absl::StrContains(out, "usage: botcore-bot"));
    CHECK_FALSE(std::filesystem::exists(dir + "/usage.db"));
  }

  TEST_CASE("console mode through stdin: the conversation offline") {
    const std::string dir = TempDir() + "/console";
    std::filesystem::create_directories(dir);
    const std::string csv = CsvEndingOnBuySignal(dir);
    {
      std::ofstream in(dir + "/in.txt");
      in << "/start\n/price\n/recommend\n#1\n#1\n/portfolio\n/positions\n"
            "/balance\n/deposit\n"
            "/wallet 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n"
            "/withdraw 1 0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB\n"
            "/referral\n/level\n/stats\n/backtest\n/admin\n/nonsense\n";
    }
    pid_t pid = Spawn({{"DATABASE_URL", "sqlite:///console.db"},
                       {"REPLAY_CANDLES_CSV", csv},
                       {"HISTORY_BARS", "120"}},
                      dir + "/in.txt", dir + "/out.txt", dir);
    CHECK(WaitExit(pid) == 0);
    const std::string out = ReadAll(dir + "/out.txt");
    CAPTURE(out);
    for (const char* expected :
         {"[bot commands]", "Welcome", "GAZP: ", "BUY", "[1] Confirm",
          "Executed: BUY", "(Already executed.)", "Trades: 1",
          "GAZP: ", "Balance: 0", "Send USDT", "registered", "You have no USDT",
          "Your invitation: new users send /start ref_", "Deposit level 0",
          "No signals recorded yet", "round trips", "not allowed",
          "Unknown command /nonsense"}) {
      CHECK(absl::StrContains(out, expected));
    }
  }

  TEST_CASE("console mode: a simulated deposit credited, withdrawn, approved") {
    const std::string dir = TempDir() + "/console-money";
    std::filesystem::create_directories(dir);
    const std::string fifo = dir + "/in.fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // The console user (id 1) is the admin here.
    pid_t pid = Spawn({{"DATABASE_URL", "sqlite:///console.db"},
                       {"ADMIN_IDS", "1"},
                       {"MIN_WITHDRAWAL", "0.1"},
                       {"CHAIN_POLL_INTERVAL", "1s"},
                       {"CONFIRMATION_CHECK_INTERVAL", "1s"},
                       {"OUTBOX_INTERVAL", "1s"}},
                      fifo, dir + "/out.txt", dir);
    const int in = open(fifo.c_str(), O_WRONLY);
    REQUIRE(in >= 0);
    auto say = [&](const std::string& line, const std::string& expected) {
      const std::string text = line + "\n";
      REQUIRE(write(in, text.data(), text.size()) ==
              static_cast<ssize_t>(text.size()));
      const absl::Time deadline = absl::Now() + absl::Seconds(60);
      while (!absl::StrContains(ReadAll(dir + "/out.txt"), expected) &&
             absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(50));
      }
      CAPTURE(line);
      CAPTURE(ReadAll(dir + "/out.txt"));
      REQUIRE(absl::StrContains(ReadAll(dir + "/out.txt"), expected));
    };
    const std::string wallet = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    say("/start", "Welcome");
    say("/wallet " + wallet, "registered");
    say("/simulate_deposit 2 " + wallet, "Mined a transfer of 2 USDT");
    say("/level", "Deposit of 2 USDT credited");  // the notification
    say("/balance", "Balance: 2 USDT");
    say("/withdraw 0.5 0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "An admin will review it");
    // The admin's notice names the withdrawal.
    say("/level", "/approve w");
    const std::string out = ReadAll(dir + "/out.txt");
    const size_t at = out.find("/approve w") + 9;
    const std::string id = out.substr(at, out.find(' ', at) - at);
    say("/approve " + id, "Approved " + id);
    say("/help", "is approved");
    close(in);  // end of input: a graceful stop
    CHECK(WaitExit(pid) == 0);
  }

  TEST_CASE("console mode: Ctrl-C at the idle prompt stops gracefully") {
    const std::string dir = TempDir() + "/console-sigint";
    std::filesystem::create_directories(dir);
    const std::string fifo = dir + "/in.fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // An hour's poll: only the interrupted wait for input ends it early
    // (the watchdog would leave with status 1 an hour after the signal).
    pid_t pid = Spawn(
        {{"DATABASE_URL", "sqlite:///console.db"}, {"POLL_TIMEOUT", "1h"}},
        fifo, dir + "/out.txt", dir);
    const int in = open(fifo.c_str(), O_WRONLY);  // kept open: no end of input
    REQUIRE(in >= 0);
    REQUIRE(write(in, "/start\n", 7) == 7);
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (!absl::StrContains(ReadAll(dir + "/out.txt"), "Welcome") &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    REQUIRE(absl::StrContains(ReadAll(dir + "/out.txt"), "Welcome"));
    absl::SleepFor(absl::Milliseconds(200));  // back at the prompt
    kill(pid, SIGINT);
    const int status = WaitExitWithin(pid, absl::Seconds(60));
    close(in);
    CAPTURE(ReadAll(dir + "/out.txt"));
    CHECK(status == 0);
    CHECK(absl::StrContains(ReadAll(dir + "/out.txt"), "signal 2, stopping"));
  }

  TEST_CASE("SIGKILL mid-conversation, restart: no update lost or doubled") {
    const std::string dir = TempDir() + "/restart";
    std::filesystem::create_directories(dir);
    ASSIGN_OR_REQUIRE(auto server,
                      testing::ScriptedTelegramServer::Start("1:t"));
    { std::ofstream(dir + "/empty.txt"); }
    const std::map<std::string, std::string> env = {
        {"TELEGRAM_BOT_TOKEN", "1:t"},
        {"TELEGRAM_API_BASE_URL", server->api_base_url()},
        {"DATABASE_URL", "sqlite:///restart.db"},
        {"UPDATE_CLAIM_LEASE", "1s"},
        {"POLL_TIMEOUT", "1s"},
        {"RATE_LIMIT_MAX_REQUESTS", "1000"},
        // The stop/target watcher asks MOEX: keep it on this machine.
        {"MOEX_BASE_URL", "http://127.0.0.1:9/iss"}};
    constexpr int kChats = 40;
    auto push = [&](int from, int to) {
      for (int chat = from; chat < to; ++chat) {
        server->PushUpdate(absl::StrCat(
            R"("message":{"message_id":1,"date":1700000000,"chat":{"id":)",
            5000 + chat, R"(,"type":"private"},"from":{"id":)", 5000 + chat,
            R"(,"is_bot":false,"first_name":"x"},"text":"/portfolio"})"));
      }
    };
    auto answered = [&] {
      std::map<std::string, int> per_chat;
      for (const testing::RecordedRequest& r : server->Sent("sendMessage")) {
        const size_t at = r.body.find("\"chat_id\":");
        per_chat[r.body.substr(at, 16)]++;
      }
      return per_chat;
    };
    push(0, kChats / 2);
    pid_t first = Spawn(env, dir + "/empty.txt", dir + "/out1.txt", dir);
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (answered().size() < 5 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    kill(first, SIGKILL);
    WaitExit(first);
    push(kChats / 2, kChats);
    pid_t second = Spawn(env, dir + "/empty.txt", dir + "/out2.txt", dir);
    while (answered().size() < kChats && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    kill(second, SIGTERM);  // graceful stop
    CHECK(WaitExit(second) == 0);
    const std::map<std::string, int> per_chat = answered();
    std::string seen;
    for (const auto& [chat, n] : per_chat)
      absl::StrAppend(&seen, chat, "=", n, " ");
    CAPTURE(seen);
    CAPTURE(ReadAll(dir + "/out1.txt"));
    CAPTURE(ReadAll(dir + "/out2.txt"));
    CHECK(per_chat.size() == kChats);  // no update lost
    // The Bot API has no idempotent send: an answer sent by the killed
    // process in the moment before it recorded the update done is sent
    // again after the restart. At most the updates answered and not yet
    // recorded at the kill (at most one per worker thread, 4: an answer
    // that finds 4 unrecorded waits for their commit) can be repeated,
    // never more.
    int repeated = 0;
    for (const auto& [chat, n] : per_chat) {
      CAPTURE(chat);
      CHECK(n >= 1);
      repeated += n - 1;
    }
    MESSAGE("answers repeated after SIGKILL: ", repeated);
    CHECK(repeated <= 4);
  }
}

}  // namespace
}  // namespace botcore
