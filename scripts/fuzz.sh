#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under AddressSanitizer and UBSan
# (build-fuzz/) and runs each for FUZZ_SECONDS seconds (default 30), seeded
# with the recorded payloads in ../shared/fixtures and fuzz/seeds. Exits
# non-zero on the first crash, leak, timeout or sanitizer report; the input
# that caused it is left in build-fuzz/artifacts/.
#   FUZZ_SECONDS=300 scripts/fuzz.sh            longer runs
#   FUZZ_TARGETS="env_file_fuzzer" scripts/fuzz.sh   a subset
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

seconds=${FUZZ_SECONDS:-30}
shared=${BOTCORE_SHARED_DIR:-$top/../shared}
build=build-fuzz
targets=${FUZZ_TARGETS:-"telegram_update_fuzzer iss_blocks_fuzzer env_file_fuzzer candles_csv_fuzzer json_rpc_fuzzer llm_answer_fuzzer"}

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CXX=clang++ cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
  -DBOTCORE_BUILD_FUZZERS=ON -DBOTCORE_SANITIZE=address,undefined \
  -DBOTCORE_BUILD_TESTS=OFF -DBOTCORE_BUILD_PYTHON=OFF \
  -DBOTCORE_BUILD_BENCHMARKS=OFF -DBOTCORE_BUILD_EXAMPLES=OFF \
  -DBOTCORE_INSTALL=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets

# The seed directories of a target, one per line.
seeds_for() {
  case "$1" in
    telegram_update_fuzzer) echo "$shared/fixtures/telegram" ;;
    iss_blocks_fuzzer) echo "$shared/fixtures/moex" ;;
    env_file_fuzzer) echo "$top/fuzz/seeds/env_file" ;;
    candles_csv_fuzzer) echo "$top/fuzz/seeds/candles_csv" ;;
    json_rpc_fuzzer) echo "$shared/fixtures/bsc" ;;
    llm_answer_fuzzer)
      echo "$shared/fixtures/llm"
      echo "$top/fuzz/seeds/llm_answer"
      ;;
  esac
}

mkdir -p "$build/artifacts"
for target in $targets; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  mapfile -t seeds < <(seeds_for "$target")
  echo "== fuzz: $target for ${seconds}s"
  # The first directory collects new inputs; the seed directories are only
  # read. Inputs are capped at 100 kB so the large ISS recordings are cut
  # (into truncated JSON, itself a case worth trying).
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$target" "$corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -max_len=100000 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" 2>"$build/$target.log" || {
      tail -n 60 "$build/$target.log" >&2
      echo "== fuzz: $target FAILED (input in $build/artifacts/)" >&2
      exit 1
    }
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" \
    "$build/$target.log" | tr '\n' ' '
  echo
done
echo "== fuzz: all targets ran ${seconds}s without a crash"
