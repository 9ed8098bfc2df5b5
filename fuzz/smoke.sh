#!/usr/bin/env bash
# ctest wrapper: brief runs of the fuzz targets in DIR (exit 77 = skipped).
set -euo pipefail
dir=${1:?usage: smoke.sh BUILD_FUZZ_DIR}
ls "$dir"/*_fuzz >/dev/null 2>&1 || { echo "no fuzz targets built in $dir (make build-fuzz)"; exit 77; }
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-10} exec fuzz/run.sh
