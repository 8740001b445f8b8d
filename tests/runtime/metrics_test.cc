#include "botcore/runtime/metrics.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "runtime/exposition.h"

namespace botcore {
namespace {

using testing::ParseExposition;

TEST_SUITE("metrics") {
  TEST_CASE("a fresh registry exposes every unlabelled series at zero") {
    BotMetrics metrics;
    const std::string text = metrics.Exposition();
    std::map<std::string, double> samples = ParseExposition(text);
    CHECK(samples.at("botcore_updates_handled_total") == 0);
    CHECK(samples.at("botcore_handler_latency_seconds_count") == 0);
    CHECK(samples.at("botcore_deposits_credited_total") == 0);
    CHECK(samples.at("botcore_outbox_backlog") == 0);
    CHECK(samples.at("botcore_rate_limited_requests_total") == 0);
    CHECK(absl::StrContains(
        text, "# TYPE botcore_handler_latency_seconds histogram"));
    CHECK(absl::StrContains(text, "# TYPE botcore_outbox_backlog gauge"));
    // Labelled families appear with their first series.
    CHECK_FALSE(absl::StrContains(text, "botcore_errors_total"));
  }

  TEST_CASE("each method moves exactly its series") {
    BotMetrics metrics;
    metrics.OnUpdateHandled("", absl::Milliseconds(3), false);
    metrics.OnUpdateHandled("", absl::Milliseconds(40), false);
    metrics.OnUpdateHandled("", absl::Seconds(60), false);
    metrics.OnError("handler", absl::UnknownError("x"));
    metrics.OnError("handler", absl::UnknownError("x"));
    metrics.OnError("job", absl::UnknownError("x"));
    metrics.OnRecommendation("proposed");
    metrics.OnRecommendation("proposed");
    metrics.OnRecommendation("confirmed");
    metrics.OnDepositsCredited(1);
    metrics.OnOutboxBacklog(7);
    metrics.OnOutboxBacklog(5);
    metrics.OnRateLimited(1);

    std::map<std::string, double> s = ParseExposition(metrics.Exposition());
    CHECK(s.at("botcore_updates_handled_total") == 3);
    CHECK(s.at("botcore_handler_latency_seconds_count") == 3);
    CHECK(s.at("botcore_handler_latency_seconds_sum") ==
          doctest::Approx(60.043));
    // Buckets are cumulative: 3 ms falls in le=0.005, 40 ms in le=0.05,
    // 60 s only in +Inf.
    CHECK(s.at("botcore_handler_latency_seconds_bucket{le=\"0.0025\"}") == 0);
    CHECK(s.at("botcore_handler_latency_seconds_bucket{le=\"0.005\"}") == 1);
    CHECK(s.at("botcore_handler_latency_seconds_bucket{le=\"0.05\"}") == 2);
    CHECK(s.at("botcore_handler_latency_seconds_bucket{le=\"30\"}") == 2);
    CHECK(s.at("botcore_handler_latency_seconds_bucket{le=\"+Inf\"}") == 3);
    CHECK(s.at("botcore_errors_total{source=\"handler\"}") == 2);
    CHECK(s.at("botcore_errors_total{source=\"job\"}") == 1);
    CHECK(s.at("botcore_recommendations_total{outcome=\"proposed\"}") == 2);
    CHECK(s.at("botcore_recommendations_total{outcome=\"confirmed\"}") == 1);
    CHECK(s.count("botcore_recommendations_total{outcome=\"rejected\"}") == 0);
    CHECK(s.at("botcore_deposits_credited_total") == 1);
    CHECK(s.at("botcore_outbox_backlog") == 5);
    CHECK(s.at("botcore_rate_limited_requests_total") == 1);
  }

  TEST_CASE("a label value with quotes and newlines stays one valid line") {
    BotMetrics metrics;
    metrics.OnError("a\"b\nc\\d", absl::UnknownError("x"));
    std::map<std::string, double> s = ParseExposition(metrics.Exposition());
    CHECK(s.at("botcore_errors_total{source=\"a\\\"b\\nc\\\\d\"}") == 1);
  }

  TEST_CASE("concurrent recording loses no increment") {
    BotMetrics metrics;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) {
          metrics.OnUpdateHandled("", absl::Milliseconds(1), false);
          metrics.OnError("handler", absl::UnknownError("x"));
          metrics.OnRecommendation("expired");
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::map<std::string, double> s = ParseExposition(metrics.Exposition());
    CHECK(s.at("botcore_updates_handled_total") == 4000);
    CHECK(s.at("botcore_handler_latency_seconds_count") == 4000);
    CHECK(s.at("botcore_errors_total{source=\"handler\"}") == 4000);
    CHECK(s.at("botcore_recommendations_total{outcome=\"expired\"}") == 4000);
  }
}

}  // namespace
}  // namespace botcore
