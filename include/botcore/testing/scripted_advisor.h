// File: botcore/testing/scripted_advisor.h
//
// An Advisor that answers from a script, for users' tests and the bot's
// offline mode: each Advise call takes the next scripted answer (a
// recommendation, "nothing to say", or an error) and records what it was
// asked.
//
//   botcore::testing::ScriptedAdvisor advisor;
//   Recommendation buy;
//   buy.action = TradeAction::kBuy;
//   buy.percent = 10;
//   advisor.Script(buy);
//   advisor.Script(absl::UnavailableError("LLM down"));
//   advisor.Script(std::nullopt);
//   // Advise: the buy (symbol, time and source filled in), then the error,
//   // then nothing; once the script is used up the last answer repeats.
//
// Thread-safe.

#ifndef BOTCORE_TESTING_SCRIPTED_ADVISOR_H_
#define BOTCORE_TESTING_SCRIPTED_ADVISOR_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/ports/advisor.h"

namespace botcore::testing {

// What one Advise call was given (the context's borrowed parts copied).
struct AdvisorCall {
  std::string symbol;
  absl::Time now;
  size_t candles = 0;  // how many candles the context held
  std::optional<double> last_close;
};

class ScriptedAdvisor final : public Advisor {
 public:
  // `name` is returned by name() and used as the default source.
  // Default: "scripted".
  explicit ScriptedAdvisor(std::string name = "scripted");

  // Appends an answer. A recommendation's empty symbol becomes the
  // context's symbol, an empty source the advisor's name, and a default time
  // (absl::Time(), the Unix epoch) the context's now.
  void Script(absl::StatusOr<std::optional<Recommendation>> answer);

  std::string_view name() const override { return name_; }

  // The next scripted answer; the last one again once the script is used
  // up; std::nullopt when nothing was ever scripted.
  absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& context) override;

  // Every call so far, in order.
  std::vector<AdvisorCall> calls() const;

 private:
  const std::string name_;
  mutable absl::Mutex mu_;
  std::deque<absl::StatusOr<std::optional<Recommendation>>> script_
      ABSL_GUARDED_BY(mu_);
  std::vector<AdvisorCall> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_SCRIPTED_ADVISOR_H_
