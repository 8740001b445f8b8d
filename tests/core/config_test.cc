#include "botcore/core/config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "support/status_testing.h"

namespace botcore {
namespace {

TEST_CASE(".env syntax: comments, export, quotes, escapes") {
  ASSIGN_OR_REQUIRE(Config config, Config::ParseEnvFile(R"(
# a comment
PLAIN=hello world   # trailing comment
export EXPORTED=1
DOUBLE="a \"quoted\" value\nnext"
SINGLE='literal \n $HOME # not a comment'
HASH=a#b
EMPTY=
  SPACED  =  value
)"));
  CHECK(config.GetString("PLAIN", "") == "hello world");
  CHECK(config.GetString("EXPORTED", "") == "1");
  CHECK(config.GetString("DOUBLE", "") == "a \"quoted\" value\nnext");
  CHECK(config.GetString("SINGLE", "") == "literal \\n $HOME # not a comment");
  CHECK(config.GetString("HASH", "") == "a#b");
  CHECK(config.Get("EMPTY") == std::string());
  CHECK(config.GetString("EMPTY", "fallback") == "fallback");
  CHECK(config.GetString("SPACED", "") == "value");
  CHECK(!config.Get("MISSING").has_value());
}

TEST_CASE(".env errors name the source and line") {
  absl::StatusOr<Config> c = Config::ParseEnvFile("A=1\nnot a setting\n", "my.env");
  CHECK_STATUS_IS(c, kInvalidArgument);
  CHECK(c.status().message().find("my.env:2") != std::string_view::npos);
  CHECK_STATUS_IS(Config::ParseEnvFile("A=\"open\n"), kInvalidArgument);
  CHECK_STATUS_IS(Config::ParseEnvFile("1A=x"), kInvalidArgument);
  CHECK_STATUS_IS(Config::ParseEnvFile("A=\"x\" junk"), kInvalidArgument);
  CHECK_STATUS_IS(Config::ParseEnvFile("A=\"\\q\""), kInvalidArgument);
}

TEST_CASE("typed getters return defaults and name the key and value on error") {
  Config config = Config::FromMap({{"N", "12"},
                                   {"BAD_N", "12abc"},
                                   {"F", "0.3"},
                                   {"B", "Yes"},
                                   {"D", "15m"},
                                   {"AMOUNT", "1000.50"},
                                   {"LIST", " 1, 2 ,,3 "}});
  CHECK(*config.GetInt("N", 0) == 12);
  CHECK(*config.GetInt("UNSET", 7) == 7);
  absl::StatusOr<int64_t> bad = config.GetInt("BAD_N", 0);
  CHECK_STATUS_IS(bad, kInvalidArgument);
  CHECK(bad.status().message() == "BAD_N: \"12abc\" is not an integer");
  CHECK(*config.GetDouble("F", 0) == doctest::Approx(0.3));
  CHECK_STATUS_IS(config.GetDouble("BAD_N", 0), kInvalidArgument);
  CHECK(*config.GetBool("B", false));
  CHECK_STATUS_IS(config.GetBool("N", false), kInvalidArgument);
  CHECK(*config.GetDuration("D", absl::ZeroDuration()) == absl::Minutes(15));
  CHECK_STATUS_IS(config.GetDuration("N", absl::ZeroDuration()), kInvalidArgument);
  CHECK(config.GetAmount("AMOUNT", 2, Amount::Zero(2))->ToString() == "1000.50");
  CHECK_STATUS_IS(config.GetAmount("AMOUNT", 1, Amount::Zero(1)), kInvalidArgument);
  CHECK(config.GetList("LIST") == std::vector<std::string>{"1", "2", "3"});
  CHECK_STATUS_IS(config.GetRequiredString("UNSET"), kInvalidArgument);
}

TEST_CASE("secret values never appear in errors or display") {
  Config config = Config::FromMap(
      {{"TELEGRAM_BOT_TOKEN", "123:secret-token"},
       {"AGENTROUTER_API_KEY", "sk-secret"},
       {"SIGNING_KEY", "not-a-number"},
       {"DATABASE_URL", "postgresql://bot:hunter2@db:5432/botcore"}});
  CHECK(Config::IsSecretKey("TELEGRAM_BOT_TOKEN"));
  CHECK(Config::IsSecretKey("AGENTROUTER_API_KEY"));
  CHECK(Config::IsSecretKey("DB_PASSWORD"));
  CHECK(!Config::IsSecretKey("MAX_TRADES_PER_DAY"));
  CHECK(config.DisplayValue("TELEGRAM_BOT_TOKEN") == "***");
  CHECK(config.DisplayValue("AGENTROUTER_API_KEY") == "***");
  CHECK(config.DisplayValue("DATABASE_URL") == "postgresql://bot:***@db:5432/botcore");
  CHECK(config.DisplayValue("NOPE") == "<unset>");
  absl::StatusOr<int64_t> bad = config.GetInt("SIGNING_KEY", 0);
  CHECK_STATUS_IS(bad, kInvalidArgument);
  CHECK(bad.status().message().find("not-a-number") == std::string_view::npos);
  CHECK(bad.status().message().find("***") != std::string_view::npos);
  absl::StatusOr<int64_t> url = config.GetInt("DATABASE_URL", 0);
  CHECK(url.status().message().find("hunter2") == std::string_view::npos);
}

TEST_CASE("Load reads a .env file and the environment wins") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "botcore_config_test.env";
  {
    std::ofstream out(path);
    out << "BOTCORE_TEST_FROM_FILE=file\nBOTCORE_TEST_OVERRIDDEN=file\n";
  }
  setenv("BOTCORE_TEST_OVERRIDDEN", "env", 1);
  ASSIGN_OR_REQUIRE(Config config, Config::Load(path.string()));
  CHECK(config.GetString("BOTCORE_TEST_FROM_FILE", "") == "file");
  CHECK(config.GetString("BOTCORE_TEST_OVERRIDDEN", "") == "env");
  std::filesystem::remove(path);
  // A missing file is fine: the environment alone.
  ASSIGN_OR_REQUIRE(Config env_only, Config::Load(path.string()));
  CHECK(env_only.GetString("BOTCORE_TEST_OVERRIDDEN", "") == "env");
  unsetenv("BOTCORE_TEST_OVERRIDDEN");
}

}  // namespace
}  // namespace botcore
