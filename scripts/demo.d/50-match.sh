# Demo chapter: matching logs (sourced by scripts/demo.sh; uses S, TMP, A, B).
# A morning of web and DNS logs (text) and connection and file records (JSON
# lines, as Zeek writes them) in which a few shared indicators appear: each
# member gets exactly the hits on what it may see.
echo "== Matching logs: did any shared indicator touch my network?"
S export --as "$A" --format text > "$TMP/seen-a.txt"
S export --as "$B" --format text > "$TMP/seen-b.txt"
mkdir -p "$TMP/logs"
python3 - "$TMP/seen-a.txt" "$TMP/seen-b.txt" "$TMP/logs" <<'PY'
import json, random, re, sys
a = [v.strip() for v in open(sys.argv[1]) if v.strip()]
b = set(v.strip() for v in open(sys.argv[2]) if v.strip())
def kind(v):
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", v): return "ip"
    if re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{64}", v): return "hash"
    if v.startswith("http"): return "url"
    if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", v) and not v.endswith(".exe"):
        return "domain"
    return None
both = [v for v in a if v in b and kind(v)][:2]        # both members see these
only_a = [v for v in a if v not in b and kind(v)][:3]  # only the national CERT
r = random.Random(7)
web, conn = [], []
for i in range(2000):
    ip = "10.%d.%d.%d" % (r.randint(0, 9), r.randint(0, 250), r.randint(1, 250))
    t = "30/Nov/2026:08:%02d:%02d +0000" % (i // 60 % 60, i % 60)
    web.append(r.choice([
        '%s - - [%s] "GET /index.html HTTP/1.1" 200 5120 "-" "Mozilla/5.0"' % (ip, t),
        "30-Nov-2026 08:%02d:%02d queries: client %s#5353: query: www.intranet.local IN A"
        % (i // 60 % 60, i % 60, ip)]))
    conn.append(json.dumps({"ts": 1796000000 + i, "id.orig_h": ip,
                            "id.resp_h": "172.16.0.%d" % r.randint(1, 250), "proto": "tcp",
                            "server_name": "updates.example.org"}))
for n, v in enumerate(both + only_a):
    k = kind(v)
    if k == "ip":
        conn.insert(300 + 400 * n, json.dumps({"ts": 1796000100, "id.orig_h": "10.0.0.7",
                                               "id.resp_h": v, "proto": "tcp"}))
    elif k == "hash":
        conn.insert(300 + 400 * n, json.dumps({"ts": 1796000200, "source": "HTTP",
                                               "md5" if len(v) == 32 else "sha256": v}))
    elif k == "url":
        web.insert(300 + 400 * n, '10.0.0.8 - - [30/Nov/2026:09:00:00 +0000] "GET %s HTTP/1.1" '
                   '200 0 "-" "curl/8.5"' % v)
    else:
        web.insert(300 + 400 * n, "30-Nov-2026 09:00:00 queries: client 10.0.0.9#5353: "
                   "query: www.%s IN A" % v)
open(sys.argv[3] + "/web.log", "w").write("\n".join(web) + "\n")
open(sys.argv[3] + "/conn.json", "w").write("\n".join(conn) + "\n")
print("  web.log (%d lines, text) and conn.json (%d JSON lines) carry %d indicators both members"
      " see and %d that only the national CERTs see" % (len(web), len(conn), len(both), len(only_a)))
PY
# Run from the logs' directory, so that hits name the files as a member would.
SANAD_ABS=$(realpath "$SANAD")
DATA_ABS=$(realpath "$DATA")
M() { (cd "$TMP/logs" && "$SANAD_ABS" --data "$DATA_ABS" "$@"); }
echo "-- $A:"
M match --as "$A" --summary web.log conn.json 2>&1 | sed 's/^/  /'
echo "-- $B (a commercial member: the national CERTs' own events are not for it):"
M match --as "$B" --summary web.log conn.json 2>&1 | sed 's/^/  /'
echo "-- one hit as a JSON line (what scripts read):"
M -q match --as "$A" web.log conn.json | head -n 1 | sed 's/^/  /'
# The demo checks what it shows: the national CERT finds more than the vendor.
na=$(M -q match --as "$A" web.log conn.json | wc -l)
nb=$(M -q match --as "$B" web.log conn.json | wc -l)
if ((nb == 0 || na <= nb)); then
  echo "demo: expected $A to find more hits than $B (and $B some): $na vs $nb" >&2
  exit 1
fi
M -q match --as "$A" --record-sightings web.log conn.json > /dev/null
echo "  (--record-sightings stored a 'seen' sighting per matched indicator. sanad match also reads"
echo "   gzip and zstd, CSV and Zeek TSV; POST /api/v1/match takes a log over HTTP)"
echo
