#include "botcore/core/redact.h"

#include <doctest/doctest.h>

namespace botcore {
namespace {

TEST_CASE("RedactUrl masks passwords and secret query parameters") {
  CHECK(RedactUrl("postgresql://bot:hunter2@db:5432/botcore") ==
        "postgresql://bot:***@db:5432/botcore");
  CHECK(RedactUrl("postgresql://bot@db/botcore") ==
        "postgresql://bot@db/botcore");
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

TEST_CASE("RedactUrl masks Telegram bot tokens in the path") {
  CHECK(RedactUrl("https://api.telegram.org/bot123456:AAHdqTcv-_x/getUpdates"
                  "?offset=5") ==
        "https://api.telegram.org/bot***/getUpdates?offset=5");
  CHECK(RedactUrl("http://127.0.0.1:8080/api/bot1:x/sendMessage") ==
        "http://127.0.0.1:8080/api/bot***/sendMessage");
  CHECK(RedactUrl("https://api.telegram.org/file/bot42:s/photos/a.jpg") ==
        "https://api.telegram.org/file/bot***/photos/a.jpg");
  // Not a token: no digits before the colon, or no colon.
  CHECK(RedactUrl("https://x.example/bots/a:b") ==
        "https://x.example/bots/a:b");
  CHECK(RedactUrl("https://x.example/bot/list") ==
        "https://x.example/bot/list");
  CHECK(RedactUrl("https://x.example/bot12:t#frag") ==
        "https://x.example/bot***#frag");
}

TEST_CASE("UrlOrigin keeps only the scheme, host and port") {
  CHECK(UrlOrigin("https://mainnet.infura.io/v3/0123abcd") ==
        "https://mainnet.infura.io");
  CHECK(UrlOrigin("http://u:pw@127.0.0.1:8545/TOKEN/?k=1#f") ==
        "http://127.0.0.1:8545");
  CHECK(UrlOrigin("https://bsc.example?key=1") == "https://bsc.example");
  CHECK(UrlOrigin("https://bsc.example") == "https://bsc.example");
  CHECK(UrlOrigin("localhost:8545/v3/KEY") == "***");  // not a URL
}

TEST_CASE("RedactHeaderValue masks secret headers") {
  CHECK(RedactHeaderValue("Authorization", "Bearer sk-1") == "***");
  CHECK(RedactHeaderValue("x-api-key", "k") == "***");
  CHECK(RedactHeaderValue("X-Telegram-Bot-Api-Secret-Token", "s") == "***");
  CHECK(RedactHeaderValue("Cookie", "a=b") == "***");
  CHECK(RedactHeaderValue("Content-Type", "application/json") ==
        "application/json");
  CHECK_FALSE(IsSecretHeader("Accept"));
}

}  // namespace
}  // namespace botcore
