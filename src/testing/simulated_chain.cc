#include "botcore/testing/simulated_chain.h"

#include <algorithm>
#include <cassert>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/keccak.h"

namespace botcore::testing {
namespace {

std::string Hash(std::string_view seed) {
  const std::array<uint8_t, 32> digest = internal::Keccak256(seed);
  return absl::StrCat(
      "0x", absl::BytesToHexString(absl::string_view(
                reinterpret_cast<const char*>(digest.data()), digest.size())));
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

}  // namespace

SimulatedChain::SimulatedChain(uint64_t chain_id) : chain_id_(chain_id) {
  absl::MutexLock lock(&mu_);
  Block genesis;
  genesis.header.number = 0;
  genesis.header.hash = Hash(absl::StrCat("genesis ", chain_id));
  genesis.header.parent_hash = Hash("");
  blocks_.push_back(std::move(genesis));
}

BlockHeader SimulatedChain::AppendLocked(
    const std::vector<SimulatedTransfer>& transfers,
    const std::vector<std::string>& tx_hashes) {
  Block block;
  block.header.number = blocks_.size();
  block.header.parent_hash = blocks_.back().header.hash;
  ++mined_;
  block.header.hash = Hash(absl::StrCat("block ", chain_id_, " ", mined_, " ",
                                        block.header.parent_hash));
  for (size_t i = 0; i < transfers.size(); ++i) {
    const SimulatedTransfer& t = transfers[i];
    TransferLog log;
    log.tx_hash = tx_hashes.empty()
                      ? Hash(absl::StrCat("tx ", block.header.hash, " ", i))
                      : tx_hashes[i];
    log.log_index = i;
    log.block_number = block.header.number;
    log.block_hash = block.header.hash;
    log.token = Lower(t.token);
    log.from = Lower(t.from);
    log.to = Lower(t.to);
    log.amount = t.amount;
    block.logs.push_back(std::move(log));
  }
  blocks_.push_back(std::move(block));
  return blocks_.back().header;
}

BlockHeader SimulatedChain::MineBlock(
    const std::vector<SimulatedTransfer>& transfers) {
  absl::MutexLock lock(&mu_);
  return AppendLocked(transfers);
}

void SimulatedChain::MineBlocks(int count) {
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < count; ++i) AppendLocked({});
}

void SimulatedChain::Reorg(int depth, bool reinclude) {
  absl::MutexLock lock(&mu_);
  assert(depth > 0 && static_cast<size_t>(depth) < blocks_.size());
  std::vector<SimulatedTransfer> moved;
  std::vector<std::string> hashes;
  for (size_t n = blocks_.size() - depth; reinclude && n < blocks_.size();
       ++n) {
    for (const TransferLog& log : blocks_[n].logs) {
      moved.push_back({log.token, log.from, log.to, log.amount});
      hashes.push_back(log.tx_hash);
    }
  }
  blocks_.resize(blocks_.size() - depth);
  AppendLocked(moved, hashes);
  for (int i = 1; i < depth; ++i) AppendLocked({});
}

std::string SimulatedChain::TxHash(uint64_t number, size_t index) const {
  absl::MutexLock lock(&mu_);
  return blocks_.at(number).logs.at(index).tx_hash;
}

absl::StatusOr<uint64_t> SimulatedChain::ChainId() { return chain_id_; }

absl::StatusOr<uint64_t> SimulatedChain::BlockNumber() {
  absl::MutexLock lock(&mu_);
  return blocks_.size() - 1;
}

absl::StatusOr<std::optional<BlockHeader>> SimulatedChain::HeaderByNumber(
    uint64_t number) {
  absl::MutexLock lock(&mu_);
  if (number >= blocks_.size()) return std::optional<BlockHeader>();
  return std::optional<BlockHeader>(blocks_[number].header);
}

absl::StatusOr<std::vector<TransferLog>> SimulatedChain::TransferLogs(
    const TransferLogFilter& filter) {
  absl::MutexLock lock(&mu_);
  if (filter.from_block > filter.to_block) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid block range params: ", filter.from_block, " > ",
                     filter.to_block));
  }
  if (filter.to_block >= blocks_.size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "block range extends beyond current head block ", blocks_.size() - 1));
  }
  const std::string token = Lower(filter.token);
  std::vector<TransferLog> out;
  for (uint64_t n = filter.from_block; n <= filter.to_block; ++n) {
    for (const TransferLog& log : blocks_[n].logs) {
      if (log.token != token) continue;
      if (!filter.to.empty() && std::none_of(filter.to.begin(), filter.to.end(),
                                             [&](const std::string& to) {
                                               return Lower(to) == log.to;
                                             })) {
        continue;
      }
      TransferLog copy = log;
      absl::StatusOr<Amount> scaled =
          log.amount.Rescale(filter.token_scale, RoundingMode::kTowardZero);
      if (!scaled.ok()) return scaled.status();
      copy.amount = *scaled;
      out.push_back(std::move(copy));
    }
  }
  return out;
}

}  // namespace botcore::testing
