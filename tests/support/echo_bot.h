// An echo bot over the Messenger port, for the Telegram load test
// (tests/integration/telegram_echo_test.cc) and the end-to-end benchmark
// (bench/telegram_echo_bench.cc): it polls, hands each text message to an
// OrderedExecutor under its chat id, answers it with one sendMessage of the
// same text, and acknowledges every update up to the oldest one still being
// handled. It stands in for the runtime's dispatcher until that lands.

#ifndef BOTCORE_TESTS_SUPPORT_ECHO_BOT_H_
#define BOTCORE_TESTS_SUPPORT_ECHO_BOT_H_

#include <atomic>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "botcore/ports/messenger.h"
#include "botcore/runtime/ordered_executor.h"

namespace botcore::testing {

struct EchoResult {
  int64_t answered = 0;  // updates whose sendMessage succeeded
  int64_t failed = 0;    // updates whose sendMessage failed
  absl::Status first_error;
  // Per answered update, in completion order: the handler's own time (the
  // sendMessage call) and the time from Receive returning it to the answer.
  std::vector<absl::Duration> handler_latencies;
  std::vector<absl::Duration> update_latencies;
};

class EchoBot {
 public:
  // Not owned; both must outlive the bot.
  EchoBot(Messenger& messenger, OrderedExecutor& executor)
      : messenger_(messenger), executor_(executor) {}

  // Runs until `updates` updates are handled and acknowledged. Polls again
  // once at most `refill_at` updates are still being handled (getUpdates
  // returns at most 100 past the last acknowledged one, so a lower value
  // means fewer, fuller polls).
  // Errors: what Receive or Acknowledge return.
  absl::Status Run(int64_t updates, int refill_at = 30) {
    {
      absl::MutexLock lock(&mu_);
      result_.handler_latencies.reserve(updates);
      result_.update_latencies.reserve(updates);
    }
    int64_t last_received = 0;
    int64_t acknowledged = 0;
    while (true) {
      int64_t watermark;
      bool done;
      {
        absl::MutexLock lock(&mu_);
        auto drained = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return static_cast<int>(in_flight_.size()) <= refill_at;
        };
        mu_.Await(absl::Condition(&drained));
        watermark =
            in_flight_.empty() ? last_received : *in_flight_.begin() - 1;
        done =
            in_flight_.empty() && result_.answered + result_.failed >= updates;
      }
      if (watermark > acknowledged) {
        if (absl::Status s = messenger_.Acknowledge(watermark); !s.ok()) {
          return s;
        }
        acknowledged = watermark;
      }
      if (done) return absl::OkStatus();
      absl::StatusOr<std::vector<Update>> batch =
          messenger_.Receive(absl::ZeroDuration());
      if (!batch.ok()) return batch.status();
      const absl::Time received = absl::Now();
      if (batch->empty()) {
        // Everything offered is in flight: wait for one to finish.
        absl::MutexLock lock(&mu_);
        const int64_t seen = completed_;
        auto progressed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return completed_ != seen;
        };
        mu_.AwaitWithTimeout(absl::Condition(&progressed),
                             absl::Milliseconds(10));
        continue;
      }
      {
        absl::MutexLock lock(&mu_);
        for (const Update& update : *batch) in_flight_.insert(update.id);
      }
      last_received = batch->back().id;
      for (Update& update : *batch) {
        const int64_t key =
            update.message.has_value() ? update.message->chat.id : 0;
        absl::Status submitted =
            executor_.Submit(key, [this, update = std::move(update), received] {
              Handle(update, received);
            });
        if (!submitted.ok()) return submitted;
      }
    }
  }

  // REQUIRES: Run returned.
  EchoResult& result() { return result_; }

 private:
  void Handle(const Update& update, absl::Time received) {
    absl::Status status = absl::OkStatus();
    const absl::Time start = absl::Now();
    if (update.message.has_value() && !update.message->text.empty()) {
      OutgoingMessage reply;
      reply.chat_id = update.message->chat.id;
      reply.text = update.message->text;
      status = messenger_.SendMessage(reply).status();
    }
    const absl::Time end = absl::Now();
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      ++result_.answered;
      result_.handler_latencies.push_back(end - start);
      result_.update_latencies.push_back(end - received);
    } else {
      if (result_.failed++ == 0) result_.first_error = status;
    }
    in_flight_.erase(update.id);
    ++completed_;
  }

  Messenger& messenger_;
  OrderedExecutor& executor_;
  absl::Mutex mu_;
  std::set<int64_t> in_flight_ ABSL_GUARDED_BY(mu_);
  int64_t completed_ ABSL_GUARDED_BY(mu_) = 0;
  EchoResult result_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_SUPPORT_ECHO_BOT_H_
