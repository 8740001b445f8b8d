#include "internal/json_text.h"

#include <map>
#include <string>

#include "doctest/doctest.h"

namespace botcore::internal {
namespace {

TEST_SUITE("json_text") {
  TEST_CASE("ParseJsonObject reads back what JsonObject writes") {
    const std::string text = JsonObject({{"user_id", "tg:42"},
                                         {"quote", "say \"hi\"\\now"},
                                         {"lines", "a\nb"},
                                         {"control", std::string("x\x01y")},
                                         {"unicode", "ГАЗП 💥"},
                                         {"empty", ""}});
    std::optional<std::map<std::string, std::string>> fields =
        ParseJsonObject(text);
    REQUIRE(fields.has_value());
    CHECK(fields->size() == 6);
    CHECK(fields->at("user_id") == "tg:42");
    CHECK(fields->at("quote") == "say \"hi\"\\now");
    CHECK(fields->at("lines") == "a\nb");
    CHECK(fields->at("control") == std::string("x\x01y"));
    CHECK(fields->at("unicode") == "ГАЗП 💥");
    CHECK(fields->at("empty").empty());
    CHECK(ParseJsonObject(" { } ")->empty());
  }

  TEST_CASE("ParseJsonObject refuses what it does not model") {
    for (const char* bad :
         {"", "[]", "{", "{\"a\"}", "{\"a\":1}", "{\"a\":\"b\",}",
          "{\"a\":\"b\"} x", "{\"a\":\"\\u00e9\"}", "{\"a\":\"b\\q\"}",
          "{\"a\":\"unterminated}"}) {
      CAPTURE(bad);
      CHECK_FALSE(ParseJsonObject(bad).has_value());
    }
  }
}

}  // namespace
}  // namespace botcore::internal
