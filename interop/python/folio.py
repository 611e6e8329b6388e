"""Folio sync protocol v2, second implementation (Python 3 standard library; signing.py adds
Ed25519 from the `cryptography` package).

Written from Protocol/ alone: canonical JSON of changes (canonical-json.md), change rules
(S1-S11, C1-C8), merge rules (merge-rules.md), bundles (bundle.md) and a sync client
(README.md, openapi.yaml). Keys, chains and signed heads (signing.md) are in signing.py.
"""
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
import urllib.error
import urllib.request

sys.setrecursionlimit(10000)

MAX_INT = 2**53 - 1
CHANGE_DEPTH = 65  # C8: a change nests at most 65 deep (canonical-json.md §4)


class Refused(Exception):
    """A change (or bundle, or body) refused: code + rule, as the protocol names them."""

    def __init__(self, rule, message, code="invalid-change", change=None):
        super().__init__(f"{code} {rule or ''}: {message}")
        self.rule, self.message, self.code, self.change = rule, message, code, change


# ---------------------------------------------------------------- J: strict JSON reader

_WS = " \t\n\r"
_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
_NUMTOK = re.compile(r"[-0-9][-+0-9.eE]*")  # J3: a number token starts with - or a digit
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")


_RULE_ORDER = ["J1", "C8", "J2", "J3", "J4", "J5", "J6", "J7"]


def nesting_depth(text):
    """canonical-json.md §6: [ and { minus ] and } outside strings, the greatest running count
    (a string runs from a " to the next " not escaped by a backslash). Needs no grammar."""
    depth = best = 0
    instr = esc = False
    for ch in text:
        if instr:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                instr = False
        elif ch == '"':
            instr = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


