#include "botcore/testing/scripted_advisor.h"

#include <utility>

namespace botcore::testing {

ScriptedAdvisor::ScriptedAdvisor(std::string name) : name_(std::move(name)) {}

void ScriptedAdvisor::Script(
    absl::StatusOr<std::optional<Recommendation>> answer) {
  absl::MutexLock lock(&mu_);
  script_.push_back(std::move(answer));
}

absl::StatusOr<std::optional<Recommendation>> ScriptedAdvisor::Advise(
    const AdvisorContext& context) {
  absl::MutexLock lock(&mu_);
  AdvisorCall call;
  call.symbol = std::string(context.symbol);
  call.now = context.now;
  call.candles = context.candles.size();
  if (!context.candles.empty()) call.last_close = context.candles.back().close;
  calls_.push_back(std::move(call));
  if (script_.empty()) return std::nullopt;
  absl::StatusOr<std::optional<Recommendation>> answer = script_.front();
  if (script_.size() > 1) script_.pop_front();
  if (answer.ok() && answer->has_value()) {
    Recommendation& r = **answer;
    if (r.symbol.empty()) r.symbol = std::string(context.symbol);
    if (r.source.empty()) r.source = name_;
    if (r.time == absl::Time()) r.time = context.now;
  }
  return answer;
}

std::vector<AdvisorCall> ScriptedAdvisor::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

}  // namespace botcore::testing
