#!/usr/bin/env bash
# REST API benchmark: wrk against `sanad serve` on 127.0.0.1.
#
#   bench/api/run.sh                 # on a copy of bench/out/ingest-store when present
#   DURATION=30s CONNECTIONS=64 bench/api/run.sh
#
# Scenarios (64 connections, 2 wrk threads, one API key, rate limit off):
#  - GET one event (/api/v1/events/{uuid}, an event the key's org may see,
#    without TLP:AMBER or stricter data, so that its reads are not audited);
#  - GET one event with TLP:RED data (every read appends to the audit log);
#  - search one value (/api/v1/search?value=...);
#  - POST a small event (wrk Lua script: a new uuid per request).
# Reports req/s and p99 latency per scenario (wrk --latency), in
# bench/out/api/results.txt.
#
# The store: a copy of bench/out/ingest-store (bench/ingest/run.sh) when
# present, so that the POSTs leave the ingest store untouched; otherwise a
# small generated store (one org, 200 events of 10 attributes).
#
# Environment: SANAD (default build/sanad, RelWithDebInfo), DURATION (10s),
# CONNECTIONS (64), PORT (18443).
set -euo pipefail

cd "$(dirname "$0")/../.."
SANAD=${SANAD:-build/sanad}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18443}
OUT=bench/out/api
STORE=$OUT/store
mkdir -p "$OUT"

say() { echo "api/run.sh: $*" >&2; }

if ! command -v wrk >/dev/null; then
  say "wrk is required: apt-get install -y wrk"
  exit 1
fi

rm -rf "$STORE"
if [[ -d bench/out/ingest-store ]]; then
  say "copying bench/out/ingest-store"
  cp -r bench/out/ingest-store "$STORE"
else
  say "generating a small store"
  "$SANAD" --data "$STORE" init >/dev/null
  python3 - "$OUT/small.json" <<'EOF'
import json, sys, uuid
events = []
for e in range(200):
    attrs = [{"uuid": str(uuid.uuid4()), "type": "ip-dst", "category": "Network activity",
              "value": "198.51.%d.%d" % (e % 250, a + 1), "to_ids": True} for a in range(10)]
    events.append({"Event": {"uuid": str(uuid.uuid4()), "info": "bench %d" % e,
                             "distribution": "1", "threat_level_id": "2", "analysis": "1",
                             "date": "2026-01-01", "Attribute": attrs}})
json.dump({"response": events}, open(sys.argv[1], "w"))
EOF
  "$SANAD" --data "$STORE" org add "Bench CERT" --country SA --chair >/dev/null
  "$SANAD" --data "$STORE" import --as "Bench CERT" "$OUT/small.json" >/dev/null
fi

# An org that holds events (the ingest importer, or the generated store's
# only org), a user of it and a key.
if [[ -f bench/out/ingest/params.json && -d bench/out/ingest-store ]]; then
  ORG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["importer"]["name"])' \
        bench/out/ingest/params.json)
else
  ORG="Bench CERT"
fi
KEY=$("$SANAD" --data "$STORE" --json user add "bench-$RANDOM@bench.example" --org "$ORG" --role analyst |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("key") or d.get("api_key"))')
EXPORT=$(set +o pipefail; "$SANAD" --data "$STORE" export --as "$ORG" --format text | head -1)

"$SANAD" --data "$STORE" serve --listen "127.0.0.1:$PORT" --workers 4 --threads 2 \
  --access-log none --rate-limit 0 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# Two events: one whose reads are not audited (no TLP:AMBER or stricter
# anywhere in it; served from the per-org answer cache) and one whose every
# read is recorded in the audit log (a write per read).
read -r EVENT AUDITED < <(python3 - "$PORT" "$KEY" <<'PY'
import json, sys, urllib.request
port, key = sys.argv[1], sys.argv[2]
def get(path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": "Bearer " + key})
    return json.load(urllib.request.urlopen(req))
plain = audited = None
for e in get("/api/v1/events?limit=200")["events"]:
    ev = get("/api/v1/events/" + e["uuid"])["Event"]
    tags = [t["name"].lower() for t in ev.get("Tag", [])]
    for a in ev.get("Attribute", []) + [a for o in ev.get("Object", []) for a in o.get("Attribute", [])]:
        tags += [t["name"].lower() for t in a.get("Tag", [])]
    sensitive = any(t in ("tlp:amber", "tlp:amber+strict", "tlp:red") for t in tags)
    if sensitive and audited is None: audited = e["uuid"]
    if not sensitive and plain is None: plain = e["uuid"]
    if plain and audited: break
print(plain or audited, audited or plain)
PY
)
VALUE=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$EXPORT")
# Warm the correlation index (built or loaded on the first search).
curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/search?value=$VALUE" >/dev/null

cat >"$OUT/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- Each wrk thread has its own Lua state: seed each differently, or the
-- threads would send the same uuids (409 conflicts).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + id)
end
local n = 0
local function uuid()
  return string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0xffffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff),
    math.random(0, 0xffffffffffff))
end
request = function()
  n = n + 1
  local body = string.format('{"Event": {"uuid": "%s", "info": "wrk %d", "distribution": "1", ' ..
    '"threat_level_id": "2", "analysis": "1", "Attribute": [{"uuid": "%s", "type": "ip-dst", ' ..
    '"category": "Network activity", "value": "192.0.2.%d"}]}}', uuid(), n, uuid(), n % 250 + 1)
  return wrk.format(nil, nil, nil, body)
end
EOF

: >"$OUT/results.txt"
run() {  # name, path, extra wrk args...
  local name=$1 path=$2
  shift 2
  say "$name"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $KEY" "$@" \
    "http://127.0.0.1:$PORT$path" >"$OUT/$name.txt"
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/$name.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$OUT/$name.txt")
  printf '%-12s %10s req/s  p99 %-9s non-2xx %s\n' "$name" "$rps" "$p99" "${errors:-0}" |
    tee -a "$OUT/results.txt"
}
run get-event "/api/v1/events/$EVENT"
run get-audited "/api/v1/events/$AUDITED"
run search "/api/v1/search?value=$VALUE"
run post-event "/api/v1/events" -s "$OUT/post.lua"
