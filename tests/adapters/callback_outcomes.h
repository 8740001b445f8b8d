// What the callbacks of asynchronous calls (HttpClient::StartSend,
// Messenger::StartSendMessage) received, collected from whichever thread
// calls them.

#ifndef BOTCORE_TESTS_ADAPTERS_CALLBACK_OUTCOMES_H_
#define BOTCORE_TESTS_ADAPTERS_CALLBACK_OUTCOMES_H_

#include <cstddef>
#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace botcore::testing {

template <typename T>
class CallbackOutcomes {
 public:
  // The callback for call `i`.
  absl::AnyInvocable<void(absl::StatusOr<T>) &&> Callback(int i) {
    return [this, i](absl::StatusOr<T> outcome) {
      absl::MutexLock lock(&mu_);
      got_.emplace(i, std::move(outcome));
    };
  }
  // Waits (at most a minute) until `n` outcomes came; returns them by call.
  std::map<int, absl::StatusOr<T>> WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return got_.size() >= n;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Minutes(1));
    return got_;
  }

 private:
  absl::Mutex mu_;
  std::map<int, absl::StatusOr<T>> got_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_ADAPTERS_CALLBACK_OUTCOMES_H_
