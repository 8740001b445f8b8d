// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not
// NIST SHA3-256 (0x06). EIP-55 address checksums and event topics need it.

#ifndef BOTCORE_INTERNAL_KECCAK_H_
#define BOTCORE_INTERNAL_KECCAK_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace botcore::internal {

// Returns the 32-byte Keccak-256 digest of `data`.
std::array<uint8_t, 32> Keccak256(std::string_view data);

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_KECCAK_H_
