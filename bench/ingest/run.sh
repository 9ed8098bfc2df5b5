#!/usr/bin/env bash
# Ingest benchmark: `sanad import` of a synthetic community feed.
#
#   bench/ingest/run.sh                         # 10,000 events, 1,000,000 attributes
#   EVENTS=100 ATTRIBUTES=10000 bench/ingest/run.sh
#
# Environment:
#   EVENTS, ATTRIBUTES  data set size (defaults 10000 / 1000000)
#   SEED                generator seed (default 1)
#   CREATE_ORGS=1       add the 50 creator orgs as members before importing
#                       (default: import creates them as external orgs)
#   SANAD               binary to measure (default build/sanad)
#   TIME_BIN            GNU time (default /usr/bin/time; bash `time` without it)
#
# Expects build/sanad from `make bench` (RelWithDebInfo, no sanitizers); when
# it is missing, builds it. Generates the data into bench/out/ingest (reused
# when present with the same parameters and generator), imports it into a
# fresh store in bench/out/ingest-store under /usr/bin/time -v and prints
# attributes, seconds, attributes/s, peak RSS and the store size.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
EVENTS=${EVENTS:-10000}
ATTRIBUTES=${ATTRIBUTES:-1000000}
SEED=${SEED:-1}
SANAD=${SANAD:-build/sanad}
TIME_BIN=${TIME_BIN:-/usr/bin/time}  # GNU time, Debian package `time`
OUT=bench/out/ingest
STORE=bench/out/ingest-store

say() { echo "run.sh: $*" >&2; }

# --- the binary ---------------------------------------------------------------
if [[ ! -x "$SANAD" ]]; then
  if [[ "$SANAD" != build/sanad ]]; then
    say "$SANAD: not an executable"
    exit 1
  fi
  say "build/sanad missing; building it (RelWithDebInfo)"
  build_cmd='test -f build/build.ninja ||
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build --target sanad'
  if command -v flock >/dev/null; then
    flock "${SANAD_BUILD_LOCK:-/tmp/sanad-build.lock}" sh -c "$build_cmd"
  else
    sh -c "$build_cmd"
  fi
fi
if [[ -f build/CMakeCache.txt && "$SANAD" == build/sanad ]]; then
  btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' build/CMakeCache.txt)
  if [[ "$btype" != RelWithDebInfo && "$btype" != Release ]]; then
    say "warning: build/ is configured as '${btype:-<none>}', not RelWithDebInfo: figures are not comparable"
  fi
  if grep -q '^SANAD_SANITIZE:BOOL=ON' build/CMakeCache.txt; then
    say "warning: build/ has sanitizers on: figures are not comparable"
  fi
fi

# --- the data -------------------------------------------------------------------
data_ok() {
  [[ -f "$OUT/params.json" && -f "$OUT/feed/manifest.json" ]] || return 1
  python3 - "$OUT/params.json" "$EVENTS" "$ATTRIBUTES" "$SEED" bench/ingest/gen.py <<'EOF'
import hashlib, json, sys
p = json.load(open(sys.argv[1]))
want = {"events": int(sys.argv[2]), "attributes": int(sys.argv[3]), "seed": int(sys.argv[4]),
        "generator_sha256": hashlib.sha256(open(sys.argv[5], "rb").read()).hexdigest(),
        "orgs": 50, "shared": 0.05, "pretty": False}
sys.exit(0 if all(p.get(k) == v for k, v in want.items()) else 1)
EOF
}
if data_ok; then
  say "reusing $OUT ($EVENTS events, $ATTRIBUTES attributes, seed $SEED)"
else
  say "generating $EVENTS events, $ATTRIBUTES attributes into $OUT"
  mkdir -p bench/out
  python3 bench/ingest/gen.py --out "$OUT" --events "$EVENTS" --attributes "$ATTRIBUTES" --seed "$SEED"
fi
feed_mb=$(du -sm "$OUT/feed" | cut -f1)
# The importing org, a member of the feed's sharing groups (gen.py chose its uuid).
IFS=$'\t' read -r AS_ORG AS_UUID AS_COUNTRY < <(python3 -c '
import json, sys
i = json.load(open(sys.argv[1]))["importer"]
print("\t".join((i["name"], i["uuid"], i["country"])))' "$OUT/params.json")

# --- a fresh store --------------------------------------------------------------
rm -rf "$STORE"
"$SANAD" --data "$STORE" init >/dev/null
"$SANAD" --data "$STORE" org add "$AS_ORG" --uuid "$AS_UUID" --country "$AS_COUNTRY" \
  --kind national-cert --category full >/dev/null
if [[ "${CREATE_ORGS:-0}" == 1 ]]; then
  while IFS=$'\t' read -r name uuid country; do
    "$SANAD" --data "$STORE" org add "$name" --country "$country" --uuid "$uuid" >/dev/null
  done <"$OUT/orgs.txt"
  say "added $(wc -l <"$OUT/orgs.txt") creator orgs as members"
fi

# --- the measurement --------------------------------------------------------------
LOG=bench/out/ingest-import.log
TIMES=bench/out/ingest-time.txt
rm -f "$TIMES"
cmd=("$SANAD" --data "$STORE" import "$OUT/feed" --as "$AS_ORG")
cmdline=$(printf '%q ' "${cmd[@]}")
cmdline=${cmdline% }
say "running: $cmdline"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0
timer=""
if [[ -x "$TIME_BIN" ]]; then
  timer="$TIME_BIN -v "
  "$TIME_BIN" -v -o "$TIMES" "${cmd[@]}" >"$LOG" 2>&1 || rc=$?
  elapsed=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TIMES")
  # "m:ss.cc" or "h:mm:ss" -> seconds
  seconds=$(awk -v t="$elapsed" 'BEGIN {
    n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')
  rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$TIMES")
  rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
  cpu=$(sed -n 's/^[[:space:]]*Percent of CPU this job got: //p' "$TIMES")
  cpu_s=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$TIMES")
  cpu="$cpu_s s user+sys ($cpu of a core)"
else
  say "$TIME_BIN is missing, so peak memory is not measured; install it with:"
  say "  apt-get update && apt-get install -y --no-install-recommends time"
  timer="time "
  TIMEFORMAT=%R
  { time "${cmd[@]}" >"$LOG" 2>&1 || rc=$?; } 2>"$TIMES"
  seconds=$(tail -n 1 "$TIMES")
  rss_mb="n/a"
  cpu="n/a"
fi
if [[ $rc -ne 0 ]]; then
  say "import failed (exit $rc); last lines of $LOG:"
  tail -n 20 "$LOG" >&2
  exit 1
fi

attrs=$(sed -n 's/.* \([0-9][0-9]*\) attributes, [0-9][0-9]* objects.*/\1/p' "$LOG" | head -n 1)
if [[ -z "$attrs" ]]; then
  say "warning: no attribute count in the import output; using the generated count"
  attrs=$ATTRIBUTES
fi
store_mb=$(du -sk "$STORE" | awk '{ printf "%.1f", $1 / 1024 }')
rate=$(awk -v a="$attrs" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", a / s; else print "n/a" }')

echo "ingest benchmark: $(head -n 1 "$LOG")"
printf '%-18s %s\n' \
  "command" "$timer$cmdline" \
  "machine" "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
  "events" "$EVENTS" \
  "feed size (MB)" "$feed_mb" \
  "attributes" "$attrs" \
  "seconds" "$seconds" \
  "attributes/s" "$rate" \
  "cpu time" "$cpu" \
  "peak RSS (MB)" "$rss_mb" \
  "store size (MB)" "$store_mb" \
  "load before" "$load_before"
