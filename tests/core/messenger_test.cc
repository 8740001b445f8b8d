#include "botcore/ports/messenger.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

TEST_SUITE("messenger") {
  TEST_CASE("ParseCommand: name, addressed bot and arguments") {
    auto parse = [](std::string text) {
      Message m;
      m.text = std::move(text);
      ParseCommand(m);
      return std::vector<std::string>{m.command, m.command_bot, m.command_args};
    };
    using V = std::vector<std::string>;
    CHECK(parse("/start@my_bot 42") == V{"start", "my_bot", "42"});
    CHECK(parse("/help") == V{"help", "", ""});
    CHECK(parse("/price\tGAZP ") == V{"price", "", "GAZP"});
    CHECK(parse("/buy@gazp_bot  10 GAZP\n") == V{"buy", "gazp_bot", "10 GAZP"});
    CHECK(parse("/help@") == V{"help", "", ""});
    // Not commands.
    CHECK(parse("hello /start") == V{"", "", ""});
    CHECK(parse("/") == V{"", "", ""});
    CHECK(parse("/@my_bot") == V{"", "", ""});
    CHECK(parse("/ start") == V{"", "", ""});
  }

  TEST_CASE("EscapeHtml") {
    CHECK(EscapeHtml("a < b && c > \"d\"") ==
          "a &lt; b &amp;&amp; c &gt; &quot;d&quot;");
    CHECK(EscapeHtml("plain") == "plain");
  }

  TEST_CASE("EscapeMarkdownV2 escapes every reserved character") {
    CHECK(EscapeMarkdownV2("_*[]()~`>#+-=|{}.!\\") ==
          "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
    CHECK(EscapeMarkdownV2("GAZP -0.8% (stop)") == "GAZP \\-0\\.8% \\(stop\\)");
  }

  TEST_CASE("SplitMessageText breaks at lines and keeps every byte") {
    std::string text;
    for (int i = 0; i < 300; ++i)
      text += "line " + std::to_string(i) + " of the report\n";
    const std::vector<std::string> parts = SplitMessageText(text, 1000);
    REQUIRE(parts.size() > 1);
    CHECK(absl::StrJoin(parts, "") == text);
    for (const std::string& part : parts) {
      CHECK(part.size() <= 1000);
      CHECK(part.back() == '\n');
    }
    CHECK(SplitMessageText("").empty());
    CHECK(SplitMessageText("short") == std::vector<std::string>{"short"});
  }

  TEST_CASE("SplitMessageText falls back to spaces, then characters") {
    CHECK(SplitMessageText("aaaa bbbb cccc", 10) ==
          std::vector<std::string>{"aaaa bbbb ", "cccc"});
    CHECK(SplitMessageText("abcdefghij", 4) ==
          std::vector<std::string>{"abcd", "efgh", "ij"});
  }

  TEST_CASE("SplitMessageText counts UTF-16 units and never cuts a character") {
    // "я" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
    std::string cyrillic;
    for (int i = 0; i < 5000; ++i) cyrillic += "я";
    const auto parts = SplitMessageText(cyrillic);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].size() == 2 * 4096);
    CHECK(SplitMessageText("😀😀😀", 4) == std::vector<std::string>{"😀😀", "😀"});
    CHECK(SplitMessageText("a😀", 2) == std::vector<std::string>{"a", "😀"});
  }

  TEST_CASE("ValidateKeyboard keeps callback data within 64 bytes") {
    CHECK_OK(
        ValidateKeyboard({{{.text = "Confirm", .callback_data = "c:1"},
                           {.text = "Site", .url = "https://x.example"}}}));
    CHECK_OK(ValidateKeyboard(
        {{{.text = "max", .callback_data = std::string(64, 'x')}}}));
    CHECK_STATUS_IS(
        ValidateKeyboard(
            {{{.text = "long", .callback_data = std::string(65, 'x')}}}),
        kInvalidArgument);
    CHECK_STATUS_IS(ValidateKeyboard({{{.text = "none"}}}), kInvalidArgument);
    CHECK_STATUS_IS(ValidateKeyboard(
                        {{{.text = "both", .callback_data = "a", .url = "b"}}}),
                    kInvalidArgument);
    CHECK_STATUS_IS(ValidateKeyboard({{{.callback_data = "a"}}}),
                    kInvalidArgument);
  }
}

}  // namespace
}  // namespace botcore
