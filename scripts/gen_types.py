#!/usr/bin/env python3
"""Generates src/model/types_table.cc from MISP's describeTypes.json.

Usage:
  python3 scripts/gen_types.py /path/to/describeTypes.json > src/model/types_table.cc

The output is Sanad's own C++ data (the build never reads the JSON). It holds:
  - every MISP type in describeTypes order, with its sane-default category and
    to_ids flag;
  - the 16 categories and category_type_mappings as a bit matrix;
  - Sanad's per-type columns, from the tables below:
      kind1/kind2  how each component is validated and canonicalised;
      composite    the value is "a|b": types whose name contains '|', plus
                   malware-sample ("filename|md5"), as in MISP;
      correlates   MISP's NON_CORRELATING_TYPES (comment, http-method, aba-rtn,
                   gender, counter, integer, float, port, nationality, cortex,
                   boolean, anonymised) do not correlate; Sanad adds free text
                   (text, other) and size-in-bytes, whose values are not
                   indicators. Everything else correlates.
      hash_len     hex length of kHash components;
      modelled     the type has a validating canonicaliser (MODELLED below, or
                   any type with a non-opaque component). Other types are
                   opaque: any non-empty string, kept as received.
"""

import json
import sys

# Hex digest lengths of fixed-length hash types.
HASH_LEN = {
    "md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128,
    "sha512/224": 56, "sha512/256": 64,
    "sha3-224": 56, "sha3-256": 64, "sha3-384": 96, "sha3-512": 128,
    "imphash": 32, "authentihash": 64, "pehash": 40, "cdhash": 40,
    "x509-fingerprint-md5": 32, "x509-fingerprint-sha1": 40, "x509-fingerprint-sha256": 64,
    "ja3-fingerprint-md5": 32, "hassh-md5": 32, "hasshserver-md5": 32,
    "git-commit-id": 40, "jarm-fingerprint": 62,
}

# Component kinds of simple types (types not listed and not hashes: kOpaque).
KIND = {
    "ip-src": "kIp", "ip-dst": "kIp",
    "hostname": "kHostname", "domain": "kHostname",
    "url": "kUrl", "link": "kUrl",
    "uri": "kUri",
    "email": "kEmail", "email-src": "kEmail", "email-dst": "kEmail", "email-reply-to": "kEmail",
    "target-email": "kEmail", "whois-registrant-email": "kEmail", "dns-soa-email": "kEmail",
    "ssdeep": "kSsdeep",
    "port": "kPort",
    "size-in-bytes": "kUnsigned",
    "AS": "kAsn",
    "vulnerability": "kCve",
    "mac-address": "kMac",
    "btc": "kBtc",
    "regkey": "kRegkey",
    "text": "kText", "comment": "kText", "other": "kText",
    "yara": "kText", "snort": "kText", "sigma": "kText",
}

# Component kinds of composite types: (first, second). A hash second
# component takes its length from HASH_LEN of the name after '|'.
COMPOSITE = {
    "ip-src|port": ("kIp", "kPort"), "ip-dst|port": ("kIp", "kPort"),
    "hostname|port": ("kHostname", "kPort"),
    "domain|ip": ("kHostname", "kIp"),
    "regkey|value": ("kRegkey", "kOpaque"),
    "filename|ssdeep": ("kOpaque", "kSsdeep"),
    "malware-sample": ("kOpaque", "kHash"),  # "filename|md5"
}

# Opaque types that Sanad still counts as modelled (validated as non-empty).
MODELLED = {
    "filename", "mutex", "user-agent", "email-subject", "pattern-in-file",
}

NON_CORRELATING = {
    # MISP's NON_CORRELATING_TYPES
    "comment", "http-method", "aba-rtn", "gender", "counter", "integer", "float", "port",
    "nationality", "cortex", "boolean", "anonymised",
    # Sanad: free text and sizes are not indicators
    "text", "other", "size-in-bytes",
}


def columns(t):
    """(kind1, kind2, composite, hash_len1, hash_len2, modelled) for type t."""
    composite = "|" in t or t == "malware-sample"
    if composite:
        if t in COMPOSITE:
            k1, k2 = COMPOSITE[t]
        elif t.startswith("filename|") and t.split("|", 1)[1] in HASH_LEN:
            k1, k2 = "kOpaque", "kHash"
        else:
            k1, k2 = "kOpaque", "kOpaque"
        h2 = 0
        if k2 == "kHash":
            h2 = 32 if t == "malware-sample" else HASH_LEN[t.split("|", 1)[1]]
        modelled = k1 != "kOpaque" or k2 != "kOpaque" or t in MODELLED
        return k1, k2, True, 0, h2, modelled
    if t in HASH_LEN:
        return "kHash", "kOpaque", False, HASH_LEN[t], 0, True
    k = KIND.get(t, "kOpaque")
    return k, "kOpaque", False, 0, 0, k != "kOpaque" or t in MODELLED


