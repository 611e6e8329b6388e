/// A strict, fast parser of Folio's JSON from UTF-8 bytes to `JSONValue`. Changes are read
/// by the hundred thousand (bundles, pulls, the op log), so they skip the general purpose
/// decoder.
///
/// Folio's JSON is RFC 8259 JSON with the restrictions of `Protocol/canonical-json.md`
/// (rules J1–J7): numbers are integers within ±(2^53 − 1) written without fraction,
/// exponent or `-0`; strings hold Unicode scalars only; object keys are ASCII and distinct.
/// White space between tokens is accepted here; whether the bytes are the canonical form is
/// for the caller to check (`ChangeJSON.decode` re-encodes and compares).
public struct JSONReader {
  /// Which rule of Folio's JSON the bytes break.
  public enum FailureKind: Sendable, Equatable {
    /// Not well-formed UTF-8 (J1).
    case utf8
    /// Not JSON at all: a syntax error (J2).
    case syntax
    /// A number with a fraction, an exponent, a leading zero or `-0` (J3).
    case number
    /// An integer beyond ±(2^53 − 1) (J4).
    case range
    /// A `\u` escape of an unpaired surrogate (J5).
    case surrogate
    /// An object with two equal keys (J6).
    case duplicateKey
    /// An object key with a character outside ASCII (J7).
    case nonASCIIKey
    /// Arrays and objects nested deeper than the caller allows.
    case depth
  }

