#!/usr/bin/env bash
# TAXII 2.1 benchmark: objects pages (limit=1000) per second and p99 on a
# collection of about 100k objects, wrk against `sanad serve` on 127.0.0.1.
#
#   bench/taxii/run.sh
#   EVENTS=1000 ATTRS=100 DURATION=30s CONNECTIONS=16 bench/taxii/run.sh
#
# The store: EVENTS events (distribution community) of ATTRS ip-dst
# attributes each (to_ids, so one indicator per attribute) imported as one
# org; the community collection holds them as STIX objects. The first TAXII
# request converts the whole collection (the time is reported as "refresh");
# the script then walks every page once (python) to collect the `next`
# tokens and count the objects, and wrk requests pages at those positions in
# turn (a Lua script cycling through the tokens), each GET
# .../objects/?limit=1000&next=TOKEN. Results in bench/out/taxii/results.txt.
#
# Environment: SANAD (default build/sanad, RelWithDebInfo), EVENTS (1000),
# ATTRS (100), DURATION (10s), CONNECTIONS (16), PORT (18444).
set -euo pipefail

cd "$(dirname "$0")/../.."
SANAD=${SANAD:-build/sanad}
EVENTS=${EVENTS:-1000}
ATTRS=${ATTRS:-100}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18444}
OUT=bench/out/taxii
STORE=$OUT/store
COLLECTION=bb51a8b4-650d-41cf-8252-1a1ed7dd6ec1  # the community collection
BASE="http://127.0.0.1:$PORT/taxii2/api/collections/$COLLECTION/objects/"
ACCEPT="application/taxii+json;version=2.1"
mkdir -p "$OUT"

say() { echo "taxii/run.sh: $*" >&2; }

if ! command -v wrk >/dev/null; then
  say "wrk is required: SANAD_BENCH_DEPS=1 scripts/install-deps.sh (or apt-get install -y wrk)"
  exit 1
fi

rm -rf "$STORE"
"$SANAD" --data "$STORE" init >/dev/null
python3 - "$OUT/events.json" "$EVENTS" "$ATTRS" <<'PY'
import json, sys, uuid
path, n_events, n_attrs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = []
for e in range(n_events):
    attrs = [{"uuid": str(uuid.uuid4()), "type": "ip-dst", "category": "Network activity",
              "value": "10.%d.%d.%d" % (e // 250 % 250, e % 250, a % 250 + 1), "to_ids": True}
             for a in range(n_attrs)]
    events.append({"Event": {"uuid": str(uuid.uuid4()), "info": "taxii bench %d" % e,
                             "distribution": "1", "threat_level_id": "2", "analysis": "1",
                             "date": "2026-01-01", "timestamp": str(1700000000 + e),
                             "Tag": [{"name": "tlp:green"}], "Attribute": attrs}})
json.dump({"response": events}, open(path, "w"))
PY
"$SANAD" --data "$STORE" org add "Bench CERT" --country SA --chair >/dev/null
"$SANAD" --data "$STORE" import --as "Bench CERT" "$OUT/events.json" >/dev/null
KEY=$("$SANAD" --data "$STORE" --json user add "taxii-$RANDOM@bench.example" --org "Bench CERT" \
        --role analyst |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("key") or d.get("api_key"))')

"$SANAD" --data "$STORE" serve --listen "127.0.0.1:$PORT" --workers 4 --threads 2 \
  --access-log none --rate-limit 0 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done

say "first request (converts the collection)"
START=$(date +%s.%N)
curl -fsS -H "Authorization: Bearer $KEY" -H "Accept: $ACCEPT" "$BASE?limit=1" >/dev/null
END=$(date +%s.%N)
REFRESH=$(python3 -c "print('%.2f' % ($END - $START))")

say "walking the pages"
python3 - "$BASE" "$KEY" "$OUT/tokens.txt" >"$OUT/walk.txt" <<'PY'
import json, sys, time, urllib.request
base, key, tokens_path = sys.argv[1:4]
tokens, objects, pages, nxt = [""], 0, 0, None
prev_last = ""
t0 = time.time()
while True:
    url = base + "?limit=1000" + ("&next=" + nxt if nxt else "")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + key,
                                               "Accept": "application/taxii+json;version=2.1"})
    with urllib.request.urlopen(req) as r:
        body = json.load(r)
        first = r.headers.get("X-TAXII-Date-Added-First", "")
        last = r.headers.get("X-TAXII-Date-Added-Last", "")
    assert first > prev_last, "date_added not increasing across pages"
    prev_last = last
    objects += len(body["objects"])
    pages += 1
    if not body["more"]:
        break
    nxt = body["next"]
    tokens.append(nxt)
elapsed = time.time() - t0
open(tokens_path, "w").write("\n".join(tokens) + "\n")
print("objects %d pages %d single-client walk %.2f s" % (objects, pages, elapsed))
PY
cat "$OUT/walk.txt" >&2

python3 - "$OUT/tokens.txt" "$OUT/pages.lua" <<'PY'
import sys
tokens = [t for t in open(sys.argv[1]).read().split("\n")]
tokens = tokens[:-1] if tokens and tokens[-1] == "" and len(tokens) > 1 else tokens
with open(sys.argv[2], "w") as f:
    f.write("local tokens = {%s}\n" % ", ".join('"%s"' % t for t in tokens))
    f.write("""local i = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  i = id * 7
end
request = function()
  i = i + 1
  local t = tokens[(i % #tokens) + 1]
  local q = "?limit=1000"
  if t ~= "" then q = q .. "&next=" .. t end
  return wrk.format("GET", wrk.path .. q)
end
""")
PY

say "wrk: $CONNECTIONS connections, $DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $KEY" \
  -H "Accept: $ACCEPT" -s "$OUT/pages.lua" "$BASE" >"$OUT/wrk.txt"
RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")
ERRORS=$(awk '/Non-2xx/ {print $5}' "$OUT/wrk.txt")
{
  echo "store: $EVENTS events x $ATTRS attributes; $(cat "$OUT/walk.txt")"
  echo "first request (conversion of the collection): $REFRESH s"
  printf 'objects pages (limit=1000): %s pages/s  p99 %s  non-2xx %s  (%s connections)\n' \
    "$RPS" "$P99" "${ERRORS:-0}" "$CONNECTIONS"
} | tee "$OUT/results.txt"
