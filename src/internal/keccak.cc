#include "internal/keccak.h"

#include <cstring>

namespace botcore::internal {
namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets and lane permutation of the rho and pi steps, in the
// order the lanes are visited starting from lane 1.
constexpr int kRotations[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kLanes[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                            15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

uint64_t Rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

void KeccakF1600(uint64_t state[25]) {
  for (int round = 0; round < 24; ++round) {
    uint64_t c[5];
    for (int x = 0; x < 5; ++x) {
      c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^
             state[x + 20];
    }
    for (int x = 0; x < 5; ++x) {
      const uint64_t d = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) state[y + x] ^= d;
    }
    uint64_t carried = state[1];
    for (int i = 0; i < 24; ++i) {
      const int lane = kLanes[i];
      const uint64_t next = state[lane];
      state[lane] = Rotl(carried, kRotations[i]);
      carried = next;
    }
    for (int y = 0; y < 25; y += 5) {
      uint64_t row[5];
      for (int x = 0; x < 5; ++x) row[x] = state[y + x];
      for (int x = 0; x < 5; ++x) {
        state[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
      }
    }
    state[0] ^= kRoundConstants[round];
  }
}

// Lanes are little-endian regardless of the host.
uint64_t LoadLane(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::array<uint8_t, 32> Keccak256(std::string_view data) {
  constexpr size_t kRate = 136;  // 1600 - 2 * 256 bits, in bytes
  uint64_t state[25] = {};
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t left = data.size();
  while (left >= kRate) {
    for (size_t i = 0; i < kRate / 8; ++i) state[i] ^= LoadLane(p + 8 * i);
    KeccakF1600(state);
    p += kRate;
    left -= kRate;
  }
  uint8_t block[kRate] = {};
  if (left > 0) std::memcpy(block, p, left);
  block[left] ^= 0x01;
  block[kRate - 1] ^= 0x80;
  for (size_t i = 0; i < kRate / 8; ++i) state[i] ^= LoadLane(block + 8 * i);
  KeccakF1600(state);
  std::array<uint8_t, 32> digest;
  for (size_t i = 0; i < 32; ++i) {
    digest[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  }
  return digest;
}

}  // namespace botcore::internal
