# Demo chapter: incident coordination (sourced by scripts/demo.sh; uses S,
# TMP and SG). EG-CERT reported a ransomware attack four days ago; the chair
# acknowledged it late, EG-CERT asks the national CERTs for forensics, two
# members offer help, one is accepted and joins, tasks are assigned and one
# is overdue, as is the containment clock.
echo "== Incidents: EG-CERT is under attack and asks the national CERTs for help"
jf() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
V="EG-CERT (demo)"
INC=$(S --json incident report --as "$V" --received 4d --class malicious-code --type infected-system \
  --severity high --tlp amber --title "Ransomware on ministry of finance file servers" \
  --description "Files encrypted on 14 servers; C2 traffic to a bulletproof host" \
  --indicator 203.0.113.66 --indicator domain:update-check.example | jf '["incident"]["uuid"]')
S -q incident status "$INC" triage --as "MY-CERT (demo)"
S -q incident status "$INC" in-progress --as "$V"
RFA=$(S --json rfa create "$INC" --kind forensics --audience sharing-group --sharing-group "$SG" \
  --needed-by +1d --description "Disk and memory forensics of two file servers" --as "$V" | jf '["uuid"]')
O1=$(S --json rfa offer "$RFA" --as "SA-CERT (demo)" --description "Two forensic analysts, remote" \
  --by +12h | jf '["uuid"]')
S -q rfa offer "$RFA" --as "PK-CERT (demo)" --description "Malware sample analysis" --by +2d
S -q rfa accept "$O1" --as "$V" --note "please start with FS-01"
S -q incident task add "$INC" --title "Image FS-01 and FS-02" --assignee-org "SA-CERT (demo)" \
  --due +8h --as "$V"
S -q incident task add "$INC" --title "Block C2 at the national gateway" --due 2h --as "$V"
S incident show "$INC" --as "SA-CERT (demo)" | grep -v '^reports'
echo "-- PK-CERT (offer pending) sees the request and its own offer, not the incident:"
S --json rfa show "$RFA" --as "PK-CERT (demo)" | python3 -c '
import json,sys
r=json.load(sys.stdin)
print("  %s %s from %s; %d offers, shown: %s; incident: %s" % (r["kind"], r["status"],
      r["requester"]["name"], r["offer_count"], ", ".join(o["org"]["name"] for o in r["offers"]),
      r["incident_uuid"] or "hidden"))'
echo "-- overdue for $V:"
S incident overdue --as "$V" | cut -f1 -d' ' | tail -n +2 | while read -r u; do
  S --json incident show "$u" --as "$V" | python3 -c '
import json,sys
i=json.load(sys.stdin)["incident"]
late=[c["clock"] for c in i["clocks"] if c["state"]=="overdue"]
print("  %s %s: %s; %d overdue task(s)" % (i["uuid"][:8], i["title"], ", ".join(late) or "-", i["overdue_tasks"]))'
done
echo "(sanad incident export $INC --as \"$V\" --format iodef; sanad rfa list --as ORG)"
echo
