#include "internal/json_text.h"

#include <cstdio>

namespace botcore::internal {
namespace {

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string JsonObject(
    const std::vector<std::pair<std::string_view, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    AppendQuoted(key, &out);
    out.push_back(':');
    AppendQuoted(value, &out);
  }
  out.push_back('}');
  return out;
}

}  // namespace botcore::internal
