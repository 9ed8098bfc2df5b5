# Demo chapter: membership governance (sourced by scripts/demo.sh; uses S,
# DATA and TMP). A vendor is admitted on two sponsors and a vote, a second
# vote is in progress, and national CERTs keep an event from the commercial
# member through an audience that follows membership.
echo "== Membership: a vendor applies, two national CERTs sponsor it, the Full members vote"
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
cat > "$TMP/profile.json" <<'JSON'
{"contacts": [{"type": "email", "value": "psirt@cybershield.example"}],
 "constituency": "CyberShield customers in the region", "services": ["incident response", "malware analysis"],
 "public_keys": [{"type": "pgp", "fingerprint": "3F2A 91C0 5D7E 44B1 A0C2  8E19 6B7D 0F55 2C4A 9E13"}]}
JSON
APP=$(S --json membership apply "CyberShield Vendor (demo)" --country DE --kind industry \
  --category commercial --profile "$TMP/profile.json" --uuid 5f6b2a34-0c1e-4e8a-9a51-000000000010 | field uuid)
echo "application ${APP:0:8}: CyberShield Vendor (demo), commercial (rule: 2 Full sponsors, 2 countries)"
S membership sponsor "$APP" --as "MY-CERT (demo)" --statement "worked with them on two incidents" | sed 's/^/  /'
S membership sponsor "$APP" --as "ID-CSIRT (demo)" | sed 's/^/  /'
VOTE=$(S --json membership show "$APP" | field vote_uuid)
for o in "MY-CERT (demo)" "ID-CSIRT (demo)" "SA-CERT (demo)" "PK-CERT (demo)"; do
  S -q membership vote "$VOTE" yes --as "$o"
done
S -q membership vote "$VOTE" no --as "EG-CERT (demo)" --comment "accused of building surveillance tools"
S membership votes close "$VOTE" | sed -n '2,3p' | sed 's/^ */  /'
# A second vote, still open: TR-CERT asks to move from General to Full.
TRAPP=$(S --json membership apply "TR-CERT (demo)" --as "TR-CERT (demo)" --country TR \
  --kind national-cert --category full --profile "$TMP/profile.json" | field uuid)
S -q membership sponsor "$TRAPP" --as "SA-CERT (demo)"
S -q membership sponsor "$TRAPP" --as "EG-CERT (demo)"
TRVOTE=$(S --json membership show "$TRAPP" | field vote_uuid)
S -q membership vote "$TRVOTE" yes --as "MY-CERT (demo)"
S -q membership vote "$TRVOTE" yes --as "PK-CERT (demo)"
echo "vote in progress:"
S membership votes list --open | sed 's/^/  /'
echo
echo "== Audiences that follow membership: national CERTs keep an event from the commercial members"
S membership audiences list | awk -F'  +' 'NR > 1 && $1 !~ /^country-/ {
  printf "  %-15s %-51s %s members\n", $1, $2, $4 }'
echo "  (and one 'Audience: members in XX' per member country)"
NAT=$(S --json sharing-group list | python3 -c '
import json,sys
print(next(g["uuid"] for g in json.load(sys.stdin) if g["name"] == "Audience: national CERTs"))')
cat > "$TMP/national.json" <<JSON
{"Event": {"uuid": "5f6b2a34-0c1e-4e8a-9a51-0000000000e9", "info": "Phishing kit aimed at ministries (national CERTs only)",
 "date": "$(date -u +%F)", "distribution": "4", "timestamp": "$(date +%s)", "threat_level_id": "2", "analysis": "1",
 "SharingGroup": {"uuid": "$NAT", "name": "Audience: national CERTs"}, "Tag": [{"name": "tlp:amber"}],
 "Attribute": [{"uuid": "5f6b2a34-0c1e-4e8a-9a51-0000000000f9", "type": "domain", "category": "Network activity",
   "value": "ministry-login.example", "to_ids": true}]}}
JSON
S -q import "$TMP/national.json" --as "SA-CERT (demo)"
for o in "EG-CERT (demo)" "GlobalSec Vendor (demo)" "CyberShield Vendor (demo)"; do
  if S event show 5f6b2a34-0c1e-4e8a-9a51-0000000000e9 --as "$o" > /dev/null 2>&1; then r=sees; else r="does not see"; fi
  echo "  $o $r the phishing-kit event"
done
sed 's/"distribution": "4"/"distribution": "1"/; s/tlp:amber/tlp:red/' "$TMP/national.json" > "$TMP/red.json"
S membership check-event "$TMP/red.json" | sed 's/^/  /' | cut -c1-150
echo "(register: sanad membership register; rules: sanad membership rules show)"
echo
