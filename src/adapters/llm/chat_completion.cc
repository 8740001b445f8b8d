#include "adapters/llm/chat_completion.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "adapters/json.h"
#include "botcore/portfolio/book.h"
#include "botcore/risk/risk_engine.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore::internal {
namespace {

constexpr std::string_view kAnswerFields[] = {
    "symbol",    "action",      "quantity",   "percent",  "entry",
    "stop_loss", "take_profit", "confidence", "rationale"};

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 160;
  std::string shown = absl::CHexEscape(ToAbsl(text.substr(0, kMax)));
  if (text.size() > kMax) shown += "...";
  return shown;
}

absl::Status Rejected(std::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("rejected LLM answer: ", ToAbsl(why)));
}

double ToDouble(const Amount& a) {
  double d = 0;
  (void)absl::SimpleAtod(a.ToString(), &d);
  return d;
}

// A price from the answer (a JSON number or null), exactly on the step.
absl::StatusOr<std::optional<Amount>> Price(const rapidjson::Value& answer,
                                            const char* field,
                                            const AnswerCheck& check) {
  const rapidjson::Value& v = answer[field];
  if (v.IsNull()) return std::nullopt;
  if (!v.IsNumber())
    return Rejected(absl::StrCat(field, " is not a number or null"));
  const double price = v.GetDouble();
  if (!std::isfinite(price) || price <= 0) {
    return Rejected(
        absl::StrCat(field, " ", price, " is not a positive price"));
  }
  absl::StatusOr<Amount> low =
      PriceOnStep(check.instrument, price, RoundingMode::kFloor);
  absl::StatusOr<Amount> high =
      PriceOnStep(check.instrument, price, RoundingMode::kCeiling);
  if (!low.ok() || !high.ok()) {
    return Rejected(absl::StrCat(field, " ", price, " is not a usable price"));
  }
  if (*low != *high) {
    return Rejected(absl::StrCat(field, " ", price,
                                 " is not on the price step ",
                                 check.instrument.price_step.ToString()));
  }
  if (check.last_close > 0 &&
      std::abs(price - check.last_close) / check.last_close >
          check.max_price_deviation) {
    return Rejected(absl::StrCat(
        field, " ", price, " is more than ", check.max_price_deviation * 100,
        " % away from the last close ", check.last_close));
  }
  return std::optional<Amount>(*low);
}

void WriteDouble(JsonWriter& w, double d) {
  if (std::isfinite(d)) {
    w.Double(d);
  } else {
    w.Null();
  }
}

void WriteAmount(JsonWriter& w, const std::optional<Amount>& a) {
  if (a.has_value()) {
    WriteString(w, a->ToString());
  } else {
    w.Null();
  }
}

// OpenAI says "stop"; compatible servers say the same with null or ""
// (read as ""), and TGI with "eos_token".
bool IsNormalFinish(std::string_view finish_reason) {
  return finish_reason == "stop" || finish_reason.empty() ||
         finish_reason == "eos_token";
}

}  // namespace

std::string WithoutSecret(std::string_view text, std::string_view secret) {
  if (secret.empty()) return std::string(text);
  return absl::StrReplaceAll(ToAbsl(text), {{ToAbsl(secret), "***"}});
}

