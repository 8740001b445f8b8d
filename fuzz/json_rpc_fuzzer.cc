// Feeds arbitrary bytes to the JSON-RPC response parser under BscChainClient
// and decodes whatever result it finds as every kind of answer.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/bsc/json_rpc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botcore::internal;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  RpcResponse response;
  if (!ParseRpcResponse(body, 1, &response).ok() || response.result == nullptr) {
    return 0;
  }
  const rapidjson::Value& result = *response.result;
  (void)DecodeQuantity(result, "result");
  (void)DecodeBlockHeader(result);
  botcore::TransferLogFilter any;
  any.token = "0xdac17f958d2ee523a2206206994597c13d831ec7";
  any.token_scale = 6;
  any.from_block = 0;
  any.to_block = UINT64_MAX;
  (void)DecodeTransferLogs(result, any);
  botcore::TransferLogFilter usdt;
  usdt.token = "0x55d398326f99059fF775485246999027B3197955";
  usdt.token_scale = 18;
  usdt.to = {"0x3f71cee9a5fbb5e9cd21a058cfe10625c6210dc8"};
  usdt.from_block = 16000000;
  usdt.to_block = 16000003;
  (void)DecodeTransferLogs(result, usdt);
  if (result.IsString()) {
    (void)DecodeUint256Amount(
        std::string_view(result.GetString(), result.GetStringLength()), 18);
  }
  return 0;
}
