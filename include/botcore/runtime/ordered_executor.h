// File: botcore/runtime/ordered_executor.h
//
// OrderedExecutor runs tasks on a pool of worker threads, keeping the order of
// tasks that share a key: the bot submits every update under its chat id, so
// one chat's messages are handled in order while a slow handler in one chat
// does not hold up the others.
//
//   OrderedExecutor executor(/*threads=*/4);
//   executor.Submit(chat_id, [update] { HandleUpdate(update); });
//   ...
//   executor.Shutdown(absl::Seconds(10));  // finish in-flight work
//
// A task can keep its key busy after it returns, until work it started
// elsewhere (an answer being sent) is done:
//
//   executor.SubmitHeld(chat_id, [](OrderedExecutor::Release release) {
//     StartSending(..., [release = std::move(release)]() mutable {
//       std::move(release)();  // the chat's next task may start
//     });
//   });
//
// Thread safety: thread-safe.

#ifndef BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_
#define BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace botcore {

class OrderedExecutor {
 public:
  // Frees the key of a task submitted with SubmitHeld: the key's next task
  // may start. Call it once, from any thread, inside the task or after it
  // returned; a Release destroyed without being called calls itself.
  // Movable, not copyable.
  class Release {
   public:
    Release(Release&& other) noexcept
        : executor_(std::exchange(other.executor_, nullptr)),
          key_(other.key_) {}
    Release& operator=(Release&& other) = delete;
    ~Release() {
      if (executor_ != nullptr) std::move (*this)();
    }
    void operator()() &&;

   private:
    friend class OrderedExecutor;
    Release(OrderedExecutor* executor, int64_t key)
        : executor_(executor), key_(key) {}
    OrderedExecutor* executor_;
    int64_t key_;
  };

  // Starts `threads` workers. REQUIRES: threads >= 1.
  explicit OrderedExecutor(int threads);

  // Shuts down with no deadline: waits for every queued task.
  ~OrderedExecutor();

  OrderedExecutor(const OrderedExecutor&) = delete;
  OrderedExecutor& operator=(const OrderedExecutor&) = delete;

  // Queues `task` to run after every task submitted earlier with the same
  // `key`; tasks with different keys may run at the same time.
  // Errors: kFailedPrecondition after Shutdown began (the task is dropped).
  absl::Status Submit(int64_t key, absl::AnyInvocable<void() &&> task);

  // As Submit, but the key stays busy after `task` returns until the
  // Release handed to it is called (the task counts as running until then).
  // Errors: kFailedPrecondition after Shutdown began (the task is dropped).
  absl::Status SubmitHeld(int64_t key,
                          absl::AnyInvocable<void(Release) &&> task);

  // Stops taking tasks and waits up to `timeout` for the queued ones.
  // Returns OK when all ran; kDeadlineExceeded with the number left
  // otherwise (they are dropped; tasks already running finish first, and
  // held ones are waited for until released, past the timeout).
  absl::Status Shutdown(absl::Duration timeout);

  // Tasks queued or running.
  int64_t pending() const;

 private:
  void Work();
  // A task of `key` finished (returned, or released when held).
  void Finish(int64_t key);

  mutable absl::Mutex mu_;
  // Per key, the tasks not yet started; a key is present while it has queued
  // or running work, and at most one task per key runs at a time.
  absl::flat_hash_map<int64_t, std::deque<absl::AnyInvocable<void(Release) &&>>>
      queues_ ABSL_GUARDED_BY(mu_);
  std::deque<int64_t> ready_ ABSL_GUARDED_BY(mu_);  // keys with a runnable task
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_
