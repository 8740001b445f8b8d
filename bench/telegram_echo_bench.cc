// The Bot end to end: Bot::Run long-polls a fake Bot API
// (testing::ScriptedTelegramServer) through the TelegramMessenger for
// batches of up to 100 text messages over 1 000 chats, claims each update
// in SQLite, handles it on its worker pool in order per chat and answers it
// with one sendMessage (plain text gets the same hint in every chat); many
// sends to different chats are in flight at once over kept-alive
// connections.
//
// With portfolio=1 every message is "/portfolio" instead: each answer is a
// round trip through the database (the user's paper portfolio read and
// formatted). The 1 000 users' portfolios are opened before the timed run,
// through a second Bot on the same database, which also gives the answer
// every chat must receive.
//
// The fake server runs in a forked child process, so the figures of this
// process (updates/s, latencies, resident memory, CPU) are the bot's alone.
// At the end the child counts what each chat received: a lost or
// duplicated answer fails the run.
//
//   telegram_echo_bench --benchmark_filter=Echo
//   telegram_echo_bench --benchmark_filter='portfolio:1'   # /portfolio
//   BOTCORE_ECHO_UPDATES=600000 telegram_echo_bench   # a longer run
//   # every 1000th send answered 429 retry_after 1:
//   BOTCORE_ECHO_UPDATES=20000 BOTCORE_ECHO_429_EVERY=1000 telegram_echo_bench
//   # at most 128 answers unrecorded (BotOptions::max_unrecorded_answers;
//   # default: the worker threads):
//   BOTCORE_ECHO_SLOTS=128 telegram_echo_bench

#include <benchmark/benchmark.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench_bot.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/runtime/bot.h"
#include "botcore/testing/scripted_telegram_server.h"

namespace botcore {
namespace {

constexpr char kToken[] = "1:bench";
constexpr int kChats = 1000;
// The Bot's answer to plain text.
constexpr char kHint[] = "Send a command, e.g. /help or /price GAZP.";

// Latencies to the microsecond below 10 ms and to 100 us up to 1 s (longer
// ones count as 1 s), in 80 KB, so that recording them does not grow the
// process measured.
class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  void Record(absl::Duration latency) {
    const int64_t micros =
        std::clamp<int64_t>(absl::ToInt64Microseconds(latency), 0, kMaxMicros);
    ++counts_[micros < kFine ? micros : kFine + (micros - kFine) / kCoarse];
    ++total_;
  }

  int64_t count() const { return total_; }

  // The latency below which a fraction `q` of those recorded fall.
  absl::Duration Percentile(double q) const {
    const int64_t rank = static_cast<int64_t>(q * total_);
    int64_t seen = 0;
    for (int64_t bucket = 0; bucket < kBuckets; ++bucket) {
      seen += counts_[bucket];
      if (seen > rank) {
        return absl::Microseconds(
            bucket < kFine ? bucket : kFine + (bucket - kFine) * kCoarse);
      }
    }
    return absl::Microseconds(kMaxMicros);
  }

 private:
  static constexpr int64_t kFine = 10000;
  static constexpr int64_t kCoarse = 100;
  static constexpr int64_t kMaxMicros = 1000000;
  static constexpr int64_t kBuckets =
      kFine + (kMaxMicros - kFine) / kCoarse + 1;
  std::vector<uint32_t> counts_;
  int64_t total_ = 0;
};

// Records what the Bot reports handling.
class HandledUpdates final : public BotObserver {
 public:
  void OnUpdateHandled(std::string_view, absl::Duration latency,
                       bool failed) override {
    absl::MutexLock lock(&mu_);
    ++(failed ? failed_ : handled_);
    latencies_.Record(latency);
  }

  void OnError(std::string_view where, const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    if (first_error_.empty()) {
      first_error_ = absl::StrCat(std::string(where), ": ", status.ToString());
    }
  }

  // Waits until `count` updates were handled or `timeout` passed.
  bool WaitFor(int64_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return handled_ + failed_ >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
  }

  int64_t handled() {
    absl::MutexLock lock(&mu_);
    return handled_;
  }
  int64_t failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }
  std::string first_error() {
    absl::MutexLock lock(&mu_);
    return first_error_;
  }
  absl::Duration Percentile(double q) {
    absl::MutexLock lock(&mu_);
    return latencies_.Percentile(q);
  }

 private:
  absl::Mutex mu_;
  int64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram latencies_ ABSL_GUARDED_BY(mu_);
};

// What the fake server saw, sent back by the child process.
struct ServerReport {
  testing::DeliveryTally tally;
  // Chats that did not receive exactly one answer (the hint, or the
  // portfolio) per update sent in them.
  int64_t wrong_chats = 0;
  double cpu_seconds = 0;
};

