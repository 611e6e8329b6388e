#!/usr/bin/env python3
"""Writes the change vectors (canonical.json, validation.json, limits.json, push-bodies.json).

push-bodies.json signs heads (Protocol/signing.md) with fixed keys; it needs the Python package
`cryptography`.

Run from anywhere: python3 Protocol/vectors/changes/generate.py. The files it writes are the
test kit; this script only records how each case was made. Canonical bytes are written by
`canon`, which is RFC 8785 for Folio's JSON (integers only, ASCII keys): Python's json with
sorted keys, no white space and raw UTF-8 escapes exactly what canonical-json.md says.
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
B = "b" * 32
NOTE = {"id": "018bcfe56800a1b2c3d4e5f60718293a", "kind": "annotation"}
ARTICLE = {"id": "9f86d081884c7d65", "kind": "article"}
HLC = "018bcfe568060000"
counter = [0]


def canon(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def site():
    """A fresh site per case, so every accepted case is a new (site, 1) anywhere."""
    counter[0] += 1
    return "%032x" % (0xC0DE0000 + counter[0])


def change(**overrides):
    c = {"author": "alice", "entity": NOTE, "field": "note", "hlc": HLC, "op": "set",
         "seq": 1, "site": site(), "value": "edited"}
    for key, value in overrides.items():
        if value is DROP:
            c.pop(key, None)
        else:
            c[key] = value
    return c


DROP = object()


def accept(name, text, why):
    return {"name": name, "description": why, **encoded(text), "expect": "accept"}


def refuse(name, text, rule, why):
    return {"name": name, "description": why, **encoded(text),
            "expect": {"code": "invalid-change", "rule": rule}}


def encoded(text):
    if isinstance(text, bytes):
        try:
            decoded = text.decode("utf-8")
        except UnicodeDecodeError:
            return {"inputHex": text.hex()}
        text = decoded
    # Lone surrogates cannot be carried in a JSON string of the vector file.
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        return {"inputHex": text.encode("utf-8", "surrogatepass").hex()}
    return {"input": text}


def nest(depth, leaf=1):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def canonical_cases():
    cases = []
    c = canon(change())
    cases.append(accept("plain-set", c, "A set of a note, in canonical form."))
    cases.append(accept(
        "escapes", canon(change(value="q\"b\\s/n\n\t\r\b\f\u0001\u001f\u007f é 😀 \u2028 end")),
        "Only quote, backslash and U+0000-U+001F are escaped (\\b \\t \\n \\f \\r short, the "
        "rest \\u00xx lowercase); slash, DEL, U+2028 and non-ASCII are raw UTF-8."))
    cases.append(accept(
        "object-value-key-order",
        canon(change(value={"b": {"": 0}, "B": 1, "a": [True, False, None], "A_": "x"})),
        "Keys sorted by byte: upper case before lower case, the empty key first; null inside "
        "a value is fine."))
    cases.append(accept(
        "integers", canon(change(value=[0, -1, 42, 9007199254740991, -9007199254740991])),
        "Integers in shortest form, up to ±(2^53 - 1)."))
    s = site()
    cases.append(accept(
        "remove", canon({"author": "bob", "entity": NOTE, "field": "tags", "hlc": HLC,
                         "op": "remove", "pred": [{"seq": 2, "site": B}, {"seq": 1, "site": B}],
                         "seq": 1, "site": s}),
        "A remove: no value; pred in the writer's order (not sorted)."))
    cases.append(accept(
        "delete", canon(change(field="deleted", value=True,
                               context={B: 7, "a" * 32: 3}, pred=[{"seq": 4, "site": B}])),
        "A delete with its context: context sites in ascending order."))
    cases.append(accept("add", canon(change(field="tags", op="add", value="to read")), "A tag add."))
    cases.append(accept("article-title", canon(change(entity=ARTICLE, field="title",
                                                      value="Ünïcödé title")), "An article."))
    cases.append(accept("depth-64", canon(change(value=nest(63, []))),
                        "The value nests 64 arrays: the most allowed (C8)."))

    base = change(value="x")
    text = canon(base)
    cases.append(refuse("white-space", json.dumps(base, ensure_ascii=False, sort_keys=True), "K1",
                        "Spaces after ':' and ','."))
    cases.append(refuse("trailing-newline", text + "\n", "K1", "A newline after the object."))
    cases.append(refuse("leading-space", " " + text, "K1", "A space before the object."))
    unsorted = '{"site":"%s",' % base["site"] + text[1:].replace(',"site":"%s"' % base["site"], "")
    cases.append(refuse("keys-out-of-order", unsorted, "K1", "site written first."))
    cases.append(refuse("escaped-slash", canon(change(value="a/b")).replace("a/b", "a\\/b"), "K1",
                        "\\/ is never canonical."))
    cases.append(refuse("escaped-non-ascii", canon(change(value="café")).replace("é", "\\u00e9"),
                        "K1", "é must be raw UTF-8, not \\u00e9."))
    cases.append(refuse("escaped-ascii", canon(change(value="A")).replace('"A"', '"\\u0041"'), "K1",
                        "\\u0041 for A."))
    cases.append(refuse("uppercase-hex-escape", canon(change(value="\u001f")).replace("\\u001f", "\\u001F"),
                        "K1", "Escapes use lowercase hex."))
    cases.append(refuse("long-form-backspace", canon(change(value="\b")).replace("\\b", "\\u0008"),
                        "K1", "U+0008 is written \\b."))
    cases.append(refuse("nested-keys-out-of-order",
                        canon(change(value={"a": 1, "b": 2})).replace('{"a":1,"b":2}', '{"b":2,"a":1}'),
                        "K1", "Keys inside the value out of order."))
    cases.append(refuse("empty-pred", canon(change(pred=[])), "S9", "An empty pred is left out, never []."))
    cases.append(refuse("null-value", canon(change(value=None)), "S10", "value is never null."))
    for name, spelling, why in [
        ("fraction-one", "1.0", "1.0 is not 1: no fractions."),
        ("fraction", "1.5", "No fractions."),
        ("exponent", "1e2", "No exponents."),
        ("exponent-upper", "1E2", "No exponents."),
        ("minus-zero", "-0", "-0 is refused; write 0."),
        ("minus-zero-fraction", "-0.0", "No fractions, no -0."),
        ("leading-zero", "01", "No leading zeros."),
    ]:
        cases.append(refuse("number-" + name, canon(change(value=[7])).replace("[7]", "[%s]" % spelling),
                            "J3", why))
    cases.append(refuse("seq-as-fraction", canon(change(seq=52)).replace('"seq":52', '"seq":52.0'), "J3",
                        "seq written 52.0."))
    for name, spelling in [("2^53", "9007199254740992"), ("2^63", "9223372036854775808"),
                           ("minus-2^53", "-9007199254740992"), ("10^30", "1" + "0" * 30)]:
        cases.append(refuse("integer-" + name, canon(change(value=[7])).replace("[7]", "[%s]" % spelling),
                            "J4", "Beyond ±(2^53 - 1)."))
    dup = text.replace('{"author":"alice",', '{"author":"alice","author":"alice",')
    cases.append(refuse("duplicate-key", dup, "J6", "author twice, same value."))
    cases.append(refuse("duplicate-key-in-value",
                        canon(change(value={"a": 1})).replace('{"a":1}', '{"a":1,"a":1}'), "J6",
                        "A key twice inside the value."))
    cases.append(refuse("duplicate-key-by-escape",
                        canon(change(value={"a": 1})).replace('{"a":1}', '{"\\u0061":2,"a":1}'), "J6",
                        "\\u0061 is the key a."))
    cases.append(refuse("unknown-member", canon(change(zzz=1)), "S1", "No members but the change's own."))
    cases.append(refuse("non-ascii-key", canon(change(value={"é": 1})), "J7", "Keys are ASCII."))
    cases.append(refuse("lone-surrogate", canon(change(value="x")).replace('"value":"x"', '"value":"\\ud800"'),
                        "J5", "A high surrogate alone."))
    cases.append(refuse("reversed-surrogates",
                        canon(change(value="x")).replace('"value":"x"', '"value":"\\udc00\\ud800"'), "J5",
                        "Low then high."))
    raw = canon(change(value="x")).encode()
    cases.append(refuse("invalid-utf8", raw.replace(b'"value":"x"', b'"value":"\xff"'), "J1", "The byte FF."))
    cases.append(refuse("overlong-utf8", raw.replace(b'"value":"x"', b'"value":"\xc0\xaf"'), "J1",
                        "An overlong /."))
    cases.append(refuse("encoded-surrogate", raw.replace(b'"value":"x"', b'"value":"\xed\xa0\x80"'), "J1",
                        "U+D800 encoded in UTF-8."))
    cases.append(refuse("raw-tab-in-string", canon(change(value="x")).replace('"value":"x"', '"value":"a\tb"'),
                        "J2", "Control characters must be escaped."))
    cases.append(refuse("trailing-comma", text[:-1] + ",}", "J2", "Not JSON."))
    cases.append(refuse("empty", "", "J2", "Nothing at all."))
    cases.append(refuse("array", "[]", "S1", "A change is an object."))
    cases.append(refuse("depth-65", canon(change(value=nest(64, []))), "C8",
                        "The value nests 65 arrays."))
    cases.append(refuse("context-zero-entry",
                        canon(change(field="deleted", value=True, context={B: 7})).replace('":7}', '":0}'),
                        "S11", "A vector's zero entries are left out."))
    cases.append(refuse("pred-extra-member", canon(change(pred=[{"seq": 1, "site": B, "x": 1}])), "S9",
                        "A dot is exactly seq and site."))
    return cases


def validation_cases():
    cases = []
    ok = lambda name, c, why: cases.append(accept(name, canon(c), why))
    no = lambda name, c, rule, why: cases.append(refuse(name, canon(c), rule, why))
    no("site-uppercase", change(site="A" * 32), "S2", "site is lowercase hex.")
    no("site-short", change(site="a" * 31), "S2", "site is 32 digits.")
    no("seq-zero", change(seq=0), "S3", "seq starts at 1.")
    no("seq-negative", change(seq=-1), "S3", "seq starts at 1.")
    no("seq-string", change(seq="1"), "S3", "seq is an integer.")
    no("seq-missing", change(seq=DROP), "S1", "seq is required.")
    no("hlc-uppercase", change(hlc=HLC.upper()), "S4", "hlc is lowercase hex.")
    no("hlc-short", change(hlc=HLC[1:]), "S4", "hlc is 16 digits.")
    no("author-empty", change(author=""), "S5", "author is 1 byte or more.")
    ok("author-200-bytes", change(author="é" * 100), "100 × é is 200 bytes of UTF-8.")
    no("author-201-bytes", change(author="é" * 100 + "a"), "S5", "201 bytes.")
    no("author-150-e-acute", change(author="é" * 150), "S5",
       "150 characters but 300 bytes: sizes are bytes.")
    no("author-number", change(author=5), "S5", "author is a string.")
    no("entity-kind", change(entity={"id": "x1", "kind": "page"}), "S6", "kind is article or annotation.")
    no("entity-id-space", change(entity={"id": "a b", "kind": "article"}), "S6", "id: letters, digits, '-'.")
    no("entity-id-path", change(entity={"id": "a/../c", "kind": "article"}), "S6", "id: letters, digits, '-'.")
    ok("entity-id-128", change(entity={"id": "a" * 128, "kind": "article"}, field="title"), "128 characters.")
    no("entity-id-129", change(entity={"id": "a" * 129, "kind": "article"}, field="title"), "S6", "129 characters.")
    no("entity-extra-member", change(entity={"id": "x1", "kind": "article", "v": 1}, field="title"), "S6",
       "entity is exactly id and kind.")
    no("field-underscore", change(field="no_te"), "S7", "field is ASCII letters.")
    ok("field-64", change(field="a" * 64), "64 letters; an unknown field is a register.")
    no("field-65", change(field="a" * 65), "S7", "65 letters.")
    no("op-unknown", change(op="put"), "S8", "op is set, add or remove.")
    s = site()
    no("pred-own-dot", change(site=s, seq=2, pred=[{"seq": 2, "site": s}]), "S9",
       "A change cannot supersede itself.")
    no("pred-seq-zero", change(pred=[{"seq": 0, "site": B}]), "S9", "Dots have seq 1 or more.")
    ok("pred-repeated-dot", change(pred=[{"seq": 1, "site": B}, {"seq": 1, "site": B}]),
       "A repeated dot is allowed and means nothing more.")
    no("set-on-tags", change(field="tags", value="x"), "C1", "tags take add and remove.")
    no("add-on-note", change(op="add"), "C1", "Other fields take set.")
    no("set-without-value", change(value=DROP), "C2", "A set carries a value.")
    no("remove-with-value", change(field="tags", op="remove", value="x", pred=[{"seq": 1, "site": B}]),
       "C2", "A remove carries no value.")
    no("add-integer", change(field="tags", op="add", value=5), "C3", "A tag is a string.")
    no("remove-without-pred", change(field="tags", op="remove", value=DROP), "C4",
       "A remove names the additions it removes.")
    no("deleted-string", change(field="deleted", value="yes"), "C5", "deleted is true or false.")
    no("delete-without-context", change(field="deleted", value=True), "C6", "A delete carries its context.")
    ok("delete-empty-context", change(field="deleted", value=True, context={}),
       "An empty context is a context.")
    no("context-on-edit", change(context={B: 1}), "C6", "Only a delete carries a context.")
    no("context-on-restore", change(field="deleted", value=False, context={B: 1}), "C6",
       "A restore carries no context.")
    ok("restore", change(field="deleted", value=False, pred=[{"seq": 3, "site": B}]), "A restore.")
    return cases


def limits_cases():
    cases = []
    ok = lambda name, c, why: cases.append(accept(name, canon(c), why))
    no = lambda name, c, rule, why: cases.append(refuse(name, canon(c), rule, why))
    ok("value-262144-bytes", change(value="x" * 262142), "A string whose canonical JSON is 262,144 bytes.")
    no("value-262145-bytes", change(value="x" * 262143), "C7", "262,145 bytes.")
    ok("value-escapes-262142-bytes", change(value="\u0001" * 43690),
       "43,690 × U+0001 is 262,142 canonical bytes (each is \\u0001).")
    no("value-escapes-262148-bytes", change(value="\u0001" * 43691), "C7",
       "43,691 × U+0001 is 262,148 canonical bytes: sizes are canonical bytes.")
    dots = [{"seq": n, "site": B} for n in range(1, 1001)]
    ok("pred-1000", change(pred=dots), "1,000 dots.")
    no("pred-1001", change(pred=dots + [{"seq": 1001, "site": B}]), "S9", "1,001 dots.")
    vector = {"%032x" % n: 9007199254740991 for n in range(1, 4097)}
    ok("context-4096", change(field="deleted", value=True, context=vector), "4,096 sites.")
    vector["f" * 32] = 1
    no("context-4097", change(field="deleted", value=True, context=vector), "S11", "4,097 sites.")
    return cases


def signing_key(number):
    """A fixed Ed25519 key per case (RFC 8032 signatures are deterministic) and its site."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"push-body-key-%d" % number).digest())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return key, public, hashlib.sha256(public).hexdigest()[:32]


