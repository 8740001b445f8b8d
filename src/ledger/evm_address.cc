#include "botcore/ledger/evm_address.h"

#include <array>
#include <cassert>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/keccak.h"
#include "internal/strings.h"

namespace botcore {

using internal::ToAbsl;

absl::StatusOr<std::string> ParseEvmAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", absl::CHexEscape(ToAbsl(text)),
                     "\" is not an EVM address: ", ToAbsl(why)));
  };
  if (text.size() != 42 || text[0] != '0' ||
      (text[1] != 'x' && text[1] != 'X')) {
    return bad("expected 0x followed by 40 hex digits");
  }
  bool has_lower = false;
  bool has_upper = false;
  for (char c : text.substr(2)) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return bad("expected 0x followed by 40 hex digits");
    }
    has_lower |= absl::ascii_islower(static_cast<unsigned char>(c));
    has_upper |= absl::ascii_isupper(static_cast<unsigned char>(c));
  }
  std::string canonical = absl::AsciiStrToLower(ToAbsl(text));
  canonical[1] = 'x';
  if (has_lower && has_upper &&
      EvmChecksumAddress(canonical).substr(2) != text.substr(2)) {
    return bad(absl::StrCat("wrong EIP-55 checksum (expected ",
                            EvmChecksumAddress(canonical), ")"));
  }
  return canonical;
}

std::string EvmChecksumAddress(std::string_view address) {
  assert(address.size() == 42);
  std::string hex = absl::AsciiStrToLower(ToAbsl(address.substr(2)));
  const std::array<uint8_t, 32> hash = internal::Keccak256(hex);
  for (size_t i = 0; i < hex.size(); ++i) {
    const uint8_t nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0xf;
    if (nibble >= 8)
      hex[i] = absl::ascii_toupper(static_cast<unsigned char>(hex[i]));
  }
  return absl::StrCat("0x", hex);
}

}  // namespace botcore
