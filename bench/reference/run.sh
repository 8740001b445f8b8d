#!/usr/bin/env bash
# Measures TA-Lib and tulipindicators on this machine, on the bars and with the
# parameters of indicators_bench, so botcore's figures can be set against the
# libraries that issue #3's goals are stated against, run in the same minutes.
#
#   bash bench/reference/run.sh [benchmark flags...]
#
# Fetches the libraries' C sources from npm (talib 2.0.5 bundles TA-Lib
# 0.6.0-dev, tulind 0.8.20 bundles tulipindicators 0.8.4; npm is the one
# package source this machine reaches), builds them with gcc -O2 in a
# temporary directory and runs the benchmark pinned to CPU 1. Nothing is
# installed and nothing of theirs enters this repository.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent talib@2.0.5 tulind@0.8.20 >/dev/null
mkdir talib tulind
tar xzf talib-2.0.5.tgz -C talib
tar xzf tulind-0.8.20.tgz -C tulind
ta="$work/talib/package/src/lib"
tulip="$work/tulind/package/external"

mkdir obj
for src in "$ta"/src/ta_common/*.c "$ta"/src/ta_func/*.c; do
  gcc -O2 -c -I"$ta/include" -I"$ta/src/ta_common" -I"$ta/src/ta_func" \
    "$src" -o "obj/$(basename "$src" .c).o" &
  while (($(jobs -r | wc -l) >= 2)); do wait -n; done
done
wait
gcc -O2 -c "$tulip/tiamalgamation.c" -o obj/tulip.o
g++ -O2 -std=c++20 -I"$ta/include" -I"$tulip" "$here/reference_bench.cc" \
  obj/*.o -lbenchmark -lpthread -lm -o reference_bench

pin=()
command -v taskset >/dev/null && pin=(taskset -c 1)
"${pin[@]}" ./reference_bench --benchmark_counters_tabular=true \
  --benchmark_min_time=0.5 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true "$@"
