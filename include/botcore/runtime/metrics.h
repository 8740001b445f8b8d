// File: botcore/runtime/metrics.h
//
// BotMetrics counts what an operator watches on a running bot and renders it
// in the Prometheus text exposition format, for the /metrics route of
// OperationsServer (botcore/runtime/operations_server.h):
//
//   BotMetrics metrics;
//   bot_options.observer = &metrics;  // the Bot reports what happens
//   ...
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

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "botcore/runtime/bot.h"

namespace botcore {

class BotMetrics final : public BotObserver {
 public:
  BotMetrics();
  ~BotMetrics();

  BotMetrics(const BotMetrics&) = delete;
  BotMetrics& operator=(const BotMetrics&) = delete;

  // BotObserver: the Bot calls these (BotOptions::observer).
  // An update handled in `latency`; a failed one also counts as an error
  // with source "handler".
  void OnUpdateHandled(std::string_view command, absl::Duration latency,
                       bool failed) override;
  void OnRateLimited(int64_t user_id) override;
  // `outcome` labels the series: the Bot's small fixed set of words.
  void OnRecommendation(std::string_view outcome) override;
  void OnDepositsCredited(int count) override;
  void OnOutboxBacklog(int64_t pending) override;
  // `where` labels errors_total's source: a job name, "receive" or a
  // command (a small fixed set).
  void OnError(std::string_view where, const absl::Status& status) override;

  // Every series in the Prometheus text format (version 0.0.4), served as
  // "text/plain; version=0.0.4".
  std::string Exposition() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_METRICS_H_
