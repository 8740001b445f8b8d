#!/usr/bin/env bash
# Installs the Debian 12 packages botcore needs, only those missing.
# Idempotent and non-interactive; run as root (or through sudo).
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config
  libabsl-dev libfmt-dev libsoci-dev libboost-dev libsqlite3-dev libpq-dev
  rapidjson-dev libcurl4-openssl-dev libcpp-httplib-dev prometheus-cpp-dev
  libssl-dev openssl
  clang libclang-rt-14-dev
  doctest-dev libbenchmark-dev
  pybind11-dev python3-dev python3-numpy python3-pytest python3-pip python3-venv
  postgresql
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