absl::StatusOr<ChatCompletion> ParseChatCompletion(std::string_view body) {
  rapidjson::Document doc;
  const std::string parse_error = ParseJson(body, &doc);
  if (!parse_error.empty()) {
    return absl::UnavailableError(absl::StrCat("chat completion is not JSON (",
                                               parse_error, "): \"",
                                               Excerpt(body), "\""));
  }
  const rapidjson::Value* choices = ArrayMember(doc, "choices");
  if (choices == nullptr || choices->Empty() ||
      ObjectMember((*choices)[0], "message") == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "chat completion has no choices[0].message: \"", Excerpt(body), "\""));
  }
  ChatCompletion c;
  c.model = StringMember(doc, "model");
  const rapidjson::Value& choice = (*choices)[0];
  c.finish_reason = StringMember(choice, "finish_reason");
  const rapidjson::Value& message = *ObjectMember(choice, "message");
  if (const rapidjson::Value* content = Member(message, "content");
      content != nullptr && content->IsString()) {
    c.content = std::string(content->GetString(), content->GetStringLength());
  }
  if (const rapidjson::Value* refusal = Member(message, "refusal");
      refusal != nullptr && refusal->IsString()) {
    c.refusal = std::string(refusal->GetString(), refusal->GetStringLength());
  }
  const rapidjson::Value* tools = ArrayMember(message, "tool_calls");
  c.tool_calls = tools != nullptr && !tools->Empty();
  c.usage.requests = 1;
  if (const rapidjson::Value* usage = ObjectMember(doc, "usage")) {
    c.usage.prompt_tokens = Int64Member(*usage, "prompt_tokens").value_or(0);
    c.usage.completion_tokens =
        Int64Member(*usage, "completion_tokens").value_or(0);
    c.usage.total_tokens = Int64Member(*usage, "total_tokens").value_or(0);
  }
  return c;
}

