// Throughput of reading a getUpdates reply: a 100-update body built from the
// recorded update shapes in ../shared/fixtures/telegram.

#include <benchmark/benchmark.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/telegram/telegram_json.h"

namespace botcore {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(BOTCORE_SHARED_DIR) + "/fixtures/telegram/" +
                   name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// 100 updates cycling through every recorded shape, with increasing ids.
std::string HundredUpdates() {
  std::vector<std::string> shapes;
  for (const char* name :
       {"update_message_text_private_teloxide.json",
        "update_message_bot_command_supergroup_teloxide.json",
        "update_message_start_command_DOCEXAMPLE.json",
        "update_edited_message_DOCEXAMPLE.json",
        "update_callback_query_DOCEXAMPLE.json",
        "update_my_chat_member_kicked_private_teloxide.json"}) {
    shapes.push_back(ReadFixture(name));
  }
  for (const char* name : {"message_photo_with_caption_teloxide.json",
                           "message_location_pyTelegramBotAPI.json"}) {
    shapes.push_back("{\"update_id\":0,\"message\":" + ReadFixture(name) + "}");
  }
  const std::regex update_id("\"update_id\"\\s*:\\s*\\d+");
  std::vector<std::string> updates;
  for (int i = 0; i < 100; ++i) {
    updates.push_back(
        std::regex_replace(shapes[i % shapes.size()], update_id,
                           absl::StrCat("\"update_id\":", 1000 + i),
                           std::regex_constants::format_first_only));
  }
  return absl::StrCat("{\"ok\":true,\"result\":[", absl::StrJoin(updates, ","),
                      "]}");
}

void BM_ParseGetUpdates100(benchmark::State& state) {
  const std::string body = HundredUpdates();
  for (auto _ : state) {
    absl::StatusOr<std::vector<Update>> updates =
        internal::ParseTelegramUpdates(body);
    if (!updates.ok() || updates->size() != 100) {
      state.SkipWithError("the body did not parse into 100 updates");
      break;
    }
    benchmark::DoNotOptimize(updates);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(body.size()));
  state.SetItemsProcessed(state.iterations() * 100);
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseGetUpdates100);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
