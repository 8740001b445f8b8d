// End-to-end Telegram echo: TelegramMessenger long-polls a fake Bot API
// (testing::ScriptedTelegramServer) for batches of up to 100 text messages
// over 1 000 chats, an OrderedExecutor runs one handler per update under
// its chat id, and each handler answers with one sendMessage; many sends to
// different chats are in flight at once over kept-alive connections.
//
// The fake server runs in a forked child process, so the figures of this
// process (updates/s, latencies, resident memory, CPU) are the bot's alone.
// At the end the child counts what each chat received: a lost or
// duplicated answer fails the run.
//
//   telegram_echo_bench --benchmark_filter=Echo
//   BOTCORE_ECHO_UPDATES=600000 telegram_echo_bench   # a longer run
//   # every 1000th send answered 429 retry_after 1:
//   BOTCORE_ECHO_UPDATES=20000 BOTCORE_ECHO_429_EVERY=1000 telegram_echo_bench

#include <benchmark/benchmark.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/runtime/ordered_executor.h"
#include "botcore/testing/scripted_telegram_server.h"
#include "support/echo_bot.h"

namespace botcore {
namespace {

constexpr char kToken[] = "1:bench";
constexpr int kChats = 1000;

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
// until the parent closes `commands`, then writes its tally and its CPU
// seconds and exits.
class ServerProcess {
 public:
  bool Start(int64_t updates, int rate_limit_every) {
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
      Serve(updates, rate_limit_every, to_child[0], from_child[1]);
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

  // Stops the child and returns what it counted.
  bool Finish(testing::DeliveryTally* tally, double* cpu_seconds) {
    close(commands_);
    const bool ok = ReadAll(replies_, tally, sizeof(*tally)) &&
                    ReadAll(replies_, cpu_seconds, sizeof(*cpu_seconds));
    close(replies_);
    waitpid(pid_, nullptr, 0);
    return ok;
  }

 private:
  static void Serve(int64_t updates, int rate_limit_every, int commands,
                    int replies) {
    auto server = testing::ScriptedTelegramServer::Start(kToken);
    int port = 0;
    if (server.ok()) {
      (*server)->Record(false);
      (*server)->PushTextMessages(updates, kChats);
      if (rate_limit_every > 0) {
        (*server)->RateLimitEvery("sendMessage", rate_limit_every, 1);
      }
      const std::string url = (*server)->api_base_url();
      port = std::atoi(url.c_str() + url.rfind(':') + 1);
    }
    WriteAll(replies, &port, sizeof(port));
    if (!server.ok()) return;
    char byte;
    while (read(commands, &byte, 1) > 0) {
    }
    const testing::DeliveryTally tally = (*server)->Tally();
    const double cpu = CpuSeconds(RUSAGE_SELF);
    WriteAll(replies, &tally, sizeof(tally));
    WriteAll(replies, &cpu, sizeof(cpu));
  }

  pid_t pid_ = -1;
  int commands_ = -1;
  int replies_ = -1;
  int port_ = 0;
};

// state.range(0): handler threads.
void BM_TelegramEcho(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int64_t updates = FromEnvironment("BOTCORE_ECHO_UPDATES", 300000);
  const int rate_limit_every =
      static_cast<int>(FromEnvironment("BOTCORE_ECHO_429_EVERY", 0));
  for (auto _ : state) {
    ServerProcess server;
    if (!server.Start(updates, rate_limit_every)) {
      state.SkipWithError("cannot start the fake Bot API");
      return;
    }
    auto http = NewCurlHttpClient({.max_idle_connections = threads + 2});
    auto db = OpenDatabase("sqlite::memory:");
    if (!http.ok() || !db.ok()) {
      state.SkipWithError("cannot set up the HTTP client or the database");
      return;
    }
    SystemClock clock;
    TelegramOptions options;
    options.token = kToken;
    options.api_base_url = server.base_url();
    options.http = http->get();
    options.clock = &clock;
    options.database = db->get();
    // The fake server has no send limits: raise Telegram's.
    options.messages_per_second = 1e9;
    options.chat_messages_per_second = 1e9;
    auto bot = TelegramMessenger::Create(options);
    if (!bot.ok()) {
      state.SkipWithError(std::string(bot.status().message()).c_str());
      return;
    }
    OrderedExecutor executor(threads);
    testing::EchoBot echo(**bot, executor);
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
    const absl::Status run = echo.Run(updates);
    const absl::Duration elapsed = absl::Now() - start;
    const double cpu = CpuSeconds(RUSAGE_SELF) - cpu_before;
    running = false;
    sampler.join();
    if (!executor.Shutdown(absl::Seconds(30)).ok() || !run.ok()) {
      state.SkipWithError(std::string(run.message()).c_str());
      return;
    }
    testing::DeliveryTally tally;
    double server_cpu = 0;
    if (!server.Finish(&tally, &server_cpu)) {
      state.SkipWithError("the fake Bot API did not report");
      return;
    }
    testing::EchoResult& result = echo.result();
    if (result.failed != 0 || tally.distinct != updates ||
        tally.duplicates != 0) {
      state.SkipWithError(absl::StrCat("answers: ", result.failed, " failed, ",
                                       tally.distinct, " distinct of ", updates,
                                       ", ", tally.duplicates, " duplicates")
                              .c_str());
      return;
    }
    state.SetIterationTime(absl::ToDoubleSeconds(elapsed));
    state.counters["updates_per_s"] = updates / absl::ToDoubleSeconds(elapsed);
    state.counters["handler_p50_us"] =
        absl::ToDoubleMicroseconds(result.handler_latencies.Percentile(0.50));
    state.counters["handler_p99_us"] =
        absl::ToDoubleMicroseconds(result.handler_latencies.Percentile(0.99));
    state.counters["update_p50_us"] =
        absl::ToDoubleMicroseconds(result.update_latencies.Percentile(0.50));
    state.counters["update_p99_us"] =
        absl::ToDoubleMicroseconds(result.update_latencies.Percentile(0.99));
    state.counters["rss_idle_MiB"] = rss_idle;
    state.counters["rss_load_MiB"] = rss_load;
    state.counters["hwm_MiB"] = StatusMiB("VmHWM");
    state.counters["bot_cpu_us_per_update"] = cpu * 1e6 / updates;
    state.counters["server_cpu_us_per_update"] = server_cpu * 1e6 / updates;
    state.counters["rate_limited"] = static_cast<double>(tally.rate_limited);
  }
}
BENCHMARK(BM_TelegramEcho)
    ->Arg(8)
    ->Arg(16)
    ->Arg(32)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