def cstr(s):
    return json.dumps(s)  # ASCII names; JSON escaping is valid C++ here


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_types.py describeTypes.json > src/model/types_table.cc")
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
    r = d.get("result", d)
    types = r["types"]
    cats = r["categories"]
    defaults = r["sane_defaults"]
    mappings = r["category_type_mappings"]
    for t in types:
        if t not in defaults:
            sys.exit(f"type {t} has no sane_defaults entry")
    index = {t: i for i, t in enumerate(types)}
    words = (len(types) + 63) // 64

    out = []
    w = out.append
    w("// GENERATED by scripts/gen_types.py from MISP's describeTypes.json. Do not edit.")
    w("// Regenerate: python3 scripts/gen_types.py describeTypes.json > src/model/types_table.cc")
    w("// clang-format off")
    w("#include <algorithm>")
    w("#include <cstdint>")
    w("")
    w('#include "model/types.h"')
    w("")
    w("namespace sanad::model {")
    w("")
    w("namespace {")
    w("")
    w("using K = ValueKind;")
    w("")
    w(f"constexpr int kNumTypes = {len(types)};")
    w(f"constexpr int kNumCategories = {len(cats)};")
    w(f"constexpr int kWords = {words};")
    w("")
    w("// name, default category, to_ids, kind1, kind2, composite, correlates, hash_len1,")
    w("// hash_len2, modelled")
    w("constexpr TypeInfo kTypes[kNumTypes] = {")
    for t in types:
        k1, k2, comp, h1, h2, modelled = columns(t)
        sd = defaults[t]
        b = lambda x: "true" if x else "false"
        w(f"    {{{cstr(t)}, {cstr(sd['default_category'])}, {b(int(sd['to_ids']))}, K::{k1}, "
          f"K::{k2}, {b(comp)}, {b(t not in NON_CORRELATING)}, {h1}, {h2}, {b(modelled)}}},")
    w("};")
    w("")
    w("// Indices into kTypes, sorted by name (byte order), for binary search.")
    order = sorted(range(len(types)), key=lambda i: types[i].encode())
    w("constexpr uint8_t kSortedTypes[kNumTypes] = {")
    for i in range(0, len(order), 16):
        w("    " + ", ".join(str(x) for x in order[i:i + 16]) + ",")
    w("};")
    w("")
    w("constexpr std::string_view kCategories[kNumCategories] = {")
    for c in cats:
        w(f"    {cstr(c)},")
    w("};")
    w("")
    w("// category_type_mappings: bit i of row c is set when kTypes[i] is allowed in")
    w("// kCategories[c].")
    w("constexpr uint64_t kAllowed[kNumCategories][kWords] = {")
    for c in cats:
        bits = [0] * words
        for t in mappings.get(c, []):
            if t not in index:
                sys.exit(f"category {c} maps unknown type {t}")
            i = index[t]
            bits[i // 64] |= 1 << (i % 64)
        w("    {" + ", ".join(f"0x{x:016x}ULL" for x in bits) + f"}},  // {c}")
    w("};")
    w("")
    w("int TypeIndex(std::string_view type) {")
    w("  const uint8_t* it = std::lower_bound(")
    w("      kSortedTypes, kSortedTypes + kNumTypes, type,")
    w("      [](uint8_t i, std::string_view t) { return kTypes[i].name < t; });")
    w("  if (it == kSortedTypes + kNumTypes || kTypes[*it].name != type) return -1;")
    w("  return *it;")
    w("}")
    w("")
    w("int CategoryIndex(std::string_view category) {")
    w("  for (int i = 0; i < kNumCategories; ++i) {")
    w("    if (kCategories[i] == category) return i;")
    w("  }")
    w("  return -1;")
    w("}")
    w("")
    w("}  // namespace")
    w("")
    w("const TypeInfo* FindType(std::string_view type) {")
    w("  int i = TypeIndex(type);")
    w("  return i < 0 ? nullptr : &kTypes[i];")
    w("}")
    w("")
    w("std::span<const TypeInfo> AllTypes() { return kTypes; }")
    w("")
    w("std::span<const std::string_view> Categories() { return kCategories; }")
    w("")
    w("bool IsCategory(std::string_view category) { return CategoryIndex(category) >= 0; }")
    w("")
    w("bool CategoryAllowsType(std::string_view category, std::string_view type) {")
    w("  int c = CategoryIndex(category);")
    w("  int t = TypeIndex(type);")
    w("  if (c < 0 || t < 0) return false;")
    w("  return (kAllowed[c][t / 64] >> (t % 64)) & 1;")
    w("}")
    w("")
    w("}  // namespace sanad::model")
    if len(types) > 255:
        sys.exit("too many types for uint8_t indices")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
