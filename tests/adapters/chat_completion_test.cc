// The chat-completions wire format under LlmAdvisor: the recorded responses
// and errors in fixtures/llm, the request body, and every way an answer is
// rejected.

#include "adapters/llm/chat_completion.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/json.h"
#include "botcore/portfolio/book.h"
#include "botcore/risk/risk_engine.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore::internal {
namespace {

using botcore::testing::ReadFixture;

std::string Llm(const std::string& name) { return ReadFixture("llm/" + name); }

AnswerCheck Gazp(int64_t held = 0) {
  AnswerCheck check;
  check.symbol = "GAZP";
  check.last_close = 160.00;
  check.instrument = *MakeInstrument("GAZP", 10, "0.01");
  check.held = held;
  return check;
}

// A completion that stopped normally with `content`.
ChatCompletion Answer(const std::string& content) {
  ChatCompletion c;
  c.finish_reason = "stop";
  c.content = content;
  return c;
}

constexpr char kBuy[] =
    R"({"symbol":"GAZP","action":"BUY","quantity":100,"percent":null,)"
    R"("entry":160.05,"stop_loss":158.8,"take_profit":162.45,"confidence":70,)"
    R"("rationale":"MACD crossed up"})";

// kBuy with `field` set to `value` (JSON text).
std::string BuyWith(const std::string& field, const std::string& value) {
  rapidjson::Document d;
  d.Parse(kBuy);
  rapidjson::Document v;
  v.Parse(value.c_str());
  d[field.c_str()].CopyFrom(v, d.GetAllocator());
  rapidjson::StringBuffer out;
  JsonWriter w(out);
  d.Accept(w);
  return out.GetString();
}

TEST_SUITE("chat_completion") {
  TEST_CASE("recorded completions: content, finish reason, usage") {
    ASSIGN_OR_REQUIRE(
        ChatCompletion plain,
        ParseChatCompletion(
            Llm("RESERIALIZED_openai_chat_completion_plain_gpt-4o-mini.json")));
    CHECK(plain.content == "Hello! How can I assist you today?");
    CHECK(plain.finish_reason == "stop");
    CHECK(!plain.refusal.has_value());
    CHECK(plain.usage.prompt_tokens == 8);
    CHECK(plain.usage.completion_tokens == 9);
    CHECK(plain.usage.total_tokens == 17);
    CHECK(plain.model == "gpt-4o-mini-2024-07-18");

    ASSIGN_OR_REQUIRE(
        ChatCompletion tools,
        ParseChatCompletion(
            Llm("RESERIALIZED_openai_chat_completion_tool_calls.json")));
    CHECK(tools.tool_calls);
    CHECK(!tools.content.has_value());

    // A router's extras: prompt [], a seed past int64, cached_tokens.
    ASSIGN_OR_REQUIRE(
        ChatCompletion cut,
        ParseChatCompletion(Llm("RESERIALIZED_hf_router_chat_completion_finish_"
                                "reason_length.json")));
    CHECK(cut.finish_reason == "length");
    CHECK(cut.usage.total_tokens == 104);
    CHECK(!cut.tool_calls);  // tool_calls: []
  }

  TEST_CASE(
      "a recorded answer that is not the schema, a tool call, a cut"
      " answer and plain text are all rejected") {
    for (const char* name :
         {"RESERIALIZED_openai_chat_completion_json_schema_content.json",
          "RESERIALIZED_openai_chat_completion_tool_calls.json",
          "RESERIALIZED_hf_router_chat_completion_finish_reason_length.json",
          "RESERIALIZED_openai_chat_completion_plain_gpt-4o-mini.json"}) {
      CAPTURE(name);
      ASSIGN_OR_REQUIRE(ChatCompletion c, ParseChatCompletion(Llm(name)));
      const absl::StatusOr<Recommendation> r = ParseRecommendation(c, Gazp());
      CHECK_STATUS_IS(r, kFailedPrecondition);
      CHECK(absl::StartsWith(r.status().message(), "rejected LLM answer: "));
    }
    ASSIGN_OR_REQUIRE(
        ChatCompletion city,
        ParseChatCompletion(Llm(
            "RESERIALIZED_openai_chat_completion_json_schema_content.json")));
    CHECK(
        absl::StrContains(ParseRecommendation(city, Gazp()).status().message(),
                          "unexpected field \"city\""));
  }

  TEST_CASE("bodies that are not a chat completion") {
    for (const std::string& body :
         {std::string(""), std::string("<html>Bad Gateway</html>"),
          Llm("RESERIALIZED_openai_chat_completion_plain_gpt-4o-mini.json")
              .substr(0, 200),
          std::string(R"({"choices":[]})"),
          std::string(R"({"choices":[{"message":"hi"}]})"),
          Llm("error_500_server_error.json")}) {
      CAPTURE(body);
      CHECK_STATUS_IS(ParseChatCompletion(body), kUnavailable);
    }
  }

  TEST_CASE("a valid BUY becomes a recommendation, prices on the step") {
    ASSIGN_OR_REQUIRE(Recommendation r,
                      ParseRecommendation(Answer(kBuy), Gazp()));
    CHECK(r.symbol == "GAZP");
    CHECK(r.action == TradeAction::kBuy);
    CHECK(r.quantity == 100);
    CHECK(r.percent == 0);
    CHECK(r.entry == *Amount::Parse("160.05", 2));
    CHECK(r.stop_loss == *Amount::Parse("158.80", 2));
    CHECK(r.take_profit == *Amount::Parse("162.45", 2));
    CHECK(r.confidence == 70);
    CHECK(r.rationale == "MACD crossed up");
  }

  TEST_CASE("a normal finish from compatible servers: null, \"\", eos_token") {
    for (const std::string reason : {"stop", "", "eos_token"}) {
      CAPTURE(reason);
      ChatCompletion c = Answer(kBuy);
      c.finish_reason = reason;
      CHECK_OK(ParseRecommendation(c, Gazp()).status());
    }
    // finish_reason null, as compatible servers send it.
    rapidjson::StringBuffer content;
    JsonWriter writer(content);
    WriteString(writer, kBuy);
    ASSIGN_OR_REQUIRE(
        ChatCompletion null_reason,
        ParseChatCompletion(absl::StrCat(
            R"({"choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":)",
            content.GetString(), "}}]}")));
    CHECK(null_reason.finish_reason.empty());
    CHECK_OK(ParseRecommendation(null_reason, Gazp()).status());
    // Still refused: a cut answer, a filtered one, a tool call, others.
    for (const std::string reason :
         {"length", "content_filter", "tool_calls", "function_call"}) {
      CAPTURE(reason);
      ChatCompletion c = Answer(kBuy);
      c.finish_reason = reason;
      CHECK_STATUS_IS(ParseRecommendation(c, Gazp()), kFailedPrecondition);
    }
  }

  TEST_CASE("HOLD and SELL") {
    ASSIGN_OR_REQUIRE(
        Recommendation hold,
        ParseRecommendation(
            Answer(
                R"({"symbol":"GAZP","action":"HOLD","quantity":null,"percent":null,"entry":null,"stop_loss":null,"take_profit":null,"confidence":40,"rationale":"flat"})"),
            Gazp()));
    CHECK(hold.action == TradeAction::kHold);
    CHECK(!hold.entry.has_value());
    ASSIGN_OR_REQUIRE(
        Recommendation sell,
        ParseRecommendation(
            Answer(
                R"({"symbol":"GAZP","action":"SELL","quantity":null,"percent":50,"entry":160,"stop_loss":null,"take_profit":null,"confidence":55,"rationale":"overbought"})"),
            Gazp(/*held=*/100)));
    CHECK(sell.action == TradeAction::kSell);
    CHECK(sell.percent == 50);
  }

  TEST_CASE("rejections name the reason; nothing is repaired") {
    struct Case {
      std::string name;
      ChatCompletion completion;
      AnswerCheck check;
      std::string reason;
    };
    ChatCompletion refused = Answer(kBuy);
    refused.refusal = "I can't help with trading.";
    ChatCompletion filtered = Answer(kBuy);
    filtered.finish_reason = "content_filter";
    ChatCompletion no_content;
    no_content.finish_reason = "stop";
    const std::string sell_none =
        R"({"symbol":"GAZP","action":"SELL","quantity":null,"percent":null,"entry":null,"stop_loss":null,"take_profit":null,"confidence":50,"rationale":"x"})";
    const std::string sell_200 =
        R"({"symbol":"GAZP","action":"SELL","quantity":200,"percent":null,"entry":null,"stop_loss":null,"take_profit":null,"confidence":50,"rationale":"x"})";
    const std::string sell_stop =
        R"({"symbol":"GAZP","action":"SELL","quantity":null,"percent":null,"entry":null,"stop_loss":170,"take_profit":null,"confidence":50,"rationale":"x"})";
    const std::string hold_sized =
        R"({"symbol":"GAZP","action":"HOLD","quantity":10,"percent":null,"entry":null,"stop_loss":null,"take_profit":null,"confidence":50,"rationale":"x"})";
    std::string missing = kBuy;
    missing.replace(missing.find(R"("confidence":70,)"), 16, "");
    const std::vector<Case> cases = {
        {"refusal", refused, Gazp(), "refused"},
        {"content filter", filtered, Gazp(), "content_filter"},
        {"no content", no_content, Gazp(), "no content"},
        {"free text", Answer("BUY 100 GAZP at 160"), Gazp(), "not JSON"},
        {"truncated JSON", Answer(std::string(kBuy).substr(0, 60)), Gazp(),
         "not JSON"},
        {"an array", Answer("[1]"), Gazp(), "not a JSON object"},
        {"missing field", Answer(missing), Gazp(),
         "missing field \"confidence\""},
        {"extra field",
         Answer(BuyWith("symbol", "\"GAZP\"").insert(1, R"("note":"x",)")),
         Gazp(), "unexpected field \"note\""},
        {"duplicate field",
         Answer(std::string(kBuy).insert(1, R"("action":"SELL",)")), Gazp(),
         "given twice"},
        {"quantity as text", Answer(BuyWith("quantity", "\"100\"")), Gazp(),
         "quantity is not an integer"},
        {"fractional quantity", Answer(BuyWith("quantity", "100.5")), Gazp(),
         "quantity is not an integer"},
        {"price as text", Answer(BuyWith("entry", "\"160.05\"")), Gazp(),
         "entry is not a number"},
        {"confidence as text", Answer(BuyWith("confidence", "\"high\"")),
         Gazp(), "confidence is not an integer"},
        {"confidence 120", Answer(BuyWith("confidence", "120")), Gazp(),
         "outside 0..100"},
        {"lowercase action", Answer(BuyWith("action", "\"buy\"")), Gazp(),
         "not BUY, SELL or HOLD"},
        {"other symbol", Answer(BuyWith("symbol", "\"SBER\"")), Gazp(),
         "not the one asked about"},
        {"not whole lots", Answer(BuyWith("quantity", "15")), Gazp(),
         "whole number of lots"},
        {"zero quantity", Answer(BuyWith("quantity", "0")), Gazp(),
         "whole number of lots"},
        {"both sizes", Answer(BuyWith("percent", "10")), Gazp(),
         "both quantity and percent"},
        {"percent 150",
         Answer(
             BuyWith("quantity", "null")
                 .replace(BuyWith("quantity", "null").find(R"("percent":null)"),
                          14, R"("percent":150)")),
         Gazp(), "outside (0, 100]"},
        {"off the price step", Answer(BuyWith("entry", "160.055")), Gazp(),
         "not on the price step"},
        {"far from the market", Answer(BuyWith("entry", "250")), Gazp(),
         "away from the last close"},
        {"negative price", Answer(BuyWith("take_profit", "-1")), Gazp(),
         "not a positive price"},
        {"stop above entry", Answer(BuyWith("stop_loss", "161")), Gazp(),
         "not below the entry"},
        {"target below entry", Answer(BuyWith("take_profit", "159")), Gazp(),
         "not above the entry"},
        {"stop above the last close, no entry",
         Answer(
             BuyWith("entry", "null")
                 .replace(BuyWith("entry", "null").find(R"("stop_loss":158.8)"),
                          17, R"("stop_loss":160.5)")),
         Gazp(), "not below the last close"},
        {"sell without a position", Answer(sell_none), Gazp(0), "holds none"},
        {"sell more than held", Answer(sell_200), Gazp(100),
         "only 100 are held"},
        {"stop on a sell", Answer(sell_stop), Gazp(100), "on a SELL"},
        {"sized hold", Answer(hold_sized), Gazp(), "HOLD with a quantity"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      const absl::StatusOr<Recommendation> r =
          ParseRecommendation(c.completion, c.check);
      CHECK_STATUS_IS(r, kFailedPrecondition);
      CHECK_MESSAGE(absl::StrContains(r.status().message(), c.reason),
                    r.status().message());
    }
  }

  TEST_CASE("the request: the model, the context, strict json_schema") {
    ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
    const Instrument gazp = *MakeInstrument("GAZP", 10, "0.01");
    RiskLimits limits;
    std::vector<Candle> candles;
    for (int i = 0; i < 100; ++i) {
      candles.push_back({absl::FromUnixSeconds(1708000000 + 3600 * i), 160, 161,
                         159, 160.5 + i * 0.01, 1000});
    }
    const IndicatorValue rsi{"rsi_14", 61.25};
    AdvisorContext context;
    context.symbol = "GAZP";
    context.now = absl::FromUnixSeconds(1708000000 + 3600 * 100);
    context.candles = candles;
    context.indicators = absl::MakeConstSpan(&rsi, 1);
    context.instrument = &gazp;
    context.portfolio = &book;
    context.limits = &limits;
    LlmAdvisorOptions options;
    options.model = "openai/gpt-4o-mini";
    options.recent_candles = 30;
    const std::string body = ChatRequestBody(context, options);
    rapidjson::Document d;
    REQUIRE(ParseJson(body, &d).empty());
    CHECK(std::string(d["model"].GetString()) == "openai/gpt-4o-mini");
    CHECK(d["max_tokens"].GetInt() == 1000);
    const rapidjson::Value& format = d["response_format"];
    CHECK(std::string(format["type"].GetString()) == "json_schema");
    CHECK(format["json_schema"]["strict"].GetBool());
    const rapidjson::Value& schema = format["json_schema"]["schema"];
    CHECK(!schema["additionalProperties"].GetBool());
    // Strict mode: every property is required.
    CHECK(schema["required"].Size() == schema["properties"].MemberCount());
    REQUIRE(d["messages"].Size() == 2);
    CHECK(std::string(d["messages"][0]["role"].GetString()) == "system");
    rapidjson::Document market;
    REQUIRE(
        ParseJson(d["messages"][1]["content"].GetString(), &market).empty());
    CHECK(market["candles"]["rows"].Size() == 30);
    CHECK(market["candles"]["rows"][29][4].GetDouble() ==
          doctest::Approx(161.49));
    CHECK(market["indicators"]["rsi_14"].GetDouble() == 61.25);
    CHECK(std::string(market["portfolio"]["cash"].GetString()) == "100000.00");
    CHECK(std::string(market["price_step"].GetString()) == "0.01");
    CHECK(market["lot_size"].GetInt() == 10);
    CHECK(
        market["risk_limits"]["max_position_fraction_of_equity"].GetDouble() ==
        0.3);
  }

  TEST_CASE("recorded error bodies map to codes; the key is cut out") {
    struct Case {
      int status;
      std::string fixture;
      absl::StatusCode code;
    };
    for (const Case& c : std::vector<Case>{
             {400, "error_400_context_length_exceeded.json",
              absl::StatusCode::kInvalidArgument},
             {401, "error_401_invalid_api_key.json",
              absl::StatusCode::kUnauthenticated},
             {429, "error_429_insufficient_quota.json",
              absl::StatusCode::kFailedPrecondition},
             {429, "error_429_rate_limit_exceeded_tokens.json",
              absl::StatusCode::kResourceExhausted},
             {500, "error_500_server_error.json",
              absl::StatusCode::kUnavailable},
             {503, "error_503_model_overloaded.json",
              absl::StatusCode::kUnavailable},
         }) {
      CAPTURE(c.fixture);
      HttpResponse response{.status = c.status, .body = Llm(c.fixture)};
      const absl::Status s = StatusFromErrorResponse(response, "sk-secret");
      CHECK(s.code() == c.code);
      CHECK(IsInsufficientQuota(response) ==
            (c.fixture == "error_429_insufficient_quota.json"));
    }
    HttpResponse echoed{
        .status = 401,
        .body =
            R"({"error":{"message":"Incorrect API key provided: sk-VKMIs1234wjh3.","code":"invalid_api_key"}})"};
    const absl::Status s = StatusFromErrorResponse(echoed, "sk-VKMIs1234wjh3");
    CHECK(!absl::StrContains(s.message(), "sk-VKMIs1234wjh3"));
    CHECK(absl::StrContains(s.message(), "invalid_api_key"));
    HttpResponse html{.status = 502, .body = "<html>Bad Gateway</html>"};
    CHECK_STATUS_IS(StatusFromErrorResponse(html, "k"), kUnavailable);
  }
}

}  // namespace
}  // namespace botcore::internal
