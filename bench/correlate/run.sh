#!/usr/bin/env bash
# Correlation benchmark on the ingest benchmark's data set (bench/ingest).
#
#   bench/correlate/run.sh                        # 10,000 events, 1,000,000 attributes
#   EVENTS=100 ATTRIBUTES=10000 bench/correlate/run.sh
#
# Measures, with build/sanad (RelWithDebInfo):
#  - import with correlation off: `sanad import` alone (bench/ingest/run.sh);
#  - import with correlation on: the import plus the index rebuild that the
#    next reader does when the store's data generation has changed (imports
#    never touch the index; docs/intel.md "Imports and the index");
#  - rebuild time and peak RSS of `sanad correlate --rebuild`, and the index's
#    own memory estimate (correlate stats);
#  - snapshot load time (the next command after a rebuild);
#  - lookups/s: LOOKUPS (default 100,000) values sampled from the store's
#    export (plus 10% absent values), through `sanad correlate bench-lookup`
#    (a hidden command: the search rules of CorrelationIndex::Lookup with the
#    visibility check, for the importing org).
#
# Environment: EVENTS, ATTRIBUTES, SEED (as bench/ingest/run.sh), LOOKUPS,
# SANAD (default build/sanad), SKIP_IMPORT=1 (reuse bench/out/ingest-store).
set -euo pipefail

cd "$(dirname "$0")/../.."
SANAD=${SANAD:-build/sanad}
LOOKUPS=${LOOKUPS:-100000}
TIME_BIN=${TIME_BIN:-/usr/bin/time}
STORE=bench/out/ingest-store
OUT=bench/out/correlate
mkdir -p "$OUT"

say() { echo "correlate/run.sh: $*" >&2; }
num() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

if [[ ! -x "$TIME_BIN" ]]; then
  say "$TIME_BIN (GNU time) is required: apt-get install -y time"
  exit 1
fi

# --- import, correlation off ------------------------------------------------------
if [[ "${SKIP_IMPORT:-0}" != 1 ]]; then
  bench/ingest/run.sh >"$OUT/ingest.txt"
fi
cat "$OUT/ingest.txt"
import_s=$(sed -n 's/^seconds  *//p' "$OUT/ingest.txt")
attrs=$(sed -n 's/^attributes  *//p' "$OUT/ingest.txt")
AS_ORG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["importer"]["name"])' \
  bench/out/ingest/params.json)

# --- rebuild (the cost an import adds when correlation is on) -----------------------
rm -f "$STORE/correlation.idx"
"$TIME_BIN" -v -o "$OUT/rebuild-time.txt" "$SANAD" --data "$STORE" --json correlate --rebuild \
  >"$OUT/rebuild.json"
rebuild_s=$(num seconds <"$OUT/rebuild.json")
rebuild_rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$OUT/rebuild-time.txt")
rebuild_wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
  "$OUT/rebuild-time.txt" | awk '{ n = split($0, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')

# Baseline process RSS (store open, no index) for comparison.
"$TIME_BIN" -v -o "$OUT/base-time.txt" "$SANAD" --data "$STORE" correlate exclusions list >/dev/null
base_rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$OUT/base-time.txt")

# --- stats and snapshot load ----------------------------------------------------------
"$TIME_BIN" -v -o "$OUT/load-time.txt" "$SANAD" --data "$STORE" correlate stats --json >"$OUT/stats.json"
mem=$(num memory_bytes <"$OUT/stats.json")
values=$(num values <"$OUT/stats.json")
indexed=$(num attributes <"$OUT/stats.json")
over=$(num over_correlating_values <"$OUT/stats.json")
load_s=$(num open_seconds <"$OUT/stats.json")
snap=$(num snapshot_bytes <"$OUT/stats.json")
load_rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$OUT/load-time.txt")

# --- lookups --------------------------------------------------------------------------
"$SANAD" --data "$STORE" export --as "$AS_ORG" --format text >"$OUT/values-all.txt"
hits=$(( LOOKUPS * 9 / 10 ))
{
  shuf -n "$hits" --random-source=<(yes) "$OUT/values-all.txt" || true
  python3 -c '
import sys
n = int(sys.argv[1])
for i in range(n):
    k = i % 3
    if k == 0: print("absent-%d.example" % i)
    elif k == 1: print("100.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255))
    else: print("%064x" % (i * 2654435761))
' $(( LOOKUPS - hits ))
} >"$OUT/values.txt"
"$SANAD" --data "$STORE" correlate bench-lookup "$OUT/values.txt" --as "$AS_ORG" >"$OUT/lookup.json"
lps=$(num lookups_per_second <"$OUT/lookup.json")
nlookups=$(num lookups <"$OUT/lookup.json")
matches=$(num matches <"$OUT/lookup.json")

on_s=$(awk -v a="$import_s" -v b="$rebuild_wall" 'BEGIN { printf "%.2f", a + b }')
rate_off=$(awk -v n="$attrs" -v s="$import_s" 'BEGIN { printf "%.0f", n / s }')
rate_on=$(awk -v n="$attrs" -v s="$on_s" 'BEGIN { printf "%.0f", n / s }')
cost=$(awk -v a="$import_s" -v b="$on_s" 'BEGIN { printf "%.1f", (1 - a / b) * 100 }')

echo
echo "correlation benchmark"
printf '%-34s %s\n' \
  "attributes (imported / indexed)" "$attrs / $indexed" \
  "distinct values" "$values" \
  "over-correlating values (>20 ev)" "$over" \
  "rebuild (index build, s)" "$(awk -v m="$rebuild_s" 'BEGIN { printf "%.2f", m }')" \
  "rebuild (process wall, s)" "$rebuild_wall" \
  "rebuild peak RSS (MB)" "$(( rebuild_rss_kb / 1024 ))" \
  "baseline process RSS (MB)" "$(( base_rss_kb / 1024 ))" \
  "index memory estimate (MB)" "$(awk -v m="$mem" 'BEGIN { printf "%.1f", m / 1048576 }')" \
  "snapshot size (MB)" "$(awk -v m="$snap" 'BEGIN { printf "%.1f", m / 1048576 }')" \
  "snapshot load (s)" "$(awk -v m="$load_s" 'BEGIN { printf "%.2f", m }')" \
  "snapshot load peak RSS (MB)" "$(( load_rss_kb / 1024 ))" \
  "lookups" "$nlookups ($matches matches)" \
  "lookups/s" "$(awk -v m="$lps" 'BEGIN { printf "%.0f", m }')" \
  "import, correlation off (s)" "$import_s ($rate_off attributes/s)" \
  "import, correlation on (s)" "$on_s ($rate_on attributes/s)" \
  "correlation cost of import speed" "$cost %"
