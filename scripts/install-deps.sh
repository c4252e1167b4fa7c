#!/usr/bin/env bash
# Installs what strata needs to build and test on Debian (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it uses apt-get)" >&2
  exit 2
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config clang libclang-rt-dev \
  libyaml-dev libyaml-cpp-dev libtomlplusplus-dev libsqlite3-dev libpqxx-dev libcli11-dev nlohmann-json3-dev catch2 \
  libssl-dev libmimalloc-dev sqlite3 postgresql python3 python3-jsonschema python3-yaml >/dev/null
