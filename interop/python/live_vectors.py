"""Pushes the change vectors to a live server (vectors/README.md: each case alone in a push
body, one space; push-bodies.json cases as whole bodies, another space, token of user alice) and checks that the
server decides what the vectors and this implementation decide.

Protocol v2: a change vector goes alone in {"changes":[C],"heads":[]}. The change checks come
before the head checks (README.md, "The push checks"), so a refused case gets its
invalid-change rule, and an accepted one passes them and is then refused for the missing
head: 400 invalid-head H6 (its site is not derived from a key, so no head could vouch for it).

signing/push-bodies.json (whole v2 bodies) go, in order, to a third space with a token of
user alice.

Usage: live_vectors.py BASE CHANGES_SPACE CHANGES_TOKEN BODIES_SPACE ALICE_TOKEN SIGNED_SPACE ALICE_TOKEN
"""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio  # noqa: E402

base, sp1, tok1, sp2, tok2, sp3, tok3 = sys.argv[1:8]
PROTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Protocol")
assert base.startswith("http://127.0.0.1")
passed = failed = 0


def post(space, token, body):
    req = urllib.request.Request(f"{base}/v2/spaces/{space}/changes", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def check(name, got, exp):
    global passed, failed
    if got == exp:
        passed += 1
    else:
        failed += 1
        print(f"FAIL live {name}: server {got}, expected {exp}")


def answer(status, body):
    got = {"status": status}
    if status != 200:
        got["code"] = body["error"]["code"]
        if "rule" in body["error"]:
            got["rule"] = body["error"]["rule"]
    return got


accepted = []
for fname in ("canonical.json", "validation.json", "limits.json", "rule-order.json"):
    for case in json.load(open(os.path.join(PROTO, "vectors", "changes", fname)))["cases"]:
        data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
        if not data:
            continue  # the empty input is an empty body element, not one change
        exp = {"status": 400, "code": "invalid-head", "rule": "H6"} if case["expect"] == "accept" else \
            {"status": 400, "code": "invalid-change", "rule": case["expect"]["rule"]}
        exp = case.get("pushedAlone", exp)  # brackets that never close: no element to cut
        check(f"{fname}:{case['name']}", answer(*post(sp1, tok1, b'{"changes":[' + data + b'],"heads":[]}')), exp)

for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "push-bodies.json")))["cases"]:
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    check(f"push-bodies.json:{case['name']}", answer(*post(sp2, tok2, data)), case["expect"])

for case in json.load(open(os.path.join(PROTO, "vectors", "signing", "push-bodies.json")))["cases"]:
    check(f"signing/push-bodies.json:{case['name']}", answer(*post(sp3, tok3, case["input"].encode("utf-8"))),
          case["expect"])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
