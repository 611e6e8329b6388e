/// Reads the outer layer of a message that carries changes (a push body, a pull page)
/// without decoding what is inside: each change is then decoded from its own bytes by
/// `ChangeJSON.decode`, exactly as a bundle line or a log row is, so every path makes the
/// same decision about the same bytes.
///
/// The envelope is JSON (white space between tokens allowed); its keys are ASCII and
/// distinct. Values are only delimited here, not checked: the caller decodes each one.
public enum JSONEnvelope {
  /// One member of the top-level object: its key and the byte range of its value.
  public struct Member: Sendable, Equatable {
    public let key: String
    public let value: Range<Int>
  }

  /// The members of the top-level object of `bytes`, in order.
  ///
  /// - Throws: `JSONReader.Failure` when `bytes` is not one object, a key is not an ASCII
  ///   string or is repeated, or a value is not delimited like JSON.
  public static func members(of bytes: [UInt8]) throws(JSONReader.Failure) -> [Member] {
    var scanner = Scanner(bytes: bytes)
    scanner.skipWhitespace()
    try scanner.expect(UInt8(ascii: "{"), "the body must be a JSON object")
    var members: [Member] = []
    var keys = Set<String>()
    scanner.skipWhitespace()
    if try scanner.consumeIf(UInt8(ascii: "}")) {
      try scanner.expectEnd()
      return members
    }
    while true {
      scanner.skipWhitespace()
      let keyStart = scanner.offset
      try scanner.skipString()
      let key: String
      switch try JSONReader.parse(bytes[keyStart..<scanner.offset]) {
      case .string(let text): key = text
      default: throw scanner.fail("expected a key")
      }
      guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
        throw JSONReader.Failure(
          kind: .nonASCIIKey, offset: keyStart, reason: "an object key is not ASCII")
      }
      guard keys.insert(key).inserted else {
        throw JSONReader.Failure(
          kind: .duplicateKey, offset: keyStart, reason: "duplicate key \"\(key)\"")
      }
      scanner.skipWhitespace()
      try scanner.expect(UInt8(ascii: ":"), "expected ':'")
      scanner.skipWhitespace()
      let valueStart = scanner.offset
      try scanner.skipValue()
      members.append(Member(key: key, value: valueStart..<scanner.offset))
      scanner.skipWhitespace()
      if try scanner.consumeIf(UInt8(ascii: "}")) {
        try scanner.expectEnd()
        return members
      }
      try scanner.expect(UInt8(ascii: ","), "expected ',' or '}'")
    }
  }

  /// The byte ranges of the elements of the array that `range` of `bytes` holds.
  ///
  /// - Parameters:
  ///   - bytes: The whole message.
  ///   - range: Where the array is in `bytes`.
  /// - Returns: Each element's range, in order.
  /// - Throws: `JSONReader.Failure` when the range is not one array.
  public static func elements(
    of bytes: [UInt8], in range: Range<Int>
  ) throws(JSONReader.Failure) -> [Range<Int>] {
    var scanner = Scanner(bytes: bytes, offset: range.lowerBound, end: range.upperBound)
    try scanner.expect(UInt8(ascii: "["), "expected an array")
    var elements: [Range<Int>] = []
    scanner.skipWhitespace()
    if try scanner.consumeIf(UInt8(ascii: "]")) {
      try scanner.expectEnd()
      return elements
    }
    while true {
      scanner.skipWhitespace()
      let start = scanner.offset
      try scanner.skipValue()
      elements.append(start..<scanner.offset)
      scanner.skipWhitespace()
      if try scanner.consumeIf(UInt8(ascii: "]")) {
        try scanner.expectEnd()
        return elements
      }
      try scanner.expect(UInt8(ascii: ","), "expected ',' or ']'")
    }
  }

  /// Finds where JSON values end by their brackets and strings, without decoding them.
  private struct Scanner {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    init(bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
      self.bytes = bytes
      self.offset = offset
      self.end = end ?? bytes.count
    }

    func fail(_ reason: String) -> JSONReader.Failure {
      JSONReader.Failure(kind: .syntax, offset: offset, reason: reason)
    }

    mutating func skipWhitespace() {
      while offset < end {
        switch bytes[offset] {
        case 0x20, 0x09, 0x0A, 0x0D: offset += 1
        default: return
        }
      }
    }

    mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONReader.Failure) {
      guard offset < end, bytes[offset] == byte else { throw fail(reason) }
      offset += 1
    }

    mutating func consumeIf(_ byte: UInt8) throws(JSONReader.Failure) -> Bool {
      guard offset < end else { throw fail("unexpected end") }
      guard bytes[offset] == byte else { return false }
      offset += 1
      return true
    }

    mutating func expectEnd() throws(JSONReader.Failure) {
      skipWhitespace()
      guard offset == end else { throw fail("unexpected data after the value") }
    }

    /// Skips a string, from its opening quote to just past its closing one.
    mutating func skipString() throws(JSONReader.Failure) {
      try expect(UInt8(ascii: "\""), "expected a string")
      while offset < end {
        switch bytes[offset] {
        case UInt8(ascii: "\""):
          offset += 1
          return
        case UInt8(ascii: "\\"): offset += 2
        default: offset += 1
        }
      }
      throw fail("unterminated string")
    }

    /// Skips one value: a string, an array or object (by bracket depth, iteratively), or a
    /// scalar up to the next delimiter.
    mutating func skipValue() throws(JSONReader.Failure) {
      guard offset < end else { throw fail("unexpected end") }
      switch bytes[offset] {
      case UInt8(ascii: "\""): try skipString()
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var closers: [UInt8] = []
        repeat {
          guard offset < end else { throw fail("unexpected end") }
          switch bytes[offset] {
          case UInt8(ascii: "\""):
            try skipString()
            continue
          case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
          case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
          case UInt8(ascii: "}"), UInt8(ascii: "]"):
            guard closers.popLast() == bytes[offset] else { throw fail("mismatched bracket") }
          default: break
          }
          offset += 1
        } while !closers.isEmpty
      default:
        let start = offset
        while offset < end {
          switch bytes[offset] {
          case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
            guard offset > start else { throw fail("expected a value") }
            return
          default: offset += 1
          }
        }
        guard offset > start else { throw fail("expected a value") }
      }
    }
  }
}
