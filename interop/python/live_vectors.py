"""Pushes the change vectors to a live server (vectors/README.md: each case alone in a push
body, one space; push-bodies.json cases as whole bodies, another space) and checks that the
server decides what the vectors and this implementation decide.

Usage: live_vectors.py BASE CHANGES_SPACE CHANGES_TOKEN BODIES_SPACE BODIES_TOKEN [PROTOCOL_DIR]
"""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio  # noqa: E402

base, sp1, tok1, sp2, tok2 = sys.argv[1:6]
PROTO = sys.argv[6] if len(sys.argv) > 6 else os.path.join(os.path.dirname(__file__), "..", "..", "Protocol")
assert base.startswith("http://127.0.0.1")
passed = failed = 0


def post(space, token, body):
    req = urllib.request.Request(f"{base}/v1/spaces/{space}/changes", data=body, method="POST",
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
        exp = {"status": 200} if case["expect"] == "accept" else \
            {"status": 400, "code": "invalid-change", "rule": case["expect"]["rule"]}
        exp = case.get("pushedAlone", exp)  # brackets that never close: no element to cut
        if case["expect"] == "accept":
            accepted.append(data)
        check(f"{fname}:{case['name']}", answer(*post(sp1, tok1, b'{"changes":[' + data + b"]}")), exp)

# every accepted change comes back byte for byte, in the order pushed
pulled, cursor = [], 0
while True:
    req = urllib.request.Request(f"{base}/v1/spaces/{sp1}/changes?after={cursor}",
                                 headers={"Authorization": f"Bearer {tok1}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        page, raw = folio.read_page(r.read())
    pulled += raw
    cursor = page["cursor"]
    if not page["more"]:
        break
check("accepted changes pulled back byte for byte", len(pulled) == len(accepted) and pulled == accepted, True)

for case in json.load(open(os.path.join(PROTO, "vectors", "changes", "push-bodies.json")))["cases"]:
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    check(f"push-bodies.json:{case['name']}", answer(*post(sp2, tok2, data)), case["expect"])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