class _Reader:
    """J2 faults stop the parse; J3-J7 faults are noted and the parse goes on, so that the
    rule reported is the first in the order of canonical-json.md §6."""

    def __init__(self, text):
        self.s, self.i, self.n = text, 0, len(text)
        self.capture, self.spans = None, {}  # raw element spans of top-level "changes", "heads"
        self.noted = None  # the lowest J3-J7 fault so far: (rule, message)
        self.page = False  # reading a pull page: its elements are checked on their own

    def fail(self, rule, msg):
        raise Refused(rule, f"{msg} at character {self.i}")

    def note(self, rule, msg):
        if self.page:  # a pull page (R3): only its own keys follow J6/J7, checked in obj()
            return
        if self.noted is None or _RULE_ORDER.index(rule) < _RULE_ORDER.index(self.noted[0]):
            self.noted = (rule, f"{msg} at character {self.i}")

    def ws(self):
        while self.i < self.n and self.s[self.i] in _WS:
            self.i += 1

    def value(self, depth):
        self.ws()
        if self.i >= self.n:
            self.fail("J2", "unexpected end of input")
        c = self.s[self.i]
        if c == "{" or c == "[":
            return self.obj(depth + 1) if c == "{" else self.arr(depth + 1)
        if c == '"':
            return self.string()
        for lit, v in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(lit, self.i):
                self.i += len(lit)
                return v
        m = _NUMTOK.match(self.s, self.i)
        if m:
            tok = m.group()
            if not _INT.fullmatch(tok) or tok == "-0":
                self.note("J3", f"number {tok[:40]!r} is not an integer in J3 form")
                tok = "0"
            elif len(tok.lstrip("-")) > 16 or abs(int(tok)) > MAX_INT:
                self.note("J4", "integer outside ±(2^53-1)")
                tok = "0"
            self.i = m.end()
            return int(tok)
        self.fail("J2", f"unexpected character {c!r}")

    def string(self):
        self.i += 1  # opening quote
        out = []
        s = self.s
        while True:
            m = _PLAIN.match(s, self.i)
            out.append(m.group())
            self.i = m.end()
            if self.i >= self.n:
                self.fail("J2", "unterminated string")
            c = s[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c != "\\":
                self.fail("J2", "raw control character in string")
            e = s[self.i + 1 : self.i + 2]
            if e in _ESC:
                out.append(_ESC[e])
                self.i += 2
                continue
            if e != "u" or not _HEX4.fullmatch(s[self.i + 2 : self.i + 6]):
                self.fail("J2", "bad escape")
            code = int(s[self.i + 2 : self.i + 6], 16)
            self.i += 6
            nxt = s[self.i : self.i + 6]
            if (0xD800 <= code <= 0xDBFF and nxt.startswith("\\u") and _HEX4.fullmatch(nxt[2:])
                    and 0xDC00 <= int(nxt[2:], 16) <= 0xDFFF):
                code = 0x10000 + ((code - 0xD800) << 10) + (int(nxt[2:], 16) - 0xDC00)
                self.i += 6
            elif 0xD800 <= code <= 0xDFFF:
                self.note("J5", "unpaired surrogate escape")
                code = 0xFFFD
            out.append(chr(code))

    def obj(self, depth):
        self.i += 1
        d = {}
        self.ws()
        if self.i < self.n and self.s[self.i] == "}":
            self.i += 1
            return d
        while True:
            self.ws()
            if self.i >= self.n or self.s[self.i] != '"':
                self.fail("J2", "expected a key")
            k = self.string()
            if self.page and depth == 1 and (k in d or any(ord(ch) > 0x7F for ch in k)):
                self.fail("J6" if k in d else "J7", f"page key {k!r} repeated or not ASCII")
            if k in d:
                self.note("J6", f"repeated key {k!r}")
            if any(ord(ch) > 0x7F for ch in k):
                self.note("J7", f"non-ASCII key {k!r}")
            self.ws()
            if self.i >= self.n or self.s[self.i] != ":":
                self.fail("J2", "expected ':'")
            self.i += 1
            self.capture = k if depth == 1 and k in ("changes", "heads") else None
            d[k] = self.value(depth)
            self.capture = None
            self.ws()
            if self.i < self.n and self.s[self.i] == ",":
                self.i += 1
                continue
            if self.i < self.n and self.s[self.i] == "}":
                self.i += 1
                return d
            self.fail("J2", "expected ',' or '}'")

    def arr(self, depth):
        self.i += 1
        a = []
        key, self.capture = self.capture, None
        spans = [] if key else None
        if spans is not None:
            self.spans[key] = spans
        self.ws()
        if self.i < self.n and self.s[self.i] == "]":
            self.i += 1
            return a
        while True:
            self.ws()
            start = self.i
            a.append(self.value(depth))
            if spans is not None:
                spans.append((start, self.i))
            self.ws()
            if self.i < self.n and self.s[self.i] == ",":
                self.i += 1
                continue
            if self.i < self.n and self.s[self.i] == "]":
                self.i += 1
                return a
            self.fail("J2", "expected ',' or ']'")


def parse_json(data, spans=False, max_depth=256):
    """Bytes -> value, applying J1, the depth (C8 for a change: max_depth 65), J2, J3-J7 in
    that order (canonical-json.md §6). Raises Refused. With spans=True also returns the raw
    bytes of each element of a top-level member "changes" (a pull page), with spans="page"
    those of "changes" and of "heads"."""
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            raise Refused("J1", f"not UTF-8: {e.reason} at byte {e.start}")
    else:
        text = data
    if nesting_depth(text) > max_depth:
        raise Refused("C8", f"arrays and objects nest more than {max_depth} deep")
    r = _Reader(text)
    r.page = spans
    v = r.value(0)
    r.ws()
    if r.i != r.n:
        r.fail("J2", "trailing characters after the JSON text")
    if r.noted:
        raise Refused(*r.noted)
    if spans:
        got = {k: [text[a:b].encode("utf-8") for a, b in ab] for k, ab in r.spans.items()}
        if spans == "page":
            return v, got.get("changes", []), got.get("heads", [])
        return v, got.get("changes", [])
    return v


# ---------------------------------------------------------------- K: canonical writer

_ESCAPES = {i: "\\u%04x" % i for i in range(0x20)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                 0x22: '\\"', 0x5C: "\\\\"})


def _enc(v, out):
    if v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif v is None:
        out.append("null")
    elif type(v) is int:
        out.append(str(v))
    elif isinstance(v, str):
        out.append('"' + v.translate(_ESCAPES) + '"')
    elif isinstance(v, list):
        out.append("[")
        for j, x in enumerate(v):
            if j:
                out.append(",")
            _enc(x, out)
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        for j, k in enumerate(sorted(v, key=lambda k: k.encode("utf-8"))):
            if j:
                out.append(",")
            out.append('"' + k.translate(_ESCAPES) + '":')
            _enc(v[k], out)
        out.append("}")
    else:
        raise TypeError(f"not a Folio JSON value: {type(v)}")


def canonical(v):
    out = []
    _enc(v, out)
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------- S and C: change rules

_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_ID = re.compile(r"[A-Za-z0-9-]{1,128}")
_FIELD = re.compile(r"[A-Za-z]{1,64}")
_REQUIRED = {"author", "entity", "field", "hlc", "op", "seq", "site"}
_ALLOWED = _REQUIRED | {"context", "pred", "value"}


def _isint(x, lo=1):
    return type(x) is int and lo <= x <= MAX_INT


def _issite(x):
    return isinstance(x, str) and _HEX32.fullmatch(x) is not None


