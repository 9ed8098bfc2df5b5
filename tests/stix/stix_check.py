#!/usr/bin/env python3
"""STIX checks for the C++ tests (tests/stix, tests/cli).

  stix_check.py validate SCHEMA_DIR BUNDLE
      Validates every object of BUNDLE against the STIX 2.1 JSON schemas in
      SCHEMA_DIR (OASIS cti-stix2-json-schemas layout: common/, sdos/, sros/,
      observables/). Objects of custom types (x-...) are checked against
      common/core.json. Exit 0 when all validate, 1 otherwise (errors on
      stderr), 77 when python3-jsonschema is missing.
  stix_check.py roundtrip INPUT OUTPUT
      Round-trip comparison: every object of INPUT (a bundle, envelope, array
      or one object) must appear in the OUTPUT bundle with the same id and an
      equal JSON value (key order and whitespace ignored). Exit 0 or 1.
"""
import json
import os
import sys


def objects_of(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict) and "objects" in doc and doc.get("type") in (None, "bundle"):
        return doc["objects"]
    return [doc]


def validate(schema_dir, bundle_path):
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema missing", file=sys.stderr)
        return 77
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
    except ImportError:  # Debian 12's 4.10: RefResolver with a local store
        Registry = None
    resources = []
    by_name = {}
    for sub in ("common", "sdos", "sros", "observables"):
        d = os.path.join(schema_dir, sub)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".json"):
                continue
            with open(os.path.join(d, f)) as fh:
                s = json.load(fh)
            resources.append((s["$id"], s))
            by_name[f[:-5]] = s
    if Registry is not None:
        registry = Registry().with_resources([(i, Resource.from_contents(s)) for i, s in resources])

        def validator(schema):
            return jsonschema.Draft202012Validator(schema, registry=registry)
    else:
        store = dict(resources)

        def validator(schema):
            resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
            return jsonschema.Draft202012Validator(schema, resolver=resolver)
    with open(bundle_path) as fh:
        doc = json.load(fh)
    bad = 0
    if isinstance(doc, dict) and doc.get("type") == "bundle" and "bundle" in by_name:
        # The bundle envelope itself (objects checked one by one below).
        env = dict(doc)
        env["objects"] = [o for o in doc["objects"] if o.get("type") == "identity"][:1] or []
        if env["objects"]:
            v = validator(by_name["bundle"])
            for e in v.iter_errors(env):
                print("bundle: %s" % e.message, file=sys.stderr)
                bad += 1
    for i, o in enumerate(objects_of(doc)):
        t = o.get("type", "")
        schema = by_name.get(t)
        if schema is None:
            if not t.startswith("x-"):
                print("objects[%d]: no schema for type %r" % (i, t), file=sys.stderr)
                bad += 1
                continue
            schema = by_name["core"]
        v = validator(schema)
        for e in v.iter_errors(o):
            print("objects[%d] %s: %s at %s" % (i, o.get("id"), e.message[:300], list(e.absolute_path)),
                  file=sys.stderr)
            bad += 1
    return 1 if bad else 0


def roundtrip(inp, out):
    with open(inp) as fh:
        a = objects_of(json.load(fh))
    with open(out) as fh:
        b = objects_of(json.load(fh))
    got = {}
    for o in b:
        got.setdefault(o["id"].lower(), o)
    bad = 0
    for o in a:
        x = got.get(o["id"].lower())
        if x is None:
            print("missing: %s" % o["id"], file=sys.stderr)
            bad += 1
        elif x != o:
            diff = sorted(k for k in set(o) | set(x) if o.get(k) != x.get(k))
            print("changed: %s (%s)" % (o["id"], ", ".join(diff)), file=sys.stderr)
            bad += 1
    return 1 if bad else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "validate":
        return validate(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 4 and sys.argv[1] == "roundtrip":
        return roundtrip(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