  /// Why bytes are not Folio's JSON.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public let kind: FailureKind
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason) at byte \(offset)" }
  }

  /// The largest integer magnitude JSON numbers may have: 2^53 − 1, the largest integer
  /// every IEEE 754 double-based parser reads exactly.
  public static let maximumInteger: Int64 = (1 << 53) - 1

  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0
  private let maximumDepth: Int

  private init(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
    self.bytes = bytes
    self.maximumDepth = maximumDepth
  }

  /// Parses exactly one JSON value (surrounding white space allowed).
  ///
  /// - Parameters:
  ///   - input: UTF-8 bytes.
  ///   - maximumDepth: How many arrays and objects may nest; the outermost counts as 1.
  /// - Returns: The value.
  /// - Throws: `Failure` naming the rule broken and where.
  public static func parse<Bytes: Collection<UInt8>>(
    _ input: Bytes, maximumDepth: Int = 256
  ) throws(Failure) -> JSONValue {
    let result: Result<JSONValue, Failure>? = input.withContiguousStorageIfAvailable { buffer in
      parseBuffer(buffer, maximumDepth: maximumDepth)
    }
    switch result
      ?? Array(input).withUnsafeBufferPointer({ parseBuffer($0, maximumDepth: maximumDepth) })
    {
    case .success(let value): return value
    case .failure(let failure): throw failure
    }
  }

  private static func parseBuffer(
    _ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int
  ) -> Result<JSONValue, Failure> {
    var reader = JSONReader(buffer, maximumDepth: maximumDepth)
    return Result { () throws(Failure) -> JSONValue in
      reader.skipWhitespace()
      let value = try reader.value(depth: 0)
      reader.skipWhitespace()
      guard reader.offset == buffer.count else {
        throw reader.fail(.syntax, "unexpected data after the value")
      }
      return value
    }
  }

  private func fail(_ kind: FailureKind, _ reason: String) -> Failure {
    Failure(kind: kind, offset: offset, reason: reason)
  }

  private mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  private mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard offset < bytes.count else { throw fail(.syntax, "unexpected end") }
    if bytes[offset] == UInt8(ascii: "{") || bytes[offset] == UInt8(ascii: "[") {
      guard depth < maximumDepth else {
        throw fail(.depth, "arrays and objects nest more than \(maximumDepth) deep")
      }
    }
    switch bytes[offset] {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default: return try number()
    }
  }

  private mutating func object(depth: Int) throws(Failure) -> JSONValue {
    offset += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
      offset += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
        throw fail(.syntax, "expected a key")
      }
      let keyOffset = offset
      let key = try string()
      guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
        throw Failure(kind: .nonASCIIKey, offset: keyOffset, reason: "an object key is not ASCII")
      }
      skipWhitespace()
      guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
        throw fail(.syntax, "expected ':'")
      }
      offset += 1
      skipWhitespace()
      let member = try value(depth: depth + 1)
      guard members.updateValue(member, forKey: key) == nil else {
        throw Failure(
          kind: .duplicateKey, offset: keyOffset, reason: "duplicate key \"\(key)\"")
      }
      skipWhitespace()
      guard offset < bytes.count else { throw fail(.syntax, "unexpected end") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
      } else if bytes[offset] == UInt8(ascii: "}") {
        offset += 1
        return .object(members)
      } else {
        throw fail(.syntax, "expected ',' or '}'")
      }
    }
  }

  private mutating func array(depth: Int) throws(Failure) -> JSONValue {
    offset += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
      offset += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try value(depth: depth + 1))
      skipWhitespace()
      guard offset < bytes.count else { throw fail(.syntax, "unexpected end") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
      } else if bytes[offset] == UInt8(ascii: "]") {
        offset += 1
        return .array(elements)
      } else {
        throw fail(.syntax, "expected ',' or ']'")
      }
    }
  }

  private mutating func literal(_ word: StaticString) throws(Failure) {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { throw fail(.syntax, "invalid literal") }
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
    for index in 0..<count where bytes[offset + index] != expected[index] {
      throw fail(.syntax, "invalid literal")
    }
    offset += count
  }

  private mutating func string() throws(Failure) -> String {
    offset += 1
    let start = offset
    // Fast path: no escapes.
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<offset])
        offset += 1
        guard let text = String(validating: slice, as: UTF8.self) else {
          throw fail(.utf8, "invalid UTF-8 in a string")
        }
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail(.syntax, "control character in a string") }
      offset += 1
    }
    var scalars: [UInt8] = Array(bytes[start..<offset])
    while offset < bytes.count {
      let byte = bytes[offset]
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        guard let text = String(validating: scalars, as: UTF8.self) else {
          throw fail(.utf8, "invalid UTF-8 in a string")
        }
        return text
      case UInt8(ascii: "\\"):
        offset += 1
        guard offset < bytes.count else { throw fail(.syntax, "unterminated string") }
        let escaped = bytes[offset]
        offset += 1
        switch escaped {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code) {
            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
              bytes[offset + 1] == UInt8(ascii: "u")
            else { throw fail(.surrogate, "unpaired surrogate") }
            offset += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else {
              throw fail(.surrogate, "unpaired surrogate")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(code) {
            throw fail(.surrogate, "unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail(.syntax, "invalid \\u escape") }
          scalars.append(contentsOf: String(Character(scalar)).utf8)
        default: throw fail(.syntax, "invalid escape")
        }
      default:
        if byte < 0x20 { throw fail(.syntax, "control character in a string") }
        scalars.append(byte)
        offset += 1
      }
    }
    throw fail(.syntax, "unterminated string")
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw fail(.syntax, "invalid \\u escape") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[offset]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail(.syntax, "invalid \\u escape")
      }
      code = code << 4 | UInt32(digit)
      offset += 1
    }
    return code
  }

  /// Reads an integer: `0` or `-?[1-9][0-9]*`, within ±(2^53 − 1). Anything else a JSON
  /// number may be (fraction, exponent, leading zero, `-0`) is refused.
  private mutating func number() throws(Failure) -> JSONValue {
    let start = offset
    let negative = offset < bytes.count && bytes[offset] == UInt8(ascii: "-")
    if negative { offset += 1 }
    guard offset < bytes.count, isDigit(bytes[offset]) else {
      offset = start
      throw fail(.syntax, "invalid value")
    }
    var magnitude: Int64 = 0
    var overflow = false
    let firstDigit = offset
    while offset < bytes.count, isDigit(bytes[offset]) {
      if magnitude > JSONReader.maximumInteger {
        overflow = true
      } else {
        magnitude = magnitude * 10 + Int64(bytes[offset] - UInt8(ascii: "0"))
      }
      offset += 1
    }
    if offset < bytes.count,
      bytes[offset] == UInt8(ascii: ".") || bytes[offset] == UInt8(ascii: "e")
        || bytes[offset] == UInt8(ascii: "E")
    {
      throw Failure(
        kind: .number, offset: start,
        reason: "numbers must be integers, without a fraction or an exponent")
    }
    if bytes[firstDigit] == UInt8(ascii: "0"), offset - firstDigit > 1 {
      throw Failure(kind: .number, offset: start, reason: "a number has a leading zero")
    }
    if negative, magnitude == 0, offset - firstDigit == 1 {
      throw Failure(kind: .number, offset: start, reason: "-0 is not allowed; write 0")
    }
    guard !overflow, magnitude <= JSONReader.maximumInteger else {
      throw Failure(
        kind: .range, offset: start, reason: "an integer is beyond ±(2^53 - 1)")
    }
    return .int(negative ? -magnitude : magnitude)
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
