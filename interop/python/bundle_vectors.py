"""Runs signing/verify.json through a real replica by bundles (vectors/README.md): for each
case a fresh replica applies a bundle of what is held (heldChanges, heldHeads), then a
bundle of the message (changes, heads), and must apply it or refuse it naming the rule.
A case whose head bytes are not canonical JSON cannot be carried by a bundle (the header is
one canonical line; bundle.md refuses it as a malformed header): it is skipped and counted.

Usage: bundle_vectors.py python            the Python peer (peer.py)
       bundle_vectors.py folio PATH        the reference CLI at PATH
Last line: "N passed, M failed"; exit status 1 on any failure.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import folio  # noqa: E402

PROTO = os.path.join(HERE, "..", "..", "Protocol")
WRITER = "f" * 32  # the bundles' header site: a writer that holds nothing else


def bundle(path, changes, heads):
    """A version 2 bundle (bundle.md) holding exactly these change and head bytes."""
    blobs = [c.encode("utf-8") for c in changes]
    vector = folio.version_vector(folio.dot_of(folio.decode_change(b)) for b in blobs)
    header = folio.canonical({"created": 1700000000000, "format": "folio-bundle",
                              "heads": [json.loads(h) for h in heads], "site": WRITER,
                              "vector": vector, "version": 2}) + b"\n"
    body = header + b"".join(b + b"\n" for b in blobs)
    trailer = folio.canonical({"count": len(blobs), "end": True,
                               "sha256": hashlib.sha256(body).hexdigest()}) + b"\n"
    with open(path, "wb") as f:
        f.write(body + trailer)


def replica(kind, tmp, name):
    """(init command, apply command for a bundle path) of a fresh replica."""
    if kind == "python":
        store = os.path.join(tmp, name + ".json")
        peer = [sys.executable, os.path.join(HERE, "peer.py"), store]
        return peer + ["init", "vectors"], lambda b: peer + ["bundle-apply", b]
    store = os.path.join(tmp, name + ".sqlite")
    cli = [sys.argv[2], "--store", store, "--no-pager", "--color", "never"]
    return cli + ["init", "--author", "vectors"], lambda b: cli + ["bundle", "apply", b]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).strip()


def main():
    kind = sys.argv[1]
    passed = failed = skipped = 0
    cases = json.load(open(os.path.join(PROTO, "vectors", "signing", "verify.json")))["cases"]
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            if any(folio.canonical(json.loads(h)).decode("utf-8") != h for h in case["heads"]):
                skipped += 1
                continue
            init, apply = replica(kind, tmp, case["name"])
            run(init)
            problem = None
            if case["heldChanges"]:
                held = os.path.join(tmp, case["name"] + "-held.bundle")
                bundle(held, case["heldChanges"], case["heldHeads"])
                rc, out = run(apply(held))
                if rc != 0:
                    problem = f"the held changes were refused: {out}"
            if problem is None:
                msg = os.path.join(tmp, case["name"] + ".bundle")
                bundle(msg, case["changes"], case["heads"])
                rc, out = run(apply(msg))
                exp = case["expect"]
                if exp == "accept":
                    problem = None if rc == 0 else f"refused, expected accepted: {out}"
                elif rc == 0:
                    problem = f"applied, expected {exp}: {out}"
                elif "rule" in exp and f"{exp['code']} {exp['rule']}" not in out:
                    problem = f"refused, but not for {exp['code']} {exp['rule']}: {out}"
                elif "rule" not in exp and "gap" not in out and "lacks" not in out:
                    problem = f"refused, but not for a gap: {out}"
            if problem is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL verify.json:{case['name']} ({kind}): {problem}")
    if skipped:
        print(f"skipped {skipped} cases whose heads a bundle header cannot carry as they are")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
