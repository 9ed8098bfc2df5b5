#!/usr/bin/env python3
"""Generates the synthetic community data set of the ingest benchmark.

Writes, under --out DIR:
  DIR/feed/manifest.json        MISP feed manifest (uuid -> event summary)
  DIR/feed/<event-uuid>.json    one {"Event": {...}} document per event, MISP core format 2.4
  DIR/orgs.txt                  the creator orgs: "name<TAB>uuid<TAB>country" per line
  DIR/params.json               the parameters and counts, and the importing org (name, uuid,
                                country) to create before importing; written last

The data imitates a CERT community: --orgs creator organisations, events with
a heavy-tailed size distribution (a few events of up to 10,000 attributes, most
small), the distribution levels 0/1/3/4 (4 with embedded SharingGroup
definitions), TLP and free tags, a realistic attribute type mix with values
that are valid for their type, file and domain-ip objects with references,
and about --shared of the values drawn from a pool so that they recur across
events (correlations). --attributes counts every attribute, those inside
objects included.

Deterministic: the same --seed and sizes give byte-identical output.
Python 3 standard library only.

Checking a generated event against MISP's schema (the strict schema does not
know "Object", so check the full event against the lax schema):
  python3 -m jsonschema -i DIR/feed/<uuid>.json /path/to/format-2.4-schema-lax.json
"""

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys

GEN_VERSION = 1

# ----------------------------------------------------------------------------
# Vocabulary

COUNTRIES = [
    "SA", "AE", "QA", "KW", "BH", "OM", "JO", "EG", "MA", "TN", "DZ", "LB", "IQ",
    "PK", "TR", "DE", "FR", "NL", "GB", "US", "JP", "SG", "MY", "ID", "IN",
]
SECTORS = ["Financial", "Energy", "Telecom", "Health", "Government", "Aviation"]

SYLLABLES = [
    "ka", "lo", "mi", "ra", "te", "zu", "no", "vi", "sa", "de", "qu", "po", "xen", "tor",
    "bal", "fin", "sec", "net", "dat", "cor", "lum", "mex", "tri", "gal", "hor", "pix",
    "jin", "wal", "ber", "dom", "sun", "max",
]
WORDS = [
    "secure", "update", "login", "account", "verify", "bank", "cloud", "mail", "portal",
    "service", "support", "online", "office", "billing", "invoice", "track", "delivery",
    "cdn", "static", "api", "auth", "pay", "wallet", "docs", "drive", "share", "news",
]
TLDS = ["com", "net", "org", "info", "xyz", "top", "ru", "cn", "io", "biz", "online",
        "site", "club", "de", "sa", "ae", "tk", "cc", "me", "co"]
# Internationalised names (valid under IDNA 2008 / UTS#46): Unicode and A-label forms.
IDN_DOMAINS = ["bücher-shop.de", "xn--mgbh0fb.xn--mgberp4a5d4ar", "مثال-بنك.com",
               "xn--80ak6aa92e.com", "münchen-login.net"]
PATH_WORDS = ["wp-content", "uploads", "admin", "images", "js", "css", "files", "download",
              "gate", "panel", "api", "v1", "v2", "inc", "tmp", "cgi-bin", "assets", "data"]
PATH_FILES = ["index.php", "gate.php", "login.html", "update.exe", "invoice.zip", "payload.bin",
              "config.bin", "main.js", "doc.pdf", "setup.msi", "a.ps1", "load.dll"]
FILE_STEMS = ["invoice", "payment", "scan", "report", "update", "setup", "document", "order",
              "svchost", "rundll", "chrome_update", "statement", "receipt", "salary", "contract",
              "readme", "photo", "shipment", "tax_form", "wininit"]
FILE_EXTS = ["exe", "dll", "doc", "docm", "xlsm", "pdf", "zip", "rar", "js", "vbs", "ps1", "lnk",
             "iso", "hta", "bat", "scr", "apk", "elf"]
REG_ROOTS = ["HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
             "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
             "HKLM\\SYSTEM\\CurrentControlSet\\Services",
             "HKCU\\Software\\Classes\\CLSID",
             "HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon"]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0; .NET CLR {v}.0)",
    "curl/7.{v}.0",
    "python-requests/2.{v}.0",
    "Go-http-client/1.1",
    "WinHTTP loader/{v}",
]
TEXT_SNIPPETS = [
    "Observed in phishing wave against the banking sector",
    "C2 server active during the campaign",
    "Dropped by the first-stage loader",
    "Seen in sandbox detonation",
    "Reported by a member CERT; high confidence",
    "Low confidence, shared for awareness",
    "Payload retrieved over HTTPS from compromised WordPress site",
    "Scanning activity from this address against government ranges",
    "تم رصده في حملة تصيد احتيالي تستهدف القطاع المصرفي",
    "خادم تحكم وسيطرة نشط",
]
EMAIL_SUBJECTS = ["Urgent: invoice overdue", "Your account has been suspended",
                  "Shipment notification", "Payment confirmation", "Salary adjustment 2024",
                  "تحديث بيانات الحساب", "Document shared with you"]
