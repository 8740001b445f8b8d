// File: botcore/testing/simulated_chain.h
//
// An in-memory EVM chain implementing ChainClient, for tests: mine blocks
// holding token transfers, and replace recent blocks on demand (a re-org).
// Block hashes are deterministic, so two processes that build the same chain
// see the same hashes.
//
//   botcore::testing::SimulatedChain chain(56);
//   chain.MineBlock({{"0x<token>", "0x<user>", "0x<wallet>", amount}});
//   chain.MineBlocks(12);
//   chain.Reorg(3);   // the last 3 blocks are replaced by 3 empty ones
//
// Thread-safe.

#ifndef BOTCORE_TESTING_SIMULATED_CHAIN_H_
#define BOTCORE_TESTING_SIMULATED_CHAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "botcore/core/amount.h"
#include "botcore/ports/chain_client.h"

namespace botcore::testing {

// A transfer to put in a block.
struct SimulatedTransfer {
  std::string token;
  std::string from;
  std::string to;
  Amount amount;
};

class SimulatedChain final : public ChainClient {
 public:
  // Starts with the genesis block 0 (empty).
  explicit SimulatedChain(uint64_t chain_id);

  // Appends a block with `transfers` (one transaction each, log index in
  // order) and returns its header.
  BlockHeader MineBlock(const std::vector<SimulatedTransfer>& transfers = {});

  // Appends `count` empty blocks.
  void MineBlocks(int count);

  // Drops the newest `depth` blocks and mines `depth` new ones in their
  // place (new hashes), so the head's number is unchanged. The dropped
  // blocks' transfers are gone, unless `reinclude`: then they reappear with
  // the same tx hashes in the first replacement block, as when a re-org
  // moves a transaction into another block.
  // REQUIRES: 0 < depth <= head number.
  void Reorg(int depth, bool reinclude = false);

  // The transaction hash MineBlock gave the transfer at `index` of block
  // `number` on the current chain. REQUIRES: it exists.
  std::string TxHash(uint64_t number, size_t index) const;

  absl::StatusOr<uint64_t> ChainId() override;
  absl::StatusOr<uint64_t> BlockNumber() override;
  absl::StatusOr<std::optional<BlockHeader>> HeaderByNumber(
      uint64_t number) override;
  absl::StatusOr<std::vector<TransferLog>> TransferLogs(
      const TransferLogFilter& filter) override;

 private:
  struct Block {
    BlockHeader header;
    std::vector<TransferLog> logs;
  };
  // Appends a block with `transfers`; `tx_hashes` (when not empty) gives
  // their hashes, otherwise new ones are made up.
  BlockHeader AppendLocked(const std::vector<SimulatedTransfer>& transfers,
                           const std::vector<std::string>& tx_hashes = {})
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uint64_t chain_id_;
  mutable absl::Mutex mu_;
  std::vector<Block> blocks_ ABSL_GUARDED_BY(mu_);
  // Counts blocks ever mined, so a replacement block gets a new hash.
  uint64_t mined_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_SIMULATED_CHAIN_H_
