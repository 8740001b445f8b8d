#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, starts a
# throw-away PostgreSQL, and runs every test:
#   - the C++ unit and storage suites, built with AddressSanitizer and UBSan
#     (build-asan/), on SQLite and on that PostgreSQL;
#   - the tests of the botcore-bot executable (console, restart after SIGKILL,
#     deployment files), the packaging test and the Python tests against the
#     Release build (build/);
#   - every libFuzzer target for FUZZ_SECONDS (default 30) under ASan + UBSan
#     (build-fuzz/, clang), seeded with the recorded payloads.
# Exits 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

# The recorded market data, golden indicator outputs and API payloads the
# tests read: ../shared beside the checkout, or BOTCORE_SHARED_DIR.
shared=$(realpath -m "${BOTCORE_SHARED_DIR:-$top/../shared}")
if [ ! -d "$shared/golden" ] || [ ! -d "$shared/fixtures" ]; then
  echo "test.sh: the shared test data is missing: no golden/ and fixtures/ in $shared" >&2
  echo "test.sh: put it beside the checkout as ../shared, or set BOTCORE_SHARED_DIR" >&2
  exit 1
fi
export BOTCORE_SHARED_DIR=$shared

bash scripts/setup.sh

echo "== build: Release (build/)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release \
  -DBOTCORE_SHARED_DIR="$shared"
echo "== build: AddressSanitizer + UBSan (build-asan/)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBOTCORE_SANITIZE=address,undefined \
  -DBOTCORE_BUILD_PYTHON=OFF -DBOTCORE_BUILD_BENCHMARKS=OFF \
  -DBOTCORE_BUILD_EXAMPLES=OFF -DBOTCORE_INSTALL=OFF \
  -DBOTCORE_SHARED_DIR="$shared"

echo "== PostgreSQL: starting a throw-away server"
pg_env=$(bash scripts/pg_temp.sh start)
eval "$pg_env"
trap 'bash scripts/pg_temp.sh stop "$BOTCORE_PG_DIR"' EXIT
export BOTCORE_TEST_POSTGRES_URL

status=0
echo "== C++ tests (sanitized)"
(cd build-asan && ctest -L unit --output-on-failure -j2) || status=1
echo "== the executable and packaging tests"
(cd build && ctest -L 'executable|packaging' --output-on-failure) || status=1
echo "== Python tests"
PYTHONPATH="$top/build/python" /usr/bin/python3 -m pytest -q tests/python || status=1
echo "== fuzzing"
bash scripts/fuzz.sh || status=1

if [ $status -eq 0 ]; then echo "== all tests passed"; else echo "== SOME TESTS FAILED"; fi
exit $status