INFO_TEMPLATES = [
    "OSINT - {fam} campaign targeting the {sector} sector",
    "Phishing wave impersonating {brand}",
    "{fam} command-and-control infrastructure",
    "Ransomware incident at a {sector} organisation ({fam})",
    "Scanning and brute-force activity, week {week}",
    "Malspam delivering {fam}",
    "Vulnerability exploitation in the wild ({cve})",
    "حملة تصيد احتيالي تنتحل صفة {brand}",
]
FAMILIES = ["Emotet", "QakBot", "AgentTesla", "FormBook", "LockBit", "Cobalt Strike", "IcedID",
            "RedLine", "AsyncRAT", "Shamoon", "njRAT", "Remcos", "BlackCat", "Mirai"]
BRANDS = ["a national bank", "a courier service", "the tax authority", "a telecom operator",
          "a cloud mail provider", "a government portal"]
TLP_TAGS = [("tlp:clear", "#ffffff", 10), ("tlp:green", "#33ff00", 40),
            ("tlp:amber", "#ffc000", 30),
            ("tlp:amber+strict", "#ffc000", 10), ("tlp:red", "#ff2b2b", 5)]
FREE_TAGS = ["phishing", "ransomware", "type:OSINT", "osint:source-type=\"blog-post\"",
             "admiralty-scale:source-reliability=\"b\"", "misp-galaxy:threat-actor=\"APT33\"",
             "circl:incident-classification=\"malware\"", "sector:financial", "ddos", "apt"]

# type: (weight, kind) -- the category is chosen among those MISP allows.
TYPE_MIX = [
    ("ip-dst", 14), ("ip-src", 6), ("domain", 11), ("hostname", 6), ("url", 11),
    ("md5", 7), ("sha1", 5), ("sha256", 10), ("sha512", 0.5), ("filename", 5),
    ("email-src", 2), ("email-dst", 0.5), ("email-subject", 1), ("ip-dst|port", 3),
    ("ip-src|port", 0.5), ("domain|ip", 3), ("filename|sha256", 2), ("filename|md5", 1),
    ("regkey", 1), ("mutex", 1), ("user-agent", 1), ("text", 2), ("comment", 1), ("AS", 1),
    ("vulnerability", 1), ("link", 2), ("uri", 0.5),
]
CATEGORIES = {
    "ip-dst": ["Network activity"] * 8 + ["Payload delivery", "External analysis"],
    "ip-src": ["Network activity"] * 8 + ["Payload delivery", "External analysis"],
    "domain": ["Network activity"] * 8 + ["Payload delivery", "External analysis"],
    "hostname": ["Network activity"] * 8 + ["Payload delivery"],
    "url": ["Network activity"] * 6 + ["Payload delivery"] * 3 + ["External analysis"],
    "md5": ["Payload delivery"] * 6 + ["Artifacts dropped"] * 2 + ["Payload installation"],
    "sha1": ["Payload delivery"] * 6 + ["Artifacts dropped"] * 2 + ["Payload installation"],
    "sha256": ["Payload delivery"] * 6 + ["Artifacts dropped"] * 2 + ["External analysis"],
    "sha512": ["Payload delivery", "Artifacts dropped"],
    "filename": ["Payload delivery"] * 5 + ["Artifacts dropped", "Persistence mechanism"],
    "email-src": ["Payload delivery"] * 4 + ["Network activity"],
    "email-dst": ["Network activity", "Payload delivery"],
    "email-subject": ["Payload delivery"],
    "ip-dst|port": ["Network activity"] * 4 + ["Payload delivery"],
    "ip-src|port": ["Network activity"],
    "domain|ip": ["Network activity"] * 4 + ["External analysis"],
    "filename|sha256": ["Payload delivery"] * 3 + ["Artifacts dropped"],
    "filename|md5": ["Payload delivery", "Artifacts dropped"],
    "regkey": ["Persistence mechanism"] * 3 + ["Artifacts dropped"],
    "mutex": ["Artifacts dropped"],
    "user-agent": ["Network activity"] * 3 + ["Payload delivery"],
    "text": ["Other"] * 3 + ["Attribution", "External analysis", "Internal reference"],
    "comment": ["Other"] * 3 + ["Internal reference"],
    "AS": ["Network activity"] * 3 + ["External analysis"],
    "vulnerability": ["External analysis"] * 3 + ["Payload delivery"],
    "link": ["External analysis"] * 3 + ["Internal reference"],
    "uri": ["Network activity"],
}
TO_IDS_DEFAULT = {
    "email-subject": False, "user-agent": False, "text": False, "comment": False, "AS": False,
    "vulnerability": False, "link": False, "size-in-bytes": False,
}
NO_CORRELATION = {"text", "comment", "email-subject"}


