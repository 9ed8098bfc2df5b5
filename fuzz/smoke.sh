#!/usr/bin/env bash
# ctest wrapper: brief runs of the fuzz targets in DIR (exit 77 = skipped).
# A finding is printed loudly; it fails the test only with SANAD_FUZZ_STRICT=1
# (a short random run must not decide whether a submission lands; longer runs
# by hand: SECONDS_EACH=3600 fuzz/run.sh). Known open finding: misp_fuzz, see
# build/fuzz/misp_fuzz.log.
set -uo pipefail
dir=${1:?usage: smoke.sh BUILD_FUZZ_DIR}
ls "$dir"/*_fuzz >/dev/null 2>&1 || { echo "no fuzz targets built in $dir (make build-fuzz)"; exit 77; }
cd "$(dirname "$0")/.."
if ! SECONDS_EACH=${FUZZ_SECONDS:-10} fuzz/run.sh; then
  echo "FUZZ FINDING (see the logs above); not failing the smoke run unless SANAD_FUZZ_STRICT=1"
  [[ "${SANAD_FUZZ_STRICT:-0}" == 1 ]] && exit 1
fi
exit 0
