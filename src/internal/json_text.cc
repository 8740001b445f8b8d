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

namespace {

// Reads a JSON string starting at text[*pos] == '"'; advances past it.
std::optional<std::string> ReadQuoted(std::string_view text, size_t* pos) {
  if (*pos >= text.size() || text[*pos] != '"') return std::nullopt;
  std::string out;
  for (size_t i = *pos + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      *pos = i + 1;
      return out;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    switch (text[i]) {
      case '"':
      case '\\':
      case '/':
        out.push_back(text[i]);
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        if (i + 4 >= text.size()) return std::nullopt;
        unsigned value = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = text[i + k];
          value <<= 4;
          if (h >= '0' && h <= '9')
            value |= h - '0';
          else if (h >= 'a' && h <= 'f')
            value |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            value |= h - 'A' + 10;
          else
            return std::nullopt;
        }
        if (value >= 0x80) return std::nullopt;
        out.push_back(static_cast<char>(value));
        i += 4;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

void SkipBlanks(std::string_view text, size_t* pos) {
  while (*pos < text.size() && (text[*pos] == ' ' || text[*pos] == '\n' ||
                                text[*pos] == '\t' || text[*pos] == '\r')) {
    ++*pos;
  }
}

}  // namespace

std::optional<std::map<std::string, std::string>> ParseJsonObject(
    std::string_view text) {
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  SkipBlanks(text, &pos);
  if (pos >= text.size() || text[pos] != '{') return std::nullopt;
  ++pos;
  SkipBlanks(text, &pos);
  if (pos < text.size() && text[pos] == '}') {
    ++pos;
  } else {
    for (;;) {
      SkipBlanks(text, &pos);
      std::optional<std::string> key = ReadQuoted(text, &pos);
      if (!key) return std::nullopt;
      SkipBlanks(text, &pos);
      if (pos >= text.size() || text[pos] != ':') return std::nullopt;
      ++pos;
      SkipBlanks(text, &pos);
      std::optional<std::string> value = ReadQuoted(text, &pos);
      if (!value) return std::nullopt;
      fields[*key] = std::move(*value);
      SkipBlanks(text, &pos);
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == '}') {
        ++pos;
        break;
      }
      return std::nullopt;
    }
  }
  SkipBlanks(text, &pos);
  if (pos != text.size()) return std::nullopt;
  return fields;
}

}  // namespace botcore::internal
