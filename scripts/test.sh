#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, starts a
# throw-away PostgreSQL, and runs every test:
#   - the C++ unit and storage suites, built with AddressSanitizer and UBSan
#     (build-asan/), on SQLite and on that PostgreSQL;
#   - the packaging test and the Python tests against the Release build (build/);
#   - every libFuzzer target for FUZZ_SECONDS (default 30) under ASan + UBSan
#     (build-fuzz/, clang), seeded with the recorded payloads.
# Exits 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

bash scripts/setup.sh

echo "== build: Release (build/)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
echo "== build: AddressSanitizer + UBSan (build-asan/)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBOTCORE_SANITIZE=address,undefined \
  -DBOTCORE_BUILD_PYTHON=OFF -DBOTCORE_BUILD_BENCHMARKS=OFF \
  -DBOTCORE_BUILD_EXAMPLES=OFF -DBOTCORE_INSTALL=OFF

echo "== PostgreSQL: starting a throw-away server"
eval "$(bash scripts/pg_temp.sh start)"
trap 'bash scripts/pg_temp.sh stop "$BOTCORE_PG_DIR"' EXIT
export BOTCORE_TEST_POSTGRES_URL

status=0
echo "== C++ tests (sanitized)"
(cd build-asan && ctest -L unit --output-on-failure -j2) || status=1
echo "== packaging test"
(cd build && ctest -L packaging --output-on-failure) || status=1
echo "== Python tests"
PYTHONPATH="$top/build/python" /usr/bin/python3 -m pytest -q tests/python || status=1
echo "== fuzzing"
bash scripts/fuzz.sh || status=1

if [ $status -eq 0 ]; then echo "== all tests passed"; else echo "== SOME TESTS FAILED"; fi
exit $status
