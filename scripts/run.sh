#!/usr/bin/env bash
# The README's run command: installs what is missing, builds (Release, into
# build/) and runs the example bot from the repository's top folder.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
exec build/examples/bot/botcore-bot "$@"
