/// A site's signed statement "my changes `1 … seq` hash to `chain`, and I write as `author`"
/// (`Protocol/signing.md` §3). One head covers every change of its site up to `seq`, so a
/// relay can pass a site's changes along but cannot alter, drop or invent any.
public struct SignedHead: Hashable, Sendable {
  /// The site's author: every change of the site carries it.
  public let author: String
  /// `chain_seq` of the site, 32 bytes.
  public let chain: [UInt8]
  /// The site's public key.
  public let key: SitePublicKey
  /// The highest seq the head covers.
  public let seq: Int
  /// The site.
  public let site: SiteID
  /// The Ed25519 signature by `key` of `signedMessage`, 64 bytes.
  public let signature: [UInt8]

  /// The domain separator that starts every signed message.
  public static let domain = Array("folio-head-v2\n".utf8)

  /// A head signed by `key` for its site at `chain`.
  public init(signing chain: SiteChain, author: String, with key: SiteKey) {
    self.author = author
    self.chain = chain.hash
    self.key = key.publicKey
    self.seq = chain.seq
    self.site = key.site
    self.signature = key.signature(
      for: Self.message(
        author: author, chain: chain.hash, key: key.publicKey, seq: chain.seq, site: key.site))
  }

  private init(
    author: String, chain: [UInt8], key: SitePublicKey, seq: Int, site: SiteID,
    signature: [UInt8]
  ) {
    self.author = author
    self.chain = chain
    self.key = key
    self.seq = seq
    self.site = site
    self.signature = signature
  }

  /// The chain position the head states.
  public var siteChain: SiteChain { SiteChain(seq: seq, hash: chain) }

  /// The bytes the signature covers: the domain, then the canonical JSON of the head
  /// without `sig`.
  public var signedMessage: [UInt8] {
    Self.message(author: author, chain: chain, key: key, seq: seq, site: site)
  }

  private static func message(
    author: String, chain: [UInt8], key: SitePublicKey, seq: Int, site: SiteID
  ) -> [UInt8] {
    var writer = JSONWriter(capacity: 256)
    writeMembers(
      to: &writer, author: author, chain: chain, key: key, seq: seq, site: site, signature: nil)
    return domain + writer.bytes
  }

  /// The head's canonical JSON.
  public func encoded() -> [UInt8] {
    var writer = JSONWriter(capacity: 400)
    write(to: &writer)
    return writer.bytes
  }

  /// Appends the head's canonical JSON.
  public func write(to writer: inout JSONWriter) {
    Self.writeMembers(
      to: &writer, author: author, chain: chain, key: key, seq: seq, site: site,
      signature: signature)
  }

  private static func writeMembers(
    to writer: inout JSONWriter, author: String, chain: [UInt8], key: SitePublicKey, seq: Int,
    site: SiteID, signature: [UInt8]?
  ) {
    writer.append(#"{"author":"#)
    writer.write(author)
    writer.append(#","chain":""#)
    writer.append(Hex.encode(chain))
    writer.append(#"","key":""#)
    writer.append(key.hex)
    writer.append(#"","seq":"#)
    writer.write(seq)
    if let signature {
      writer.append(#","sig":""#)
      writer.append(Hex.encode(signature))
      writer.append("\"")
    }
    writer.append(#","site":""#)
    writer.append(site.rawValue)
    writer.append("\"}")
  }

  /// Reads a head from its canonical JSON and checks H1–H3 (`Protocol/signing.md` §4): its
  /// form, that `site` is derived from `key`, and the signature. H4–H6 are about a whole
  /// message: `HeadVerifier` checks them.
  ///
  /// - Throws: `InvalidHead` naming the rule broken.
  public static func decode<Bytes: Collection<UInt8>>(
    _ bytes: Bytes
  ) throws(InvalidHead) -> SignedHead {
    let value: JSONValue
    do { value = try JSONReader.parse(bytes, maximumDepth: 2) } catch {
      throw InvalidHead(rule: .form, reason: "not JSON: \(error)")
    }
    guard let members = value.objectValue else {
      throw InvalidHead(rule: .form, reason: "a head is a JSON object")
    }
    let site = members["site"]?.stringValue.flatMap(SiteID.init(rawValue:))
    func refuse(_ reason: String) -> InvalidHead {
      InvalidHead(rule: .form, site: site, reason: reason)
    }
    let expected: Set = ["author", "chain", "key", "seq", "sig", "site"]
    guard Set(members.keys) == expected else {
      throw refuse("a head has exactly the members author, chain, key, seq, sig and site")
    }
    guard let site else { throw refuse("site must be 32 lowercase hex digits") }
    guard let author = members["author"]?.stringValue, (1...200).contains(author.utf8.count)
    else { throw refuse("author must be a string of 1 to 200 UTF-8 bytes") }
    guard let chainText = members["chain"]?.stringValue, chainText.utf8.count == 64,
      let chain = Hex.decode(chainText)
    else { throw refuse("chain must be 64 lowercase hex digits") }
    guard let keyText = members["key"]?.stringValue, let key = SitePublicKey(hex: keyText) else {
      throw refuse("key must be 64 lowercase hex digits")
    }
    guard let seq = members["seq"]?.intValue, seq >= 1 else {
      throw refuse("seq must be an integer from 1 to 2^53 - 1")
    }
    guard let signatureText = members["sig"]?.stringValue, signatureText.utf8.count == 128,
      let signature = Hex.decode(signatureText)
    else { throw refuse("sig must be 128 lowercase hex digits") }
    let head = SignedHead(
      author: author, chain: chain, key: key, seq: seq, site: site, signature: signature)
    guard head.encoded().elementsEqual(bytes) else {
      throw refuse("the bytes are not the head's canonical JSON")
    }
    guard !key.hasSmallOrder else {
      throw InvalidHead(
        rule: .keyForSite, site: site,
        reason: "key \(key.hex) is a point of small order, which no private key belongs to")
    }
    guard key.site == site else {
      throw InvalidHead(
        rule: .keyForSite, site: site,
        reason: "site \(site) is not derived from key \(key.hex) (it would be \(key.site))")
    }
    guard key.isValidSignature(signature, for: head.signedMessage) else {
      throw InvalidHead(
        rule: .signature, site: site, reason: "sig is not the key's signature of the head")
    }
    return head
  }
}
