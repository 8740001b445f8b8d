#include "botcore/runtime/ordered_executor.h"

#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"

namespace botcore {

OrderedExecutor::OrderedExecutor(int threads) {
  assert(threads >= 1);
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

OrderedExecutor::~OrderedExecutor() {
  Shutdown(absl::InfiniteDuration()).IgnoreError();
}

void OrderedExecutor::Release::operator()() && {
  OrderedExecutor* executor = std::exchange(executor_, nullptr);
  if (executor != nullptr) executor->Finish(key_);
}

absl::Status OrderedExecutor::Submit(int64_t key,
                                     absl::AnyInvocable<void() &&> task) {
  return SubmitHeld(key, [task = std::move(task)](Release release) mutable {
    std::move(task)();
    std::move(release)();
  });
}

absl::Status OrderedExecutor::SubmitHeld(
    int64_t key, absl::AnyInvocable<void(Release) &&> task) {
  absl::MutexLock lock(&mu_);
  if (!accepting_) {
    return absl::FailedPreconditionError("executor is shutting down");
  }
  auto [it, inserted] = queues_.try_emplace(key);
  it->second.push_back(std::move(task));
  ++pending_;
  // A new key is runnable at once; an existing one is re-queued by the worker
  // that finishes its current task.
  if (inserted) ready_.push_back(key);
  return absl::OkStatus();
}

void OrderedExecutor::Work() {
  while (true) {
    absl::AnyInvocable<void(Release) &&> task;
    int64_t key;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](OrderedExecutor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stop_ || !self->ready_.empty();
          },
          this));
      if (ready_.empty()) return;  // stop_ and nothing runnable
      key = ready_.front();
      ready_.pop_front();
      auto& queue = queues_[key];
      task = std::move(queue.front());
      queue.pop_front();
    }
    std::move(task)(Release(this, key));
  }
}

void OrderedExecutor::Finish(int64_t key) {
  absl::MutexLock lock(&mu_);
  --pending_;
  auto it = queues_.find(key);
  if (it->second.empty()) {
    queues_.erase(it);
  } else {
    ready_.push_back(key);
  }
}

absl::Status OrderedExecutor::Shutdown(absl::Duration timeout) {
  int64_t left = 0;
  {
    absl::MutexLock lock(&mu_);
    accepting_ = false;
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return pending_ == 0;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&drained), timeout)) {
      // Drop what has not started; running tasks still finish below.
      for (auto& [key, queue] : queues_) {
        left += static_cast<int64_t>(queue.size());
        pending_ -= static_cast<int64_t>(queue.size());
        queue.clear();
      }
      ready_.clear();
    }
    stop_ = true;
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  {
    // Held tasks still to be released (their keys' queues are empty now).
    absl::MutexLock lock(&mu_);
    auto released = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return pending_ == 0;
    };
    mu_.Await(absl::Condition(&released));
  }
  if (left > 0) {
    return absl::DeadlineExceededError(
        absl::StrCat(left, " queued tasks dropped at shutdown"));
  }
  return absl::OkStatus();
}

int64_t OrderedExecutor::pending() const {
  absl::MutexLock lock(&mu_);
  return pending_;
}

}  // namespace botcore
