#!/usr/bin/env bash
# Log-matching benchmark: `sanad match` against `rg -F -f` and `LC_ALL=C grep -F -f`
# on the same files in the same run.
#
#   bench/match/run.sh                      # 200 MB log, 100k and 1M indicators
#   MB=50 SETS=100000 bench/match/run.sh
#
# Environment:
#   MB          log size in MB (default 200)
#   SETS        indicator set sizes (default 100000,1000000)
#   SEED        generator seed (default 1)
#   SANAD       binary to measure (default build/sanad, built RelWithDebInfo when missing)
#   SKIP_GREP=1 do not run GNU grep (slow with 1M patterns)
#
# Generates the data into bench/out/match (reused when the parameters and the
# generator are unchanged), imports each indicator set into its own store
# bench/out/match-store-<N> (reused), warms the page cache, then times:
#   sanad match (field mode; a first run builds the tables and writes their
#   snapshot, the measured run replays it)   sanad match --scan   rg -F -f
#   LC_ALL=C grep -F -f
# Prints MB/s, CPU seconds, the ratios to ripgrep and grep, the indicator
# table build time, and whether the hit sets agree with the generator's list
# of hit lines (file-name indicators are findable only with --scan); then
# build/bench/scan_bench (when built) gives the scanner's speed on one core.
set -euo pipefail

cd "$(dirname "$0")/../.."
MB=${MB:-200}
SETS=${SETS:-100000,1000000}
SEED=${SEED:-1}
SANAD=${SANAD:-build/sanad}
OUT=bench/out/match
ORG="Bench CERT"
ORG_UUID=bbbbbbbb-0000-4000-8000-000000000001

say() { echo "run.sh: $*" >&2; }

# --- tools ----------------------------------------------------------------------
if ! command -v rg >/dev/null; then
  say "ripgrep is missing; installing it (Debian package ripgrep)"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends ripgrep >/dev/null
  else
    say "run as root or: sudo apt-get install -y ripgrep"
    exit 1
  fi
fi
if [[ ! -x "$SANAD" ]]; then
  [[ "$SANAD" == build/sanad ]] || { say "$SANAD: not an executable"; exit 1; }
  say "build/sanad missing; building it (RelWithDebInfo)"
  flock "${SANAD_BUILD_LOCK:-/tmp/sanad-build.lock}" sh -c 'test -f build/build.ninja ||
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build --target sanad'
fi
if [[ -f build/CMakeCache.txt && "$SANAD" == build/sanad ]] &&
  grep -q '^SANAD_SANITIZE:BOOL=ON' build/CMakeCache.txt; then
  say "warning: build/ has sanitizers on: figures are not comparable"
fi

# --- data -------------------------------------------------------------------------
data_ok() {
  [[ -f "$OUT/params.json" ]] || return 1
  python3 - "$OUT/params.json" "$MB" "$SETS" "$SEED" bench/match/gen.py <<'EOF'
import hashlib, json, sys
p = json.load(open(sys.argv[1]))
want = {"mb": int(sys.argv[2]), "sets": sorted(int(x) for x in sys.argv[3].split(",")),
        "seed": int(sys.argv[4]),
        "generator_sha256": hashlib.sha256(open(sys.argv[5], "rb").read()).hexdigest()}
sys.exit(0 if all(p.get(k) == v for k, v in want.items()) else 1)
EOF
}
if data_ok; then
  say "reusing $OUT"
else
  say "generating a $MB MB log and indicator sets $SETS into $OUT"
  rm -rf "$OUT" bench/out/match-store-*
  python3 bench/match/gen.py --out "$OUT" --mb "$MB" --sets "$SETS" --seed "$SEED"
fi
LOG=$OUT/mixed.log
log_mb=$(awk -v b="$(stat -c %s "$LOG")" 'BEGIN { printf "%.1f", b / 1e6 }')

