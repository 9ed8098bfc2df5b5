#!/usr/bin/env bash
# `make demo`: a demo community in ./demo-data, then what two members see.
set -euo pipefail
cd "$(dirname "$0")/.."
SANAD=${SANAD_BIN:-build/sanad}
DATA=${SANAD_DEMO_DATA:-demo-data}
S() { "$SANAD" --data "$DATA" "$@"; }

rm -rf "$DATA"
S init
echo
echo "== The community: a chair, national CERTs, a sector CERT and a commercial partner"
S -q org add "MY-CERT (demo)"    --country MY --kind national-cert --category full --chair \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000001
S -q org add "ID-CSIRT (demo)"   --country ID --kind national-cert --category full \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000002
S -q org add "SA-CERT (demo)"    --country SA --kind national-cert --category full \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000003
S -q org add "EG-CERT (demo)"    --country EG --kind national-cert --category full \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000004
S -q org add "TR-CERT (demo)"    --country TR --kind national-cert --category general \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000005
S -q org add "NG-CERT (demo)"    --country NG --kind national-cert --category general \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000006
S -q org add "PK-CERT (demo)"    --country PK --kind national-cert --category full \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000007
S -q org add "Gulf Energy Sector CERT (demo)" --country AE --kind sector-cert --category professional \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000008
S -q org add "GlobalSec Vendor (demo)" --country GB --kind industry --category commercial \
  --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000009
S org list
echo
SG=5f6b2a34-0c1e-4e8a-9a51-0000000000aa
S -q sharing-group add "national CERTs only" --owner "MY-CERT (demo)" --uuid $SG \
  --releasability "National CERTs of the community; no commercial or sector members" \
  --org "ID-CSIRT (demo)" --org "SA-CERT (demo)" --org "EG-CERT (demo)" --org "TR-CERT (demo)" \
  --org "NG-CERT (demo)" --org "PK-CERT (demo)"