absl::StatusOr<Recommendation> ParseRecommendation(
    const ChatCompletion& completion, const AnswerCheck& check) {
  if (completion.refusal.has_value()) {
    return Rejected(absl::StrCat("the model refused: \"",
                                 Excerpt(*completion.refusal), "\""));
  }
  if (completion.finish_reason == "length") {
    return Rejected("truncated at the token limit (finish_reason \"length\")");
  }
  if (completion.tool_calls || completion.finish_reason == "tool_calls") {
    return Rejected("the model asked for a tool call instead of answering");
  }
  if (!IsNormalFinish(completion.finish_reason)) {
    return Rejected(absl::StrCat("finish_reason \"",
                                 Excerpt(completion.finish_reason),
                                 "\" (expected \"stop\")"));
  }
  if (!completion.content.has_value()) return Rejected("no content");
  rapidjson::Document answer;
  const std::string parse_error = ParseJson(*completion.content, &answer);
  if (!parse_error.empty()) {
    return Rejected(absl::StrCat("content is not JSON (", parse_error, "): \"",
                                 Excerpt(*completion.content), "\""));
  }
  if (!answer.IsObject()) return Rejected("content is not a JSON object");
  std::set<std::string_view> seen;
  const rapidjson::Value& fields = answer;
  for (auto m = fields.MemberBegin(); m != fields.MemberEnd(); ++m) {
    const std::string_view key(m->name.GetString(), m->name.GetStringLength());
    if (std::find(std::begin(kAnswerFields), std::end(kAnswerFields), key) ==
        std::end(kAnswerFields)) {
      return Rejected(absl::StrCat("unexpected field \"", Excerpt(key), "\""));
    }
    if (!seen.insert(key).second) {
      return Rejected(absl::StrCat("field \"", ToAbsl(key), "\" given twice"));
    }
  }
  for (std::string_view field : kAnswerFields) {
    if (!seen.contains(field)) {
      return Rejected(absl::StrCat("missing field \"", ToAbsl(field), "\""));
    }
  }

  Recommendation r;
  const rapidjson::Value& symbol = answer["symbol"];
  if (!symbol.IsString()) return Rejected("symbol is not a string");
  r.symbol.assign(symbol.GetString(), symbol.GetStringLength());
  if (r.symbol != check.symbol) {
    return Rejected(absl::StrCat("symbol \"", Excerpt(r.symbol),
                                 "\" is not the one asked about, ",
                                 ToAbsl(check.symbol)));
  }
  const rapidjson::Value& action = answer["action"];
  if (!action.IsString()) return Rejected("action is not a string");
  absl::StatusOr<TradeAction> parsed_action = ParseTradeAction(
      std::string_view(action.GetString(), action.GetStringLength()));
  if (!parsed_action.ok()) {
    return Rejected(absl::StrCat(
        "action \"",
        Excerpt(std::string_view(action.GetString(), action.GetStringLength())),
        "\" is not BUY, SELL or HOLD"));
  }
  r.action = *parsed_action;

  const rapidjson::Value& quantity = answer["quantity"];
  if (!quantity.IsNull() && !quantity.IsInt64()) {
    return Rejected("quantity is not an integer or null");
  }
  const rapidjson::Value& percent = answer["percent"];
  if (!percent.IsNull() && !percent.IsNumber()) {
    return Rejected("percent is not a number or null");
  }
  const rapidjson::Value& confidence = answer["confidence"];
  if (!confidence.IsInt64()) return Rejected("confidence is not an integer");
  if (confidence.GetInt64() < 0 || confidence.GetInt64() > 100) {
    return Rejected(absl::StrCat("confidence ", confidence.GetInt64(),
                                 " is outside 0..100"));
  }
  r.confidence = static_cast<int>(confidence.GetInt64());
  const rapidjson::Value& rationale = answer["rationale"];
  if (!rationale.IsString()) return Rejected("rationale is not a string");
  r.rationale.assign(rationale.GetString(), rationale.GetStringLength());

  BOTCORE_ASSIGN_OR_RETURN(r.entry, Price(answer, "entry", check));
  BOTCORE_ASSIGN_OR_RETURN(r.stop_loss, Price(answer, "stop_loss", check));
  BOTCORE_ASSIGN_OR_RETURN(r.take_profit, Price(answer, "take_profit", check));

  if (!quantity.IsNull()) {
    r.quantity = quantity.GetInt64();
    if (r.quantity <= 0 || r.quantity % check.instrument.lot_size != 0) {
      return Rejected(
          absl::StrCat("quantity ", r.quantity,
                       " is not a positive whole number of lots of ",
                       check.instrument.lot_size));
    }
  }
  if (!percent.IsNull()) {
    r.percent = percent.GetDouble();
    if (!(r.percent > 0 && r.percent <= 100)) {
      return Rejected(
          absl::StrCat("percent ", r.percent, " is outside (0, 100]"));
    }
  }
  if (!quantity.IsNull() && !percent.IsNull()) {
    return Rejected("both quantity and percent are set; give one or neither");
  }
  switch (r.action) {
    case TradeAction::kHold:
      if (!quantity.IsNull() || !percent.IsNull()) {
        return Rejected("HOLD with a quantity or percent");
      }
      break;
    case TradeAction::kSell:
      if (check.held <= 0) {
        return Rejected(absl::StrCat("SELL ", ToAbsl(check.symbol),
                                     " but the portfolio holds none"));
      }
      if (r.quantity > check.held) {
        return Rejected(absl::StrCat("SELL ", r.quantity, " shares but only ",
                                     check.held, " are held"));
      }
      if (r.stop_loss.has_value() || r.take_profit.has_value()) {
        return Rejected(
            "stop_loss / take_profit on a SELL (they protect buys)");
      }
      break;
    case TradeAction::kBuy: {
      const std::optional<Amount>& reference = r.entry;
      if (r.stop_loss.has_value() && reference.has_value() &&
          *r.stop_loss >= *reference) {
        return Rejected(
            absl::StrCat("BUY with stop_loss ", r.stop_loss->ToString(),
                         " not below the entry ", reference->ToString()));
      }
      if (r.take_profit.has_value() && reference.has_value() &&
          *r.take_profit <= *reference) {
        return Rejected(
            absl::StrCat("BUY with take_profit ", r.take_profit->ToString(),
                         " not above the entry ", reference->ToString()));
      }
      if (r.stop_loss.has_value() && r.take_profit.has_value() &&
          *r.stop_loss >= *r.take_profit) {
        return Rejected("BUY with stop_loss not below take_profit");
      }
      if (r.stop_loss.has_value() &&
          ToDouble(*r.stop_loss) >= check.last_close) {
        return Rejected(
            absl::StrCat("BUY with stop_loss ", r.stop_loss->ToString(),
                         " not below the last close ", check.last_close));
      }
      if (r.take_profit.has_value() &&
          ToDouble(*r.take_profit) <= check.last_close) {
        return Rejected(
            absl::StrCat("BUY with take_profit ", r.take_profit->ToString(),
                         " not above the last close ", check.last_close));
      }
      break;
    }
  }
  return r;
}

