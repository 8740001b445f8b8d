// Feeds arbitrary bytes to the LLM advisor's parsers: as a chat-completion
// body (envelope, then the answer inside it) and as the answer content
// itself, checked against a GAZP market.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/llm/chat_completion.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botcore::internal;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  AnswerCheck check;
  check.symbol = "GAZP";
  check.last_close = 160.0;
  check.instrument = *botcore::MakeInstrument("GAZP", 10, "0.01");
  check.held = static_cast<int64_t>(size % 3) * 100;
  absl::StatusOr<ChatCompletion> completion = ParseChatCompletion(input);
  if (completion.ok()) (void)ParseRecommendation(*completion, check);
  ChatCompletion direct;
  direct.finish_reason = "stop";
  direct.content = std::string(input);
  (void)ParseRecommendation(direct, check);
  botcore::HttpResponse error{.status = 429, .body = std::string(input)};
  (void)StatusFromErrorResponse(error, "sk-fuzz");
  (void)IsInsufficientQuota(error);
  return 0;
}