S sharing-group list
echo
# One analyst per member, each with an API key (shown once: kept for the demo).
KEYS=()
while IFS= read -r name; do
  slug=$(echo "$name" | tr 'A-Z' 'a-z' | sed 's/ (demo)//; s/[^a-z0-9]\+/-/g; s/-$//')
  role=analyst
  [[ "$name" == "MY-CERT (demo)" ]] && role=admin
  key=$(S --json user add "analyst@$slug.demo" --org "$name" --role $role |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
  KEYS+=("$name=$key")
done < <(S --json org list | python3 -c '
import json,sys
for o in json.load(sys.stdin): print(o["name"])')

echo "== Each member shares its intelligence (MISP JSON, TLP and distribution per event)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ORGS=()
while IFS= read -r line; do ORGS+=("$line"); done < <(S --json org list | python3 -c '
import json,sys
for o in json.load(sys.stdin):
    member = o["kind"] == "national-cert"
    print(o["name"] + "=" + o["uuid"] + "=" + ("1" if member else "0"))')
python3 scripts/demo_events.py "$TMP/events" "$SG" "${ORGS[@]}"
for f in "$TMP"/events/*.json; do
  org=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["response"][0]["Event"]["Orgc"]["name"])' "$f")
  S import "$f" --as "$org" | sed 's/^/  /'
done
echo
S status
echo
A="EG-CERT (demo)"
B="GlobalSec Vendor (demo)"
# Further chapters of the demo (membership, incidents, STIX/TAXII), in name
# order; each may use S, DATA, TMP and KEYS.
for part in scripts/demo.d/*.sh; do
  [[ -e "$part" ]] || continue
  # shellcheck source=/dev/null
  source "$part"
done
echo "== What two members see: $A (national CERT) | $B (commercial)"
S event list --as "$A" --limit 100 | cut -c1-200 > "$TMP/a.txt"
S event list --as "$B" --limit 100 | cut -c1-200 > "$TMP/b.txt"
na=$(S export --as "$A" --format text | wc -l)
nb=$(S export --as "$B" --format text | wc -l)
echo "$A sees $(($(wc -l < "$TMP/a.txt") - 1)) events, $na distinct indicator values"
echo "$B sees $(($(wc -l < "$TMP/b.txt") - 1)) events, $nb distinct indicator values"
echo
python3 - "$TMP/a.txt" "$TMP/b.txt" "$A" "$B" <<'PY'
import sys
def rows(p):
    out = []
    for line in open(p).read().splitlines()[1:]:
        parts = line.split()
        # UUID DATE CREATOR... TLP DISTRIBUTION ATTRS INFO: keep uuid prefix, TLP, distribution
        tlp = next((x for x in parts if x.startswith("TLP:")), "-")
        dist = next((x for x in parts if x in ("organisation","community","connected","all","sharing-group")), "-")
        out.append((parts[0][:8], tlp, dist))
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
sb = set(x[0] for x in b)
print("%-54s | %s" % (sys.argv[3], sys.argv[4]))
for ev in a:
    other = "%-8s %-17s %s" % ev if ev[0] in sb else "(not visible)"
    print("%-8s %-17s %-27s | %s" % (ev[0], ev[1], ev[2], other))
only_b = [x for x in b if x[0] not in set(y[0] for y in a)]
for ev in only_b:
    print("%-54s | %-8s %-17s %s" % (("(not visible)",) + ev))
PY
echo

echo "== Correlation: values that several members reported"
S -q correlate --rebuild
S correlate stats
echo "(sanad search VALUE --as ORG; sanad correlate show ATTR_UUID --as ORG)"
echo
echo "== The REST API"
PORT=${SANAD_DEMO_PORT:-0}
LOG="$TMP/serve.log"
"$SANAD" --data "$DATA" serve --listen 127.0.0.1:$PORT --access-log none > "$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
URL=""
for _ in $(seq 1 100); do
  URL=$(grep -o 'http[s]*://[0-9.:]*' "$LOG" | head -1 || true)
  [[ -n "$URL" ]] && break
  sleep 0.1
done
if [[ -z "$URL" ]]; then echo "server did not start:"; cat "$LOG"; exit 1; fi
echo "Sanad serves the demo community at $URL (OpenAPI: $URL/api/v1/openapi.json)"
echo "API keys (one per member):"
for kv in "${KEYS[@]}"; do printf '  %-32s %s\n' "${kv%%=*}" "${kv#*=}"; done
key_of() { for kv in "${KEYS[@]}"; do [[ "${kv%%=*}" == "$1" ]] && echo "${kv#*=}"; done; return 0; }
KA=$(key_of "$A"); KB=$(key_of "$B")
count() { curl -s -H "Authorization: Bearer $1" "$URL/api/v1/events/export?format=text" | wc -l; }
echo
echo "Two members ask for the same export:"
echo "  curl -H \"Authorization: Bearer $KA\" $URL/api/v1/events/export?format=text   # $A"
echo "  -> $(count "$KA") values"
echo "  curl -H \"Authorization: Bearer $KB\" $URL/api/v1/events/export?format=text   # $B"
echo "  -> $(count "$KB") values"
echo
echo "TAXII 2.1 (OpenCTI, taxii2-client): discovery at $URL/taxii2/, API key as the password"
echo "  curl -u \"analyst:$KA\" -H 'Accept: application/taxii+json;version=2.1' $URL/taxii2/api/collections/"
echo "  -> $(curl -s -u "analyst:$KA" -H 'Accept: application/taxii+json;version=2.1' \
        "$URL/taxii2/api/collections/" | python3 -c '
import json, sys
print(", ".join(c["title"] for c in json.load(sys.stdin).get("collections", [])))')"
echo
echo "Try: build/sanad --data $DATA event list --as \"$A\""
echo "     build/sanad --data $DATA export --as \"$B\" --format csv"
if [[ -t 0 && -z "${CI:-}" ]]; then
  echo
  echo "The server keeps running at $URL; press Ctrl-C to stop it."
  wait $SERVER || true
fi