def validate(c):
    """S1-S11 then C1-C7 on a decoded change, each rule whole and in that order (C8 was
    checked on the bytes, before the grammar). Raises Refused."""
    def no(rule, msg):
        raise Refused(rule, msg, change=dot)

    dot = None
    if not isinstance(c, dict) or not _REQUIRED <= set(c) or not set(c) <= _ALLOWED:
        raise Refused("S1", "not an object with exactly the change members")
    if _issite(c["site"]) and _isint(c["seq"]):
        dot = {"seq": c["seq"], "site": c["site"]}
    if not _issite(c["site"]):
        no("S2", "site is not 32 lowercase hex digits")
    if not _isint(c["seq"]):
        no("S3", "seq is not an integer >= 1")
    if not (isinstance(c["hlc"], str) and _HEX16.fullmatch(c["hlc"])):
        no("S4", "hlc is not 16 lowercase hex digits")
    a = c["author"]
    if not (isinstance(a, str) and 1 <= len(a.encode("utf-8")) <= 200):
        no("S5", "author is not a string of 1-200 UTF-8 bytes")
    e = c["entity"]
    if not (isinstance(e, dict) and set(e) == {"id", "kind"} and e["kind"] in ("article", "annotation")
            and isinstance(e["id"], str) and _ID.fullmatch(e["id"])):
        no("S6", "bad entity")
    if not (isinstance(c["field"], str) and _FIELD.fullmatch(c["field"])):
        no("S7", "field is not 1-64 ASCII letters")
    if c["op"] not in ("set", "add", "remove") or not isinstance(c["op"], str):
        no("S8", "op is not set, add or remove")
    if "pred" in c:
        p = c["pred"]
        if not (isinstance(p, list) and 1 <= len(p) <= 1000):
            no("S9", "pred is not an array of 1-1000 dots")
        for d in p:
            if not (isinstance(d, dict) and set(d) == {"seq", "site"} and _isint(d["seq"]) and _issite(d["site"])):
                no("S9", "pred holds something that is not a dot")
            if d["seq"] == c["seq"] and d["site"] == c["site"]:
                no("S9", "pred names the change itself")
    if "value" in c and c["value"] is None:
        no("S10", "value is null")
    if "context" in c:
        x = c["context"]
        if not (isinstance(x, dict) and len(x) <= 4096 and all(_issite(k) and _isint(v) for k, v in x.items())):
            no("S11", "context is not a version vector of at most 4096 sites")
    op, field = c["op"], c["field"]
    if (field == "tags") != (op in ("add", "remove")):
        no("C1", "tags take add/remove, other fields set")
    if (op in ("set", "add")) != ("value" in c):
        no("C2", "set and add carry a value, remove none")
    if op == "add" and not isinstance(c["value"], str):
        no("C3", "an add's value is not a string")
    if op == "remove" and "pred" not in c:
        no("C4", "a remove has no pred")
    if op == "set" and field == "deleted" and not isinstance(c["value"], bool):
        no("C5", "deleted is not true or false")
    if (op == "set" and field == "deleted" and c["value"] is True) != ("context" in c):
        no("C6", "context only and always on a delete")
    if "value" in c and len(canonical(c["value"])) > 262144:
        no("C7", "value larger than 262,144 bytes")
    return c


def decode_change(data):
    """The one change reader (push, pull, bundle, store): J1, C8, J2-J7, S, C, then K1: the
    first rule broken in that order is the one reported. Returns the dict."""
    c = parse_json(data, max_depth=CHANGE_DEPTH)
    validate(c)
    if canonical(c) != bytes(data):
        raise Refused("K1", "bytes are not the canonical JSON of the change",
                      change={"seq": c["seq"], "site": c["site"]})
    return c


def read_page(body):
    """canonical-json.md §7 R3: a pull page -> (page dict, [element bytes], [head bytes]), each
    element checked as a change (the heads are signing.apply_signed's). Raises Refused: code
    malformed-page, or invalid-change for an element."""
    try:
        page, raw, heads = parse_json(body, spans="page")  # ordinary JSON (J6, J7), white space allowed
    except Refused as e:
        raise Refused(None, f"the page is not JSON: {e.message}", code="malformed-page")
    if not (isinstance(page, dict) and isinstance(page.get("changes"), list)
            and isinstance(page.get("heads", []), list)
            and _isint(page.get("cursor"), 0) and isinstance(page.get("more"), bool)):
        raise Refused(None, "a page needs changes (a list), heads (a list), cursor (0 or more)"
                      " and more (a boolean)", code="malformed-page")
    for b in raw:
        decode_change(b)  # each element's own bytes, K1 included
    return page, raw, heads


def dot_of(c):
    return (c["site"], c["seq"])


# ---------------------------------------------------------------- merge (merge-rules.md)

