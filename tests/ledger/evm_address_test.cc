// Keccak-256 against known vectors (single and multi-block) and EIP-55
// addresses against the EIP's own examples.

#include "botcore/ledger/evm_address.h"

#include <doctest/doctest.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "internal/keccak.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

std::string Hex(std::string_view data) {
  const auto d = internal::Keccak256(data);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

TEST_SUITE("evm_address") {
  TEST_CASE("Keccak256 matches known digests, across block boundaries") {
    CHECK(Hex("") ==
          "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    CHECK(Hex("abc") ==
          "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    CHECK(Hex("The quick brown fox jumps over the lazy dog") ==
          "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
    // Vectors from an independent implementation checked against NIST
    // SHA3-256 with the SHA-3 padding; 136 bytes is Keccak-256's rate.
    CHECK(Hex(std::string(135, 'a')) ==
          "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
    CHECK(Hex(std::string(136, 'a')) ==
          "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
    CHECK(Hex(std::string(137, 'a')) ==
          "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
    CHECK(Hex(std::string(300, 'a')) ==
          "5b7e0e47a96f32a88b4f14ca177982790807c40e1a105742ba0fc1babe1ef826");
    // The ERC-20 Transfer event topic.
    CHECK(Hex("Transfer(address,address,uint256)") ==
          "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  }

  TEST_CASE("EIP-55 examples round-trip") {
    for (const char* address : {
             "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
             "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
             "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
             "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
             "0x55d398326f99059fF775485246999027B3197955",  // BSC USDT
         }) {
      CAPTURE(address);
      ASSIGN_OR_REQUIRE(std::string canonical, ParseEvmAddress(address));
      CHECK(canonical == absl::AsciiStrToLower(address));
      CHECK(EvmChecksumAddress(canonical) == address);
    }
  }

  TEST_CASE("single-case addresses carry no checksum and are accepted") {
    CHECK_OK(ParseEvmAddress("0x52908400098527886E0F7030069857D2E4169EE7"));
    CHECK_OK(ParseEvmAddress("0xde709f2102306220921060314715629080e2fb77"));
  }

  TEST_CASE("malformed addresses and wrong checksums are rejected") {
    // One letter's case flipped from the EIP example.
    CHECK_STATUS_IS(
        ParseEvmAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
        kInvalidArgument);
    CHECK_STATUS_IS(ParseEvmAddress(""), kInvalidArgument);
    CHECK_STATUS_IS(ParseEvmAddress("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
                    kInvalidArgument);
    CHECK_STATUS_IS(
        ParseEvmAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"),
        kInvalidArgument);
    CHECK_STATUS_IS(
        ParseEvmAddress("0xzz0eb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
        kInvalidArgument);
    const absl::Status s =
        ParseEvmAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").status();
    CHECK(s.message().find("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") !=
          std::string_view::npos);
  }
}

}  // namespace
}  // namespace botcore