// The positive integer in the environment variable `name`, or `fallback`.
int64_t FromEnvironment(const char* name, int64_t fallback) {
  int64_t value;
  const char* text = std::getenv(name);
  if (text == nullptr || !absl::SimpleAtoi(text, &value) || value < 1) {
    return fallback;
  }
  return value;
}

// A field of /proc/self/status in MiB ("VmRSS", "VmHWM").
double StatusMiB(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024;
    }
  }
  return 0;
}

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n <= 0) return false;
    p += n;
    size -= n;
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, p, size);
    if (n <= 0) return false;
    p += n;
    size -= n;
  }
  return true;
}

// The fake Bot API in a child process. The child writes its port, serves
// until the parent closes `commands`, then writes its ServerReport and
// exits.
class ServerProcess {
 public:
  // `text`: what every update says; empty for "message <update_id>".
  bool Start(int64_t updates, int rate_limit_every, const std::string& text) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) return false;
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      // Named apart from the bot's threads, for perf and top.
      prctl(PR_SET_NAME, "fake-bot-api");
      close(to_child[1]);
      close(from_child[0]);
      Serve(updates, rate_limit_every, text, to_child[0], from_child[1]);
      _exit(0);
    }
    close(to_child[0]);
    close(from_child[1]);
    commands_ = to_child[1];
    replies_ = from_child[0];
    return ReadAll(replies_, &port_, sizeof(port_)) && port_ > 0;
  }

  std::string base_url() const {
    return absl::StrCat("http://127.0.0.1:", port_);
  }

  // Stops the child and returns what it counted, each chat expected to have
  // received `answer` once per update sent in it.
  bool Finish(const std::string& answer, ServerReport* report) {
    WriteAll(commands_, answer.data(), answer.size());
    close(commands_);
    const bool ok = ReadAll(replies_, report, sizeof(*report));
    close(replies_);
    waitpid(pid_, nullptr, 0);
    return ok;
  }

 private:
  static void Serve(int64_t updates, int rate_limit_every,
                    const std::string& text, int commands, int replies) {
    auto server = testing::ScriptedTelegramServer::Start(kToken);
    int port = 0;
    if (server.ok()) {
      (*server)->Record(false);
      (*server)->PushTextMessages(updates, kChats, text);
      if (rate_limit_every > 0) {
        (*server)->RateLimitEvery("sendMessage", rate_limit_every, 1);
      }
      const std::string url = (*server)->api_base_url();
      port = std::atoi(url.c_str() + url.rfind(':') + 1);
    }
    WriteAll(replies, &port, sizeof(port));
    if (!server.ok()) return;
    // The parent writes the expected answer, then closes the pipe.
    std::string answer;
    char byte;
    while (read(commands, &byte, 1) > 0) answer.push_back(byte);
    ServerReport report;
    report.tally = (*server)->Tally();
    // Update i is sent in chat 1 + (i - 1) % kChats.
    for (int64_t chat = 1; chat <= kChats; ++chat) {
      const int64_t expected =
          updates / kChats + (chat <= updates % kChats ? 1 : 0);
      if ((*server)->DeliveredCount(chat, answer) != expected) {
        ++report.wrong_chats;
      }
    }
    report.cpu_seconds = CpuSeconds(RUSAGE_SELF);
    WriteAll(replies, &report, sizeof(report));
  }

  pid_t pid_ = -1;
  int commands_ = -1;
  int replies_ = -1;
  int port_ = 0;
};

// Opens the paper portfolios of the users 1 to kChats in `db` through a Bot
// of their own (not claiming updates) and returns the answer to /portfolio,
// the same for each of them; empty on failure. Its update ids follow
// `after`, the last the fake server sends.
std::string OpenPortfolios(Database* db, bench::BotPorts& ports, Clock* clock,
                           int64_t after) {
  bench::CountingMessenger messenger;
  auto bot = Bot::Create(bench::LoadBotOptions(&messenger, ports, db, clock));
  if (!bot.ok()) return "";
  for (int64_t user = 1; user <= kChats; ++user) {
    if (!(*bot)->HandleUpdate(bench::PortfolioUpdate(after + user, user)))
      return "";
  }
  return messenger.portfolios() == kChats ? messenger.last_portfolio() : "";
}

