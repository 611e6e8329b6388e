"""A server that answers pulls with pages a client must refuse (signing.md §4: a replica
refuses a pull page that fails H1-H6 "as a broken server answer", and applies nothing).

It serves one space holding three changes of one site (its own key), signed rightly, and
breaks the page as MODE says:

  good       the page as it should be (the control: a client applies 3 changes)
  altered    change 2's value altered after signing (H4)
  no-heads   the page's heads left out (H6)
  bad-sig    the head's signature altered (H3)
  gap        changes 2 and 3 only (the client holds nothing of the site: a gap)

Usage: broken_server.py MODE        prints "http://127.0.0.1:PORT" once it listens.
Pushes are answered 500: only pulls matter here (`vector` says the server holds the
page's changes, so a client has nothing to push or relay).
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio  # noqa: E402
import signing  # noqa: E402

KEY = signing.SiteKey(bytes(range(100, 132)))
ENTITY = {"id": "0123456789abcdef", "kind": "annotation"}


def history():
    out = []
    for seq in (1, 2, 3):
        c = {"author": "server-made", "entity": ENTITY, "field": "note", "hlc": "018bcfe56806%04x" % seq,
             "op": "set", "seq": seq, "site": KEY.site, "value": f"note {seq}"}
        if seq > 1:
            c["pred"] = [{"seq": seq - 1, "site": KEY.site}]
        out.append(folio.canonical(c))
    return out


def page(mode):
    changes = history()
    heads = [signing.make_head(KEY, "server-made", 3, signing.chain_of(changes)[-1])]
    if mode == "altered":
        changes[1] = changes[1].replace(b'"note 2"', b'"note X"')
    elif mode == "no-heads":
        heads = []
    elif mode == "bad-sig":
        h = json.loads(heads[0])
        h["sig"] = ("0" if h["sig"][0] != "0" else "1") + h["sig"][1:]
        heads = [folio.canonical(h)]
    elif mode == "gap":
        changes = changes[1:]
    return (b'{"changes":[' + b",".join(changes) + b'],"cursor":' + str(len(changes)).encode()
            + b',"heads":[' + b",".join(heads) + b'],"more":false}')


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.endswith("/changes"):
            after = 0
            for part in self.path.partition("?")[2].split("&"):
                if part.startswith("after="):
                    after = int(part[6:])
            self.answer(200, page(MODE) if after == 0 else b'{"changes":[],"cursor":%d,"heads":[],"more":false}' % after)
        elif path.endswith("/vector"):
            held = 0 if MODE == "gap" else 3  # what the pages hold, so a client relays nothing
            self.answer(200, b'{"cursor":3,"vector":{"%s":%d}}' % (KEY.site.encode(), held))
        elif path.endswith("/health"):
            self.answer(200, b'{"status":"ok"}')
        else:
            self.answer(404, b'{"error":{"code":"not-found","message":"no such endpoint"}}')

    def do_POST(self):
        self.answer(500, b'{"error":{"code":"internal","message":"this server only serves pulls"}}')


if __name__ == "__main__":
    MODE = sys.argv[1]
    server = HTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
