// Reading the recorded payloads in ../shared/fixtures (see its README).

#ifndef BOTCORE_TESTS_SUPPORT_FIXTURES_H_
#define BOTCORE_TESTS_SUPPORT_FIXTURES_H_

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/test_databases.h"

namespace botcore::testing {

// The bytes of fixtures/<relative_path>; fails the test when unreadable.
inline std::string ReadFixture(const std::string& relative_path) {
  const std::string path = SharedDir() + "/fixtures/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_SUPPORT_FIXTURES_H_
