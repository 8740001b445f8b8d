// Private helpers for reading RapidJSON documents defensively: every getter
// checks the type and falls back, so external input never reaches an assert
// inside RapidJSON. Only src/adapters/ includes this (and RapidJSON).

#ifndef BOTCORE_ADAPTERS_JSON_H_
#define BOTCORE_ADAPTERS_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace botcore::internal {

// Parses `text` into `doc`; on failure returns a short description with the
// byte offset ("Invalid value. at byte 17"), on success an empty string.
inline std::string ParseJson(std::string_view text, rapidjson::Document* doc) {
  // Iterative parsing: deeply nested input cannot exhaust the stack.
  doc->Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (!doc->HasParseError()) return std::string();
  return std::string(rapidjson::GetParseError_En(doc->GetParseError())) +
         " at byte " + std::to_string(doc->GetErrorOffset());
}

// The member `key` of `value` when `value` is an object that has it.
inline const rapidjson::Value* Member(const rapidjson::Value& value,
                                      const char* key) {
  if (!value.IsObject()) return nullptr;
  auto it = value.FindMember(key);
  return it == value.MemberEnd() ? nullptr : &it->value;
}

inline const rapidjson::Value* ObjectMember(const rapidjson::Value& value,
                                            const char* key) {
  const rapidjson::Value* member = Member(value, key);
  return member != nullptr && member->IsObject() ? member : nullptr;
}

inline const rapidjson::Value* ArrayMember(const rapidjson::Value& value,
                                           const char* key) {
  const rapidjson::Value* member = Member(value, key);
  return member != nullptr && member->IsArray() ? member : nullptr;
}

inline std::string StringMember(const rapidjson::Value& value,
                                const char* key) {
  const rapidjson::Value* member = Member(value, key);
  if (member == nullptr || !member->IsString()) return std::string();
  return std::string(member->GetString(), member->GetStringLength());
}

inline std::optional<int64_t> Int64Member(const rapidjson::Value& value,
                                          const char* key) {
  const rapidjson::Value* member = Member(value, key);
  if (member == nullptr || !member->IsInt64()) return std::nullopt;
  return member->GetInt64();
}

inline std::optional<double> DoubleMember(const rapidjson::Value& value,
                                          const char* key) {
  const rapidjson::Value* member = Member(value, key);
  if (member == nullptr || !member->IsNumber()) return std::nullopt;
  return member->GetDouble();
}

inline bool BoolMember(const rapidjson::Value& value, const char* key) {
  const rapidjson::Value* member = Member(value, key);
  return member != nullptr && member->IsBool() && member->GetBool();
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void WriteString(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace botcore::internal

#endif  // BOTCORE_ADAPTERS_JSON_H_