# Seconds and CPU seconds of a command (stdout to $2), via GNU time when present.
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
measure() {  # measure OUTFILE cmd...
  local out=$1
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "%e %U %S" -o "$TIMES" "$@" >"$out" 2>>"$OUT/stderr.log" || true
    read -r wall user sys <"$TIMES"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  else
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$out" 2>>"$OUT/stderr.log" || true
    t1=$(date +%s.%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    cpu=n/a
  fi
}
mbps() { awk -v mb="$log_mb" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", mb / s; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

# Line numbers with a hit, from sanad JSON lines / grep -n output.
sanad_lines() { python3 -c '
import json, sys
print("\n".join(sorted({str(json.loads(l)["line"]) for l in open(sys.argv[1]) if l.strip()}, key=int)))' "$1"; }
grep_lines() { cut -d: -f1 "$1" | sort -n -u; }
expected_lines() {  # expected_lines all|typed
  if [[ $1 == typed ]]; then awk -F'\t' '$2 != "filename" { print $1 }' "$OUT/expected-lines.txt"
  else cut -f1 "$OUT/expected-lines.txt"; fi | sort -n -u
}
same() { if cmp -s <($1) <(expected_lines "$2"); then echo "identical"; else echo "DIFFERENT"; fi; }

echo "match benchmark: $log_mb MB log ($(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["lines"], "lines,", p["hit_lines"], "hit lines")' "$OUT/params.json"))"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ripgrep $(rg --version | sed -n "1s/ripgrep \([^ ]*\).*/\1/p"), $(grep --version | sed -n 1p)"
: >"$OUT/stderr.log"
IFS=, read -r -a sizes <<<"$SETS"
for n in "${sizes[@]}"; do
  store=bench/out/match-store-$n
  if [[ ! -f "$store/.imported" ]]; then
    rm -rf "$store"
    "$SANAD" --data "$store" init >/dev/null
    "$SANAD" --data "$store" -q org add "$ORG" --country MY --uuid "$ORG_UUID"
    say "importing $n indicators into $store"
    t0=$(date +%s.%N)
    "$SANAD" --data "$store" -q import "$OUT/events-$n.json" --as "$ORG"
    t1=$(date +%s.%N)
    say "imported in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
    touch "$store/.imported"
  fi
  cat "$LOG" >/dev/null  # page cache
  rm -rf "$store/detect"  # --scan compiles its literal database once, then reuses it
  measure "$OUT/scan-first-$n.jsonl" "$SANAD" --data "$store" match --as "$ORG" --scan "$LOG"
  scan_first_wall=$wall
  # The first field-mode run builds the tables from the store and writes a
  # table snapshot; later runs (measured below) replay the snapshot.
  measure "$OUT/hits-first-$n.jsonl" "$SANAD" --data "$store" match --as "$ORG" "$LOG"
  first_wall=$wall
  first_build=$(sed -n 's/.* indicators for .* built in \([0-9.]*\) s.*/\1/p' "$OUT/stderr.log" | tail -n 1)
  measure "$OUT/hits-$n.jsonl" "$SANAD" --data "$store" match --as "$ORG" "$LOG"
  f_wall=$wall f_cpu=$cpu
  build=$(sed -n 's/.* indicators for .* built in \([0-9.]*\) s.*/\1/p' "$OUT/stderr.log" | tail -n 1)
  nind=$(sed -n 's/.*; \([0-9]*\) indicators for .*/\1/p' "$OUT/stderr.log" | tail -n 1)
  m_wall=$(sed -n 's/.* lines in \([0-9.]*\) s (.*/\1/p' "$OUT/stderr.log" | tail -n 1)
  m_core=$(sed -n 's/.*MB\/s, \([0-9]*\) MB per CPU second.*/\1/p' "$OUT/stderr.log" | tail -n 1)
  measure "$OUT/scan-$n.jsonl" "$SANAD" --data "$store" match --as "$ORG" --scan "$LOG"
  s_wall=$wall s_cpu=$cpu
  measure "$OUT/rg-$n.txt" rg -n -F -f "$OUT/patterns-$n.txt" "$LOG"
  rg_wall=$wall rg_cpu=$cpu
  if [[ "${SKIP_GREP:-0}" != 1 ]]; then
    measure "$OUT/grep-$n.txt" env LC_ALL=C grep -n -F -f "$OUT/patterns-$n.txt" "$LOG"
    gr_wall=$wall gr_cpu=$cpu
  else
    gr_wall=0 gr_cpu=n/a
  fi
  echo
  echo "== $n indicators ($nind in the tables: built from the store in ${first_build} s, replayed from the snapshot in ${build} s) =="
  printf '%-26s %8s %8s %9s %10s %10s  %s\n' tool seconds "cpu s" "MB/s" "x ripgrep" "x grep" "hit lines"
  row() {  # name wall cpu hitcheck
    printf '%-26s %8s %8s %9s %10s %10s  %s\n' "$1" "$2" "$3" "$(mbps "$2")" \
      "$(ratio "$rg_wall" "$2")" "$(ratio "$gr_wall" "$2")" "$4"
  }
  row "sanad match" "$f_wall" "$f_cpu" "$(same "sanad_lines $OUT/hits-$n.jsonl" typed) (typed)"
  row "sanad match (first run)" "$first_wall" "-" "$(same "sanad_lines $OUT/hits-first-$n.jsonl" typed) (typed)"
  row "sanad match --scan" "$s_wall" "$s_cpu" "$(same "sanad_lines $OUT/scan-$n.jsonl" all) (all)"
  row "sanad --scan (compile)" "$scan_first_wall" "-" "$(same "sanad_lines $OUT/scan-first-$n.jsonl" all) (all)"
  row "rg -F -f" "$rg_wall" "$rg_cpu" "$(same "grep_lines $OUT/rg-$n.txt" all) (all)"
  [[ "${SKIP_GREP:-0}" == 1 ]] ||
    row "LC_ALL=C grep -F -f" "$gr_wall" "$gr_cpu" "$(same "grep_lines $OUT/grep-$n.txt" all) (all)"
  cpu_rate=$(awk -v mb="$log_mb" -v c="$f_cpu" 'BEGIN { if (c > 0) printf "%.0f", mb / c; else print "n/a" }')
  echo "sanad match: $cpu_rate MB/s per CPU second of the whole run (field mode, tables included)"
  echo "sanad match: matching alone ${m_wall} s, ${m_core:-n/a} MB per CPU second (field mode, tables excluded)"
done

# The scanner alone on one core (the log held in memory, one thread): the
# per-core speed without the kernel's file mapping, the reader and start-up.
SCAN_BENCH=${SCAN_BENCH:-build/bench/scan_bench}
if [[ -x "$SCAN_BENCH" ]]; then
  echo
  "$SCAN_BENCH" --data "bench/out/match-store-${sizes[0]}" --as "$ORG" "$LOG" --reps 7
else
  say "$SCAN_BENCH missing (make bench builds it): no one-core figure"
fi
