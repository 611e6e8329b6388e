#!/usr/bin/env python3
"""Writes the signing vectors (keys, chains, heads, verify, push-bodies .json) of signing.md.

Run from anywhere: python3 Protocol/vectors/signing/generate.py. The files it writes are the
test kit; this script only records how each case was made. It uses the second
implementation (interop/python: folio.py for canonical JSON and the change reader,
signing.py for keys, chains, heads and H1-H6), written from Protocol/ alone, and the
`cryptography` package for Ed25519. Ed25519 (RFC 8032) is deterministic, so every
signature here is exact: another implementation must produce the same bytes.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "interop", "python"))
import folio  # noqa: E402
import signing  # noqa: E402

# RFC 8032 §7.1: TEST 1, TEST 2, TEST 3 and TEST SHA(abc): secret key (seed) -> public key.
RFC8032 = [
    ("rfc8032-test-1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    ("rfc8032-test-2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
    ("rfc8032-test-3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"),
    ("rfc8032-test-sha-abc", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"),
]
KEYS = {name: signing.SiteKey(bytes.fromhex(seed)) for name, seed, _ in RFC8032}
# RFC 8032 TEST 1's signature of the empty message: the library is plain Ed25519 (not ph/ctx).
assert KEYS["rfc8032-test-1"].sign(b"").hex() == (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
ALICE, BOB, CAROL = KEYS["rfc8032-test-1"], KEYS["rfc8032-test-2"], KEYS["rfc8032-test-3"]
NOTE = {"id": "018bcfe56800a1b2c3d4e5f60718293a", "kind": "annotation"}
ARTICLE = {"id": "9f86d081884c7d65", "kind": "article"}


def change(key, author, seq, field="note", op="set", value=None, pred=None, entity=NOTE):
    c = {"author": author, "entity": entity, "field": field, "hlc": "018bcfe56806%04x" % seq,
         "op": op, "seq": seq, "site": key.site}
    if value is not None:
        c["value"] = value
    if pred:
        c["pred"] = [{"seq": n, "site": s.site} for s, n in pred]
    b = folio.canonical(c)
    folio.decode_change(b)  # every change here follows every rule of canonical-json.md
    return b


def history(key, author, n):
    """A site's first n changes: edits of a note, each superseding the previous, a tag, a title."""
    out = []
    for seq in range(1, n + 1):
        if seq % 3 == 0:
            out.append(change(key, author, seq, field="tags", op="add", value=f"tag-{seq}"))
        elif seq % 4 == 0:
            out.append(change(key, author, seq, field="title", value=f"Title {seq}", entity=ARTICLE))
        else:
            out.append(change(key, author, seq, value=f"{author}'s note, edit {seq}",
                              pred=[(key, seq - 1)] if seq > 1 else None))
    return out


A = history(ALICE, "alice", 5)
B = history(BOB, "bob", 3)
A_CHAIN = signing.chain_of(A)
B_CHAIN = signing.chain_of(B)


def text(b):
    return b.decode("utf-8")