std::string AnswerSchema() {
  return R"js({"type":"object","additionalProperties":false,)js"
         R"js("required":["symbol","action","quantity","percent","entry",)js"
         R"js("stop_loss","take_profit","confidence","rationale"],)js"
         R"js("properties":{)js"
         R"js("symbol":{"type":"string"},)js"
         R"js("action":{"type":"string","enum":["BUY","SELL","HOLD"]},)js"
         R"js("quantity":{"type":["integer","null"],"description":"shares, whole lots; null to size by percent or by the risk limits"},)js"
         R"js("percent":{"type":["number","null"],"description":"percent of equity (BUY) or of the position (SELL)"},)js"
         R"js("entry":{"type":["number","null"]},)js"
         R"js("stop_loss":{"type":["number","null"]},)js"
         R"js("take_profit":{"type":["number","null"]},)js"
         R"js("confidence":{"type":"integer","description":"0 to 100"},)js"
         R"js("rationale":{"type":"string"}}})js";
}

std::string ChatRequestBody(const AdvisorContext& context,
                            const LlmAdvisorOptions& options) {
  const Instrument& instrument = *context.instrument;
  const PortfolioBook& book = *context.portfolio;
  const RiskLimits& limits = *context.limits;

  // The market context, as JSON in the user message.
  rapidjson::StringBuffer market_text;
  JsonWriter m(market_text);
  m.StartObject();
  m.Key("symbol");
  WriteString(m, context.symbol);
  m.Key("now");
  WriteString(m, absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", context.now,
                                  absl::UTCTimeZone()));
  m.Key("lot_size");
  m.Int64(instrument.lot_size);
  m.Key("price_step");
  WriteString(m, instrument.price_step.ToString());
  m.Key("candles");
  m.StartObject();
  m.Key("columns");
  m.StartArray();
  for (const char* c : {"time", "open", "high", "low", "close", "volume"}) {
    m.String(c);
  }
  m.EndArray();
  m.Key("rows");
  m.StartArray();
  const size_t first =
      context.candles.size() > static_cast<size_t>(options.recent_candles)
          ? context.candles.size() - static_cast<size_t>(options.recent_candles)
          : 0;
  for (size_t i = first; i < context.candles.size(); ++i) {
    const Candle& c = context.candles[i];
    m.StartArray();
    WriteString(
        m, absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", c.time, absl::UTCTimeZone()));
    for (double v : {c.open, c.high, c.low, c.close, c.volume})
      WriteDouble(m, v);
    m.EndArray();
  }
  m.EndArray();
  m.EndObject();
  m.Key("indicators");
  m.StartObject();
  for (const IndicatorValue& v : context.indicators) {
    m.Key(v.name.data(), static_cast<rapidjson::SizeType>(v.name.size()));
    WriteDouble(m, v.value);
  }
  m.EndObject();
  m.Key("portfolio");
  m.StartObject();
  m.Key("cash");
  WriteString(m, book.cash().ToString());
  m.Key("equity");
  WriteString(m, book.Equity().ToString());
  m.Key("positions");
  m.StartArray();
  for (const Position& p : book.positions()) {
    m.StartObject();
    m.Key("symbol");
    WriteString(m, p.symbol);
    m.Key("quantity");
    m.Int64(p.quantity);
    m.Key("average_entry");
    WriteString(m, p.AverageEntryPrice().ToString());
    m.Key("last_price");
    WriteString(m, p.last_price.ToString());
    m.Key("stop_loss");
    WriteAmount(m, p.stop_loss);
    m.Key("take_profit");
    WriteAmount(m, p.take_profit);
    m.EndObject();
  }
  m.EndArray();
  m.EndObject();
  m.Key("risk_limits");
  m.StartObject();
  m.Key("max_position_fraction_of_equity");
  if (limits.max_position_fraction)
    WriteDouble(m, *limits.max_position_fraction);
  else
    m.Null();
  m.Key("default_stop_loss_fraction");
  WriteDouble(m, limits.default_stop_loss_fraction);
  m.Key("default_take_profit_fraction");
  WriteDouble(m, limits.default_take_profit_fraction);
  m.Key("min_reward_risk");
  if (limits.min_reward_risk)
    WriteDouble(m, *limits.min_reward_risk);
  else
    m.Null();
  m.Key("max_trades_per_day");
  if (limits.max_trades_per_day)
    m.Int(*limits.max_trades_per_day);
  else
    m.Null();
  m.Key("daily_loss_limit");
  WriteAmount(m, limits.daily_loss_limit);
  m.Key("max_entry_deviation");
  if (limits.max_entry_deviation)
    WriteDouble(m, *limits.max_entry_deviation);
  else
    m.Null();
  m.EndObject();
  m.EndObject();

  const std::string system = absl::StrCat(
      "You advise on one instrument of a paper trading portfolio, long only. "
      "Read the market context (candles oldest first, indicator values, the "
      "portfolio, the risk limits) and answer with one JSON object of the "
      "given schema, nothing else. action: BUY, SELL (only what is held) or "
      "HOLD. Size with quantity (shares, a whole number of lots of ",
      instrument.lot_size,
      ") or percent, or neither (buy: as much as the risk limits allow; "
      "sell: the whole position); HOLD has neither. Prices are on the price "
      "step ",
      instrument.price_step.ToString(),
      " near the last close; a BUY has stop_loss < entry < take_profit; a "
      "SELL has no stop_loss or take_profit. confidence is 0 to 100. "
      "rationale: one or two sentences.");

  rapidjson::StringBuffer out;
  JsonWriter w(out);
  w.StartObject();
  w.Key("model");
  WriteString(w, options.model);
  w.Key("messages");
  w.StartArray();
  w.StartObject();
  w.Key("role");
  w.String("system");
  w.Key("content");
  WriteString(w, system);
  w.EndObject();
  w.StartObject();
  w.Key("role");
  w.String("user");
  w.Key("content");
  w.String(market_text.GetString(),
           static_cast<rapidjson::SizeType>(market_text.GetSize()));
  w.EndObject();
  w.EndArray();
  w.Key("temperature");
  w.Double(options.temperature);
  w.Key("max_tokens");
  w.Int(options.max_tokens);
  w.Key("stream");
  w.Bool(false);
  w.Key("response_format");
  w.StartObject();
  w.Key("type");
  w.String("json_schema");
  w.Key("json_schema");
  w.StartObject();
  w.Key("name");
  w.String("recommendation");
  w.Key("strict");
  w.Bool(true);
  w.Key("schema");
  const std::string schema = AnswerSchema();
  w.RawValue(schema.data(), schema.size(), rapidjson::kObjectType);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

bool IsInsufficientQuota(const HttpResponse& response) {
  if (response.status != 429) return false;
  rapidjson::Document doc;
  if (!ParseJson(response.body, &doc).empty()) return false;
  const rapidjson::Value* error = ObjectMember(doc, "error");
  return error != nullptr &&
         (StringMember(*error, "code") == "insufficient_quota" ||
          StringMember(*error, "type") == "insufficient_quota");
}

absl::Status StatusFromErrorResponse(const HttpResponse& response,
                                     std::string_view api_key) {
  std::string detail;
  rapidjson::Document doc;
  const rapidjson::Value* error = nullptr;
  if (ParseJson(response.body, &doc).empty())
    error = ObjectMember(doc, "error");
  std::string code;
  if (error != nullptr) {
    code = StringMember(*error, "code");
    if (code.empty()) code = StringMember(*error, "type");
    detail = absl::StrCat(code.empty() ? "" : absl::StrCat(code, ": "),
                          StringMember(*error, "message"));
  } else {
    detail = absl::StrCat("\"", Excerpt(response.body), "\"");
  }
  const std::string message = WithoutSecret(
      absl::StrCat("LLM API: HTTP ", response.status, " ", detail), api_key);
  switch (response.status) {
    case 400:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    case 408:
      return absl::DeadlineExceededError(message);
    case 429:
      if (code == "insufficient_quota") {
        return absl::FailedPreconditionError(message);
      }
      return absl::ResourceExhaustedError(message);
    default:
      return absl::UnavailableError(message);
  }
}

}  // namespace botcore::internal
