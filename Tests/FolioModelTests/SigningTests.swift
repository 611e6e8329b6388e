import Testing

@testable import FolioModel

@Suite struct SigningTests {
  /// RFC 8032 §7.1, test 1: this seed's public key.
  static let rfcSeed =
    Hex.decode(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60") ?? []
  static let rfcPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

  private func change(_ key: SiteKey, seq: Int, author: String = "alice") -> Change {
    let site = key.site
    return Change(
      site: site, seq: seq, hlc: HybridTimestamp(rawValue: UInt64(seq) << 16), author: author,
      entity: EntityRef(kind: .article, id: "a1"), field: "title", op: .set,
      value: .string("title \(seq)"),
      pred: seq > 1 ? [Dot(site: site, seq: seq - 1)] : [])
  }

  private func items(_ changes: [Change]) -> [HeadVerifier.Item<[UInt8]>] {
    changes.map { HeadVerifier.Item(dot: $0.dot, author: $0.author, bytes: ChangeJSON.encode($0)) }
  }

  private func chain(of changes: [Change]) -> SiteChain {
    changes.reduce(SiteChain.empty) { $0.appending(ChangeJSON.encode($1)) }
  }

  @Test func aSiteIsDerivedFromItsPublicKey() throws {
    let key = try SiteKey(rawRepresentation: Self.rfcSeed)
    #expect(key.publicKey.hex == Self.rfcPublicKey)
    let digest = SHA256.digest(Hex.decode(Self.rfcPublicKey)!)
    #expect(key.site.rawValue == Hex.encode(digest.prefix(16)))
    #expect(try SiteKey(rawRepresentation: key.rawRepresentation).site == key.site)
  }

  @Test func aHeadRoundTripsThroughItsCanonicalBytes() throws {
    let key = SiteKey()
    let changes = (1...3).map { change(key, seq: $0) }
    let head = SignedHead(signing: chain(of: changes), author: "alice", with: key)
    let bytes = head.encoded()
    #expect(try SignedHead.decode(bytes) == head)
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.hasPrefix(#"{"author":"alice","chain":""#))
    #expect(text.contains(#","seq":3,"sig":""#))
  }

  @Test func aHeadWithAnotherSiteOrATamperedFieldIsRefused() throws {
    let key = SiteKey()
    let head = SignedHead(signing: chain(of: [change(key, seq: 1)]), author: "alice", with: key)
    let text = String(decoding: head.encoded(), as: UTF8.self)
    let otherSite = SiteKey().site.rawValue
    let forgedSite = text.replacingOccurrences(of: key.site.rawValue, with: otherSite)
    #expect(throws: InvalidHead.self) { try SignedHead.decode(Array(forgedSite.utf8)) }
    do {
      _ = try SignedHead.decode(Array(forgedSite.utf8))
    } catch { #expect(error.rule == .keyForSite) }
    let renamed = text.replacingOccurrences(of: #""author":"alice""#, with: #""author":"carol""#)
    do {
      _ = try SignedHead.decode(Array(renamed.utf8))
      Issue.record("a head whose author was changed after signing was accepted")
    } catch { #expect(error.rule == .signature) }
    let spaced = text.replacingOccurrences(of: #""seq":1"#, with: #""seq": 1"#)
    do {
      _ = try SignedHead.decode(Array(spaced.utf8))
      Issue.record("a head that is not canonical was accepted")
    } catch { #expect(error.rule == .form) }
  }

  @Test func theVerifierFollowsTheChainFromWhatTheReceiverHolds() throws {
    let key = SiteKey()
    let changes = (1...5).map { change(key, seq: $0) }
    let head = SignedHead(signing: chain(of: changes), author: "alice", with: key)
    let held = chain(of: Array(changes.prefix(2)))
    let advanced = try HeadVerifier.verify(
      items(Array(changes[1...].reversed())), heads: [head]
    ) { _ throws(InvalidHead) in held }
    #expect(advanced[key.site] == head)
    let nothingNew = try HeadVerifier.verify(items(changes), heads: [head]) {
      _ throws(InvalidHead) in chain(of: changes)
    }
    #expect(nothingNew.isEmpty)
  }

  @Test func aGapAnAlteredChangeOrAnotherAuthorIsRefused() throws {
    let key = SiteKey()
    let changes = (1...4).map { change(key, seq: $0) }
    let head = SignedHead(signing: chain(of: changes), author: "alice", with: key)
    func refusal(_ message: [Change], heldUpTo held: Int = 0) -> HeadRule? {
      do {
        _ = try HeadVerifier.verify(items(message), heads: [head]) { _ throws(InvalidHead) in
          chain(of: Array(changes.prefix(held)))
        }
        return nil
      } catch let error as InvalidHead { return error.rule } catch { return nil }
    }
    #expect(refusal([changes[0], changes[1], changes[3]]) == .chain)
    var altered = changes
    altered[2].value = .string("forged")
    #expect(refusal(altered) == .chain)
    var otherAuthor = changes
    otherAuthor[1].author = "mallory"
    #expect(refusal(otherAuthor) == .author)
    #expect(refusal(Array(changes.prefix(3))) == .coverage)
    #expect(refusal(changes) == nil)
    #expect(refusal(Array(changes[2...]), heldUpTo: 2) == nil)
  }

  /// The streaming verifier names the lowest seq written by another author than the head's,
  /// whatever order the changes come in (it remembers each author's lowest seq).
  @Test func theStreamNamesTheFirstChangeOfAnotherAuthorInAnyOrder() throws {
    let key = SiteKey()
    var changes = (1...6).map { change(key, seq: $0) }
    changes[4].author = "mallory"
    changes[2].author = "mallory"
    let head = SignedHead(signing: chain(of: changes), author: "alice", with: key)
    for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [0, 4, 1, 2, 5, 3]] {
      var stream = HeadVerifier.Stream(heldSeq: { _ in 0 }, heldChain: { _ in .empty })
      for index in order {
        let item = changes[index]
        try stream.add(dot: item.dot, author: item.author, bytes: ChangeJSON.encode(item))
      }
      do {
        _ = try stream.finish(heads: [head])
        Issue.record("accepted in order \(order)")
      } catch {
        #expect(error.rule == .author)
        #expect(error.reason.contains("change 3 is by 'mallory'"), "\(order): \(error)")
      }
    }
  }

  /// Sites' changes interleaved in any way are followed on each site's own chain (the
  /// stream keeps the current site's progress apart from the others').
  @Test func theStreamFollowsInterleavedSitesInAnyOrder() throws {
    let alice = SiteKey()
    let bob = SiteKey()
    let aliceChanges = (1...4).map { change(alice, seq: $0) }
    let bobChanges = (1...3).map { change(bob, seq: $0, author: "bob") }
    let heads = [
      SignedHead(signing: chain(of: aliceChanges), author: "alice", with: alice),
      SignedHead(signing: chain(of: bobChanges), author: "bob", with: bob),
    ].sorted { $0.site < $1.site }  // As a message lists them (H6).
    let a = aliceChanges
    let b = bobChanges
    let orders: [[Change]] = [
      a + b, b + a, [a[0], b[0], a[1], b[1], a[2], b[2], a[3]],
      [a[0], a[1], b[0], a[2], b[1], b[2], a[3]], [b[2], a[3], b[1], a[2], b[0], a[1], a[0]],
    ]
    for order in orders {
      var stream = HeadVerifier.Stream(heldSeq: { _ in 0 }, heldChain: { _ in .empty })
      for item in order {
        try stream.add(dot: item.dot, author: item.author, bytes: ChangeJSON.encode(item))
      }
      let advanced = try stream.finish(heads: heads)
      #expect(Set(advanced.keys) == [alice.site, bob.site], "\(order.map(\.dot))")
    }
    var altered = bobChanges
    altered[1].value = .string("forged")
    var stream = HeadVerifier.Stream(heldSeq: { _ in 0 }, heldChain: { _ in .empty })
    for item in [a[0], altered[0], a[1], altered[1], a[2], altered[2], a[3]] {
      try stream.add(dot: item.dot, author: item.author, bytes: ChangeJSON.encode(item))
    }
    #expect(throws: InvalidHead.self) { _ = try stream.finish(heads: heads) }
    do {
      _ = try stream.finish(heads: heads)
    } catch {
      #expect(error.rule == .chain && error.site == bob.site, "\(error)")
    }
  }

  @Test func everySiteNeedsExactlyOneHeadAtItsLastChange() throws {
    let alice = SiteKey()
    let bob = SiteKey()
    let aliceChanges = [change(alice, seq: 1)]
    let bobChanges = [change(bob, seq: 1, author: "bob")]
    let aliceHead = SignedHead(signing: chain(of: aliceChanges), author: "alice", with: alice)
    let bobHead = SignedHead(signing: chain(of: bobChanges), author: "bob", with: bob)
    let sorted = [aliceHead, bobHead].sorted { $0.site < $1.site }
    let both = items(aliceChanges + bobChanges)
    let accepted = try HeadVerifier.verify(both, heads: sorted) { _ throws(InvalidHead) in .empty }
    #expect(accepted.count == 2)
    for heads in [[aliceHead], Array(sorted.reversed()), sorted + [aliceHead]] {
      #expect(throws: InvalidHead.self) {
        try HeadVerifier.verify(both, heads: heads) { _ throws(InvalidHead) in .empty }
      }
    }
  }

  @Test func aPushBodyCarriesItsHeadsAndReadsBack() throws {
    let key = SiteKey()
    let changes = (1...2).map { change(key, seq: $0) }
    // A value holding the separator's bytes must not confuse the split.
    var tricky = changes
    tricky[1].value = .object(["x": .array([.int(1)]), "heads": .array([.int(2)])])
    let head = SignedHead(signing: chain(of: tricky), author: "alice", with: key)
    let body = PushRequest(changes: tricky, heads: [head]).encoded()
    let decoded = try PushRequest.decode(body)
    #expect(decoded.changes == tricky)
    #expect(decoded.heads == [head])
    let empty = PushRequest(changes: [], heads: []).encoded()
    #expect(String(decoding: empty, as: UTF8.self) == #"{"changes":[],"heads":[]}"#)
    #expect(try PushRequest.decode(empty).changes.isEmpty)
    let v1Body = Array(#"{"changes":[]}"#.utf8)
    #expect(throws: ChangeMessageError.self) { try PushRequest.decode(v1Body) }
  }
}
