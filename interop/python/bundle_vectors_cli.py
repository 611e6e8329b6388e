"""Applies every case of Protocol/vectors/changes/bundles.json with the reference CLI
(`folio bundle apply`) and with this implementation's CLI (`peer.py bundle-apply`), each into
an empty replica, and checks that both make the decision the vector gives: applied, or
refused naming the same code (and rule).

Usage: bundle_vectors_cli.py FOLIO_BINARY WORK_DIR [PROTOCOL_DIR]
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
folio_bin, work = sys.argv[1], sys.argv[2]
PROTO = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "..", "Protocol")
passed = failed = 0


def reference(path, store):
    run = lambda *a: subprocess.run([folio_bin, "--store", store, "--no-pager", "--color", "never", *a],
                                    capture_output=True, text=True)
    run("init", "--author", "reader")
    out = run("bundle", "apply", path)
    if out.returncode == 0:
        return "accept"
    m = re.search(r"\(invalid-change (\w+)\)", out.stderr)
    if m:
        return {"code": "invalid-change", "rule": m.group(1)}
    m = re.search(r"\(([a-z-]+)\); nothing was applied", out.stderr)
    return {"code": m.group(1)} if m else {"unparsed": out.stderr.strip()[:200]}


def python_peer(path, store):
    peer = [sys.executable, os.path.join(HERE, "peer.py"), store]
    subprocess.run(peer + ["init", "reader"], capture_output=True, check=True)
    out = subprocess.run(peer + ["bundle-apply", path], capture_output=True, text=True)
    if out.returncode == 0:
        return "accept"
    m = re.match(r"refused: (\S+) (\S*)", out.stderr)
    if not m:
        return {"unparsed": out.stderr.strip()[:200]}
    return {"code": m.group(1), **({"rule": m.group(2)} if m.group(2) else {})}


cases = json.load(open(os.path.join(PROTO, "vectors", "changes", "bundles.json")))["cases"]
for k, case in enumerate(cases):
    data = bytes.fromhex(case["inputHex"]) if "inputHex" in case else case["input"].encode("utf-8")
    path = os.path.join(work, f"case{k}.bundle")
    with open(path, "wb") as f:
        f.write(data)
    ref = reference(path, os.path.join(work, f"ref{k}.folio"))
    mine = python_peer(path, os.path.join(work, f"py{k}.json"))
    if ref == case["expect"] and mine == case["expect"]:
        passed += 1
    else:
        failed += 1
        print(f"FAIL bundles.json:{case['name']}: folio {ref}, python {mine}, expected {case['expect']}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