def write(name, description, cases):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump({"description": description, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------- keys.json

def key_cases():
    cases = []
    for name, seed, public in RFC8032:
        k = KEYS[name]
        assert k.key == public, f"{name}: public key {k.key}, RFC 8032 says {public}"
        cases.append({"name": name, "seed": seed, "key": k.key, "site": k.site})
    return cases


# ---------------------------------------------------------------- chains.json

def chain_cases():
    return [
        {"name": "alice-five-changes", "site": ALICE.site, "changes": [text(b) for b in A], "chains": A_CHAIN},
        {"name": "bob-three-changes", "site": BOB.site, "changes": [text(b) for b in B], "chains": B_CHAIN},
        {"name": "one-change", "site": CAROL.site,
         "changes": [text(change(CAROL, "carol", 1, value="é ✓ \u0000"))],
         "chains": signing.chain_of([change(CAROL, "carol", 1, value="é ✓ \u0000")])},
    ]


# ---------------------------------------------------------------- heads.json

def head(key, author, seq, chain):
    return signing.make_head(key, author, seq, chain)


def head_cases():
    cases = []
    for name, key, author, seq, chain in [
        ("alice-at-2", ALICE, "alice", 2, A_CHAIN[1]),
        ("alice-at-5", ALICE, "alice", 5, A_CHAIN[4]),
        ("bob-at-3", BOB, "bob", 3, B_CHAIN[2]),
        ("non-ascii-author", CAROL, "Zoë 山田", 1, signing.ZERO_CHAIN[:-1] + "1"),
    ]:
        unsigned = {"author": author, "chain": chain, "key": key.key, "seq": seq, "site": key.site}
        wire = head(key, author, seq, chain)
        h = json.loads(wire)
        assert signing.signed_bytes(h) == b"folio-head-v2\n" + folio.canonical(unsigned)
        cases.append({"name": name, "seed": key.seed.hex(), "head": unsigned,
                      "signed": text(signing.signed_bytes(h)), "sig": h["sig"], "wire": text(wire)})
    return cases


# ---------------------------------------------------------------- verify.json

def respell(wire, **members):
    """A head's members replaced (not signed again)."""
    h = json.loads(wire)
    h.update(members)
    return folio.canonical(h)


def verify_cases():
    cases = []
    a2, a3, a5 = head(ALICE, "alice", 2, A_CHAIN[1]), head(ALICE, "alice", 3, A_CHAIN[2]), head(ALICE, "alice", 5, A_CHAIN[4])
    b2, b3 = head(BOB, "bob", 2, B_CHAIN[1]), head(BOB, "bob", 3, B_CHAIN[2])
    by_site = sorted([(ALICE.site, a3), (BOB.site, b2)])

    histories = {ALICE.site: (ALICE, "alice", A), BOB.site: (BOB, "bob", B)}
    other = [A[0], change(ALICE, "alice", 2, value="not what alice wrote", pred=[(ALICE, 1)])]

    def held_material(site, seq, chain):
        """The held changes (of the known histories) whose chain is `chain`, and their head."""
        key, author, hist = histories[site]
        for lines in (hist[:seq], other[:seq]):
            if len(lines) == seq and signing.chain_of(lines)[-1] == chain:
                return lines, head(key, author, seq, chain)
        raise AssertionError(f"no known history of {site} up to {seq} has chain {chain}")

    def case(name, why, held, changes, heads, expect):
        material = [held_material(s, n, c) for s, n, c in sorted(held)]
        msg = [folio.decode_change(b) for b in changes]
        positions = {s: (n, c) for s, n, c in held}
        try:
            signing.verify(msg, heads, signing.Held(positions))
            got = "accept"
        except signing.HeadRefused as e:
            got = {"code": e.code, "rule": e.rule} if e.rule else {"code": e.code}
        assert got == expect, f"{name}: python says {got}, the case says {expect}"
        cases.append({"name": name, "description": why,
                      "held": [{"site": s, "seq": n, "chain": c} for s, n, c in held],
                      "heldChanges": [text(b) for lines, _ in material for b in lines],
                      "heldHeads": [text(h) for _, h in material],
                      "changes": [text(b) for b in changes], "heads": [text(h) for h in heads],
                      "expect": expect})

    def refused(rule):
        return {"code": "invalid-head", "rule": rule}

    ok = "accept"
    # accepted
    case("first-changes", "A site's first changes with its head at the last one.",
         [], A[:2], [a2], ok)
    case("continues-held-chain", "The receiver holds alice's 1 … 2 (chain_2); the message brings 3, "
         "the head's chain is chain_2 extended by change 3.",
         [(ALICE.site, 2, A_CHAIN[1])], A[2:3], [a3], ok)
    case("two-sites-relayed", "Alice's 3 and bob's 1 … 2 in one message (a relay), a head for each, "
         "sorted by site.",
         [(ALICE.site, 2, A_CHAIN[1])], [B[0], A[2], B[1]], [h for _, h in by_site], ok)
    case("overlaps-held", "The message starts with alice's 2, which the receiver holds (1 … 2): "
         "the held chain is extended by the new change 3 only.",
         [(ALICE.site, 2, A_CHAIN[1])], A[1:3], [a3], ok)
    case("empty", "No changes, no heads.", [], [], [], ok)
    # H1
    case("h1-white-space", "H1: the head's bytes are not its canonical JSON (a space after a colon; "
         "the signature is valid for the canonical form).",
         [], A[:2], [a2.replace(b'"seq":2', b'"seq": 2')], refused("H1"))
    case("h1-missing-author", "H1: no author member.",
         [], A[:2], [folio.canonical({k: v for k, v in json.loads(a2).items() if k != "author"})], refused("H1"))
    case("h1-uppercase-sig", "H1: sig in uppercase hex.",
         [], A[:2], [respell(a2, sig=json.loads(a2)["sig"].upper())], refused("H1"))
    case("h1-extra-member", "H1: a member that is not one of the six.",
         [], A[:2], [folio.canonical(dict(json.loads(a2), note="x"))], refused("H1"))
    case("h1-seq-zero", "H1: seq 0 (S3: at least 1); signed as it stands.",
         [], A[:2], [folio.canonical({**json.loads(a2), "seq": 0})], refused("H1"))
    # H2
    forged = {"author": "alice", "chain": A_CHAIN[1], "key": CAROL.key, "seq": 2, "site": ALICE.site}
    forged["sig"] = CAROL.sign(signing.signed_bytes(forged)).hex()
    case("h2-site-not-from-key", "H2: alice's site with carol's key, validly signed by carol: "
         "a key cannot be swapped under a site.",
         [], A[:2], [folio.canonical(forged)], refused("H2"))
    # H3
    flipped = json.loads(a2)
    flipped["sig"] = flipped["sig"][:-1] + ("0" if flipped["sig"][-1] != "0" else "1")
    case("h3-signature-altered", "H3: the signature's last hex digit changed.",
         [], A[:2], [folio.canonical(flipped)], refused("H3"))
    unprefixed = json.loads(a2)
    unprefixed["sig"] = ALICE.sign(folio.canonical({k: v for k, v in unprefixed.items() if k != "sig"})).hex()
    case("h3-signed-without-prefix", "H3: alice's key signed the head's canonical JSON without the "
         "\"folio-head-v2\" line before it.",
         [], A[:2], [folio.canonical(unprefixed)], refused("H3"))
    by_bob = json.loads(a2)
    by_bob["sig"] = BOB.sign(signing.signed_bytes(by_bob)).hex()
    case("h3-signed-by-another-key", "H3: the right bytes signed by bob's key, alice's key named.",
         [], A[:2], [folio.canonical(by_bob)], refused("H3"))
    # Ed25519 edges where libraries might differ (RFC 8032 §5.1.7 refuses both)
    L = 2**252 + 27742317777372353535851937790883648493
    unreduced = json.loads(a2)
    sig = bytes.fromhex(unreduced["sig"])
    unreduced["sig"] = (sig[:32] + (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")).hex()
    case("h3-s-not-reduced", "H3: alice's signature with L added to S (S >= L): the same point "
         "equation, but RFC 8032 refuses an S that is not below L (no malleable signatures).",
         [], A[:2], [folio.canonical(unreduced)], refused("H3"))
    no_point = "ff" * 32
    nk = [change(ALICE, "alice", 1, value="under a key that is no point")]
    nk[0] = nk[0].replace(ALICE.site.encode(), signing.site_of(no_point).encode())
    bad_key = {"author": "alice", "chain": signing.chain_of(nk)[0], "key": no_point, "seq": 1,
               "site": signing.site_of(no_point), "sig": "11" * 64}
    case("h3-key-not-a-point", "H3: the key ff…ff encodes no curve point (its y is not below "
         "2^255 - 19); the site is derived from it (H2 holds).",
         [], nk, [folio.canonical(bad_key)], refused("H3"))
    # H4
    altered = change(ALICE, "alice", 2, value="not what alice wrote", pred=[(ALICE, 1)])
    case("h4-change-altered", "H4: the relay altered alice's change 2; her head still says chain_2.",
         [(ALICE.site, 1, A_CHAIN[0])], [altered], [a2], refused("H4"))
    case("h4-held-chain-differs", "H4: the receiver holds alice's 1 … 2 with another chain than the "
         "one her head extends (a different history).",
         [(ALICE.site, 2, signing.chain_of([A[0], altered])[1])], A[2:3], [a3], refused("H4"))
    # H5
    mallory = [change(ALICE, "mallory", 1, value="by mallory?")]
    case("h5-author-differs", "H5: alice's key signs a head with author alice over a change whose "
         "author is mallory (chain and signature are right).",
         [], mallory, [head(ALICE, "alice", 1, signing.chain_of(mallory)[0])], refused("H5"))
    nfd = [change(ALICE, "Ame\u0301lie", 1, value="decomposed")]
    case("h5-author-canonically-equivalent", "H5: the change's author is \"Ame\\u0301lie\", the "
         "head's \"Am\\u00e9lie\": canonically equivalent, but not the same code points.",
         [], nfd, [head(ALICE, "Am\u00e9lie", 1, signing.chain_of(nfd)[0])], refused("H5"))
    # H6
    case("h6-no-head", "H6: bob's changes come without a head.",
         [(ALICE.site, 2, A_CHAIN[1])], [A[2], B[0], B[1]], [a3], refused("H6"))
    case("h6-head-below-last", "H6: alice's head is at seq 2 but the message holds her 3 "
         "(the head is right for 1 … 2).",
         [], A[:3], [a2], refused("H6"))
    case("h6-head-without-changes", "H6: a head for bob, whose changes are not in the message (the "
         "receiver holds them, and the head is right for them).",
         [(ALICE.site, 2, A_CHAIN[1]), (BOB.site, 3, B_CHAIN[2])], A[2:3], sorted([a3, b3], key=lambda h: json.loads(h)["site"]),
         refused("H6"))
    case("h6-not-sorted", "H6: the two heads are in the wrong order.",
         [(ALICE.site, 2, A_CHAIN[1])], [A[2], B[0], B[1]], [h for _, h in reversed(by_site)], refused("H6"))
    case("h6-two-heads", "H6: alice's head twice.",
         [], A[:2], [a2, a2], refused("H6"))
    # gaps: not a head rule; a server answers 409 gap, a replica refuses the bundle or page
    case("gap-after-held", "The receiver holds alice's 1 … 2; the message starts at 5 (gap).",
         [(ALICE.site, 2, A_CHAIN[1])], A[4:5], [a5], {"code": "gap"})
    case("gap-inside-message", "The message holds alice's 1, 2, 4, 5 (no 3).",
         [], A[:2] + A[3:5], [a5], {"code": "gap"})
    return cases


# ---------------------------------------------------------------- push-bodies.json

def push_body_cases():
    """Whole v2 push bodies, sent with a write token of user alice. Accepted cases only ever
    store alice's changes 1 and 2 (the same bytes), so a runner may send every case to one
    space in order: no answer depends on what an earlier case stored."""
    a2 = head(ALICE, "alice", 2, A_CHAIN[1])
    ok2 = [text(A[0]), text(A[1])]
    cases = []

    def case(name, why, body, expect):
        cases.append({"name": name, "description": why, "input": body, "expect": expect})

    def body(changes, heads):
        return '{"changes":[' + ",".join(changes) + '],"heads":[' + ",".join(heads) + "]}"

    bad = {"status": 400, "code": "bad-request"}
    head_rule = lambda r: {"status": 400, "code": "invalid-head", "rule": r}
    case("empty", "No changes, no heads.", body([], []), {"status": 200})
    case("alice-first-push", "Alice's 1 and 2 with her head at 2: binds her site to user alice.",
         body(ok2, [text(a2)]), {"status": 200})
    case("no-heads-member", "A version 1 body: heads are required.", '{"changes":[' + ok2[0] + "]}", bad)
    case("heads-first", "The members in the wrong order.", '{"heads":[],"changes":[]}', bad)
    case("space-before-heads-array", "No white space in the envelope.", '{"changes":[],"heads": []}', bad)
    case("heads-object", "heads is not an array.", '{"changes":[],"heads":{}}', bad)
    case("member-after-heads", "No other member.", '{"changes":[],"heads":[],"since":1}', bad)
    case("space-before-head", "White space inside the heads array belongs to the head: not canonical.",
         body(ok2, [" " + text(a2)]), head_rule("H1"))
    case("blank-head", "An empty element after the comma is not a head.",
         body(ok2, [text(a2), ""]), head_rule("H1"))
    case("changes-before-heads", "A change that breaks a rule is refused as such, before the heads "
         "are looked at (the head is missing too).",
         body([text(A[0]).replace('"op":"set"', '"op":"put"')], []),
         {"status": 400, "code": "invalid-change", "rule": "S8"})
    case("no-head", "Alice's changes without a head.", body(ok2, []), head_rule("H6"))
    case("head-below-last", "Alice's head at 1, her 2 in the push.",
         body(ok2, [text(head(ALICE, "alice", 1, A_CHAIN[0]))]), head_rule("H6"))
    forged = {"author": "alice", "chain": A_CHAIN[1], "key": CAROL.key, "seq": 2, "site": ALICE.site}
    forged["sig"] = CAROL.sign(signing.signed_bytes(forged)).hex()
    case("site-not-from-key", "Alice's site under carol's key.", body(ok2, [text(folio.canonical(forged))]),
         head_rule("H2"))
    flipped = json.loads(a2)
    flipped["sig"] = flipped["sig"][:-1] + ("0" if flipped["sig"][-1] != "0" else "1")
    case("signature-altered", "The signature's last digit changed.",
         body(ok2, [text(folio.canonical(flipped))]), head_rule("H3"))
    altered = change(ALICE, "alice", 3, field="tags", op="add", value="not alice's")
    case("change-altered", "Alice's 1, 2 and a 3 she did not write, under her head at 3.",
         body(ok2 + [text(altered)], [text(head(ALICE, "alice", 3, A_CHAIN[2]))]), head_rule("H4"))
    m3 = change(ALICE, "mallory", 3, field="tags", op="add", value="tag-3")
    case("author-differs", "Alice's key signs her head (author alice) over a change 3 whose author "
         "is mallory.", body(ok2 + [text(m3)], [text(head(ALICE, "alice", 3, signing.chain_of(A[:2] + [m3])[2]))]),
         head_rule("H5"))
    case("gap", "Alice's 4 and 5 without her 3 (never stored by any case).",
         body([text(A[3]), text(A[4])], [text(head(ALICE, "alice", 5, A_CHAIN[4]))]),
         {"status": 409, "code": "gap"})
    case("unbound-site-relayed", "Bob's changes, rightly signed by bob, pushed with alice's token: "
         "bob's site is not bound yet, and only bob's own user may bind it.",
         body([text(B[0])], [text(head(BOB, "bob", 1, B_CHAIN[0]))]), {"status": 403, "code": "unregistered-site"})
    return cases


write("keys.json", "signing.md §1: an Ed25519 key from an RFC 8032 test seed -> its public key "
      "(`key`, 64 hex) -> its site (first 16 bytes of SHA-256 of the key, 32 hex).", key_cases())
write("chains.json", "signing.md §2: a site's changes (canonical JSON, seq 1, 2, …) -> chain_k after "
      "each (chain_0 = 32 zero bytes; chain_k = SHA-256(chain_(k-1) || bytes(c_k))).", chain_cases())
write("heads.json", "signing.md §3: a head without sig (`head`) signed by the key of `seed`: the "
      "bytes signed (`signed`), the Ed25519 signature (`sig`, deterministic) and the head on the "
      "wire (`wire`, its canonical JSON).", head_cases())
write("verify.json", "signing.md §4: a receiver holding `held` (per site: its changes 1 … seq, "
      "whose chain is `chain`) checks a message (`changes`, `heads`, the bytes of each) -> "
      "\"accept\", or refused with the rule (invalid-head H1-H6) or a gap.", verify_cases())
write("push-bodies.json", "Whole version 2 push bodies -> the answer of POST /v2/spaces/{space}/changes "
      "with a write token of user alice: status, code, and for invalid-change and invalid-head the "
      "rule. Run in order on one fresh space, or each on its own.", push_body_cases())
print("wrote keys.json, chains.json, heads.json, verify.json, push-bodies.json")
