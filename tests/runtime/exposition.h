// Reads the Prometheus text exposition format back into sample values, so
// tests check what a Prometheus server would scrape.

#ifndef BOTCORE_TESTS_RUNTIME_EXPOSITION_H_
#define BOTCORE_TESTS_RUNTIME_EXPOSITION_H_

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace botcore::testing {

// Each sample line "name{labels} value" as {"name{labels}": value}; "# HELP"
// and "# TYPE" lines are checked for shape and skipped. Fails the test on a
// line that is neither.
inline std::map<std::string, double> ParseExposition(std::string_view text) {
  std::map<std::string, double> samples;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      CHECK((absl::StartsWith(line, "# HELP ") ||
             absl::StartsWith(line, "# TYPE ")));
      continue;
    }
    const size_t space = line.rfind(' ');
    REQUIRE(space != absl::string_view::npos);
    double value = 0;
    REQUIRE_MESSAGE(absl::SimpleAtod(line.substr(space + 1), &value),
                    std::string(line));
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_RUNTIME_EXPOSITION_H_
