// prometheus-cpp keeps the series; it is linked privately and appears only
// in this file.
#include "botcore/runtime/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

namespace botcore {

class BotMetrics::Impl {
 public:
  Impl()
      : registry_(),
        updates_(prometheus::BuildCounter()
                     .Name("botcore_updates_handled_total")
                     .Help("Updates handled, successfully or not.")
                     .Register(registry_)
                     .Add({})),
        latency_(prometheus::BuildHistogram()
                     .Name("botcore_handler_latency_seconds")
                     .Help("Time from an update's arrival to its handler's "
                           "return.")
                     .Register(registry_)
                     // 1 ms to 30 s: a handler that waits on an LLM takes
                     // seconds, a /balance a millisecond.
                     .Add({},
                          prometheus::Histogram::BucketBoundaries{
                              0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                              0.25, 0.5, 1, 2.5, 5, 10, 30})),
        errors_(prometheus::BuildCounter()
                    .Name("botcore_errors_total")
                    .Help("Errors, by where they happened.")
                    .Register(registry_)),
        recommendations_(prometheus::BuildCounter()
                             .Name("botcore_recommendations_total")
                             .Help("Recommendations, by outcome.")
                             .Register(registry_)),
        deposits_(prometheus::BuildCounter()
                      .Name("botcore_deposits_credited_total")
                      .Help("Deposits credited to users' balances.")
                      .Register(registry_)
                      .Add({})),
        outbox_backlog_(prometheus::BuildGauge()
                            .Name("botcore_outbox_backlog")
                            .Help("Outbox messages waiting for delivery.")
                            .Register(registry_)
                            .Add({})),
        rate_limited_(prometheus::BuildCounter()
                          .Name("botcore_rate_limited_requests_total")
                          .Help("Requests turned away by the per-user rate "
                                "limit.")
                          .Register(registry_)
                          .Add({})) {}

  prometheus::Registry registry_;
  prometheus::Counter& updates_;
  prometheus::Histogram& latency_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& recommendations_;
  prometheus::Counter& deposits_;
  prometheus::Gauge& outbox_backlog_;
  prometheus::Counter& rate_limited_;
};

BotMetrics::BotMetrics() : impl_(std::make_unique<Impl>()) {}

BotMetrics::~BotMetrics() = default;

void BotMetrics::OnUpdateHandled(std::string_view /*command*/,
                                 absl::Duration latency, bool failed) {
  impl_->updates_.Increment();
  impl_->latency_.Observe(absl::ToDoubleSeconds(latency));
  if (failed) impl_->errors_.Add({{"source", "handler"}}).Increment();
}

void BotMetrics::OnRateLimited(int64_t /*user_id*/) {
  impl_->rate_limited_.Increment();
}

void BotMetrics::OnRecommendation(std::string_view outcome) {
  impl_->recommendations_.Add({{"outcome", std::string(outcome)}}).Increment();
}

void BotMetrics::OnDepositsCredited(int count) {
  impl_->deposits_.Increment(count);
}

void BotMetrics::OnOutboxBacklog(int64_t pending) {
  impl_->outbox_backlog_.Set(static_cast<double>(pending));
}

void BotMetrics::OnError(std::string_view where,
                         const absl::Status& /*status*/) {
  impl_->errors_.Add({{"source", std::string(where)}}).Increment();
}

std::string BotMetrics::Exposition() const {
  return prometheus::TextSerializer().Serialize(impl_->registry_.Collect());
}

}  // namespace botcore