def head(key, public, site, changes, author="alice", seq=None):
    """signing.md §3: the head over `changes` (the site's changes 1…n, canonical bytes)."""
    chain = bytes(32)
    for c in changes:
        chain = hashlib.sha256(chain + c.encode("utf-8")).digest()
    h = {"author": author, "chain": chain.hex(), "key": public.hex(),
         "seq": seq if seq is not None else len(changes), "site": site}
    h["sig"] = key.sign(b"folio-head-v2\n" + canon(h).encode("utf-8")).hex()
    return canon(h)


def signed_site(number):
    """A key, its site, and two canonical changes of the site (seq 1 and 2) by alice."""
    key, public, s = signing_key(number)
    first = canon(change(site=s))
    second = canon(change(site=s, seq=2, pred=[{"seq": 1, "site": s}]))
    return key, public, s, first, second


def push_body_cases():
    c1 = canon(change())
    c2 = canon(change())
    bad = canon(change(value=[7])).replace("[7]", "[1.0]")
    end = '],"heads":[]}'

    def body(changes, heads):
        return '{"changes":[%s],"heads":[%s]}' % (",".join(changes), ",".join(heads))

    k, p, s, first, second = signed_site(1)
    two = body([first, second], [head(k, p, s, [first, second])])
    k2, p2, s2, first2, _ = signed_site(2)
    spaced_head = head(k2, p2, s2, [first2]).replace('"seq":1', '"seq": 1')
    k3, p3, s3, first3, _ = signed_site(3)
    other_key = head(k3, p3, s3, [first3]).replace(p3.hex(), signing_key(99)[1].hex())
    k4, p4, s4, first4, _ = signed_site(4)
    forged_sig = head(k4, p4, s4, [first4])
    forged_sig = forged_sig[:-46] + ("0" if forged_sig[-46] != "0" else "1") + forged_sig[-45:]
    k5, p5, s5, first5, _ = signed_site(5)
    altered5 = first5.replace('"edited"', '"forged"')
    k6, p6, s6, _, _ = signed_site(6)
    by_bob = canon(change(site=s6, author="bob"))
    k7, p7, s7, first7, _ = signed_site(7)
    k8, p8, s8, first8, _ = signed_site(8)
    pair = sorted([(s7, head(k7, p7, s7, [first7])), (s8, head(k8, p8, s8, [first8]))])
    cases = [
        {"name": "empty", "input": '{"changes":[],"heads":[]}', "expect": {"status": 200}},
        {"name": "two", "input": two, "expect": {"status": 200},
         "description": "Two changes of one site, signed by its head at seq 2 (signing.md); the "
                        "token's user is alice, the head's author."},
        {"name": "protocol-1-body", "input": '{"changes":[]}', "expect": {"status": 400, "code": "bad-request"},
         "description": "Protocol 2's body has heads, even when empty."},
        {"name": "envelope-white-space", "input": '{ "changes": [%s],"heads":[] }' % canon(change()),
         "expect": {"status": 400, "code": "bad-request"},
         "description": "The body is exactly {\"changes\":[…],\"heads\":[…]}, no white space."},
        {"name": "space-before-change", "input": '{"changes":[ %s' % canon(change()) + end,
         "expect": {"status": 400, "code": "invalid-change", "rule": "K1"},
         "description": "Every byte between [ , ] belongs to a change: the space makes it non-canonical."},
        {"name": "newline-after-change", "input": '{"changes":[%s\n' % canon(change()) + end,
         "expect": {"status": 400, "code": "invalid-change", "rule": "K1"}},
        {"name": "blank-element", "input": '{"changes":[%s,' % canon(change()) + end,
         "expect": {"status": 400, "code": "invalid-change", "rule": "J2"},
         "description": "An empty element after the comma is not JSON."},
        {"name": "not-json", "input": "changes", "expect": {"status": 400, "code": "bad-request"}},
        {"name": "array", "input": "[%s]" % c1, "expect": {"status": 400, "code": "bad-request"}},
        {"name": "no-changes", "input": "{}", "expect": {"status": 400, "code": "bad-request"}},
        {"name": "changes-object", "input": '{"changes":{},"heads":[]}', "expect": {"status": 400, "code": "bad-request"}},
        {"name": "extra-member", "input": '{"changes":[],"heads":[],"since":1}', "expect": {"status": 400, "code": "bad-request"}},
        {"name": "duplicate-changes", "input": '{"changes":[],"changes":[],"heads":[]}',
         "expect": {"status": 400, "code": "bad-request"}},
        {"name": "change-not-canonical", "input": '{"changes":[%s' % bad + end,
         "expect": {"status": 400, "code": "invalid-change", "rule": "J3"}},
        {"name": "second-change-has-white-space", "input": '{"changes":[%s,%s' % (canon(change()), c1.replace(",", ", ", 1)) + end,
         "expect": {"status": 400, "code": "invalid-change", "rule": "K1"}},
        {"name": "no-head", "input": body([c2], []),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H6"},
         "description": "A valid change with no signed head for its site."},
        {"name": "head-not-canonical", "input": body([first2], [spaced_head]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H1"}},
        {"name": "head-site-not-from-key", "input": body([first3], [other_key]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H2"}},
        {"name": "head-bad-signature", "input": body([first4], [forged_sig]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H3"}},
        {"name": "head-other-chain", "input": body([altered5], [head(k5, p5, s5, [first5])]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H4"},
         "description": "The change was altered after its head was signed."},
        {"name": "head-other-author", "input": body([by_bob], [head(k6, p6, s6, [by_bob], author="alice")]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H5"},
         "description": "The head says alice (the token's user) but the change says bob."},
        {"name": "heads-unsorted", "input": body([first7, first8], [pair[1][1], pair[0][1]]),
         "expect": {"status": 400, "code": "invalid-head", "rule": "H6"}},
    ]
    # canonical-json.md §7: the list is cut at commas outside strings and brackets, and every
    # byte of an element is checked as a change.
    c3 = canon(change())
    k9, p9, s9, _, _ = signed_site(9)
    strange = canon(change(site=s9, value='a,"]}[{\\'))
    element = lambda name, text, expect, why: cases.append(
        {"name": name, "description": why, **encoded(text), "expect": expect})
    j = lambda rule: {"status": 400, "code": "invalid-change", "rule": rule}
    bad_request = {"status": 400, "code": "bad-request"}
    element("stray-byte-before-change", '{"changes":[x%s' % c3 + end, j("J2"),
            "x belongs to the element, which is then not JSON.")
    element("bom-before-change", '{"changes":[\ufeff%s' % c3 + end, j("J2"),
            "A byte order mark is UTF-8 but not JSON.")
    element("no-break-space-before-change", '{"changes":[\u00a0%s' % c3 + end, j("J2"),
            "U+00A0 is not JSON white space.")
    element("digit-after-change", '{"changes":[%s1' % c3 + end, j("J2"), "1 with no comma: one element.")
    element("byte-ff-after-change", b'{"changes":[' + c3.encode() + b'\xff' + end.encode(), j("J1"),
            "FF is not UTF-8; J1 is checked first.")
    element("mismatched-bracket", '{"changes":[{"a":[1}]' + end, j("J2"),
            "Brackets are only counted, not matched, when cutting the list: the element is then not JSON.")
    element("fraction-element", '{"changes":[1.0' + end, j("J3"), "A number element: J3 before S1.")
    element("comma-and-brackets-in-string",
            body([strange], [head(k9, p9, s9, [strange])]), {"status": 200},
            "Commas, quotes and brackets inside a string do not cut the list.")
    element("unterminated-string", '{"changes":[{"a":"b' + end, bad_request,
            "The string never closes: no element can be cut.")
    element("closes-early", '{"changes":[%s]},%s' % (c3, c3) + end, bad_request,
            "A ] closes more than was opened: the list ends before the body does.")
    element("deep-unclosed", '{"changes":[' + "[" * 2000 + end, bad_request,
            "2,000 [ that never close: no element can be cut (one change alone would be C8).")
    element("deep-closed", '{"changes":[' + "[" * 100000 + "]" * 100000 + end, j("C8"),
            "100,000 nested arrays that close: one element, refused by its depth before its grammar.")
    return cases


def rule_order_cases():
    """canonical-json.md §6: a change breaking several rules is refused with the first in the
    order J1, C8, J2, J3 … J7, S1 … S11, C1 … C7, K1; and number-like tokens (J2 or J3)."""
    cases = []
    text = lambda c: canon(c)
    value_text = lambda spelling: canon(change(value=[7])).replace("[7]", spelling)
    # J2 / J3: a number token starts with - or a digit and runs over 0-9 + - . e E.
    for name, spelling, rule in [("plus", "[+1]", "J2"), ("leading-dot", "[.5]", "J2"),
                                 ("trailing-dot", "[1.]", "J3"), ("minus-alone", "[-]", "J3"),
                                 ("minus-inside", "[1-2]", "J3"), ("trailing-plus", "[1+]", "J3"),
                                 ("minus-plus", "[-+1]", "J3"), ("exponent-alone", "[1e]", "J3")]:
        cases.append(refuse("number-token-" + name, value_text(spelling), rule,
                            "%s: %s (a number token starts with - or a digit)." % (spelling, rule)))
    several = lambda name, data, rule, why: cases.append(refuse(name, data, rule, why))
    several("J3-before-J6", value_text('{"a":1,"a":1.5}'), "J3", "A repeated key (J6) and a fraction (J3).")
    several("J2-after-J3", value_text("[1.0,]"), "J2", "J2 is reported though the J3 token comes first.")
    raw = canon(change(value="x")).encode()
    several("J1-after-J2", raw.replace(b'"author":"alice"', b'"author":alice').replace(b'"value":"x"', b'"value":"\xff"'),
            "J1", "J1 is checked on all the bytes first.")
    several("J4-before-J5", value_text('["\\ud800",9007199254740992]'), "J4", "J5 first in the text, J4 reported.")
    several("J6-before-J7", value_text('{"\u00e9":1,"\u00e9":2}'), "J6", "A repeated non-ASCII key.")
    several("C8-before-J3", canon(change(value=nest(70, [7]))).replace("[7]", "[1.0]"), "C8",
            "The depth is checked before the grammar.")
    deep = canon(change(value="x")).replace('"value":"x"', '"value":' + "[" * 2000)
    cases.append({**refuse("C8-deep-unclosed", deep, "C8",
                           "2,000 [ that never close: too deep (C8) and not JSON (J2). Pushed alone its "
                           "brackets do not close, so the push body is a bad request (canonical-json.md §7)."),
                  "pushedAlone": {"status": 400, "code": "bad-request"}})
    several("C8-before-S1", "[" * 100000 + "]" * 100000, "C8", "100,000 nested arrays: not a change (S1), too deep (C8).")
    several("J2-before-K1", " " + canon(change())[:-1] + ",}", "J2", "A space before (K1) and a trailing comma (J2).")
    several("S2-before-S5", text(change(site="A" * 32, author="")), "S2", "S rules in their order.")
    several("S6-before-S7", text(change(entity={"id": "a b", "kind": "article"}, field="no_te")), "S6",
            "S rules in their order.")
    several("S5-before-C1", text(change(author="", field="tags")), "S5", "S before C.")
    several("S10-before-C2", text(change(value=None, field="tags", op="remove")), "S10", "S before C.")
    several("C1-before-C3", text(change(op="add", value=5)), "C1", "add on note with an integer value.")
    several("C2-before-C4", text(change(field="tags", op="remove", value="x")), "C2",
            "A remove with a value and no pred.")
    several("C5-before-C6", text(change(field="deleted", value="yes", context={B: 1})), "C5",
            "deleted not a boolean, and a context on a change that is no delete.")
    several("C6-before-C7", text(change(value="x" * 262143, context={B: 1})), "C6",
            "A context on an edit whose value is too large.")
    several("S3-before-K1", text(change(seq=0)).replace('"seq":0', '"seq": 0'), "S3", "K1 comes last.")
    return cases


def bundle_cases():
    """bundle.md: whole files -> applied, or refused with the first refusal in the order B1-B13.

    Version 2 bundles carry signed heads (signing.md): the changes come from sites derived
    from Ed25519 keys made from fixed seeds, so every head, and so every file, is exact."""
    import hashlib
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    def key(name):
        private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return private, public.hex(), hashlib.sha256(public).hexdigest()[:32]

    def head_of(signer, lines, author="alice"):
        """The head of a site whose changes 1 ... n are `lines`, signed by `signer`."""
        private, public, site_id = signer
        chain = bytes(32)
        for line in lines:
            chain = hashlib.sha256(chain + line).digest()
        h = {"author": author, "chain": chain.hex(), "key": public, "seq": len(lines), "site": site_id}
        h["sig"] = private.sign(b"folio-head-v2\n" + canon(h).encode()).hex()
        return h

    first, second = key("bundle-vectors-first"), key("bundle-vectors-second")
    writer = "d" * 32
    one = canon(change(site=first[2], value="from a bundle")).encode()
    two = canon(change(site=second[2], field="tags", op="add", value="read")).encode()
    one_next = canon(change(site=first[2], seq=2, value="edited again",
                            pred=[{"seq": 1, "site": first[2]}])).encode()
    heads = sorted([head_of(first, [one]), head_of(second, [two])], key=lambda h: h["site"])
    head = {"created": 1700000000000, "format": "folio-bundle", "heads": heads, "site": writer,
            "vector": {}, "version": 2}
    header = canon(head).encode()

    def with_heads(*chosen):
        return canon(dict(head, heads=sorted(chosen, key=lambda h: h["site"]))).encode()

    def trailer(lines, count=None, digest=None, spoil=None, head_line=None):
        h = hashlib.sha256((head_line or header) + b"\n" + b"".join(line + b"\n" for line in lines)).hexdigest()
        t = canon({"count": len(lines) if count is None else count, "end": True,
                   "sha256": digest or h})
        return (spoil(t) if spoil else t).encode()

    def bundle(lines, head_line=None, **kw):
        return ((head_line or header) + b"\n" + b"".join(l + b"\n" for l in lines)
                + trailer(lines, head_line=head_line, **kw) + b"\n")

    cases = []

    def case(name, data, expect, why):
        cases.append({"name": name, "description": why, **encoded(data), "expect": expect})

    code = lambda c: {"code": c}
    none = with_heads()
    only_first = with_heads(head_of(first, [one]))
    case("two-changes", bundle([one, two]), "accept",
         "A header with the two sites' heads, two change lines, the trailer.")
    case("no-changes", bundle([], head_line=none), "accept", "count 0, no heads.")
    case("same-change-twice", bundle([one, one], head_line=only_first), "accept",
         "An identical line again is a duplicate: no-op.")
    long_line = b"x" * 544041
    case("line-too-long", bundle([long_line]), code("line-too-long"),
         "B1: 544,041 bytes, one more than the longest change; refused unread.")
    case("line-at-the-limit", bundle([b"x" * 544040]), {"code": "invalid-change", "rule": "J2"},
         "544,040 bytes is read as a change (and is not JSON).")
    case("empty-file", b"", code("not-a-bundle"), "B2: nothing at all.")
    case("header-without-newline", header, code("not-a-bundle"), "B2: the first line is not ended.")
    case("other-format", bundle([], head_line=canon(dict(head, format="other")).encode()),
         code("not-a-bundle"), "B2: format is not folio-bundle.")
    case("header-not-folio-json", bundle([], head_line=header.replace(b'"created":1700000000000', b'"created":1.0')),
         code("not-a-bundle"), "B2: the header line is read by J1-J7, so 1.0 makes it no bundle header.")
    case("version-1", bundle([one], head_line=canon(dict({k: v for k, v in head.items() if k != "heads"},
                                                              version=1)).encode()),
         code("unsupported-version"), "B3: version 1, from before signed changes, is not read.")
    case("version-3", bundle([], head_line=header.replace(b'"version":2', b'"version":3')),
         code("unsupported-version"), "B3: a version this reader does not know.")
    case("version-string", bundle([], head_line=header.replace(b'"version":2', b'"version":"2"')),
         code("unsupported-version"), "B3: version is the integer 2.")
    case("header-extra-member", bundle([], head_line=canon(dict(head, extra=0)).encode()),
         code("malformed-header"), "B4: no other member.")
    case("header-without-heads", bundle([], head_line=canon({k: v for k, v in head.items() if k != "heads"}).encode()),
         code("malformed-header"), "B4: heads is required (a list, empty when there is no change).")
    case("header-created-negative", bundle([], head_line=canon(dict(head, created=-1)).encode()),
         code("malformed-header"), "B4: created is 0 or more.")
    case("header-vector-zero", bundle([], head_line=canon(dict(head, vector={B: 0})).encode()),
         code("malformed-header"), "B4: vector entries are 1 or more.")
    case("header-not-canonical", bundle([], head_line=header.replace(b",", b", ")),
         code("malformed-header"), "B4: white space in the header.")
    case("header-crlf", bundle([one], head_line=header + b"\r"), code("malformed-header"),
         "B4: the header line ends with CR, so it is not canonical.")
    case("after-trailer", bundle([one, two]) + b"x", code("data-after-trailer"), "B5: a byte after the trailer.")
    case("change-after-trailer", bundle([one, two]) + two + b"\n", code("data-after-trailer"),
         "B5: a change line after the trailer.")
    case("last-line-cut", header + b"\n" + one, code("truncated"), "B6: the file ends inside a line.")
    case("no-trailer", header + b"\n" + one + b"\n", code("truncated"), "B6: no trailer.")
    case("blank-line", bundle([one, two, b""]), code("malformed-line"), "B7: a blank line.")
    case("crlf-line", bundle([one + b"\r", two]), code("malformed-line"), "B7: a change line ending with CR.")
    case("trailer-extra-member", bundle([one, two], spoil=lambda t: t.replace('"end":true', '"end":true,"x":1')),
         code("malformed-trailer"), "B8: exactly count, end, sha256.")
    case("trailer-not-canonical", bundle([one, two], spoil=lambda t: t.replace('{"count":2,"end":true', '{"end":true,"count":2')),
         code("malformed-trailer"), "B8: keys sorted.")
    bad = canon(change(value=[7])).replace("[7]", "[1.0]").encode()
    case("change-fraction", bundle([bad]), {"code": "invalid-change", "rule": "J3"}, "B9: a change line breaks J3.")
    case("change-not-canonical", bundle([one.replace(b",", b", ", 1), two]), {"code": "invalid-change", "rule": "K1"},
         "B9: a change line breaks K1; never rewritten.")
    case("invalid-change-before-checksum", bundle([bad], count=5), {"code": "invalid-change", "rule": "J3"},
         "B9 before B10: lines are checked before the trailer's count.")
    case("count-mismatch", bundle([one, two], count=3), code("checksum-mismatch"), "B10: count is not the line count.")
    case("checksum-mismatch", bundle([one, two], digest="0" * 64), code("checksum-mismatch"), "B10: sha256 differs.")
    other = one.replace(b"from a bundle", b"something else")
    case("conflicting-lines", bundle([one, other, two]), code("conflicting-change"),
         "B11: two lines with one (site, seq) and other bytes.")
    case("checksum-before-conflict", bundle([one, other, two], digest="0" * 64), code("checksum-mismatch"),
         "B10 before B11: a conflict is reported only for a well-formed bundle.")
    case("conflict-before-heads", bundle([one, other, two], head_line=with_heads(head_of(second, [two]))),
         code("conflicting-change"), "B11 before B12: the first site has no head, but the conflict comes first.")
    forged = one.replace(b"from a bundle", b"forged text")
    case("change-altered", bundle([forged, two]), {"code": "invalid-head", "rule": "H4"},
         "B12: a change whose bytes are not those its site signed (its chain differs from the head's).")
    case("change-without-head", bundle([one, two], head_line=only_first), {"code": "invalid-head", "rule": "H6"},
         "B12: the second site's change comes with no signed head.")
    spoiled = dict(heads[0], sig=("0" if heads[0]["sig"][0] != "0" else "1") + heads[0]["sig"][1:])
    case("head-signature-altered", bundle([one, two], head_line=with_heads(spoiled, heads[1])),
         {"code": "invalid-head", "rule": "H3"}, "B12: a head whose signature is not its key's.")
    case("missing-changes", bundle([one_next], head_line=with_heads(head_of(first, [one, one_next]))),
         code("missing-changes"),
         "B13: the first site's change 2 alone, to a reader holding nothing of it: change 1 is missing.")
    return cases


def pull_page_cases():
    """canonical-json.md §7 R3: a client reads the page as JSON and each element's own bytes
    as a change (K1 included)."""
    c1, c2 = canon(change()), canon(change())
    loose = json.dumps(change(), ensure_ascii=False, sort_keys=True)
    j = lambda rule: {"code": "invalid-change", "rule": rule}
    malformed = {"code": "malformed-page"}
    page = lambda changes, rest=',"cursor":2,"more":false': '{"changes":[%s]%s}' % (",".join(changes), rest)
    cases = [
        ("compact", page([c1, c2]), {"changes": 2}, "As the reference server writes it."),
        ("empty", '{"changes":[],"cursor":7,"more":false}', {"changes": 0}, "No changes."),
        ("white-space-between-tokens", '{ "changes" : [ %s ,\n %s ] ,\n "cursor" : 2 , "more" : true }' % (c1, c2),
         {"changes": 2}, "White space between the page's tokens is allowed; each element is its value's bytes."),
        ("unknown-member", page([c1], ',"cursor":1,"more":false,"zzz":{"a":[1]}'), {"changes": 1},
         "Members a client does not know are ignored."),
        ("members-in-other-order", '{"more":false,"cursor":1,"changes":[%s]}' % c1, {"changes": 1},
         "The page is ordinary JSON: any member order."),
        ("pretty-printed-element", page([loose]), j("K1"), "White space inside an element: K1."),
        ("element-breaks-J3", page([canon(change(value=[7])).replace("[7]", "[1.0]")]), j("J3"),
         "Each element is checked by every rule."),
        ("second-element-invalid", page([c1, canon(change(seq=0))]), j("S3"), "The page is refused whole."),
        ("no-cursor", '{"changes":[%s],"more":false}' % c1, malformed, "cursor is required."),
        ("more-not-boolean", page([c1], ',"cursor":1,"more":1'), malformed, "more is true or false."),
        ("changes-not-array", '{"changes":{},"cursor":1,"more":false}', malformed, "changes is an array."),
        ("duplicate-member", page([c1], ',"cursor":1,"cursor":1,"more":false'), malformed,
         "The page's keys follow J6."),
    ]
    return [{"name": n, "description": why, "input": text, "expect": exp} for n, text, exp, why in cases]


def write(name, description, cases):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"description": description, "cases": cases}, out, ensure_ascii=False, indent=1)
        out.write("\n")


write("canonical.json",
      "Bytes → accepted (they are the canonical JSON of a valid change) or refused, naming the rule "
      "of canonical-json.md. About the bytes: numbers, strings, keys, white space, omitted members.",
      canonical_cases())
write("validation.json",
      "Canonical bytes of changes that break (or just meet) a shape or sense rule (S, C).",
      validation_cases())
write("limits.json", "Changes at and just past each size limit (C7, S9, S11).", limits_cases())
write("push-bodies.json",
      "Whole push bodies → the answer of POST /v2/spaces/{space}/changes to a fresh space with a "
      "write token of user alice: status, and for errors the code (and for invalid-change and "
      "invalid-head the rule).", push_body_cases())
write("rule-order.json",
      "Bytes that break several rules, refused with the first in the order of canonical-json.md §6 "
      "(J1, C8, J2 … J7, S1 … S11, C1 … C7, K1); and number-like tokens at the J2/J3 boundary.",
      rule_order_cases())
write("pull-pages.json",
      "Whole pull-page bodies -> how many changes a client takes from it, or why it refuses the page: "
      "invalid-change with the rule of the first element refused, or malformed-page.",
      pull_page_cases())
write("bundles.json",
      "Whole bundle files (bundle.md) -> applied by a reader holding no changes, or refused with the "
      "code of the first refusal in the order B1-B13 (and for invalid-change and invalid-head the "
      "rule).",
      bundle_cases())
