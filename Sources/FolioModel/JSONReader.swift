/// A strict, fast JSON (RFC 8259) parser from UTF-8 bytes to `JSONValue`. Changes are
/// read by the hundred thousand (bundles, pulls, the op log), so they skip the general
/// purpose decoder.
public struct JSONReader {
  /// Why bytes are not JSON.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason) at byte \(offset)" }
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0
  private static let maximumDepth = 256

  private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Parses exactly one JSON value (surrounding white space allowed).
  public static func parse<Bytes: Collection<UInt8>>(_ input: Bytes) throws(Failure) -> JSONValue {
    let result: Result<JSONValue, Failure>? = input.withContiguousStorageIfAvailable { buffer in
      parseBuffer(buffer)
    }
    switch result ?? Array(input).withUnsafeBufferPointer({ parseBuffer($0) }) {
    case .success(let value): return value
    case .failure(let failure): throw failure
    }
  }

  private static func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<
    JSONValue, Failure
  > {
    var reader = JSONReader(buffer)
    return Result { () throws(Failure) -> JSONValue in
      reader.skipWhitespace()
      let value = try reader.value(depth: 0)
      reader.skipWhitespace()
      guard reader.offset == buffer.count else {
        throw reader.fail("unexpected data after the value")
      }
      return value
    }
  }

  private func fail(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

  private mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  private mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard depth < JSONReader.maximumDepth else { throw fail("nested too deeply") }
    guard offset < bytes.count else { throw fail("unexpected end") }
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
        throw fail("expected a key")
      }
      let key = try string()
      skipWhitespace()
      guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
        throw fail("expected ':'")
      }
      offset += 1
      skipWhitespace()
      let member = try value(depth: depth + 1)
      guard members.updateValue(member, forKey: key) == nil else {
        throw fail("duplicate key \"\(key)\"")
      }
      skipWhitespace()
      guard offset < bytes.count else { throw fail("unexpected end") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
      } else if bytes[offset] == UInt8(ascii: "}") {
        offset += 1
        return .object(members)
      } else {
        throw fail("expected ',' or '}'")
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
      guard offset < bytes.count else { throw fail("unexpected end") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
      } else if bytes[offset] == UInt8(ascii: "]") {
        offset += 1
        return .array(elements)
      } else {
        throw fail("expected ',' or ']'")
      }
    }
  }

  private mutating func literal(_ word: StaticString) throws(Failure) {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { throw fail("invalid literal") }
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
    for index in 0..<count where bytes[offset + index] != expected[index] {
      throw fail("invalid literal")
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
          throw fail("invalid UTF-8 in a string")
        }
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail("control character in a string") }
      offset += 1
    }
    var scalars: [UInt8] = Array(bytes[start..<offset])
    while offset < bytes.count {
      let byte = bytes[offset]
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        guard let text = String(validating: scalars, as: UTF8.self) else {
          throw fail("invalid UTF-8 in a string")
        }
        return text
      case UInt8(ascii: "\\"):
        offset += 1
        guard offset < bytes.count else { throw fail("unterminated string") }
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
            else { throw fail("unpaired surrogate") }
            offset += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(code) {
            throw fail("unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
          scalars.append(contentsOf: String(Character(scalar)).utf8)
        default: throw fail("invalid escape")
        }
      default:
        if byte < 0x20 { throw fail("control character in a string") }
        scalars.append(byte)
        offset += 1
      }
    }
    throw fail("unterminated string")
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw fail("invalid \\u escape") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[offset]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail("invalid \\u escape")
      }
      code = code << 4 | UInt32(digit)
      offset += 1
    }
    return code
  }

  private mutating func number() throws(Failure) -> JSONValue {
    let start = offset
    var isInteger = true
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
    guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("invalid value") }
    if bytes[offset] == UInt8(ascii: "0") {
      offset += 1
    } else {
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
      isInteger = false
      offset += 1
      guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("invalid number") }
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    if offset < bytes.count,
      bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")
    {
      isInteger = false
      offset += 1
      if offset < bytes.count,
        bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")
      {
        offset += 1
      }
      guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("invalid number") }
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    if isInteger, let integer = Int64(text) { return .int(integer) }
    guard let double = Double(text) else { throw fail("invalid number") }
    return .double(double)
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
