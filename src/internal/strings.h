// Debian's Abseil (20220623) is built with ABSL_OPTION_USE_STD_STRING_VIEW=0,
// so absl::string_view is a type of its own that std::string_view does not
// convert to. botcore's API speaks std::string_view; these bridge the two at
// calls into Abseil's string functions (StrCat, StrSplit, Strip..., Status).

#ifndef BOTCORE_INTERNAL_STRINGS_H_
#define BOTCORE_INTERNAL_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace botcore::internal {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view ToStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_STRINGS_H_
