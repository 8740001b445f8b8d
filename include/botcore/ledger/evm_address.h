// File: botcore/ledger/evm_address.h
//
// EVM (Ethereum, BNB Smart Chain) account addresses: parsing with the EIP-55
// mixed-case checksum, and formatting with it.
//
//   absl::StatusOr<std::string> a =
//       ParseEvmAddress("0x55d398326f99059fF775485246999027B3197955");
//   // *a == "0x55d398326f99059ff775485246999027b3197955" (canonical: lower)
//   std::string shown = EvmChecksumAddress(*a);   // the mixed-case form
//
// Thread safety: free functions without shared state.

#ifndef BOTCORE_LEDGER_EVM_ADDRESS_H_
#define BOTCORE_LEDGER_EVM_ADDRESS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace botcore {

// Parses "0x" followed by 40 hex digits and returns the canonical lower-case
// form. An address in one case only (all lower or all upper) carries no
// checksum and is accepted; a mixed-case address must match its EIP-55
// checksum.
// Errors: kInvalidArgument naming the input when it is malformed or its
// checksum is wrong.
[[nodiscard]] absl::StatusOr<std::string> ParseEvmAddress(
    std::string_view text);

// Returns the EIP-55 checksummed form of a valid address (any case).
// REQUIRES: ParseEvmAddress(address) succeeds.
std::string EvmChecksumAddress(std::string_view address);

}  // namespace botcore

#endif  // BOTCORE_LEDGER_EVM_ADDRESS_H_
