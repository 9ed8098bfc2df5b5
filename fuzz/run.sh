#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 20) each, starting from its
# seed corpus in fuzz/corpus/<name>/ (and tests/data). Used briefly by
# `make test` and for longer runs by hand: SECONDS=3600 fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${SECONDS_EACH:-${1:-20}}
status=0
for bin in ${FUZZ_DIR:-build/fuzz}/*_fuzz; do
  [[ -x "$bin" ]] || continue
  name=$(basename "$bin")
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=()
  [[ -d fuzz/corpus/$name ]] && seeds+=("fuzz/corpus/$name")
  # Parsers start from the golden test inputs.
  case $name in
    misp_fuzz) seeds+=(tests/data/misp tests/data/cli) ;;
    stix_pattern_fuzz) seeds+=(tests/data/stix_pattern/corpus) ;;
    detect_fuzz) seeds+=(tests/data/detect) ;;
  esac
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="build/fuzz/$name-" \
      -print_final_stats=0 "$corpus" "${seeds[@]}" > "build/fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; see build/fuzz/$name.log"; tail -40 "build/fuzz/$name.log"; status=1
  else
    grep -E "^#[0-9]+.*DONE" "build/fuzz/$name.log" | tail -1 || true
  fi
done
exit $status