def json_equal(a, b):
    """merge-rules.md §4.5: same JSON value, strings compared after NFC."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if type(a) is not type(b):
        return False
    if isinstance(a, str):
        return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return set(a) == set(b) and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def _order(c):
    return (int(c["hlc"], 16), c["site"], c["seq"])


def conflict_id(entity, field):
    return hashlib.sha256(f"{entity['kind']}/{entity['id']}/{field}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------- text merge (merge-rules.md §4.7)

TEXT_FIELDS = ("title", "summary", "background", "note")
_SPACE = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
          0x205F, 0x3000} | set(range(0x2000, 0x200B))
_UNSPACED = [(0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x2E80, 0x2FDF),
             (0x3005, 0x3007), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31A0, 0x31FF),
             (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
             (0x20000, 0x3FFFF)]
TABLE_LIMIT = 1 << 20


def _class(ch):
    cp = ord(ch)
    if cp in _SPACE:
        return "space"
    cat = unicodedata.category(ch)
    if cat[0] == "M":
        return "mark"
    if cat[0] in "LN":
        if any(lo <= cp <= hi for lo, hi in _UNSPACED):
            return "standalone"
        return "word"
    return "standalone"


def tokens(text):
    """§4.7.1"""
    out, cur, cur_class = [], "", None
    for ch in text:
        k = _class(ch)
        if k == "mark":
            joins = cur != ""
        elif k in ("word", "space"):
            joins = cur != "" and cur_class == k
        else:
            joins = False
        if not joins:
            if cur:
                out.append(cur)
            cur, cur_class = "", ("standalone" if k == "mark" else k)
        cur += ch
    if cur:
        out.append(cur)
    return out


def edits(a, b):
    """§4.7.2: the edits (start, end, replacement tuple) turning token list a into b."""
    n, m = len(a), len(b)
    p = 0
    while p < n and p < m and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(n, m) - p and a[n - 1 - s] == b[m - 1 - s]:
        s += 1
    A, B = a[p:n - s], b[p:m - s]
    if not A and not B:
        return []
    if (len(A) + 1) * (len(B) + 1) > TABLE_LIMIT:
        return [(p, n - s, tuple(B))]
    L = [[0] * (len(B) + 1) for _ in range(len(A) + 1)]
    for i in range(len(A) - 1, -1, -1):
        for j in range(len(B) - 1, -1, -1):
            L[i][j] = L[i + 1][j + 1] + 1 if A[i] == B[j] else max(L[i + 1][j], L[i][j + 1])
    out, run = [], None  # run: [start, end, replacement]
    i = j = 0
    while i < len(A) or j < len(B):
        if i < len(A) and j < len(B) and A[i] == B[j]:
            if run:
                out.append((run[0], run[1], tuple(run[2])))
                run = None
            i += 1
            j += 1
        elif i < len(A) and (j == len(B) or L[i + 1][j] >= L[i][j + 1]):
            if run is None:
                run = [p + i, p + i, []]
            i += 1
            run[1] = p + i
        else:
            if run is None:
                run = [p + i, p + i, []]
            run[2].append(B[j])
            j += 1
    if run:
        out.append((run[0], run[1], tuple(run[2])))
    return out


def _collide(x, y):
    return (x[0] < y[1] and y[0] < x[1]) or x[0] == y[0] or x[1] == y[1]


def text_merge(base, versions):
    """§4.7.4: the merged text, or None when edits collide."""
    bt = tokens(base)
    es = set()
    for v in versions:
        es.update(edits(bt, tokens(v)))
    es = sorted(es, key=lambda e: (e[0], e[1]))
    for k, x in enumerate(es):
        for y in es[k + 1:]:
            if _collide(x, y):
                return None
    out, pos = [], 0
    for start, end, rep in es:
        out.extend(bt[pos:start])
        out.extend(rep)
        pos = end
    out.extend(bt[pos:])
    return "".join(out)


def merge_base(heads, uniq):
    """§4.7.3: the base change of the current changes `heads`, or None."""
    first = heads[0]
    reached = {dot_of(h): {k} for k, h in enumerate(heads)}
    waiting = {dot_of(h): h for h in heads}
    stale, found = set(), []
    while any(d not in stale for d in waiting):
        n = max(waiting.values(), key=_order)
        nd = dot_of(n)
        del waiting[nd]
        r = reached[nd]
        if len(r) == len(heads) and nd not in stale:
            found.append(n)
            stale.add(nd)
        for d in n.get("pred", ()):
            dd = (d["site"], d["seq"])
            c = uniq.get(dd)
            if (c is None or c["field"] != first["field"] or c["op"] != "set"
                    or int(c["hlc"], 16) >= int(n["hlc"], 16)):
                return None
            reached.setdefault(dd, set()).update(r)
            if nd in stale:
                stale.add(dd)
            waiting[dd] = c
    if len(found) == 1:
        return found[0]
    if len(found) < 2 or first["field"] not in TEXT_FIELDS:
        return None
    # §4.7.3 step 3: several latest common ancestors that merge stand for their merged text.
    greatest_first = sorted(found, key=_order, reverse=True)
    inner = merge_base(greatest_first, uniq)
    if (inner is None or not isinstance(inner["value"], str)
            or not all(isinstance(c["value"], str) for c in greatest_first)):
        return None
    merged = text_merge(inner["value"], [c["value"] for c in greatest_first])
    if merged is None:
        return None
    return dict(greatest_first[0], value=merged)


def entity_state(entity, changes):
    """Merged state of one record from any collection of its changes (others ignored)."""
    uniq = {}
    for c in changes:
        if c["entity"] == entity:
            uniq[dot_of(c)] = c
    sup = {(d["site"], d["seq"]) for c in uniq.values() for d in c.get("pred", ())}
    cur = [c for k, c in uniq.items() if k not in sup and c["op"] != "remove"]
    cur.sort(key=_order, reverse=True)
    fields = {}
    for c in cur:
        if c["op"] == "set":
            fields.setdefault(c["field"], []).append(c)
    values = {f: cs[0]["value"] for f, cs in fields.items()}
    conflicts, merges = [], []
    for f, cs in fields.items():
        if f == "deleted":
            continue
        distinct = []
        for c in cs:
            if not any(json_equal(c["value"], d) for d in distinct):
                distinct.append(c["value"])
        if len(distinct) > 1:
            base = merge_base(cs, uniq)
            if (f in TEXT_FIELDS and base is not None and isinstance(base["value"], str)
                    and all(isinstance(c["value"], str) for c in cs)):
                merged = text_merge(base["value"], [c["value"] for c in cs])
                if merged is not None:
                    values[f] = merged
                    merges.append({"field": f, "base": {"site": base["site"], "seq": base["seq"]},
                                   "versions": [{"site": c["site"], "seq": c["seq"]} for c in cs]})
                    continue
            conflicts.append({"id": conflict_id(entity, f), "field": f, "kind": "value",
                              "versions": [{"site": c["site"], "seq": c["seq"]} for c in cs],
                              "base": None if base is None else {"site": base["site"], "seq": base["seq"]}})
    # tags (merge-rules.md §5): present when an addition is current; shown in NFC, sorted
    # by code point
    tags = sorted({unicodedata.normalize("NFC", c["value"]) for c in cur if c["op"] == "add"})
    # deletes
    dels = fields.get("deleted", [])
    deletes = [c for c in dels if c["value"] is True]
    seen = {}
    for c in deletes:
        for s, n in c.get("context", {}).items():
            seen[s] = max(seen.get(s, 0), n)
    concurrent = sorted((c for c in uniq.values() if c["field"] != "deleted"
                         and seen.get(c["site"], 0) < c["seq"]), key=_order, reverse=True)
    deleted = bool(dels) and len(deletes) == len(dels) and not concurrent
    if deletes and (concurrent or len(deletes) != len(dels)):
        conflicts.append({"id": conflict_id(entity, "deleted"), "field": "deleted", "kind": "delete",
                          "versions": [{"site": c["site"], "seq": c["seq"]} for c in dels + concurrent]})
    conflicts.sort(key=lambda x: x["field"])
    merges.sort(key=lambda x: x["field"])
    if deleted:
        merges = []
    exists = any(c["op"] in ("set", "add") for c in cur)
    return {"entity": entity, "exists": exists, "deleted": deleted, "values": values,
            "tags": tags, "conflicts": conflicts, "merges": merges, "_current": fields}


# ---------------------------------------------------------------- replica

def version_vector(dots):
    """merge-rules.md §8: per site the highest seq with no gap below it."""
    by = {}
    for s, n in dots:
        by.setdefault(s, set()).add(n)
    vv = {}
    for s, ns in by.items():
        k = 0
        while k + 1 in ns:
            k += 1
        if k:
            vv[s] = k
    return dict(sorted(vv.items()))


class Replica:
    """A replica: its site, its changes (canonical bytes by dot), its clock, sync state.
    Stored as one JSON file (not part of the protocol)."""

    def __init__(self, path):
        self.path = path
        with open(path) as f:
            st = json.load(f)
        self.site, self.author, self.latest = st["site"], st["author"], st["latest"]
        self.remote = st.get("remote", {})
        if "key" not in st:
            raise Refused(None, f"{path} was made before protocol 2: it has no key and cannot sign",
                          code="no-key")
        self.key_seed = st["key"]  # Ed25519 private key (seed), hex: site = signing.site_of(its key)
        self.heads = st.get("heads", {})  # site -> {seq: verified head}, other sites (signing.md §6)
        self.lines = {}
        for line in st["changes"]:
            b = line.encode("utf-8")
            c = decode_change(b)  # a stored change that breaks a rule is corruption
            self.lines[dot_of(c)] = (b, c)

    @staticmethod
    def init(path, author):
        import signing
        key = signing.SiteKey.generate()
        st = {"site": key.site, "key": key.seed.hex(), "author": author, "latest": 0, "changes": []}
        with open(path, "w") as f:
            json.dump(st, f)
        return Replica(path)

    def save(self):
        st = {"site": self.site, "key": self.key_seed, "author": self.author, "latest": self.latest,
              "remote": self.remote, "heads": self.heads,
              "changes": [b.decode("utf-8") for b, _ in self.lines.values()]}
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(st, f)
        os.replace(tmp, self.path)

    # clock, merge-rules.md §3: never more than 5 minutes ahead of this machine's wall clock
    TOLERANCE = 300000

    def _ceiling(self, now):
        return (now + self.TOLERANCE) << 16

    def tick(self):
        now = int(time.time() * 1000)
        self.latest = min(self.latest, self._ceiling(now))
        ms, ctr = self.latest >> 16, self.latest & 0xFFFF
        if now > ms:
            self.latest = now << 16
        elif ctr < 0xFFFF:
            self.latest = (ms << 16) | (ctr + 1)
        else:
            self.latest = (ms + 1) << 16
        return "%016x" % self.latest

    def observe(self, hlc):
        """The reading to take in: never refused, never beyond the tolerance."""
        return min(int(hlc, 16), self._ceiling(int(time.time() * 1000)))

    def apply(self, blobs):
        """Apply a batch of change bytes all-or-nothing. Returns the number of new changes."""
        new, latest = {}, min(self.latest, self._ceiling(int(time.time() * 1000)))
        for b in blobs:
            c = decode_change(b)
            latest = max(latest, self.observe(c["hlc"]))
            k = dot_of(c)
            old = self.lines.get(k) or new.get(k)
            if old is not None:
                if old[0] != b:
                    raise Refused(None, f"change {k[0]}:{k[1]} differs from the one held",
                                  code="conflicting-change", change={"seq": k[1], "site": k[0]})
                continue
            new[k] = (b, c)
        self.lines.update(new)
        self.latest = latest
        return len(new)

    def changes(self):
        return [c for _, c in self.lines.values()]

    def vector(self):
        return version_vector(self.lines.keys())

    def next_seq(self):
        return max((n for s, n in self.lines if s == self.site), default=0) + 1

    def state(self, entity):
        return entity_state(entity, self.changes())

    def make(self, entity, field, op, value=None, pred=None, context=None):
        c = {"author": self.author, "entity": entity, "field": field, "hlc": self.tick(), "op": op,
             "seq": self.next_seq(), "site": self.site}
        if value is not None:
            c["value"] = value
        if pred:
            c["pred"] = pred
        if context is not None:
            c["context"] = context
        b = canonical(c)
        decode_change(b)  # a replica's own edit is refused before anything is written
        self.lines[dot_of(c)] = (b, c)
        return c

    def set_field(self, entity, field, value):
        """An ordinary edit: pred names every current value of the field (§4)."""
        st = self.state(entity)
        pred = [{"seq": c["seq"], "site": c["site"]} for c in st["_current"].get(field, [])]
        return self.make(entity, field, "set", value=value, pred=pred)

    # ------------------------------------------------------------ sync client (README.md)
    def _req(self, url, method, token, body=None):
        assert url.startswith("http://127.0.0.1"), "this client talks to 127.0.0.1 only"
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def pull(self, base, space, token, limit=1000):
        import signing
        r = self.remote.setdefault(base + "|" + space, {"cursor": 0, "acked": 0})
        pages = 0
        # README.md "History regressions": the furthest position seen (pulled or pushed) and
        # the change there must still be the same; the first page starts one change early
        # when that position is the cursor, else it is asked for on its own.
        cp = r.get("checkpoint")  # [position, site, seq]
        checking = r["cursor"] > 0 and (cp is None or cp[0] == r["cursor"])
        if not checking and cp is not None:
            st, body = self._req(f"{base}/v2/spaces/{space}/changes?after={cp[0] - 1}&limit=1",
                                 "GET", token)
            page, raw, _ = read_page(body)
            if not raw or list(dot_of(decode_change(raw[0]))) != cp[1:]:
                self._restart(base, space, token, r)
        while True:
            after = r["cursor"] - 1 if checking else r["cursor"]
            st, body = self._req(f"{base}/v2/spaces/{space}/changes?after={after}&limit={limit}",
                                 "GET", token)
            if st != 200:
                raise RuntimeError(f"pull: HTTP {st}: {body[:300]!r}")
            page, raw, heads = read_page(body)
            whole = raw
            if checking:
                checking = False
                first = list(dot_of(decode_change(raw[0]))) if raw else None
                if first is None or (cp is not None and first != cp[1:]):
                    self._restart(base, space, token, r)
                    continue
                raw = raw[1:]
            try:  # each element's own bytes, checked as a change (K1 included), and the heads
                signing.apply_signed(self, whole, heads)
            except signing.HeadRefused as e:
                raise RuntimeError(f"pull: the server's page is broken: {e.code} {e.rule or ''} {e.message}")
            r["cursor"] = page["cursor"]
            if raw:
                self._advance(r, [page["cursor"]] + list(dot_of(decode_change(raw[-1]))))
            self.save()  # cursor saved only after the page is applied
            pages += 1
            if not page["more"]:
                return pages

    def _advance(self, r, checkpoint):
        if r.get("checkpoint") is None or r["checkpoint"][0] <= checkpoint[0]:
            r["checkpoint"] = checkpoint

    def _restart(self, base, space, token, r):
        """The server's history went back: read it all again, push again what it lost."""
        st, v = self._req(f"{base}/v2/spaces/{space}/vector", "GET", token)
        r["cursor"], r["acked"] = 0, json.loads(v)["vector"].get(self.site, 0)
        r.pop("checkpoint", None)
        self.save()

    def push(self, base, space, token, batch=5000):
        import signing
        r = self.remote.setdefault(base + "|" + space, {"cursor": 0, "acked": 0})
        pushed = 0
        for _ in range(3):
            mine = sorted((k[1], b) for k, (b, _) in self.lines.items() if k[0] == self.site and k[1] > r["acked"])
            if not mine:
                return pushed
            chunk = mine[:batch]
            body = signing.push_body([b for _, b in chunk], [signing.own_head(self, chunk[-1][0])])
            st, resp = self._req(f"{base}/v2/spaces/{space}/changes", "POST", token, body)
            if st == 200:
                answer = json.loads(resp)
                pushed += answer["accepted"]
                r["acked"] = chunk[-1][0]
                if answer["accepted"] > 0:  # the batch's last change is the last stored
                    self._advance(r, [answer["cursor"], self.site, chunk[-1][0]])
                self.save()
                continue
            err = json.loads(resp).get("error", {})
            if st == 409 and err.get("code") == "gap":
                st2, v = self._req(f"{base}/v2/spaces/{space}/vector", "GET", token)
                r["acked"] = json.loads(v)["vector"].get(self.site, 0)
                continue
            raise RuntimeError(f"push: HTTP {st}: {err}")
        return pushed

    def sync(self, base, space, token):
        self.pull(base, space, token)
        return self.push(base, space, token)


