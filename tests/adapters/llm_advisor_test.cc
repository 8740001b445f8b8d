// LlmAdvisor against an OpenAI-compatible server on 127.0.0.1 replaying the
// recorded payloads in fixtures/llm (see its README), over libcurl with the
// advisor's own retry stack on a manual clock.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/json.h"
#include "botcore/adapters/llm.h"
#include "botcore/portfolio/book.h"
#include "botcore/risk/risk_engine.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/scripted_http_server.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::ReadFixture;
using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

constexpr char kKey[] = "sk-test-0123456789SECRET";
constexpr char kPath[] = "/v1/chat/completions";

std::string Recorded(const std::string& name) {
  return ReadFixture("llm/" + name);
}

// A completion in the recorded OpenAI shape (the json_schema fixture) with
// `content` (JSON text of the answer) and `finish_reason`.
std::string Completion(const std::string& content,
                       const std::string& finish_reason = "stop") {
  rapidjson::Document d;
  d.Parse(
      Recorded("RESERIALIZED_openai_chat_completion_json_schema_content.json")
          .c_str());
  rapidjson::Value& choice = d["choices"][0];
  choice["message"]["content"].SetString(
      content.c_str(), static_cast<rapidjson::SizeType>(content.size()),
      d.GetAllocator());
  choice["finish_reason"].SetString(
      finish_reason.c_str(),
      static_cast<rapidjson::SizeType>(finish_reason.size()), d.GetAllocator());
  rapidjson::StringBuffer out;
  internal::JsonWriter w(out);
  d.Accept(w);
  return out.GetString();
}

constexpr char kBuy[] =
    R"({"symbol":"GAZP","action":"BUY","quantity":null,"percent":20,)"
    R"("entry":160.1,"stop_loss":158.8,"take_profit":163,"confidence":64,)"
    R"("rationale":"RSI turned up from 40"})";

struct Llm {
  std::unique_ptr<ScriptedHttpServer> server;
  testing::ManualClock clock{absl::FromUnixSeconds(1708000000)};
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<LlmAdvisor> advisor;
  // The context.
  PortfolioBook book = *PortfolioBook::Create({});
  Instrument gazp = *MakeInstrument("GAZP", 10, "0.01");
  RiskLimits limits;
  std::vector<Candle> candles;
  AdvisorContext context;

  explicit Llm(LlmAdvisorOptions options = {}) {
    ASSIGN_OR_REQUIRE(server, ScriptedHttpServer::Start());
    ASSIGN_OR_REQUIRE(http, NewCurlHttpClient({}));
    options.http = http.get();
    options.clock = &clock;
    options.base_url = server->base_url() + "/v1/";
    options.api_key = kKey;
    ASSIGN_OR_REQUIRE(advisor, LlmAdvisor::Create(options));
    for (int i = 0; i < 20; ++i) {
      candles.push_back({absl::FromUnixSeconds(1708000000 + 3600 * i), 159.5,
                         160.5, 159, 160, 5000});
    }
    context.symbol = "GAZP";
    context.now = absl::FromUnixSeconds(1708000000 + 3600 * 20);
    context.candles = candles;
    context.instrument = &gazp;
    context.portfolio = &book;
    context.limits = &limits;
  }

  absl::StatusOr<std::optional<Recommendation>> Advise() {
    return advisor->Advise(context);
  }
  size_t Requests() const { return server->requests(kPath).size(); }
};

