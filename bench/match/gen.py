#!/usr/bin/env python3
"""Generates the data of the log-matching benchmark (bench/match/run.sh).

Writes, under --out DIR:
  DIR/mixed.log               --mb MB of mixed log lines: HTTP access (combined), proxy
                              (squid-like, full URLs), DNS query log and JSON lines (Zeek-like
                              conn/dns/files records); --hit-rate of the lines carry an indicator
  DIR/expected-lines.txt      "line<TAB>kind" of the lines that carry an indicator (kind
                              "filename" is found only with --scan)
  DIR/events-<N>.json         for each indicator set size N: a MISP {"response": [...]} document
                              with N to_ids attributes (domains, IPv4 hosts, CIDRs, URLs, md5,
                              sha1, sha256, file names) in events of 1,000 attributes
  DIR/patterns-<N>.txt        the same indicators as fixed strings for rg -F / grep -F (a CIDR as
                              its dotted prefix, "45.77." for a /16)
  DIR/params.json             parameters (written last)

The hit lines use indicators of the first (smallest) set, so every set finds the same lines.
Indicator values are random names and addresses from ranges the noise never uses, so a fixed-
string search finds exactly the hit lines too. Deterministic for a given --seed.
Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import random
import sys

GEN_VERSION = 1
WORDS = ("alpha bravo cloud data edge files gate hub info join kit labs mail net ops portal "
         "query relay shop static track update video web xml yard zone").split()
TLDS = ["com", "net", "org", "info", "xyz", "io", "biz"]
UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "curl/8.5.0",
    "Microsoft-CryptoAPI/10.0",
]
PATHS = ["/index.html", "/static/js/app.js", "/api/v1/items", "/login", "/images/logo.png",
         "/css/site.css", "/favicon.ico", "/search"]


def rand_name(r, n=10):
    return "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))


class Indicators:
    """A set of n indicators; values are unique and never occur in the noise."""

    def __init__(self, r, n):
        self.items = []  # (type, value, log_form_fn)
        seen = set()
        kinds = (["domain"] * 30 + ["ip"] * 25 + ["cidr"] * 5 + ["url"] * 15 + ["md5"] * 9 +
                 ["sha1"] * 8 + ["sha256"] * 5 + ["filename"] * 3)
        while len(self.items) < n:
            k = r.choice(kinds)
            if k == "domain":
                v = rand_name(r, 12) + "." + r.choice(TLDS)
            elif k == "ip":
                v = "%d.%d.%d.%d" % (r.randint(23, 69), r.randint(0, 255), r.randint(0, 255),
                                     r.randint(1, 254))
            elif k == "cidr":
                if r.random() < 0.5:
                    v = "%d.%d.0.0/16" % (r.randint(23, 69), r.randint(0, 255))
                else:
                    v = "%d.%d.%d.0/24" % (r.randint(23, 69), r.randint(0, 255), r.randint(0, 255))
            elif k == "filename":
                v = "%s_%s.exe" % (rand_name(r, 8), rand_name(r, 4))
            elif k == "url":
                v = "http://%s.%s/%s/%s.php" % (rand_name(r, 11), r.choice(TLDS), rand_name(r, 6),
                                                 rand_name(r, 5))
            else:
                v = "%0*x" % ({"md5": 32, "sha1": 40, "sha256": 64}[k],
                              r.getrandbits({"md5": 128, "sha1": 160, "sha256": 256}[k]))
            if v in seen:
                continue
            seen.add(v)
            self.items.append((k, v))

    def pattern(self, k, v):
        if k == "cidr":
            net, length = v.split("/")
            parts = net.split(".")
            return ".".join(parts[:int(length) // 8]) + "."
        return v

    def misp_type(self, k):
        return {"domain": "domain", "ip": "ip-dst", "cidr": "ip-dst", "url": "url", "md5": "md5", "filename": "filename",
                "sha1": "sha1", "sha256": "sha256"}[k]


# Noise octets never end in 23..69 (the indicators' first octets), so no indicator
# address or CIDR prefix ("45.77.") occurs inside a noise address.
NOISE_OCTETS = list(range(0, 23)) + list(range(70, 123)) + list(range(170, 223))


def noise_ip(r):
    c = r.random()
    o = NOISE_OCTETS
    if c < 0.5:
        return "10.%d.%d.%d" % (r.choice(o), r.choice(o), r.choice(o))
    if c < 0.7:
        return "172.16.%d.%d" % (r.choice(o), r.choice(o))
    return "%d.%d.%d.%d" % (r.choice([100, 101, 104, 108, 110, 120, 170, 185, 190]), r.choice(o),
                            r.choice(o), r.choice(o))


def benign_host(r):
    return "%s.%s.%s" % (r.choice(WORDS), r.choice(WORDS), r.choice(TLDS))


def line_access(r, ts, host=None, ip=None, url=None, h=None, path=None):
    path = path or r.choice(PATHS) + ("?v=%d" % r.randint(1, 999) if r.random() < 0.3 else "")
    ref = "https://%s/" % (host or benign_host(r))
    return '%s - - [11/Jan/2026:10:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "%s" "%s"' % (
        noise_ip(r), ts // 60 % 60, ts % 60, path, r.choice((200, 200, 304, 404)),
        r.randint(100, 90000), ref, r.choice(UAS))


def line_proxy(r, ts, host=None, ip=None, url=None, h=None):
    u = url or "http://%s%s" % (benign_host(r), r.choice(PATHS))
    return "%d.%03d %d %s TCP_MISS/200 %d GET %s - HIER_DIRECT/%s text/html" % (
        1768000000 + ts, r.randint(0, 999), r.randint(1, 900), noise_ip(r), r.randint(100, 90000), u,
        ip or noise_ip(r))


def line_dns(r, ts, host=None, ip=None, url=None, h=None):
    q = ("www." + host) if host else benign_host(r)
    return ("11-Jan-2026 10:%02d:%02d.%03d queries: info: client @0x7f3a2c %s#%d (%s): query: %s "
            "IN A + (10.0.0.53)" % (ts // 60 % 60, ts % 60, r.randint(0, 999), noise_ip(r),
                                    r.randint(1024, 65535), q, q))


def line_conn(r, ts, host=None, ip=None, url=None, h=None):
    return ('{"ts":%d.%06d,"uid":"C%s","id.orig_h":"%s","id.orig_p":%d,"id.resp_h":"%s",'
            '"id.resp_p":443,"proto":"tcp","service":"ssl","server_name":"%s","duration":%.3f}' % (
                1768000000 + ts, r.randint(0, 999999), rand_name(r, 17), noise_ip(r),
                r.randint(1024, 65535), ip or noise_ip(r), host or benign_host(r), r.random() * 10))


def line_files(r, ts, host=None, ip=None, url=None, h=None):
    md5 = "%032x" % r.getrandbits(128)
    sha1 = "%040x" % r.getrandbits(160)
    sha256 = "%064x" % r.getrandbits(256)
    if h is not None:
        if len(h) == 32:
            md5 = h
        elif len(h) == 40:
            sha1 = h
        else:
            sha256 = h
    return ('{"ts":%d.%06d,"fuid":"F%s","source":"HTTP","mime_type":"application/pdf",'
            '"md5":"%s","sha1":"%s","sha256":"%s"}' % (1768000000 + ts, r.randint(0, 999999),
                                                        rand_name(r, 17), md5, sha1, sha256))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--sets", default="100000,1000000", help="indicator set sizes")
    ap.add_argument("--hit-rate", type=float, default=0.001)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    sizes = sorted(int(x) for x in a.sets.split(","))
    r = random.Random(a.seed)
    sets = {}
    for n in sizes:
        sets[n] = Indicators(random.Random(a.seed * 1000 + n), n)
        # Larger sets contain the smallest one, so hit lines are the same for all.
        if n != sizes[0]:
            base = sets[sizes[0]].items
            sets[n].items = base + sets[n].items[:n - len(base)]
    for n, s in sets.items():
        events = []
        for e in range(0, n, 1000):
            attrs = []
            for i, (k, v) in enumerate(s.items[e:e + 1000]):
                attrs.append({"uuid": "%08x-0000-4000-8000-%012x" % (n // 1000, e + i),
                              "type": s.misp_type(k), "category": "Network activity"
                              if k in ("domain", "ip", "cidr", "url") else "Payload delivery",
                              "value": v, "to_ids": True, "timestamp": "1768000000"})
            events.append({"Event": {
                "uuid": "%08x-1111-4000-8000-%012x" % (n // 1000, e // 1000),
                "info": "bench indicators %d" % (e // 1000), "date": "2026-01-10",
                "timestamp": "1768000000", "distribution": "1", "published": True,
                "Orgc": {"uuid": "bbbbbbbb-0000-4000-8000-000000000001", "name": "Bench CERT"},
                "Attribute": attrs}})
        with open(os.path.join(a.out, "events-%d.json" % n), "w") as f:
            json.dump({"response": events}, f, separators=(",", ":"))
        with open(os.path.join(a.out, "patterns-%d.txt" % n), "w") as f:
            for k, v in s.items:
                f.write(s.pattern(k, v) + "\n")

    hit_items = sets[sizes[0]].items
    kinds = [line_access, line_proxy, line_dns, line_conn, line_files]
    target = a.mb * 1000 * 1000
    size = 0
    lineno = 0
    expected = []
    with open(os.path.join(a.out, "mixed.log"), "w") as f:
        buf = []
        while size < target:
            lineno += 1
            ts = lineno // 50
            if r.random() < a.hit_rate:
                k, v = r.choice(hit_items)
                if k == "domain":
                    line = r.choice([line_dns, line_conn, line_access])(r, ts, host=v)
                elif k == "ip":
                    line = r.choice([line_proxy, line_conn])(r, ts, ip=v)
                elif k == "cidr":
                    parts = v.split("/")[0].split(".")
                    n = int(v.split("/")[1]) // 8
                    ip = ".".join(parts[:n] + [str(r.randint(1, 254)) for _ in range(4 - n)])
                    line = r.choice([line_proxy, line_conn])(r, ts, ip=ip)
                elif k == "url":
                    line = line_proxy(r, ts, url=v)
                elif k == "filename":
                    line = line_access(r, ts, path="/downloads/" + v)
                else:
                    line = line_files(r, ts, h=v)
                expected.append((lineno, k))
            else:
                line = r.choice(kinds)(r, ts)
            if lineno == 1 and line.startswith("{"):
                line = line_access(r, ts)  # a text first line: the file is free text
                if expected and expected[-1][0] == 1:
                    expected.pop()
            buf.append(line)
            size += len(line) + 1
            if len(buf) >= 10000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")
    with open(os.path.join(a.out, "expected-lines.txt"), "w") as f:
        f.write("".join("%d\t%s\n" % e for e in expected))
    params = {"mb": a.mb, "sets": sizes, "hit_rate": a.hit_rate, "seed": a.seed, "lines": lineno,
              "hit_lines": len(expected), "gen_version": GEN_VERSION,
              "generator_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest()}
    with open(os.path.join(a.out, "params.json"), "w") as f:
        json.dump(params, f)
    print("gen.py: %d lines, %d hit lines, sets %s" % (lineno, len(expected), sizes), file=sys.stderr)


if __name__ == "__main__":
    main()