# ---------------------------------------------------------------- bundles (bundle.md)

MAX_LINE = 544040


def write_bundle(replica, path, since=None):
    import signing
    since = since or {}
    dots = [(s, n) for (s, n) in sorted(replica.lines) if since.get(s, 0) < n]
    lines = [replica.lines[d][0] + b"\n" for d in dots]
    header = canonical({"created": int(time.time() * 1000), "format": "folio-bundle",
                        "heads": signing.bundle_heads(replica, dots), "site": replica.site,
                        "vector": replica.vector(), "version": 2}) + b"\n"
    h = hashlib.sha256(header)
    for ln in lines:
        h.update(ln)
    trailer = canonical({"count": len(lines), "end": True, "sha256": h.hexdigest()}) + b"\n"
    with open(path, "wb") as f:
        f.write(header + b"".join(lines) + trailer)
    return len(lines)


def _lines(data):
    """The lines of a file: (bytes without the newline, whether a newline ended it)."""
    out, pos = [], 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            out.append((data[pos:], False))
            break
        out.append((data[pos:nl], True))
        pos = nl + 1
    return out


def read_bundle(data):
    """bundle.md: returns (header, [change bytes]), or raises Refused with the code of the first
    refusal in the order B1-B10 (B11, a conflict with what is held, is Replica.apply's)."""
    def bad(code, msg):
        raise Refused(None, msg, code=code)

    lines = _lines(data)
    if not lines:
        bad("not-a-bundle", "the file is empty")
    first, ended = lines[0]
    if len(first) > MAX_LINE:
        bad("line-too-long", f"line 1 is longer than {MAX_LINE} bytes")
    if not ended:
        bad("not-a-bundle", "the first line is not ended by a newline")
    try:
        head = parse_json(first)
    except Refused:
        bad("not-a-bundle", "the first line is not Folio JSON")
    if not isinstance(head, dict) or head.get("format") != "folio-bundle":
        bad("not-a-bundle", "the first line is not a folio-bundle header")
    if type(head.get("version")) is not int or head["version"] != 2:
        bad("unsupported-version", f"version {head.get('version')!r}")
    if not (set(head) == {"created", "format", "heads", "site", "vector", "version"} and _isint(head["created"], 0)
            and isinstance(head["heads"], list)  # each head's own rules: H1-H6, when applied
            and _issite(head["site"]) and isinstance(head["vector"], dict)
            and all(_issite(k) and _isint(v) for k, v in head["vector"].items())
            and canonical(head) == first):
        bad("malformed-header", "the header breaks a rule of its table or is not canonical")
    body, trailer = [], None
    for j, (ln, ended) in enumerate(lines[1:], start=2):
        if len(ln) > MAX_LINE:
            bad("line-too-long", f"line {j} is longer than {MAX_LINE} bytes")
        if trailer is not None:
            bad("data-after-trailer", f"line {j} follows the trailer")
        if not ended:
            bad("truncated", f"line {j} is cut off")
        if ln == b"" or ln.endswith(b"\r"):
            bad("malformed-line", f"line {j} is blank or ends with \\r")
        if ln.startswith(b'{"count"') or ln.startswith(b'{"end"'):
            try:
                trailer = parse_json(ln)
            except Refused:
                bad("malformed-trailer", f"line {j}: the trailer is not JSON")
            if not (isinstance(trailer, dict) and set(trailer) == {"count", "end", "sha256"}
                    and _isint(trailer["count"], 0) and trailer["end"] is True
                    and isinstance(trailer["sha256"], str) and re.fullmatch(r"[0-9a-f]{64}", trailer["sha256"])
                    and canonical(trailer) == ln):
                bad("malformed-trailer", f"line {j}: the trailer is malformed")
            continue
        try:
            decode_change(ln)
        except Refused as e:
            e.message = f"line {j}: {e.message}"
            raise
        body.append(ln)
    if trailer is None:
        bad("truncated", "no trailer")
    h = hashlib.sha256(first + b"\n")
    for ln in body:
        h.update(ln + b"\n")
    if trailer["count"] != len(body) or h.hexdigest() != trailer["sha256"]:
        bad("checksum-mismatch", "the trailer's count or checksum does not match")
    return head, body


