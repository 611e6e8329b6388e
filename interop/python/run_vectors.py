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
import signing  # noqa: E402

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


def bundle_case(case):
    """bundles.json: the file applied by an empty replica (B11 is the replica's check)."""
    name = f"bundles.json:{case['name']}"
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    exp = case["expect"]
    try:
        header, body = folio.read_bundle(data)
        replica = folio.Replica.__new__(folio.Replica)
        replica.lines, replica.latest, replica.heads, replica.site = {}, 0, {}, None
        signing.apply_signed(replica, body, [folio.canonical(h) for h in header["heads"]])
    except folio.Refused as e:
        if e.code == "gap":  # bundle.md B13
            e.code = "missing-changes"
        got = {"code": e.code, **({"rule": e.rule} if e.rule else {})}
        return result(exp != "accept" and got == exp, name, f"refused {got} ({e.message}), expected {exp}")
    result(exp == "accept", name, f"applied, expected {exp}")


def pull_page_case(case):
    name = f"pull-pages.json:{case['name']}"
    exp = case["expect"]
    try:
        _, raw, _ = folio.read_page(case["input"].encode("utf-8"))
    except folio.Refused as e:
        got = {"code": e.code, **({"rule": e.rule} if e.rule else {})}
        return result(got == exp, name, f"refused {got} ({e.message}), expected {exp}")
    result(exp == {"changes": len(raw)}, name, f"took {len(raw)} changes, expected {exp}")


for p in sorted(glob.glob(os.path.join(PROTO, "vectors", "[0-9][0-9]-*.json"))):
    merge_vector(p)
for fname in ("canonical.json", "validation.json", "limits.json", "rule-order.json"):
    for case in json.load(open(os.path.join(PROTO, "vectors", "changes", fname)))["cases"]:
        change_case(fname, case)



# ---------------------------------------------------------------- signing vectors (signing.md)

def signing_cases(fname):
    return json.load(open(os.path.join(PROTO, "vectors", "signing", fname)))["cases"]


for case in signing_cases("keys.json"):
    k = signing.SiteKey(bytes.fromhex(case["seed"]))
    result((k.key, k.site) == (case["key"], case["site"]), f"keys.json:{case['name']}",
           f"got key {k.key} site {k.site}")
    result(signing.site_of(case["key"]) == case["site"], f"keys.json:{case['name']}:site_of")
for case in signing_cases("chains.json"):
    blobs = [c.encode("utf-8") for c in case["changes"]]
    try:
        sites = {folio.decode_change(b)["site"] for b in blobs}
    except folio.Refused as e:
        result(False, f"chains.json:{case['name']}", f"a change refused: {e}")
        continue
    result(sites == {case["site"]} and signing.chain_of(blobs) == case["chains"],
           f"chains.json:{case['name']}", f"got {signing.chain_of(blobs)}")
for case in signing_cases("heads.json"):
    name, h = f"heads.json:{case['name']}", case["head"]
    wire = signing.make_head(signing.SiteKey(bytes.fromhex(case["seed"])), h["author"], h["seq"], h["chain"])
    signed = signing.signed_bytes(json.loads(wire))
    result(wire == case["wire"].encode("utf-8") and signed == case["signed"].encode("utf-8")
           and json.loads(wire)["sig"] == case["sig"], name, f"got {wire!r}")
    try:
        signing.check_key_and_sig(signing.read_head(case["wire"].encode("utf-8")))
        result(True, name + ":verifies")
    except signing.HeadRefused as e:
        result(False, name + ":verifies", str(e))
for case in signing_cases("verify.json"):
    name = f"verify.json:{case['name']}"
    positions = {h["site"]: (h["seq"], h["chain"]) for h in case["held"]}
    try:
        changes = [folio.decode_change(c.encode("utf-8")) for c in case["changes"]]
        signing.verify(changes, [h.encode("utf-8") for h in case["heads"]], signing.Held(positions))
        got = "accept"
    except signing.HeadRefused as e:
        got = {"code": e.code, "rule": e.rule} if e.rule else {"code": e.code}
    except folio.Refused as e:
        got = {"code": e.code, "rule": e.rule}
    result(got == case["expect"], name, f"got {got}, expected {case['expect']}")
    try:  # what is held, as a message of its own: accepted, and it hashes to the held chains
        held = [folio.decode_change(c.encode("utf-8")) for c in case["heldChanges"]]
        signing.verify(held, [h.encode("utf-8") for h in case["heldHeads"]], signing.Held())
        chains = {s: signing.chain_of([folio.canonical(c) for c in held if c["site"] == s]) for s in positions}
        ok = all(len(chains[s]) == n and chains[s][-1] == c for s, (n, c) in positions.items())
        result(ok, name + ":held", f"held changes hash to {chains}")
    except folio.Refused as e:
        result(False, name + ":held", f"held changes refused: {e.code} {e.rule} {e.message}")



class FreshSpace:
    """What a server decides on v2 push bodies in one space, from the spec (README.md "The
    push checks", signing.md §5), for signing/push-bodies.json: tokens of user `alice`."""

    def __init__(self):
        self.held, self.bound = {}, {}  # site -> {seq: bytes}; site -> user

    def push(self, body, user="alice"):
        status, code, rule, parts = folio.check_push_body(body)
        if status != 200:
            return {"status": status, **({"code": code} if code else {}), **({"rule": rule} if rule else {})}
        heads = folio._cut_array(body, body.index(b'],"heads":[') + len(b'],"heads":['))[0]
        changes = [folio.decode_change(p) for p in parts]
        by_site = {signing.read_head(h)["site"]: signing.read_head(h) for h in heads}
        for c in changes:  # bindings, then duplicates
            s = c["site"]
            if s not in self.bound and by_site[s]["author"] != user:
                return {"status": 403, "code": "unregistered-site"}
            if s in self.bound and by_site[s]["author"] != self.bound[s]:
                return {"status": 403, "code": "site-owned"}
            old = self.held.get(s, {}).get(c["seq"])
            if old is not None and old != folio.canonical(c):
                return {"status": 409, "code": "conflicting-change"}
        positions = {s: (len(d), signing.chain_of(d[n] for n in range(1, len(d) + 1))[-1])
                     for s, d in self.held.items() if d}
        try:
            signing.verify(changes, heads, signing.Held(positions))
        except signing.HeadRefused as e:
            return {"status": 409, "code": "gap"} if e.code == "gap" else \
                {"status": 400, "code": e.code, "rule": e.rule}
        for p, c in zip(parts, changes):
            self.held.setdefault(c["site"], {})[c["seq"]] = p
        for s, h in by_site.items():
            self.bound.setdefault(s, h["author"])
        return {"status": 200}


for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "push-bodies.json")))["cases"]:
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    got = FreshSpace().push(data)  # each case on a fresh space, with a token of user alice
    result(got == case["expect"], f"push-bodies.json:{case['name']}", f"got {got}, expected {case['expect']}")
space = FreshSpace()
for case in signing_cases("push-bodies.json"):
    got = space.push(case["input"].encode("utf-8"))
    result(got == case["expect"], f"signing/push-bodies.json:{case['name']}", f"got {got}, expected {case['expect']}")

for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "pull-pages.json")))["cases"]:
    pull_page_case(case)
for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "bundles.json")))["cases"]:
    bundle_case(case)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
