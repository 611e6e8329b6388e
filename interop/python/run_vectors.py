"""Runs every vector of Protocol/vectors/ (vectors/README.md, merge-rules.md §10).

Usage: python3 run_vectors.py [PROTOCOL_DIR]
Last line: "N passed, M failed"; exit status 1 on any failure.
"""
import glob
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "Protocol")
passed, failed = 0, 0


def result(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def public(st):
    return {k: v for k, v in st.items() if not k.startswith("_")}


def same(a, b):
    return folio.canonical(a) == folio.canonical(b)


def merge_vector(path):
    v = json.load(open(path))
    name = os.path.basename(path)
    blobs = []
    for c in v["changes"]:
        b = folio.canonical(c)
        try:
            folio.decode_change(b)
        except folio.Refused as e:
            return result(False, name, f"input change refused: {e}")
        blobs.append(b)
    rnd = random.Random(name)
    orders = [list(blobs), list(reversed(blobs))]
    for _ in range(5):
        o = list(blobs)
        rnd.shuffle(o)
        orders.append(o)
    o = blobs + blobs[: len(blobs) // 2 + 1]
    rnd.shuffle(o)
    orders.append(o)
    for exp in v["expected"]["entities"]:  # merge-rules.md §10: absent members
        exp.setdefault("merges", [])
        for c in exp["conflicts"]:
            if c["kind"] == "value":
                c.setdefault("base", None)
    for k, order in enumerate(orders):
        changes = [folio.decode_change(b) for b in order]
        for exp in v["expected"]["entities"]:
            got = public(folio.entity_state(exp["entity"], changes))
            if not same(got, exp):
                return result(False, name, f"order {k}: got {json.dumps(got)} expected {json.dumps(exp)}")
    result(True, name)


def change_case(fname, case):
    name = f"{fname}:{case['name']}"
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    exp = case["expect"]
    try:
        c = folio.decode_change(data)
    except folio.Refused as e:
        if exp == "accept":
            return result(False, name, f"refused {e.code} {e.rule}: {e.message}")
        return result(e.code == exp["code"] and e.rule == exp["rule"], name,
                      f"refused with {e.code} {e.rule} ({e.message}), expected {exp}")
    if exp != "accept":
        return result(False, name, f"accepted, expected {exp}")
    result(folio.canonical(c) == data, name, "re-encoding differs from the input")


def push_body_case(case):
    name = f"push-bodies.json:{case['name']}"
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    status, code, rule, _ = folio.check_push_body(data)
    exp = case["expect"]
    got = {"status": status}
    if code:
        got["code"] = code
    if rule:
        got["rule"] = rule
    result(got == exp, name, f"got {got}, expected {exp}")


def bundle_case(case):
    """bundles.json: the file applied by an empty replica (B11 is the replica's check)."""
    name = f"bundles.json:{case['name']}"
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    exp = case["expect"]
    try:
        _, body = folio.read_bundle(data)
        replica = folio.Replica.__new__(folio.Replica)
        replica.lines, replica.latest = {}, 0
        replica.apply(body)
    except folio.Refused as e:
        got = {"code": e.code, **({"rule": e.rule} if e.rule else {})}
        return result(exp != "accept" and got == exp, name, f"refused {got} ({e.message}), expected {exp}")
    result(exp == "accept", name, f"applied, expected {exp}")


def pull_page_case(case):
    name = f"pull-pages.json:{case['name']}"
    exp = case["expect"]
    try:
        _, raw = folio.read_page(case["input"].encode("utf-8"))
    except folio.Refused as e:
        got = {"code": e.code, **({"rule": e.rule} if e.rule else {})}
        return result(got == exp, name, f"refused {got} ({e.message}), expected {exp}")
    result(exp == {"changes": len(raw)}, name, f"took {len(raw)} changes, expected {exp}")


for p in sorted(glob.glob(os.path.join(PROTO, "vectors", "[0-9][0-9]-*.json"))):
    merge_vector(p)
for fname in ("canonical.json", "validation.json", "limits.json", "rule-order.json"):
    for case in json.load(open(os.path.join(PROTO, "vectors", "changes", fname)))["cases"]:
        change_case(fname, case)
for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "push-bodies.json")))["cases"]:
    push_body_case(case)

for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "pull-pages.json")))["cases"]:
    pull_page_case(case)
for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "bundles.json")))["cases"]:
    bundle_case(case)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
