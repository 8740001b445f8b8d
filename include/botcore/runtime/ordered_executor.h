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
// Thread safety: thread-safe.

#ifndef BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_
#define BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <thread>
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

  // Stops taking tasks and waits up to `timeout` for the queued ones.
  // Returns OK when all ran; kDeadlineExceeded with the number left
  // otherwise (they are dropped; tasks already running finish first).
  absl::Status Shutdown(absl::Duration timeout);

  // Tasks queued or running.
  int64_t pending() const;

 private:
  void Work();

  mutable absl::Mutex mu_;
  // Per key, the tasks not yet started; a key is present while it has queued
  // or running work, and at most one task per key runs at a time.
  absl::flat_hash_map<int64_t, std::deque<absl::AnyInvocable<void() &&>>> queues_
      ABSL_GUARDED_BY(mu_);
  std::deque<int64_t> ready_ ABSL_GUARDED_BY(mu_);  // keys with a runnable task
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_ORDERED_EXECUTOR_H_
