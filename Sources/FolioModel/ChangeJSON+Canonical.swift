#if canImport(Glibc)
  import Glibc  // memcmp
#elseif canImport(Darwin)
  import Darwin
#endif

extension ChangeJSON {
  /// Reads a change straight from bytes laid out exactly as `encode` writes them, without
  /// building a JSON tree first: nil whenever they are not (another key order, white space,
  /// an escape or a control character in a string, invalid UTF-8, a number not written
  /// canonically, context sites out of order, a value not in canonical form, a broken rule),
  /// and then the full reader decides and names the rule. Every member is checked with the
  /// same predicate the full reader uses (S1–S11), and each is read only in the form
  /// `encode` writes it, so what this returns is already known to be its own canonical
  /// encoding (K1); the caller runs `validateSense` (C1–C7). This path accepts exactly what
  /// the full reader accepts.
  ///
  /// Hand-written because decoding was a quarter of applying a bundle: it skips the tree of
  /// `JSONValue` dictionaries for every member except a value that is not a plain string,
  /// and it checks K1 as it reads instead of encoding the change again to compare (6% of a
  /// bundle apply).
  ///
  /// - Returns: The change, with the size of its value's bytes (they are its canonical JSON).
  static func decodeCanonical(
    _ bytes: UnsafeBufferPointer<UInt8>, limits: ChangeLimits
  ) -> (change: Change, valueSize: Int)? {
    var scanner = CanonicalScanner(bytes)
    guard scanner.skip("{\"author\":"), let author = scanner.plainString(),
      Change.isValidAuthor(author, limits)
    else { return nil }
    var context: VersionVector?
    if scanner.skip(",\"context\":{") {
      var entries: [SiteID: Int] = [:]
      var previous: SiteID?
      repeat {
        // `encode` writes the sites in ascending order, so each key is greater than the last.
        guard let site = scanner.site(), previous.map({ $0 < site }) ?? true, scanner.skip(":"),
          let seq = scanner.positiveInteger()
        else { return nil }
        previous = site
        entries[site] = seq
      } while scanner.skip(",")
      guard scanner.skip("}"), entries.count <= limits.maximumContextSites else { return nil }
      context = VersionVector(entries)
    }
    guard scanner.skip(",\"entity\":{\"id\":"), let id = scanner.plainString(),
      Change.isValidID(id, limits), scanner.skip(",\"kind\":"),
      let kind = scanner.plainString().flatMap(EntityKind.init(rawValue:)),
      scanner.skip("},\"field\":"), let field = scanner.plainString(),
      Change.isValidField(field, limits), scanner.skip(",\"hlc\":"),
      let hlc = scanner.hlc(),
      scanner.skip(",\"op\":"), let op = scanner.plainString().flatMap(ChangeOp.init(rawValue:))
    else { return nil }
    var pred: [Dot] = []
    if scanner.skip(",\"pred\":[") {
      repeat {
        guard scanner.skip("{\"seq\":"), let seq = scanner.positiveInteger(),
          scanner.skip(",\"site\":"),
          let site = scanner.site(), scanner.skip("}")
        else { return nil }
        pred.append(Dot(site: site, seq: seq))
      } while scanner.skip(",")
      guard scanner.skip("]"), pred.count <= limits.maximumPredCount else { return nil }
    }
    guard scanner.skip(",\"seq\":"), let seq = scanner.positiveInteger(),
      scanner.skip(",\"site\":"), let site = scanner.site(),
      !pred.contains(Dot(site: site, seq: seq))
    else { return nil }
    var value: JSONValue?
    var valueSize = 0
    if scanner.skip(",\"value\":") {
      let valueStart = scanner.position
      guard let last = scanner.valueUpToClosingBrace(maximumDepth: limits.maximumValueDepth),
        last != .null
      else { return nil }
      value = last
      valueSize = scanner.position - valueStart
    }
    guard scanner.skip("}"), scanner.isAtEnd else { return nil }
    let change = Change(
      site: site, seq: seq, hlc: hlc, author: author, entity: EntityRef(kind: kind, id: id),
      field: field, op: op, value: value, pred: pred, context: context)
    return (change, valueSize)
  }
}

