/// A strict, fast parser of Folio's JSON from UTF-8 bytes to `JSONValue`. Changes are read
/// by the hundred thousand (bundles, pulls, the op log), so they skip the general purpose
/// decoder.
///
/// Folio's JSON is RFC 8259 JSON with the restrictions of `Protocol/canonical-json.md`
/// (rules J1–J7): numbers are integers within ±(2^53 − 1) written without fraction,
/// exponent or `-0`; strings hold Unicode scalars only; object keys are ASCII and distinct.
/// White space between tokens is accepted here; whether the bytes are the canonical form is
/// for the caller to check (`ChangeJSON.decode` re-encodes and compares).
///
/// When bytes break several rules, the one reported is the first in the order of
/// `canonical-json.md` §6: J1 (all the bytes), then the nesting depth (C8), then J2, then the
/// lowest of J3–J7 (so the parse goes on past a J3–J7 fault to look for a J2 one).
public struct JSONReader {
  /// Which rule of Folio's JSON the bytes break, in the order they are reported in.
  public enum FailureKind: Int, Sendable, Equatable, Comparable {
    /// Not well-formed UTF-8 (J1).
    case utf8
    /// Arrays and objects nested deeper than the caller allows (checked before the grammar,
    /// so that a reader bounds its nesting whatever else is wrong).
    case depth
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

    public static func < (left: Self, right: Self) -> Bool { left.rawValue < right.rawValue }
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
  /// The lowest J3–J7 fault met so far: reported only if the parse finds no J2 fault.
  private var deferred: Failure?

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
      if let failure = prescan(buffer, maximumDepth: maximumDepth) { throw failure }
      reader.skipWhitespace()
      let value = try reader.value(depth: 0)
      reader.skipWhitespace()
      guard reader.offset == buffer.count else {
        throw reader.fail(.syntax, "unexpected data after the value")
      }
      if let deferred = reader.deferred { throw deferred }
      return value
    }
  }

  /// Checks J1 on all the bytes and, when they are UTF-8, the nesting depth, in one pass
  /// that needs no grammar: the depth after a byte is the number of `[` and `{` outside
  /// strings up to it minus the number of `]` and `}` (a string runs from a `"` outside
  /// strings to the next `"` not escaped by a `\`). So nesting is bounded even in bytes
  /// that are not JSON.
  private static func prescan(
    _ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int
  ) -> Failure? {
    var index = 0
    var depth = 0
    var tooDeep: Int?
    var inString = false
    var escaped = false
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      if byte < 0x80 {
        if inString {
          if escaped {
            escaped = false
          } else if byte == UInt8(ascii: "\\") {
            escaped = true
          } else if byte == UInt8(ascii: "\"") {
            inString = false
          }
        } else {
          switch byte {
          case UInt8(ascii: "\""): inString = true
          case UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
            if depth > maximumDepth, tooDeep == nil { tooDeep = index }
          case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
          default: break
          }
        }
        index += 1
        continue
      }
      escaped = false
      let length = utf8SequenceLength(bytes, at: index)
      guard length > 0 else {
        return Failure(kind: .utf8, offset: index, reason: "invalid UTF-8")
      }
      index += length
    }
    return tooDeep.map {
      Failure(
        kind: .depth, offset: $0, reason: "arrays and objects nest more than \(maximumDepth) deep")
    }
  }

  /// The length of the well-formed UTF-8 sequence (RFC 3629) of two to four bytes at
  /// `index`, or 0 when there is none.
  private static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int
  {
    let lead = bytes[index]
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      high = 0x9F
    case 0xF0:
      length = 4
      low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      high = 0x8F
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    guard (low...high).contains(bytes[index + 1]) else { return 0 }
    for next in (index + 2)..<(index + length) where !(0x80...0xBF).contains(bytes[next]) {
      return 0
    }
    return length
  }

  /// Remembers a J3–J7 fault and goes on: a J2 fault later in the bytes is reported
  /// instead, and of several J3–J7 faults the lowest rule (then the first).
  private mutating func note(_ kind: FailureKind, at position: Int, _ reason: String) {
    if let deferred, deferred.kind <= kind { return }
    deferred = Failure(kind: kind, offset: position, reason: reason)
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
      if !key.utf8.allSatisfy({ $0 < 0x80 }) {
        note(.nonASCIIKey, at: keyOffset, "an object key is not ASCII")
      }
      skipWhitespace()
      guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
        throw fail(.syntax, "expected ':'")
      }
      offset += 1
      skipWhitespace()
      let member = try value(depth: depth + 1)
      if members.updateValue(member, forKey: key) != nil {
        note(.duplicateKey, at: keyOffset, "duplicate key \"\(key)\"")
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
        return String(decoding: slice, as: UTF8.self)  // J1 was checked on all the bytes

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
        return String(decoding: scalars, as: UTF8.self)
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
          let escapeOffset = offset - 2
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code), let low = lowSurrogate(at: offset) {
            offset += 6
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xD800..<0xE000).contains(code) {
            note(.surrogate, at: escapeOffset, "unpaired surrogate")
            code = 0xFFFD
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

  /// The low surrogate that a `\\uDC00`–`\\uDFFF` escape at `position` holds, if there is one.
  private func lowSurrogate(at position: Int) -> UInt32? {
    guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
      bytes[position + 1] == UInt8(ascii: "u")
    else { return nil }
    var code: UInt32 = 0
    for index in (position + 2)..<(position + 6) {
      guard let digit = hexDigit(bytes[index]) else { return nil }
      code = code << 4 | digit
    }
    return (0xDC00..<0xE000).contains(code) ? code : nil
  }

  private func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw fail(.syntax, "invalid \\u escape") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      guard let digit = hexDigit(bytes[offset]) else { throw fail(.syntax, "invalid \\u escape") }
      code = code << 4 | digit
      offset += 1
    }
    return code
  }

  /// Reads a number token (`canonical-json.md` J3): a run that starts with `-` or a digit and
  /// goes on over `0-9 + - . e E`. It must be an integer, `0` or `-?[1-9][0-9]*` (else J3),
  /// within ±(2^53 − 1) (else J4); both faults are noted and the parse goes on.
  private mutating func number() throws(Failure) -> JSONValue {
    let start = offset
    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "-") || isDigit(bytes[offset]) else {
      throw fail(.syntax, "invalid value")
    }
    offset += 1
    while offset < bytes.count, isNumberByte(bytes[offset]) { offset += 1 }
    let negative = bytes[start] == UInt8(ascii: "-")
    let firstDigit = negative ? start + 1 : start
    let digits = offset - firstDigit
    let integer =
      digits > 0 && (firstDigit..<offset).allSatisfy { isDigit(bytes[$0]) }
      && (bytes[firstDigit] != UInt8(ascii: "0") || digits == 1)
      && !(negative && bytes[firstDigit] == UInt8(ascii: "0"))
    guard integer else {
      note(
        .number, at: start,
        "numbers must be integers: no fraction, exponent, leading zero or -0")
      return .int(0)
    }
    guard digits <= 16 else {
      note(.range, at: start, "an integer is beyond ±(2^53 - 1)")
      return .int(0)
    }
    var magnitude: Int64 = 0
    for index in firstDigit..<offset { magnitude = magnitude * 10 + Int64(bytes[index] - 0x30) }
    guard magnitude <= JSONReader.maximumInteger else {
      note(.range, at: start, "an integer is beyond ±(2^53 - 1)")
      return .int(0)
    }
    return .int(negative ? -magnitude : magnitude)
  }

  private func isNumberByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
      || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
