#include "botcore/ports/messenger.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/strings.h"
#include "internal/utf8.h"

namespace botcore {
// Telegram marks a command with a bot_command entity at offset 0, but its
// documentation's examples do not, so the text alone decides.
void ParseCommand(Message& message) {
  const std::string_view text = message.text;
  if (text.size() < 2 || text[0] != '/') return;
  const size_t end = text.find_first_of(" \t\n");
  std::string_view command = text.substr(
      1, end == std::string_view::npos ? std::string_view::npos : end - 1);
  const size_t at = command.find('@');
  std::string_view bot;
  if (at != std::string_view::npos) {
    bot = command.substr(at + 1);
    command = command.substr(0, at);
  }
  if (command.empty()) return;
  message.command = std::string(command);
  message.command_bot = std::string(bot);
  if (end != std::string_view::npos) {
    message.command_args = std::string(
        absl::StripAsciiWhitespace(internal::ToAbsl(text.substr(end))));
  }
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '&':
        out.append("&amp;");
        break;
      case '"':
        out.append("&quot;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string EscapeMarkdownV2(std::string_view text) {
  constexpr std::string_view kReserved = "_*[]()~`>#+-=|{}.!\\";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (kReserved.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> SplitMessageText(std::string_view text,
                                          int max_length) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < text.size()) {
    size_t pos = start;
    int units = 0;
    size_t after_newline = 0;  // best cuts inside the window, 0 = none
    size_t after_space = 0;
    while (pos < text.size()) {
      const size_t length = internal::Utf8CharLength(text, pos);
      const int width = length == 4 ? 2 : 1;  // a surrogate pair in UTF-16
      if (units + width > max_length) break;
      units += width;
      pos += length;
      if (text[pos - 1] == '\n') after_newline = pos;
      if (text[pos - 1] == ' ') after_space = pos;
    }
    size_t end = pos;
    if (pos < text.size()) {
      if (after_newline > start) {
        end = after_newline;
      } else if (after_space > start) {
        end = after_space;
      }
    }
    parts.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return parts;
}

absl::Status ValidateKeyboard(const InlineKeyboard& keyboard) {
  for (size_t row = 0; row < keyboard.size(); ++row) {
    for (size_t column = 0; column < keyboard[row].size(); ++column) {
      const InlineButton& button = keyboard[row][column];
      auto fail = [&](absl::string_view why) {
        return absl::InvalidArgumentError(
            absl::StrCat("keyboard button [", row, "][", column, "] \"",
                         absl::CHexEscape(button.text), "\": ", why));
      };
      if (button.text.empty()) return fail("has no text");
      if (button.url.empty() == button.callback_data.empty()) {
        return fail("needs exactly one of url and callback_data");
      }
      if (button.callback_data.size() > kMaxCallbackDataBytes) {
        return fail(absl::StrCat("callback_data \"",
                                 absl::CHexEscape(button.callback_data),
                                 "\" is ", button.callback_data.size(),
                                 " bytes, more than ", kMaxCallbackDataBytes));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace botcore
