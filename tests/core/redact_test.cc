#include "botcore/core/redact.h"

#include <doctest/doctest.h>

namespace botcore {
namespace {

TEST_CASE("RedactUrl masks passwords and secret query parameters") {
  CHECK(RedactUrl("postgresql://bot:hunter2@db:5432/botcore") ==
        "postgresql://bot:***@db:5432/botcore");
  CHECK(RedactUrl("postgresql://bot@db/botcore") == "postgresql://bot@db/botcore");
  CHECK(RedactUrl("postgresql://u:p@h/d?sslmode=require&password=x#frag") ==
        "postgresql://u:***@h/d?sslmode=require&password=***#frag");
  CHECK(RedactUrl("https://api.example/v1?api_key=abc&x=1") ==
        "https://api.example/v1?api_key=***&x=1");
  CHECK(RedactUrl("sqlite:///data/botcore.db") == "sqlite:///data/botcore.db");
  CHECK(RedactUrl("sqlite::memory:") == "sqlite::memory:");
  CHECK(RedactUrl("not a url") == "not a url");
  CHECK(RedactUrl("postgresql:/u:pw@h/d") == "postgresql:***");  // malformed
  CHECK(RedactUrl("u@h") == "***");
  CHECK(RedactUrl("postgresql://u:p@ss@h/d") == "postgresql://u:***@h/d");
}

}  // namespace
}  // namespace botcore
