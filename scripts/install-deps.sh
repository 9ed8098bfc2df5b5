#!/usr/bin/env bash
# Installs the Debian 12 packages Sanad needs to build, test and benchmark.
# Idempotent: only missing packages are installed. When not root, prints the
# exact apt-get line and exits 1.
set -euo pipefail

PKGS=(
  build-essential g++ cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libidn2-dev libssl-dev libvectorscan-dev
  zlib1g-dev libzstd-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-jsonschema
)
# Optional tools used by benchmarks only (peers measured in the same run).
if [[ "${SANAD_BENCH_DEPS:-0}" == 1 ]]; then PKGS+=(ripgrep wrk time); fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "sanad: missing Debian packages; run as root:" >&2
  echo "  $line" >&2
  exit 1
fi
echo "sanad: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