TEST_SUITE("llm_advisor") {
  TEST_CASE("a structured answer becomes a checked recommendation") {
    Llm llm;
    llm.server->Script("POST", kPath, {.body = Completion(kBuy)});
    ASSIGN_OR_REQUIRE(std::optional<Recommendation> r, llm.Advise());
    REQUIRE(r.has_value());
    CHECK(r->action == TradeAction::kBuy);
    CHECK(r->percent == 20);
    CHECK(r->entry == *Amount::Parse("160.10", 2));
    CHECK(r->stop_loss == *Amount::Parse("158.80", 2));
    CHECK(r->take_profit == *Amount::Parse("163.00", 2));
    CHECK(r->confidence == 64);
    CHECK(r->source == "llm:gpt-4o-mini");
    CHECK(r->time == llm.context.now);
    CHECK(llm.advisor->name() == "llm:gpt-4o-mini");

    const auto requests = llm.server->requests(kPath);
    REQUIRE(requests.size() == 1);
    CHECK(FindHeader(requests[0].headers, "Authorization") ==
          std::string("Bearer ") + kKey);
    CHECK(FindHeader(requests[0].headers, "Content-Type") ==
          "application/json");
    rapidjson::Document body;
    REQUIRE(internal::ParseJson(requests[0].body, &body).empty());
    CHECK(std::string(body["model"].GetString()) == "gpt-4o-mini");
    CHECK(body["response_format"]["json_schema"]["strict"].GetBool());
    CHECK(absl::StrContains(body["messages"][1]["content"].GetString(),
                            R"("symbol":"GAZP")"));

    const LlmUsage usage = llm.advisor->usage();
    CHECK(usage.requests == 1);
    CHECK(usage.prompt_tokens == 92);
    CHECK(usage.completion_tokens == 15);
    CHECK(usage.total_tokens == 107);
  }

  TEST_CASE("a truncated answer is rejected, its tokens still counted") {
    Llm llm;
    llm.server->Script(
        "POST", kPath,
        {.body = Recorded("RESERIALIZED_hf_router_chat_completion_finish_"
                          "reason_length.json")});
    const auto r = llm.Advise();
    CHECK_STATUS_IS(r, kFailedPrecondition);
    CHECK(absl::StrContains(r.status().message(), "truncated"));
    CHECK(llm.advisor->usage().total_tokens == 104);
    CHECK(llm.Requests() == 1);  // not retried
  }

  TEST_CASE("an answer contradicting the market is rejected, never traded") {
    Llm llm;
    // A stop-loss above the last close (160) for a buy.
    llm.server->Script(
        "POST", kPath,
        {.body = Completion(
             R"({"symbol":"GAZP","action":"BUY","quantity":10,"percent":null,"entry":null,"stop_loss":161,"take_profit":170,"confidence":90,"rationale":"sure"})")});
    const auto r = llm.Advise();
    CHECK_STATUS_IS(r, kFailedPrecondition);
    CHECK(absl::StrContains(r.status().message(),
                            "stop_loss 161.00 not below the last close"));
  }

  TEST_CASE("plain text, a tool call, another schema: rejected") {
    for (const char* name :
         {"RESERIALIZED_openai_chat_completion_plain_gpt-4o-mini.json",
          "RESERIALIZED_openai_chat_completion_tool_calls.json",
          "RESERIALIZED_openai_chat_completion_json_schema_content.json"}) {
      CAPTURE(name);
      Llm llm;
      llm.server->Script("POST", kPath, {.body = Recorded(name)});
      CHECK_STATUS_IS(llm.Advise(), kFailedPrecondition);
    }
  }

  TEST_CASE(
      "recorded errors: codes, retries, and insufficient_quota not retried") {
    struct Case {
      int status;
      std::string fixture;
      absl::StatusCode code;
      size_t requests;  // 3 = retried up to max_attempts
    };
    for (const Case& c : std::vector<Case>{
             {400, "error_400_context_length_exceeded.json",
              absl::StatusCode::kInvalidArgument, 1},
             {401, "error_401_invalid_api_key.json",
              absl::StatusCode::kUnauthenticated, 1},
             {429, "error_429_insufficient_quota.json",
              absl::StatusCode::kFailedPrecondition, 1},
             {429, "error_429_rate_limit_exceeded_tokens.json",
              absl::StatusCode::kResourceExhausted, 3},
             {500, "error_500_server_error.json",
              absl::StatusCode::kUnavailable, 3},
             {503, "error_503_model_overloaded.json",
              absl::StatusCode::kUnavailable, 3},
         }) {
      CAPTURE(c.fixture);
      Llm llm;
      llm.server->Script("POST", kPath,
                         {.status = c.status, .body = Recorded(c.fixture)});
      const auto r = llm.Advise();
      CHECK(r.status().code() == c.code);
      CHECK(llm.Requests() == c.requests);
      CHECK(!absl::StrContains(r.status().message(), kKey));
      CHECK(llm.advisor->usage().requests == 0);
    }
  }

  TEST_CASE("a 429 with Retry-After, then an answer") {
    Llm llm;
    llm.server->Script(
        "POST", kPath,
        {.status = 429,
         .headers = {{"Retry-After", "30"}},
         .body = Recorded("error_429_rate_limit_exceeded_tokens.json")});
    llm.server->Script("POST", kPath, {.body = Completion(kBuy)});
    ASSIGN_OR_REQUIRE(std::optional<Recommendation> r, llm.Advise());
    CHECK(r.has_value());
    CHECK(llm.Requests() == 2);
    CHECK(llm.clock.Now() - absl::FromUnixSeconds(1708000000) ==
          absl::Seconds(30));
  }

  TEST_CASE(
      "the API key never appears in an error, even echoed by the server") {
    Llm llm;
    llm.server->Script(
        "POST", kPath,
        {.status = 401,
         .body = absl::StrCat(
             R"({"error":{"message":"Incorrect API key provided: )", kKey,
             R"(.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})")});
    const auto r = llm.Advise();
    CHECK_STATUS_IS(r, kUnauthenticated);
    CHECK(!absl::StrContains(r.status().message(), kKey));
    CHECK(absl::StrContains(r.status().message(),
                            "Incorrect API key provided: ***"));
  }

  TEST_CASE("HTML from a proxy, malformed and truncated JSON") {
    const std::string full = Completion(kBuy);
    struct Case {
      std::string name;
      ScriptedResponse response;
      absl::StatusCode code;
    };
    for (const Case& c : std::vector<Case>{
             {"502 HTML",
              {.status = 502,
              .body = "<html>502 Bad Gateway</html>",
              .content_type = "text/html"},
              absl::StatusCode::kUnavailable},
             {"truncated",
              {.body = full.substr(0, full.size() / 2)},
              absl::StatusCode::kUnavailable},
             {"not JSON",
              {.body = "data: {\"choices\":[]}\n\n"},
              absl::StatusCode::kUnavailable},
         }) {
      CAPTURE(c.name);
      Llm llm;
      llm.server->Script("POST", kPath, c.response);
      CHECK(llm.Advise().status().code() == c.code);
    }
  }

  TEST_CASE("a response slower than the timeout is kDeadlineExceeded") {
    LlmAdvisorOptions options;
    // Long enough for the fake server to record each attempt on a loaded
    // machine; the answer comes after 2 s.
    options.timeout = absl::Seconds(1);
    options.retry.max_attempts = 2;
    Llm llm(options);
    llm.server->Script("POST", kPath,
                       {.body = Completion(kBuy), .delay = absl::Seconds(2)});
    CHECK_STATUS_IS(llm.Advise(), kDeadlineExceeded);
    CHECK(llm.Requests() == 2);  // timeouts are retried
  }

  TEST_CASE("a context without candles or portfolio is refused before asking") {
    Llm llm;
    llm.context.candles = {};
    CHECK_STATUS_IS(llm.Advise(), kInvalidArgument);
    CHECK(llm.Requests() == 0);
  }

  TEST_CASE("options are checked; the key is never echoed") {
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    testing::ManualClock clock;
    LlmAdvisorOptions o;
    CHECK_STATUS_IS(LlmAdvisor::Create(o), kInvalidArgument);
    o.http = http.get();
    o.clock = &clock;
    CHECK_STATUS_IS(LlmAdvisor::Create(o), kInvalidArgument);  // no key
    o.api_key = kKey;
    o.base_url = std::string("ftp://") + kKey;
    const auto bad = LlmAdvisor::Create(o);
    CHECK_STATUS_IS(bad, kInvalidArgument);
    CHECK(!absl::StrContains(bad.status().message(), kKey));
    o.base_url = "https://openrouter.ai/api/v1";
    o.model = "";
    CHECK_STATUS_IS(LlmAdvisor::Create(o), kInvalidArgument);
  }
}

}  // namespace
}  // namespace botcore