def apply_bundle(replica, path):
    import signing
    with open(path, "rb") as f:
        head, body = read_bundle(f.read())
    try:
        n = signing.apply_signed(replica, body, [canonical(h) for h in head["heads"]], gap_message=lambda e: (
            f"the bundle lacks site {e.site}'s changes: {e.message}; ask for one made for this replica's vector"))
    except Refused as e:
        if e.code == "gap":  # bundle.md B13
            e.code = "missing-changes"
        raise
    replica.save()
    return n


# ---------------------------------------------------------------- push body split (§7)

def _cut_array(body, start):
    """The elements of the array whose first element starts at `start` (just after its `[`),
    cut at commas outside strings and brackets: (element bytes, index of its `]`), or None."""
    parts, depth, instr, esc, begin = [], 0, False, False, start
    for j in range(start, len(body)):
        ch = body[j]
        if instr:
            if esc:
                esc = False
            elif ch == 0x5C:
                esc = True
            elif ch == 0x22:
                instr = False
        elif ch == 0x22:
            instr = True
        elif ch in b"{[":
            depth += 1
        elif ch in b"}]":
            depth -= 1
            if depth < 0:
                if ch != 0x5D:
                    return None
                if j > start or parts:
                    parts.append(body[begin:j])
                return parts, j
        elif ch == 0x2C and depth == 0:
            parts.append(body[begin:j])
            begin = j + 1
    return None


def check_push_body(body):
    """What a server must answer to a push body before storage checks: (status, code, rule)
    or (200, None, None) with the list of change bytes in a 4th slot. Protocol v2: the body
    is {"changes":[…],"heads":[…]} (canonical-json.md §7); the heads get H1-H3 and H6."""
    import signing
    pre, mid = b'{"changes":[', b'],"heads":['
    cut = _cut_array(body, len(pre)) if body.startswith(pre) else None
    if cut is None or body[cut[1]:cut[1] + len(mid)] != mid:
        return 400, "bad-request", None, None
    parts = cut[0]
    cut = _cut_array(body, cut[1] + len(mid))
    if cut is None or body[cut[1]:] != b"]}":
        return 400, "bad-request", None, None
    heads = cut[0]
    if len(parts) > 5000:
        return 413, "too-many-changes", None, None
    changes = []
    for p in parts:
        try:
            changes.append(decode_change(p))
        except Refused as e:
            return 400, e.code, e.rule, None
    try:
        signing.check_heads(changes, heads)
    except signing.HeadRefused as e:
        return 400, e.code, e.rule, None
    return 200, None, None, parts