/// A cursor over bytes in canonical change layout, for `ChangeJSON.decodeCanonical`. Each
/// read returns nil (or false) when the bytes are not what it expects there.
private struct CanonicalScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  var isAtEnd: Bool { position == bytes.count }

  /// Moves past `literal` when the bytes continue with it.
  mutating func skip(_ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard bytes.count - position >= count else { return false }
    let matches = literal.withUTF8Buffer { expected in
      for offset in 0..<count where bytes[position + offset] != expected[offset] { return false }
      return true
    }
    if matches { position += count }
    return matches
  }

  /// A string as `encode` writes it when it needs no escape: valid UTF-8 with no quote,
  /// backslash or control character (anything else is left to the full reader).
  mutating func plainString() -> String? {
    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
    var end = position + 1
    var isASCII = true
    while end < bytes.count {
      let byte = bytes[end]
      if byte == UInt8(ascii: "\"") { break }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
      if byte >= 0x80 { isASCII = false }
      end += 1
    }
    guard end < bytes.count else { return nil }
    let content = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<end])
    let text: String
    if isASCII {
      text = String(decoding: content, as: UTF8.self)
    } else {
      guard let valid = String(validating: content, as: UTF8.self) else { return nil }
      text = valid
    }
    position = end + 1
    return text
  }

  /// A site id: a string of exactly 32 lowercase hex digits.
  mutating func site() -> SiteID? { quoted(length: 32).flatMap(SiteID.init(hexUTF8:)) }

  /// A clock: a string of exactly 16 lowercase hex digits.
  mutating func hlc() -> HybridTimestamp? {
    quoted(length: 16).flatMap(HybridTimestamp.init(hexUTF8:))
  }

  /// The content of a string of exactly `length` bytes, moving past it; nil when the bytes
  /// here are not one. (Its content is for the caller to check.)
  private mutating func quoted(length: Int) -> UnsafeBufferPointer<UInt8>? {
    guard bytes.count - position >= length + 2, bytes[position] == UInt8(ascii: "\""),
      bytes[position + length + 1] == UInt8(ascii: "\"")
    else { return nil }
    let content = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<(position + 1 + length)])
    position += length + 2
    return content
  }

  /// An integer from 1 to 2^53 - 1 written canonically (no sign, no leading zero).
  mutating func positiveInteger() -> Int? {
    guard position < bytes.count, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[position])
    else { return nil }
    var value = 0
    var end = position
    while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
      value = value * 10 + Int(bytes[end] - UInt8(ascii: "0"))
      end += 1
      guard end - position <= 16, value <= 9_007_199_254_740_991 else { return nil }
    }
    position = end
    return value
  }

  /// The value that runs from here to the change's closing brace (the value is its last
  /// member): a plain string read directly, anything else by `JSONReader`.
  mutating func valueUpToClosingBrace(maximumDepth: Int) -> JSONValue? {
    let end = bytes.count - 1
    guard end > position, bytes[end] == UInt8(ascii: "}") else { return nil }
    let start = position
    if let text = plainString(), position == end { return .string(text) }
    position = start
    let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
    guard let value = try? JSONReader.parse(slice, maximumDepth: maximumDepth),
      Self.isCanonical(value, slice)
    else { return nil }
    position = end
    return value
  }

  /// True when `bytes` are exactly how `JSONWriter` writes `value`.
  private static func isCanonical(_ value: JSONValue, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var writer = JSONWriter(capacity: bytes.count)
    writer.write(value)
    return writer.bytes.withUnsafeBufferPointer { written in
      guard written.count == bytes.count else { return false }
      guard let writtenStart = written.baseAddress, let start = bytes.baseAddress else {
        return true
      }
      return memcmp(writtenStart, start, bytes.count) == 0
    }
  }
}
