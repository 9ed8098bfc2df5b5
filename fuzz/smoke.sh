#!/usr/bin/env bash
# ctest wrapper: brief runs of the fuzz targets in DIR (exit 77 = skipped).
# A finding fails the test (the crashing input is in the log and in
# build/fuzz/<target>-crash-*); SANAD_FUZZ_STRICT=0 only reports it. Longer runs by
# hand: SECONDS_EACH=3600 fuzz/run.sh
set -uo pipefail
dir=${1:?usage: smoke.sh BUILD_FUZZ_DIR}
ls "$dir"/*_fuzz >/dev/null 2>&1 || { echo "no fuzz targets built in $dir (make build-fuzz)"; exit 77; }
cd "$(dirname "$0")/.."
if ! SECONDS_EACH=${FUZZ_SECONDS:-10} fuzz/run.sh; then
  echo "FUZZ FINDING (see the logs above)"
  [[ "${SANAD_FUZZ_STRICT:-1}" == 1 ]] && exit 1
fi
exit 0
