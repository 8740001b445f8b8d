// An echo bot over the Messenger port, for the Telegram load test
// (tests/integration/telegram_echo_test.cc) and the end-to-end benchmark
// (bench/telegram_echo_bench.cc): it polls, hands each text message to an
// OrderedExecutor under its chat id, answers it with one sendMessage of the
// same text, and acknowledges every update up to the oldest one still being
// handled. It stands in for the runtime's dispatcher until that lands.

#ifndef BOTCORE_TESTS_SUPPORT_ECHO_BOT_H_
#define BOTCORE_TESTS_SUPPORT_ECHO_BOT_H_

#include <algorithm>
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

struct EchoResult {
  int64_t answered = 0;  // updates whose sendMessage succeeded
  int64_t failed = 0;    // updates whose sendMessage failed
  absl::Status first_error;
  // Per answered update: the handler's own time (the sendMessage call), and
  // the time from Receive returning it to the answer.
  LatencyHistogram handler_latencies;
  LatencyHistogram update_latencies;
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
      result_.handler_latencies.Record(end - start);
      result_.update_latencies.Record(end - received);
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
