"""A small command-line Folio peer on top of folio.py (used by script/interop).

  peer.py STORE init AUTHOR
  peer.py STORE sync BASE_URL SPACE           (token in FOLIO_TOKEN; FOLIO_PULL_LIMIT: page size)
  peer.py STORE relay BASE_URL SPACE          push other sites' changes the server lacks,
                                              with their sites' signed heads
  peer.py STORE records                       all records' merged states, as JSON
  peer.py STORE set KIND ID FIELD JSON        an ordinary edit (pred = current values)
  peer.py STORE bundle-apply FILE
  peer.py STORE bundle-create FILE [SINCE_BUNDLE]   only what the vector in SINCE_BUNDLE's
                                              header lacks (bundle.md)
  peer.py STORE site                          this replica's site (derived from its key)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio  # noqa: E402
import signing  # noqa: E402


def main(argv):
    store, cmd, args = argv[0], argv[1], argv[2:]
    if cmd == "init":
        r = folio.Replica.init(store, args[0])
        print(r.site)
        return 0
    r = folio.Replica(store)
    if cmd == "sync":
        base, space, token = args[0].rstrip("/"), args[1], os.environ["FOLIO_TOKEN"]
        pages = r.pull(base, space, token, limit=int(os.environ.get("FOLIO_PULL_LIMIT", "1000")))
        n = r.push(base, space, token)
        print(json.dumps({"pages": pages, "pushed": n, "changes": len(r.lines)}))
    elif cmd == "relay":
        print(json.dumps(signing.relay(r, args[0].rstrip("/"), args[1], os.environ["FOLIO_TOKEN"])))
    elif cmd == "site":
        print(r.site)
    elif cmd == "records":
        ents = {}
        for c in r.changes():
            ents[(c["entity"]["kind"], c["entity"]["id"])] = c["entity"]
        out = []
        for k in sorted(ents):
            st = r.state(ents[k])
            st.pop("_current")
            out.append(st)
        print(json.dumps(out, ensure_ascii=False))
    elif cmd == "set":
        kind, eid, field, value = args
        c = r.set_field({"id": eid, "kind": kind}, field, json.loads(value))
        r.save()
        print(json.dumps({"seq": c["seq"], "site": c["site"]}))
    elif cmd == "bundle-apply":
        print(json.dumps({"applied": folio.apply_bundle(r, args[0])}))
    elif cmd == "bundle-create":
        since = None
        if len(args) > 1:
            with open(args[1], "rb") as f:
                since = folio.read_bundle(f.read())[0]["vector"]
        print(json.dumps({"written": folio.write_bundle(r, args[0], since)}))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    r.save()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except folio.Refused as e:
        print(f"refused: {e.code} {e.rule or ''} {e.message}", file=sys.stderr)
        sys.exit(1)