class Gen:
    """All value generators share one random.Random, so output is deterministic."""

    def __init__(self, seed, shared_fraction, pool_size):
        self.rng = random.Random(seed)
        self.shared_fraction = shared_fraction
        r = self.rng
        # Shared pools of components, used for the shared fraction of values.
        self.pool = {}

        def size(pct):
            return max(10, pool_size * pct // 100)

        self.pool["ip"] = [self.fresh_ipv4() for _ in range(size(30))]
        self.pool["domain"] = [self.fresh_domain() for _ in range(size(25))]
        self.pool["md5"] = ["%032x" % r.getrandbits(128) for _ in range(size(8))]
        self.pool["sha1"] = ["%040x" % r.getrandbits(160) for _ in range(size(5))]
        self.pool["sha256"] = ["%064x" % r.getrandbits(256) for _ in range(size(12))]
        self.pool["sha512"] = ["%0128x" % r.getrandbits(512) for _ in range(10)]
        self.pool["url"] = [self.fresh_url() for _ in range(size(10))]
        self.pool["filename"] = [self.fresh_filename() for _ in range(size(4))]
        self.pool["email"] = [self.fresh_email() for _ in range(size(2))]
        self.pool["regkey"] = [self.fresh_regkey() for _ in range(size(1))]
        self.pool["mutex"] = [self.fresh_mutex() for _ in range(size(1))]
        self.pool["ua"] = [self.fresh_ua() for _ in range(20)]
        self.pool["uri"] = ["/" + self.fresh_path() for _ in range(20)]
        self.types = [t for t, _ in TYPE_MIX]
        self.cum = []
        acc = 0.0
        for _, w in TYPE_MIX:
            acc += w
            self.cum.append(acc)

    # -- helpers ------------------------------------------------------------
    def uuid4(self):
        n = self.rng.getrandbits(128)
        n = (n & ~(0xF << 76)) | (0x4 << 76)
        n = (n & ~(0x3 << 62)) | (0x2 << 62)
        h = "%032x" % n
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def pick(self, kind, fresh):
        if self.rng.random() < self.shared_fraction:
            return self.rng.choice(self.pool[kind])
        return fresh()

    def maybe_upper(self, h):
        return h.upper() if self.rng.random() < 0.05 else h

    # -- fresh values ---------------------------------------------------------
    def fresh_ipv4(self):
        r = self.rng
        while True:
            a = r.randint(1, 223)
            b = r.randint(0, 255)
            if a in (10, 127) or (a == 172 and 16 <= b < 32) or (a == 192 and b == 168) \
                    or (a == 169 and b == 254) or (a == 100 and 64 <= b < 128):
                continue
            return "%d.%d.%d.%d" % (a, b, r.randint(0, 255), r.randint(1, 254))

    def fresh_ipv6(self):
        r = self.rng
        groups = [r.choice((0x2001, 0x2400, 0x2604, 0x2a00, 0x2a01, 0x2a02, 0x2c0f))]
        groups += [r.getrandbits(16) for _ in range(3)]
        if r.random() < 0.5:  # compressed form with a zero run
            return "%x:%x:%x:%x::%x" % (*groups, r.randint(1, 0xFFFF))
        groups += [r.getrandbits(16) for _ in range(4)]
        s = ":".join("%x" % g for g in groups)
        return s.upper() if r.random() < 0.1 else s

    def fresh_cidr(self):
        r = self.rng
        if r.random() < 0.8:
            ip = self.fresh_ipv4().split(".")
            ln = r.choice((16, 22, 24, 24, 24, 28))
            n = (int(ip[0]) << 24) | (int(ip[1]) << 16) | (int(ip[2]) << 8) | int(ip[3])
            n &= (0xFFFFFFFF << (32 - ln)) & 0xFFFFFFFF
            return "%d.%d.%d.%d/%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255, ln)
        g = [r.choice((0x2001, 0x2a00, 0x2a02)), r.getrandbits(16), r.getrandbits(16) & 0xFF00]
        return "%x:%x:%x::/40" % tuple(g)

    def ip(self):
        r = self.rng.random()
        if r < self.shared_fraction:
            return self.rng.choice(self.pool["ip"])
        if r < 0.90:
            return self.fresh_ipv4()
        if r < 0.98:
            return self.fresh_ipv6()
        return self.fresh_cidr()

    def label(self):
        r = self.rng
        n = r.randint(2, 4)
        s = "".join(r.choice(SYLLABLES) for _ in range(n))
        if r.random() < 0.3:
            s = r.choice(WORDS) + "-" + s
        if r.random() < 0.15:
            s += str(r.randint(1, 999))
        return s

    def fresh_domain(self):
        r = self.rng
        if r.random() < 0.002:
            return r.choice(IDN_DOMAINS)
        d = self.label() + "." + r.choice(TLDS)
        if r.random() < 0.03:
            d = d.upper()
        return d

    def domain(self):
        return self.pick("domain", self.fresh_domain)

    def hostname(self):
        r = self.rng
        sub = r.choice(WORDS) if r.random() < 0.7 else self.label()
        h = sub + "." + self.domain()
        if r.random() < 0.2:
            h = r.choice(("www", "mail", "ns1", "cdn")) + "." + h
        return h

    def fresh_path(self):
        r = self.rng
        parts = [r.choice(PATH_WORDS) for _ in range(r.randint(0, 3))]
        if r.random() < 0.2:
            parts.append("%d" % r.randint(2019, 2025))
        parts.append(r.choice(PATH_FILES) if r.random() < 0.7 else self.label())
        return "/".join(parts)

    def fresh_url(self):
        r = self.rng
        scheme = "https" if r.random() < 0.55 else "http"
        x = r.random()
        if x < 0.12:
            host = self.fresh_ipv4()
        elif x < 0.14:
            host = "[" + self.fresh_ipv6() + "]"
        else:
            host = (r.choice(WORDS) + "." if r.random() < 0.3 else "") + self.domain()
        port = ":%d" % r.choice((8080, 8443, 4443, 8000, 81)) if r.random() < 0.08 else ""
        url = "%s://%s%s/%s" % (scheme, host, port, self.fresh_path())
        y = r.random()
        if y < 0.25:
            url += "?id=%d&ref=%s" % (r.randint(1, 99999), r.choice(WORDS))
        elif y < 0.30:
            url += "?q=%s%%20%s" % (r.choice(WORDS), r.choice(WORDS))
        return url

    def url(self):
        return self.pick("url", self.fresh_url)

    def fresh_filename(self):
        r = self.rng
        stem = r.choice(FILE_STEMS)
        if r.random() < 0.6:
            stem += r.choice(("_", "-", " ", "")) + str(r.randint(1, 99999))
        name = stem + "." + r.choice(FILE_EXTS)
        if r.random() < 0.05:
            name = name.replace(".", ".pdf.", 1) if "." in name else name
        return name

    def filename(self):
        return self.pick("filename", self.fresh_filename)

    def fresh_email(self):
        r = self.rng
        user = r.choice(WORDS) + r.choice((".", "_", "")) + self.label()
        return user + "@" + self.fresh_domain()

    def fresh_regkey(self):
        r = self.rng
        return r.choice(REG_ROOTS) + "\\" + self.label().capitalize()

    def fresh_mutex(self):
        r = self.rng
        x = r.random()
        if x < 0.4:
            return "Global\\" + self.uuid4().upper()
        if x < 0.7:
            return "Local\\" + self.label() + "_" + "%08x" % r.getrandbits(32)
        return self.label().upper() + "%d" % r.randint(1, 9999)

    def fresh_ua(self):
        r = self.rng
        return r.choice(USER_AGENTS).format(v=r.randint(10, 120))

    def hashv(self, kind):
        bits = {"md5": 128, "sha1": 160, "sha256": 256, "sha512": 512}[kind]
        if self.rng.random() < self.shared_fraction:
            return self.maybe_upper(self.rng.choice(self.pool[kind]))
        return self.maybe_upper("%0*x" % (bits // 4, self.rng.getrandbits(bits)))

    def value(self, t):
        r = self.rng
        if t in ("ip-dst", "ip-src"):
            return self.ip()
        if t == "domain":
            return self.domain()
        if t == "hostname":
            return self.hostname()
        if t == "url":
            return self.url()
        if t in ("md5", "sha1", "sha256", "sha512"):
            return self.hashv(t)
        if t == "filename":
            return self.filename()
        if t in ("email-src", "email-dst"):
            return self.pick("email", self.fresh_email)
        if t == "email-subject":
            s = r.choice(EMAIL_SUBJECTS)
            return s + (" #%d" % r.randint(1, 9999) if r.random() < 0.5 else "")
        if t in ("ip-dst|port", "ip-src|port"):
            ip = self.ip()
            if "/" in ip:
                ip = ip.split("/")[0]
            ports = (80, 443, 443, 8080, 4444, 53, 22, 3389, r.randint(1024, 65535))
            return "%s|%d" % (ip, r.choice(ports))
        if t == "domain|ip":
            ip = self.ip()
            if "/" in ip:
                ip = ip.split("/")[0]
            return self.domain() + "|" + ip
        if t == "filename|sha256":
            return self.filename() + "|" + self.hashv("sha256")
        if t == "filename|md5":
            return self.filename() + "|" + self.hashv("md5")
        if t == "regkey":
            return self.pick("regkey", self.fresh_regkey)
        if t == "mutex":
            return self.pick("mutex", self.fresh_mutex)
        if t == "user-agent":
            return self.pick("ua", self.fresh_ua)
        if t == "text":
            return r.choice(TEXT_SNIPPETS) + (" (ref %d)" % r.randint(1, 99999))
        if t == "comment":
            return "%s, %s %s" % (r.choice(TEXT_SNIPPETS), r.choice(FAMILIES), time_str(
                BASE_TS + r.randint(0, SPAN))[:10])
        if t == "AS":
            return "AS%d" % r.choice((r.randint(1, 64495), r.randint(131072, 399999)))
        if t == "vulnerability":
            return "CVE-%d-%d" % (r.randint(2014, 2025), r.randint(1000, 52000))
        if t == "link":
            x = r.random()
            if x < 0.5:
                return "https://www.virustotal.com/gui/file/" + "%064x" % r.getrandbits(256)
            if x < 0.8:
                return "https://blog.%s/%d/%02d/%s-analysis" % (
                    self.fresh_domain().lower(), r.randint(2019, 2025), r.randint(1, 12),
                    r.choice(FAMILIES).lower().replace(" ", "-"))
            return "https://bazaar.abuse.ch/sample/" + "%064x" % r.getrandbits(256) + "/"
        if t == "uri":
            return self.pick("uri", lambda: "/" + self.fresh_path())
        raise ValueError("no generator for type " + t)

    def pick_type(self):
        x = self.rng.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.types[lo]


# ----------------------------------------------------------------------------
# Community

def make_orgs(g, n):
    orgs = []
    names = set()
    i = 0
    while len(orgs) < n:
        cc = COUNTRIES[i % len(COUNTRIES)]
        rnd = i // len(COUNTRIES)
        if rnd == 0:
            name = "CERT-%s National" % cc
        else:
            name = "%s %s CSIRT %s" % (cc, SECTORS[(i + rnd) % len(SECTORS)], rnd)
        i += 1
        if name in names:
            continue
        names.add(name)
        orgs.append({"name": name, "uuid": g.uuid4(), "country": cc})
    return orgs


def make_sharing_groups(g, orgs, importer, created):
    """Three groups owned by creator orgs. The importing org is a member of
    each: it received the groups' events, and Sanad (like MISP) lets an org
    share only through groups it belongs to."""
    r = g.rng
    defs = [("GCC CERT circle", "Member CERTs of the Gulf states"),
            ("Financial sector ISAC", "Banks and their national CERTs"),
            ("Energy sector trust group", "Oil, gas and power CSIRTs")]
    groups = []
    for name, desc in defs:
        owner = r.choice(orgs)
        members = [o for o in orgs if o is not owner and r.random() < 0.3] + [importer]
        ts = time_str(created)
        groups.append({
            "uuid": g.uuid4(),
            "name": name,
            "description": desc,
            "releasability": "Members of the group only",
            "active": True,
            "roaming": False,
            "local": False,
            "created": ts,
            "modified": ts,
            "organisation_uuid": owner["uuid"],
            "Organisation": {"uuid": owner["uuid"], "name": owner["name"]},
            "SharingGroupOrg": [{"extend": o is owner,
                                 "Organisation": {"uuid": o["uuid"], "name": o["name"]}}
                                for o in [owner] + members],
            "_members": [owner["uuid"]] + [o["uuid"] for o in members],
        })
    return groups


def time_str(ts):
    # "YYYY-MM-DD hh:mm:ss" UTC without the time module's locale dependence.
    days, rem = divmod(ts, 86400)
    y, m, d = civil_from_days(days)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (y, m, d, rem // 3600, rem // 60 % 60, rem % 60)


def civil_from_days(z):
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d)


def event_sizes(r, events, attributes):
    """Per-event attribute counts summing to `attributes`: about 0.2% of the
    events are big (up to 10,000 attributes, together ~20% of the total); the
    rest follow a log-normal distribution (median ~25)."""
    if events <= 0:
        return []
    if attributes < events:
        raise SystemExit("gen.py: --attributes must be >= --events (every event has one attribute)")
    nbig = events // 500
    big_size = min(10000, attributes // 5 // nbig) if nbig else 0
    if big_size <= 100:
        nbig, big_size = 0, 0
    rest = attributes - nbig * big_size
    nsmall = events - nbig
    w = [r.lognormvariate(0.0, 1.3) for _ in range(nsmall)]
    total_w = sum(w)
    spare = rest - nsmall  # every event has at least one attribute
    sizes = [1 + int(spare * x / total_w) for x in w]
    # Hand out the rounding remainder to the largest fractional parts, deterministically.
    short = rest - sum(sizes)
    frac = [spare * x / total_w - int(spare * x / total_w) for x in w]
    order = sorted(range(nsmall), key=lambda i: -frac[i])
    for i in order[:short]:
        sizes[i] += 1
    sizes += [big_size] * nbig
    r.shuffle(sizes)
    assert sum(sizes) == attributes, (sum(sizes), attributes)
    return sizes


# ----------------------------------------------------------------------------
# Events

BASE_TS = 1672531200  # 2023-01-01T00:00:00Z
SPAN = 2 * 365 * 86400


def make_attribute(g, t, value, ts, seen_comment):
    r = g.rng
    to_ids = TO_IDS_DEFAULT.get(t, True)
    if r.random() < 0.05:
        to_ids = not to_ids
    a = {
        "uuid": g.uuid4(),
        "type": t,
        "category": r.choice(CATEGORIES[t]),
        "value": value,
        "to_ids": to_ids,
        "distribution": "5",
        "timestamp": str(ts - r.randint(0, 3600)),
        "comment": r.choice(TEXT_SNIPPETS) if r.random() < seen_comment else "",
        "disable_correlation": t in NO_CORRELATION,
        "deleted": False,
    }
    return a


def fresh_value(g, t, seen):
    """A value of type t not yet used with that type in this event (MISP
    rejects duplicate type/value pairs within an event)."""
    for _ in range(50):
        v = g.value(t)
        if (t, v) not in seen:
            seen.add((t, v))
            return v
    raise RuntimeError("cannot find a fresh value of type " + t)


def make_objects(g, budget, ts, seen, attrs):
    """Builds file and domain-ip objects using at most `budget` attributes."""
    r = g.rng
    objects = []
    used = 0
    for _ in range(r.randint(1, 3)):
        if budget - used >= 4 and r.random() < 0.6:
            fname = fresh_value(g, "filename", seen)
            sha = fresh_value(g, "sha256", seen)
            md5 = fresh_value(g, "md5", seen)
            size = str(r.randint(1024, 8 << 20))
            seen.add(("size-in-bytes", size))
            oattrs = []
            for rel, t, v in (("filename", "filename", fname), ("sha256", "sha256", sha),
                              ("md5", "md5", md5), ("size-in-bytes", "size-in-bytes", size)):
                a = {
                    "uuid": g.uuid4(), "object_relation": rel, "type": t,
                    "category": "Other" if t == "size-in-bytes" else "Payload delivery",
                    "value": v, "to_ids": t != "size-in-bytes", "distribution": "5",
                    "timestamp": str(ts), "comment": "",
                    "disable_correlation": t == "size-in-bytes", "deleted": False,
                }
                oattrs.append(a)
            objects.append({
                "uuid": g.uuid4(), "name": "file", "meta-category": "file",
                "description": "File object describing a file with meta-information",
                "template_uuid": "688c46fb-5edb-40a3-8273-1af7923e2215",
                "template_version": "25", "timestamp": str(ts), "distribution": "5",
                "comment": "", "deleted": False, "Attribute": oattrs,
            })
            used += 4
        elif budget - used >= 2:
            dom = fresh_value(g, "domain", seen)
            ip = g.ip().split("/")[0]
            if ("ip-dst", ip) in seen:
                ip = g.fresh_ipv4()
            seen.add(("ip-dst", ip))
            oattrs = [
                {"uuid": g.uuid4(), "object_relation": "domain", "type": "domain",
                 "category": "Network activity", "value": dom, "to_ids": True,
                 "distribution": "5", "timestamp": str(ts), "comment": "",
                 "disable_correlation": False, "deleted": False},
                {"uuid": g.uuid4(), "object_relation": "ip", "type": "ip-dst",
                 "category": "Network activity", "value": ip, "to_ids": True,
                 "distribution": "5", "timestamp": str(ts), "comment": "",
                 "disable_correlation": False, "deleted": False},
            ]
            objects.append({
                "uuid": g.uuid4(), "name": "domain-ip", "meta-category": "network",
                "description": "A domain/hostname and IP address seen as a tuple "
                               "in a specific time frame.",
                "template_uuid": "43b3b146-77eb-4931-b4cc-b66c60f28734",
                "template_version": "9", "timestamp": str(ts), "distribution": "5",
                "comment": "", "deleted": False, "Attribute": oattrs,
            })
            used += 2
    # References: each file object communicates with a domain-ip object of the
    # event if there is one, else it is related to a top-level attribute.
    netobjs = [o for o in objects if o["name"] == "domain-ip"]
    for o in objects:
        if o["name"] != "file":
            continue
        if netobjs:
            target, rtype = r.choice(netobjs)["uuid"], "communicates-with"
        elif attrs:
            target, rtype = r.choice(attrs)["uuid"], "related-to"
        else:
            continue
        o["ObjectReference"] = [{
            "uuid": g.uuid4(), "object_uuid": o["uuid"], "referenced_uuid": target,
            "relationship_type": rtype, "comment": "", "timestamp": str(ts), "deleted": False,
        }]
    return objects, used


def make_event(g, n, orgs, groups):
    r = g.rng
    ts = BASE_TS + r.randint(0, SPAN)
    date = time_str(ts - r.randint(0, 5) * 86400)[:10]
    orgc = r.choice(orgs)
    fam = r.choice(FAMILIES)
    info = r.choice(INFO_TEMPLATES).format(
        fam=fam, sector=r.choice(SECTORS).lower(), brand=r.choice(BRANDS),
        week=r.randint(1, 52), cve="CVE-%d-%d" % (r.randint(2019, 2025), r.randint(1000, 50000)))
    x = r.random()
    dist = "0" if x < 0.10 else "1" if x < 0.55 else "3" if x < 0.85 else "4"
    # TLP: one per event (a few events carry none), plus 0-2 free tags.
    tags = []
    if r.random() < 0.97:
        name, colour, _ = r.choices(TLP_TAGS, weights=[w for _, _, w in TLP_TAGS])[0]
        tags.append({"name": name, "colour": colour, "exportable": True})
    for ft in r.sample(FREE_TAGS, r.choice((0, 0, 1, 1, 2))):
        tags.append({"name": ft, "colour": "#%06x" % r.getrandbits(24), "exportable": True})
    published = r.random() < 0.85
    ev = {
        "uuid": g.uuid4(),
        "info": info,
        "date": date,
        "timestamp": str(ts),
        "publish_timestamp": str(ts + 60) if published else "0",
        "published": published,
        "distribution": dist,
        "threat_level_id": str(r.choices((1, 2, 3, 4), weights=(15, 40, 35, 10))[0]),
        "analysis": str(r.choices((0, 1, 2), weights=(10, 30, 60))[0]),
        "disable_correlation": False,
        "Orgc": {"uuid": orgc["uuid"], "name": orgc["name"]},
        "Tag": tags,
    }
    if dist == "4":
        grp = r.choice(groups)
        ev["SharingGroup"] = {k: v for k, v in grp.items() if not k.startswith("_")}

    seen = set()
    attrs = []
    nobj_attrs = 0
    want_objects = n >= 6 and r.random() < 0.25
    plain = n - (min(n // 2, 12) if want_objects else 0)
    comment_rate = 0.1 if n < 1000 else 0.01
    for _ in range(plain):
        t = g.pick_type()
        v = fresh_value(g, t, seen)
        attrs.append(make_attribute(g, t, v, ts, comment_rate))
    objects = []
    if want_objects:
        objects, nobj_attrs = make_objects(g, n - plain, ts, seen, attrs)
    # Fill what the objects did not use with plain attributes.
    for _ in range(n - plain - nobj_attrs):
        t = g.pick_type()
        attrs.append(make_attribute(g, t, fresh_value(g, t, seen), ts, comment_rate))
    # A few attributes carry their own tags or a narrower distribution.
    for a in attrs:
        if r.random() < 0.02:
            a["Tag"] = [{"name": r.choice(("tlp:red", "tlp:amber", "false-positive:risk=\"low\"",
                                           "kill-chain:Command and Control")),
                         "colour": "#%06x" % r.getrandbits(24), "exportable": True}]
        if r.random() < 0.01:
            a["distribution"] = r.choice(("0", "1", "3"))
    if dist == "4" and attrs and r.random() < 0.2:
        # Attribute shared with another group than its event (embedded definition).
        a = r.choice(attrs)
        grp = r.choice(groups)
        a["distribution"] = "4"
        a["SharingGroup"] = {k: v for k, v in grp.items() if not k.startswith("_")}
    ev["Attribute"] = attrs
    if objects:
        ev["Object"] = objects
    return ev, len(attrs) + sum(len(o["Attribute"]) for o in objects), len(objects)


def generator_sha256():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (feed/, orgs.txt, params.json)")
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--attributes", type=int, default=1000000)
    ap.add_argument("--orgs", type=int, default=50)
    ap.add_argument("--shared", type=float, default=0.05,
                    help="fraction of values drawn from the shared pool")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--importer", default="Bench CERT",
                    help="the org that imports the feed: a member of every sharing group")
    ap.add_argument("--importer-country", default="SA")
    ap.add_argument("--pretty", action="store_true", help="indent the JSON (slower, larger)")
    args = ap.parse_args()
    if args.events < 1 or args.orgs < 1 or not 0 <= args.shared <= 1:
        ap.error("--events and --orgs must be >= 1; --shared in [0, 1]")

    g = Gen(args.seed, args.shared, max(100, int(args.attributes * args.shared / 5)))
    sizes = event_sizes(g.rng, args.events, args.attributes)
    orgs = make_orgs(g, args.orgs)
    importer = {"name": args.importer, "uuid": g.uuid4(), "country": args.importer_country}
    groups = make_sharing_groups(g, orgs, importer, BASE_TS - 30 * 86400)

    out = args.out
    tmp = out.rstrip("/") + ".tmp"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    feed = os.path.join(tmp, "feed")
    os.makedirs(feed)
    dump_kw = {"ensure_ascii": False}
    if args.pretty:
        dump_kw["indent"] = 1
    else:
        dump_kw["separators"] = (",", ":")
    enc = json.JSONEncoder(**dump_kw)

    manifest = {}
    total_attrs = total_objs = total_bytes = 0
    max_event = 0
    for n in sizes:
        ev, na, no = make_event(g, n, orgs, groups)
        total_attrs += na
        total_objs += no
        max_event = max(max_event, na)
        data = enc.encode({"Event": ev}).encode("utf-8")
        total_bytes += len(data)
        with open(os.path.join(feed, ev["uuid"] + ".json"), "wb") as f:
            f.write(data)
        manifest[ev["uuid"]] = {
            "Orgc": ev["Orgc"],
            "Tag": [{"name": t["name"], "colour": t["colour"]} for t in ev["Tag"]],
            "info": ev["info"], "date": ev["date"], "analysis": ev["analysis"],
            "threat_level_id": ev["threat_level_id"], "timestamp": ev["timestamp"],
        }
    assert total_attrs == args.attributes, (total_attrs, args.attributes)
    with open(os.path.join(feed, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(tmp, "orgs.txt"), "w", encoding="utf-8") as f:
        for o in orgs:
            f.write("%s\t%s\t%s\n" % (o["name"], o["uuid"], o["country"]))
    params = {
        "generator_version": GEN_VERSION, "generator_sha256": generator_sha256(),
        "seed": args.seed, "events": args.events,
        "attributes": args.attributes, "orgs": args.orgs, "shared": args.shared,
        "pretty": args.pretty, "objects": total_objs, "largest_event": max_event,
        "feed_bytes": total_bytes,
        "importer": importer,
        "sharing_groups": [{"uuid": s["uuid"], "name": s["name"]} for s in groups],
    }
    with open(os.path.join(tmp, "params.json"), "w") as f:
        json.dump(params, f, indent=1, sort_keys=True)
        f.write("\n")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    print("gen.py: %d events, %d attributes (%d objects, largest event %d), %.1f MB in %s"
          % (args.events, total_attrs, total_objs, max_event, total_bytes / 1e6,
             os.path.join(out, "feed")),
          file=sys.stderr)


if __name__ == "__main__":
    main()
