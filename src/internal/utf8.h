// UTF-8 text measured and cut by characters (code points), so that a cut
// never splits one: Telegram refuses a message that is not valid UTF-8.

#ifndef BOTCORE_INTERNAL_UTF8_H_
#define BOTCORE_INTERNAL_UTF8_H_

#include <cstddef>
#include <string_view>

namespace botcore::internal {

// The byte length of the UTF-8 sequence starting with `lead`; 1 for a byte
// that cannot start one, so malformed text still advances.
inline size_t Utf8SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

// The byte length of the character starting at `text[pos]` (1 where the
// text ends inside it).
inline size_t Utf8CharLength(std::string_view text, size_t pos) {
  const size_t length =
      Utf8SequenceLength(static_cast<unsigned char>(text[pos]));
  return pos + length > text.size() ? 1 : length;
}

// The number of characters in `text` (a malformed byte counts as one).
inline size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (size_t pos = 0; pos < text.size(); pos += Utf8CharLength(text, pos)) {
    ++n;
  }
  return n;
}

// The first `max_chars` characters of `text` (all of it if shorter).
inline std::string_view Utf8Prefix(std::string_view text, size_t max_chars) {
  size_t pos = 0;
  for (size_t n = 0; n < max_chars && pos < text.size(); ++n) {
    pos += Utf8CharLength(text, pos);
  }
  return text.substr(0, pos);
}

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_UTF8_H_
