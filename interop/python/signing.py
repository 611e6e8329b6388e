"""Signed authorship (Protocol/signing.md, protocol v2), second implementation.

Keys and sites (§1), hash chains (§2), signed heads (§3) and the checks H1-H6 a receiver
makes on a message's heads (§4). Ed25519 comes from the `cryptography` package (Debian:
python3-cryptography); everything else is the standard library and folio.py's JSON.
"""
import hashlib
import json
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

import folio

ZERO_CHAIN = "00" * 32
HEAD_PREFIX = b"folio-head-v2\n"
HEAD_MEMBERS = {"author", "chain", "key", "seq", "sig", "site"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


class HeadRefused(folio.Refused):
    """A message refused for its heads: code invalid-head with the rule (H1-H6), or gap."""

    def __init__(self, rule, message, site=None, code="invalid-head"):
        super().__init__(rule, message, code=code)
        self.site = site


# ---------------------------------------------------------------- §1 keys and sites

class SiteKey:
    """An Ed25519 key pair (RFC 8032) and the site id derived from its public key."""

    def __init__(self, seed):
        self.seed = bytes(seed)
        self._private = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key = self.public.hex()
        self.site = site_of(self.key)

    @staticmethod
    def generate():
        k = Ed25519PrivateKey.generate()
        return SiteKey(k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    def sign(self, message):
        return self._private.sign(message)


def site_of(key_hex):
    """site = hex(SHA-256(public key)[0 ..< 16])."""
    return hashlib.sha256(bytes.fromhex(key_hex)).digest()[:16].hex()


# ---------------------------------------------------------------- §2 the chain

def chain_step(chain_hex, change_bytes):
    """chain_k = SHA-256(chain_(k-1) || bytes(c_k)), in hex."""
    return hashlib.sha256(bytes.fromhex(chain_hex) + bytes(change_bytes)).hexdigest()


def chain_of(change_bytes_in_seq_order, start=ZERO_CHAIN):
    """The chain after each change: [chain_1, ..., chain_n]."""
    out, c = [], start
    for b in change_bytes_in_seq_order:
        c = chain_step(c, b)
        out.append(c)
    return out


# ---------------------------------------------------------------- §3 a signed head

def signed_bytes(head):
    """What `sig` signs: "folio-head-v2" LF, then the canonical JSON of the head without sig."""
    return HEAD_PREFIX + folio.canonical({k: v for k, v in head.items() if k != "sig"})


def make_head(site_key, author, seq, chain):
    """A head for the key's own site, signed: its canonical bytes."""
    head = {"author": author, "chain": chain, "key": site_key.key, "seq": seq, "site": site_key.site}
    head["sig"] = site_key.sign(signed_bytes(head)).hex()
    return folio.canonical(head)


# ---------------------------------------------------------------- §4 H1-H6

def read_head(data):
    """H1 on one head's bytes: returns the head (a dict). Raises HeadRefused H1."""
    try:
        head = folio.parse_json(bytes(data))
    except folio.Refused as e:
        raise HeadRefused("H1", f"the head is not Folio JSON: {e.rule} {e.message}")
    site = head.get("site") if isinstance(head, dict) and folio._issite(head.get("site")) else None

    def no(msg):
        raise HeadRefused("H1", msg, site=site)

    if not isinstance(head, dict) or set(head) != HEAD_MEMBERS:
        no("the head is not an object with exactly author, chain, key, seq, sig, site")
    a = head["author"]
    if not (isinstance(a, str) and 1 <= len(a.encode("utf-8")) <= 200):
        no("author is not a string of 1-200 UTF-8 bytes (S5)")
    if site is None:
        no("site is not 32 lowercase hex digits (S2)")
    if not folio._isint(head["seq"]):
        no("seq is not an integer from 1 to 2^53-1 (S3)")
    for member, pattern in (("chain", _HEX64), ("key", _HEX64), ("sig", _HEX128)):
        if not (isinstance(head[member], str) and pattern.fullmatch(head[member])):
            no(f"{member} is not {64 if pattern is _HEX64 else 128} lowercase hex digits")
    if folio.canonical(head) != bytes(data):
        no("the head's bytes are not its canonical JSON (K1)")
    return head


# signing.md H2: the seven encodings (sign bit cleared) of the points of small order, the
# list libsodium refuses; nobody holds a private key for them.
SMALL_ORDER_KEYS = {
    "00" * 32,
    "01" + "00" * 31,
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ec" + "ff" * 30 + "7f",
    "ed" + "ff" * 30 + "7f",
    "ee" + "ff" * 30 + "7f",
}


def has_small_order(key_hex):
    key = bytearray(bytes.fromhex(key_hex))
    key[31] &= 0x7F
    return key.hex() in SMALL_ORDER_KEYS


def check_key_and_sig(head):
    """H2 and H3."""
    if has_small_order(head["key"]):
        raise HeadRefused("H2", f"key {head['key']} is a point of small order", site=head["site"])
    if site_of(head["key"]) != head["site"]:
        raise HeadRefused("H2", f"site {head['site']} is not derived from key {head['key']}", site=head["site"])
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(head["key"])).verify(
            bytes.fromhex(head["sig"]), signed_bytes(head))
    except (InvalidSignature, ValueError):
        raise HeadRefused("H3", "sig is not a valid Ed25519 signature of the head by key", site=head["site"])


class Held:
    """What a receiver holds of each site, as far as the checks need: the highest seq k it
    holds (contiguous from 1) and the chain at a seq <= k (None when it does not know it)."""

    def __init__(self, positions=None):
        self.positions = positions or {}  # site -> (k, chain_k)

    def seq(self, site):
        return self.positions.get(site, (0, ZERO_CHAIN))[0]

    def chain(self, site, seq):
        if seq == 0:
            return ZERO_CHAIN
        k, c = self.positions.get(site, (0, ZERO_CHAIN))
        return c if seq == k else None


def check_heads(changes, heads):
    """H1, H2, H3 on each head in message order, then H6: what a message alone decides.
    changes: decoded changes (dicts); heads: the heads' raw bytes. Returns {site: head}."""
    read = []
    for data in heads:
        h = read_head(data)
        check_key_and_sig(h)
        read.append(h)
    top = {}
    for c in changes:
        top[c["site"]] = max(top.get(c["site"], 0), c["seq"])
    seen = {}
    for h in read:
        s = h["site"]
        if s in seen:
            raise HeadRefused("H6", f"two heads for site {s}", site=s)
        seen[s] = h
        if s not in top:
            raise HeadRefused("H6", f"a head for site {s}, which has no change in the message", site=s)
        if h["seq"] != top[s]:
            raise HeadRefused("H6", f"site {s}'s head is at seq {h['seq']}, its last change at {top[s]}", site=s)
    for s in sorted(top):
        if s not in seen:
            raise HeadRefused("H6", f"no head for site {s}, which has changes in the message", site=s)
    if [h["site"] for h in read] != sorted(h["site"] for h in read):
        raise HeadRefused("H6", "the heads are not sorted by site")
    return seen


def verify(changes, heads, held, check_held=True):
    """Checks a message (push, pull page, bundle) before anything of it is applied.

    changes: the message's changes, decoded (dicts; their canonical bytes are their bytes),
    in message order. heads: the heads' raw bytes, in message order. held: a Held.
    Order (as the server's, signing.md §5): H1, H2, H3 on each head in message order; H6;
    then per site, by site: the gap check, H4, H5. Returns {site: head}. Raises HeadRefused.
    check_held=False is a replica's reading (signing.md §4): a site whose changes here are all
    held brings nothing new, so H4 and H5 are not checked for it.
    """
    seen = check_heads(changes, heads)
    by_site = {}
    for c in changes:
        by_site.setdefault(c["site"], []).append(c)
    for s in sorted(by_site):
        head, k = seen[s], held.seq(s)
        new = sorted({c["seq"]: c for c in by_site[s] if c["seq"] > k}.values(), key=lambda c: c["seq"])
        if new and new[-1]["seq"] != k + len(new):  # a change twice: Replica.apply compares bytes
            first = next(j for j, c in enumerate(new, start=k + 1) if c["seq"] != j)
            raise HeadRefused(None, f"site {s}'s change {first} is missing (the receiver holds "
                              f"up to {k}, the message has {new[0]['seq']} ... {new[-1]['seq']})",
                              site=s, code="gap")
        if not new and not check_held:
            continue
        if head["seq"] > k:
            chain = held.chain(s, k)
            for c in new:
                chain = chain_step(chain, folio.canonical(c))
        else:
            chain = held.chain(s, head["seq"])  # all held: may be unknown, then H4 is skipped
        if chain is not None and chain != head["chain"]:
            raise HeadRefused("H4", f"site {s}'s changes 1 ... {head['seq']} do not hash to the head's chain", site=s)
        for c in by_site[s]:
            if c["author"] != head["author"]:
                raise HeadRefused("H5", f"change {s}:{c['seq']} has author {c['author']!r}, "
                                  f"its site's head {head['author']!r}", site=s)
    return seen


# ---------------------------------------------------------------- a replica's side (§6)

class ReplicaHeld(Held):
    """A replica holds every change's bytes, so it knows the chain at every seq it holds."""

    def __init__(self, replica):
        super().__init__()
        self.chains = {}
        by_site = {}
        for (s, n), (b, _) in replica.lines.items():
            by_site.setdefault(s, {})[n] = b
        for s, got in by_site.items():
            k = 0
            while k + 1 in got:
                k += 1
            self.chains[s] = chain_of(got[n] for n in range(1, k + 1))

    def seq(self, site):
        return len(self.chains.get(site, ()))

    def chain(self, site, seq):
        return ZERO_CHAIN if seq == 0 else self.chains[site][seq - 1]


def replica_key(replica):
    return SiteKey(bytes.fromhex(replica.key_seed))


def own_head(replica, seq):
    """The replica signs a head of its own site at seq (which it holds)."""
    return make_head(replica_key(replica), replica.author, seq, ReplicaHeld(replica).chain(replica.site, seq))


def head_at(replica, site, seq):
    """The head the replica can send for site at seq: its own, signed now, or a verified one
    it keeps. None when it holds none there."""
    if site == replica.site:
        return own_head(replica, seq)
    h = replica.heads.get(site, {}).get(str(seq))
    return h.encode("utf-8") if h is not None else None


def apply_signed(replica, blobs, heads, gap_message=None):
    """Verifies a message's heads against what the replica holds (H1-H6), then applies its
    changes all-or-nothing and keeps the heads. Returns the number of new changes."""
    changes = [folio.decode_change(b) for b in blobs]
    _check_conflicts(replica, blobs, changes)  # bundle.md: B11 before the heads (B12, B13)
    try:
        seen = verify(changes, heads, ReplicaHeld(replica), check_held=False)
    except HeadRefused as e:
        if e.code == "gap" and gap_message:
            e.message = gap_message(e)
        raise
    n = replica.apply(blobs)
    for s, h in seen.items():
        if s != replica.site:
            replica.heads.setdefault(s, {})[str(h["seq"])] = folio.canonical(h).decode("utf-8")
    return n


def _check_conflicts(replica, blobs, changes):
    """A change with the (site, seq) of one held, or of an earlier one here, but other bytes."""
    seen = {}
    for b, c in zip(blobs, changes):
        k = folio.dot_of(c)
        old = replica.lines[k][0] if k in replica.lines else seen.get(k)
        if old is not None and old != b:
            raise folio.Refused(None, f"change {k[0]}:{k[1]} differs from the one held",
                                code="conflicting-change", change={"seq": k[1], "site": k[0]})
        seen.setdefault(k, b)


def push_body(changes, heads):
    """canonical-json.md §7: {"changes":[…],"heads":[…]}, no white space."""
    return b'{"changes":[' + b",".join(changes) + b'],"heads":[' + b",".join(heads) + b"]}"


def relayable(replica, vector):
    """Per site other than the replica's own: the changes the server lacks (its `vector`) up to
    the highest seq where the replica keeps a verified head. {site: (head bytes, [change bytes])}."""
    held = ReplicaHeld(replica)
    out = {}
    for s in sorted(held.chains):
        if s == replica.site:
            continue
        kept = [int(n) for n in replica.heads.get(s, {}) if vector.get(s, 0) < int(n) <= held.seq(s)]
        if not kept:
            continue
        top = max(kept)
        lines = [replica.lines[(s, n)][0] for n in range(vector.get(s, 0) + 1, top + 1)]
        out[s] = (head_at(replica, s, top), lines)
    return out


def relay(replica, base, space, token):
    """Pushes other sites' changes the server lacks, each site's with the newest head the
    replica keeps (README.md POST changes, "may relay"). Returns the server's answer."""
    st, v = replica._req(f"{base}/v2/spaces/{space}/vector", "GET", token)
    if st != 200:
        raise RuntimeError(f"relay: vector: HTTP {st}: {v[:300]!r}")
    todo = relayable(replica, json.loads(v)["vector"])
    if not todo:
        return {"accepted": 0, "duplicates": 0, "sites": 0}
    changes = [b for s in sorted(todo) for b in todo[s][1]]
    if len(changes) > 5000:
        raise RuntimeError(f"relay: {len(changes)} changes, more than one push takes")
    st, resp = replica._req(f"{base}/v2/spaces/{space}/changes", "POST", token,
                            push_body(changes, [todo[s][0] for s in sorted(todo)]))
    answer = json.loads(resp)
    if st != 200:
        err = answer.get("error", {})
        raise folio.Refused(err.get("rule"), f"relay refused: HTTP {st}: {err}", code=err.get("code"))
    answer["sites"] = len(todo)
    return answer


def bundle_heads(replica, lines_by_dot):
    """bundle.md header `heads`: one per site with a change in the bundle, at its highest seq."""
    top = {}
    for s, n in lines_by_dot:
        top[s] = max(top.get(s, 0), n)
    heads = []
    for s in sorted(top):
        h = head_at(replica, s, top[s])
        if h is None:
            raise folio.Refused(None, f"no signed head of site {s} at seq {top[s]} to vouch for its changes",
                                code="no-head")
        heads.append(json_value(h))
    return heads


def json_value(data):
    return folio.parse_json(data)
