#!/usr/bin/env python3
"""Writes the demo community's intelligence as MISP JSON files, one per org.

Deterministic (seeded). Each event carries a TLP tag and a distribution that
fits it: TLP:RED and TLP:AMBER+STRICT stay with the creator or a named
sharing group, TLP:AMBER goes to the "national CERTs only" group, TLP:GREEN
and TLP:CLEAR to the whole community.
Usage: demo_events.py OUTDIR SG_UUID ORG_NAME=ORG_UUID=IN_GROUP...
(IN_GROUP is 1 for members of the sharing group; the others share TLP:AMBER
with the whole community instead.)
"""
import json
import os
import random
import sys
import uuid

rng = random.Random(2026)


def u():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ip():
    return "%d.%d.%d.%d" % (rng.choice([45, 77, 91, 103, 185, 193, 194, 212]), rng.randrange(256),
                            rng.randrange(256), rng.randrange(1, 255))


WORDS = ["update", "secure", "login", "cdn", "mail", "portal", "cloud", "sync", "invoice", "track",
         "verify", "account", "files", "docs", "static", "api", "gov", "bank", "pay", "support"]
TLDS = ["com", "net", "org", "info", "xyz", "top", "ru", "cn", "io", "biz"]


def domain():
    return "%s-%s%d.%s" % (rng.choice(WORDS), rng.choice(WORDS), rng.randrange(100), rng.choice(TLDS))


def hexs(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


SHARED = [ip() for _ in range(6)] + [domain() for _ in range(6)]

CAMPAIGNS = ["Phishing wave against ministries", "Ransomware affiliate infrastructure",
             "DDoS botnet C2 servers", "Credential harvesting on e-government portals",
             "Supply-chain compromise of a regional ISP", "Banking trojan distribution",
             "Watering-hole on a news site", "Exploitation of VPN appliances (CVE-2024-3400)"]

MARKINGS = [  # (tlp tag, distribution)
    ("tlp:clear", 3), ("tlp:green", 1), ("tlp:amber", 4), ("tlp:amber+strict", 0), ("tlp:red", 0),
    ("tlp:green", 1), ("tlp:amber", 4)]


def attribute(ts):
    kind = rng.choice(["ip-dst", "domain", "url", "sha256", "md5", "filename", "ip-dst|port",
                       "email-src", "hostname", "sha1"])
    if rng.random() < 0.08:
        value = rng.choice(SHARED)
        kind = "ip-dst" if value[0].isdigit() else "domain"
    elif kind == "ip-dst":
        value = ip()
    elif kind == "domain":
        value = domain()
    elif kind == "hostname":
        value = "%s.%s" % (rng.choice(WORDS), domain())
    elif kind == "url":
        value = "https://%s/%s/%s.php" % (domain(), rng.choice(WORDS), rng.choice(WORDS))
    elif kind == "sha256":
        value = hexs(64)
    elif kind == "sha1":
        value = hexs(40)
    elif kind == "md5":
        value = hexs(32)
    elif kind == "filename":
        value = "%s_%d.exe" % (rng.choice(WORDS), rng.randrange(1000))
    elif kind == "ip-dst|port":
        value = "%s|%d" % (ip(), rng.choice([443, 8080, 4444, 8443]))
    else:
        value = "%s@%s" % (rng.choice(WORDS), domain())
    cat = {"ip-dst": "Network activity", "domain": "Network activity", "hostname": "Network activity",
           "url": "Network activity", "ip-dst|port": "Network activity", "email-src": "Payload delivery",
           "filename": "Payload delivery"}.get(kind, "Payload delivery")
    return {"uuid": u(), "type": kind, "category": cat, "value": value,
            "to_ids": kind != "filename", "distribution": "5", "timestamp": str(ts), "comment": ""}


def main():
    out, sg_uuid = sys.argv[1], sys.argv[2]
    orgs = [a.rsplit("=", 2) for a in sys.argv[3:]]
    os.makedirs(out, exist_ok=True)
    base_ts = 1764000000
    for n, (name, org_uuid, in_group) in enumerate(orgs):
        events = []
        for k in range(3 if n else 4):
            tlp, dist = MARKINGS[(n + k) % len(MARKINGS)]
            if dist == 4 and in_group != "1":
                dist = 1
            ts = base_ts + n * 1000 + k * 100
            ev = {"uuid": u(), "info": "%s (%s)" % (rng.choice(CAMPAIGNS), name),
                  "date": "2025-11-%02d" % (10 + k + n % 10), "threat_level_id": str(rng.randrange(1, 4)),
                  "analysis": "1", "published": True, "timestamp": str(ts),
                  "publish_timestamp": str(ts), "distribution": str(dist),
                  "Orgc": {"uuid": org_uuid, "name": name},
                  "Tag": [{"name": tlp}, {"name": "rsit:malicious-code=\"c2-server\""}],
                  "Attribute": [attribute(ts) for _ in range(rng.randrange(15, 30))]}
            if dist == 4:
                ev["SharingGroup"] = {"uuid": sg_uuid, "name": "national CERTs only"}
            # One attribute per event kept to the creator only, one in an object.
            ev["Attribute"][0]["distribution"] = "0"
            ev["Attribute"][0]["comment"] = "internal: victim-side artefact"
            ev["Object"] = [{
                "uuid": u(), "name": "file", "meta-category": "file", "distribution": "5",
                "template_uuid": "688c46fb-5edb-40a3-8273-1af7923e2215", "template_version": "25",
                "timestamp": str(ts),
                "Attribute": [
                    {"uuid": u(), "type": "filename", "category": "Payload delivery", "value": "dropper.exe",
                     "object_relation": "filename", "to_ids": False, "timestamp": str(ts)},
                    {"uuid": u(), "type": "sha256", "category": "Payload delivery", "value": hexs(64),
                     "object_relation": "sha256", "to_ids": True, "timestamp": str(ts)}]}]
            events.append({"Event": ev})
        slug = "".join(c if c.isalnum() else "-" for c in name.lower())
        with open(os.path.join(out, slug + ".json"), "w") as f:
            json.dump({"response": events}, f, indent=1)


if __name__ == "__main__":
    main()