// state.range(0): worker threads; state.range(1): whether updates are
// claimed in the database (BotOptions::claim_updates); state.range(2): 1
// to send /portfolio instead of plain text. SQLite at synchronous FULL.
void BM_TelegramEcho(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const bool claim = state.range(1) != 0;
  const bool portfolio = state.range(2) != 0;
  const int64_t updates = FromEnvironment("BOTCORE_ECHO_UPDATES", 300000);
  const int rate_limit_every =
      static_cast<int>(FromEnvironment("BOTCORE_ECHO_429_EVERY", 0));
  const int answer_slots =
      static_cast<int>(FromEnvironment("BOTCORE_ECHO_SLOTS", 0));
  for (auto _ : state) {
    ServerProcess server;
    if (!server.Start(updates, rate_limit_every,
                      portfolio ? "/portfolio" : "")) {
      state.SkipWithError("cannot start the fake Bot API");
      return;
    }
    char dir[] = "/tmp/botcore-echo-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      state.SkipWithError("cannot create a scratch directory");
      return;
    }
    const std::string path = absl::StrCat(dir, "/bot.db");
    auto http = NewCurlHttpClient({.max_idle_connections = threads + 2});
    auto db = OpenDatabase(absl::StrCat("sqlite:///", path));
    SystemClock clock;
    auto ports = bench::NewBotPorts(clock.Now());
    if (!http.ok() || !db.ok() || !ports.ok()) {
      state.SkipWithError("cannot set up the HTTP client or the database");
      return;
    }
    const std::string answer =
        portfolio ? OpenPortfolios(db->get(), **ports, &clock, updates) : kHint;
    if (answer.empty()) {
      state.SkipWithError("cannot open the users' portfolios");
      return;
    }
    TelegramOptions options;
    options.token = kToken;
    options.api_base_url = server.base_url();
    options.http = http->get();
    options.clock = &clock;
    options.database = db->get();
    // The fake server has no send limits: raise Telegram's.
    options.messages_per_second = 1e9;
    options.chat_messages_per_second = 1e9;
    auto telegram = TelegramMessenger::Create(options);
    if (!telegram.ok()) {
      state.SkipWithError(std::string(telegram.status().message()).c_str());
      return;
    }
    HandledUpdates observer;
    BotOptions bo =
        bench::LoadBotOptions(telegram->get(), **ports, db->get(), &clock);
    bo.observer = &observer;
    bo.worker_threads = threads;
    bo.max_unrecorded_answers = answer_slots;
    bo.poll_wait = absl::ZeroDuration();
    bo.idle_pause = absl::Milliseconds(1);
    bo.claim_updates = claim;
    auto bot = Bot::Create(bo);
    if (!bot.ok()) {
      state.SkipWithError(std::string(bot.status().message()).c_str());
      return;
    }
    const double rss_idle = StatusMiB("VmRSS");

    std::atomic<bool> running{true};
    double rss_load = 0;
    std::thread sampler([&] {
      while (running.load()) {
        rss_load = std::max(rss_load, StatusMiB("VmRSS"));
        absl::SleepFor(absl::Milliseconds(50));
      }
    });
    const double cpu_before = CpuSeconds(RUSAGE_SELF);
    const absl::Time start = absl::Now();
    absl::Status run;
    std::thread runner([&] { run = (*bot)->Run(); });
    const bool finished = observer.WaitFor(updates, absl::Minutes(10));
    const absl::Duration elapsed = absl::Now() - start;
    const double cpu = CpuSeconds(RUSAGE_SELF) - cpu_before;
    (*bot)->Stop();
    runner.join();
    running = false;
    sampler.join();
    ServerReport report;
    if (!server.Finish(answer, &report)) {
      state.SkipWithError("the fake Bot API did not report");
      return;
    }
    std::filesystem::remove_all(dir);
    if (!finished || !run.ok() || observer.failed() != 0 ||
        report.tally.delivered != updates || report.wrong_chats != 0) {
      state.SkipWithError(
          absl::StrCat("handled ", observer.handled(), ", failed ",
                       observer.failed(), " (", observer.first_error(),
                       "); delivered ", report.tally.delivered, " of ", updates,
                       ", ", report.wrong_chats, " chats with a wrong count; ",
                       run.ToString())
              .c_str());
      return;
    }
    state.SetIterationTime(absl::ToDoubleSeconds(elapsed));
    state.counters["updates_per_s"] = updates / absl::ToDoubleSeconds(elapsed);
    state.counters["handler_p50_us"] =
        absl::ToDoubleMicroseconds(observer.Percentile(0.50));
    state.counters["handler_p99_us"] =
        absl::ToDoubleMicroseconds(observer.Percentile(0.99));
    state.counters["rss_idle_MiB"] = rss_idle;
    state.counters["rss_load_MiB"] = rss_load;
    state.counters["hwm_MiB"] = StatusMiB("VmHWM");
    state.counters["bot_cpu_us_per_update"] = cpu * 1e6 / updates;
    state.counters["server_cpu_us_per_update"] =
        report.cpu_seconds * 1e6 / updates;
    state.counters["rate_limited"] =
        static_cast<double>(report.tally.rate_limited);
  }
}
BENCHMARK(BM_TelegramEcho)
    ->ArgNames({"threads", "claim", "portfolio"})
    ->Args({8, 1, 0})
    ->Args({16, 1, 0})
    ->Args({32, 1, 0})
    ->Args({16, 0, 0})
    ->Args({16, 1, 1})
    ->Args({32, 1, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
