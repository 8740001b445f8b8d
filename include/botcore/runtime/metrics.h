// File: botcore/runtime/metrics.h
//
// BotMetrics counts what an operator watches on a running bot and renders it
// in the Prometheus text exposition format, for the /metrics route of
// OperationsServer (botcore/runtime/operations_server.h):
//
//   BotMetrics metrics;
//   metrics.RecordUpdate(absl::Milliseconds(12));
//   metrics.RecordRecommendation("confirmed");
//   metrics.SetOutboxBacklog(3);
//   std::string text = metrics.Exposition();
//
// The series, all prefixed "botcore_":
//
//   updates_handled_total                  counter
//   handler_latency_seconds                histogram (1 ms .. 30 s)
//   errors_total{source}                   counter
//   recommendations_total{outcome}         counter
//   deposits_credited_total                counter
//   outbox_backlog                         gauge
//   rate_limited_requests_total            counter
//
// prometheus-cpp does the bookkeeping and the serialization; it stays out of
// this header.
//
// Thread safety: thread-safe; every method may be called from any thread.

#ifndef BOTCORE_RUNTIME_METRICS_H_
#define BOTCORE_RUNTIME_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace botcore {

class BotMetrics {
 public:
  BotMetrics();
  ~BotMetrics();

  BotMetrics(const BotMetrics&) = delete;
  BotMetrics& operator=(const BotMetrics&) = delete;

  // One update (message, callback, ...) handled, successfully or not, in
  // `latency` from its arrival to the handler's return.
  void RecordUpdate(absl::Duration latency);

  // One error, labelled by where it happened: a short fixed word such as
  // "handler", "job", "outbox", "telegram". Use a small set of words: each
  // one is a separate series.
  void RecordError(std::string_view source);

  // One recommendation reaching `outcome`: a short fixed word such as
  // "proposed", "refused_by_risk", "confirmed", "rejected", "expired".
  void RecordRecommendation(std::string_view outcome);

  // One deposit credited to a user's balance.
  void RecordDepositCredited();

  // The number of outbox messages waiting for delivery, as last counted.
  void SetOutboxBacklog(int64_t messages);

  // One request turned away by the per-user rate limit.
  void RecordRateLimited();

  // Every series in the Prometheus text format (version 0.0.4), served as
  // "text/plain; version=0.0.4".
  std::string Exposition() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_METRICS_H_
