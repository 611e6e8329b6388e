import FolioModel

/// A strict JSON (RFC 8259) syntax check that says what is wrong and where, since
/// `JSONDecoder` only reports "The given data was not valid JSON".
struct JSONSyntax {
  /// The first syntax error in `bytes`, e.g. "expected ',' or '}' but found 'x' at line 3,
  /// column 5"; nil for well-formed JSON.
  static func firstError(in bytes: [UInt8]) -> String? {
    var checker = JSONSyntax(bytes: bytes)
    do {
      checker.skipWhitespace()
      try checker.value(depth: 0)
      checker.skipWhitespace()
      if checker.offset < bytes.count {
        return "unexpected \(checker.found) after the end of the JSON value \(checker.position)"
      }
      return nil
    } catch {
      return error.message
    }
  }

  /// A syntax error's message.
  struct Failure: Error {
    let message: String
  }

  private static let maximumDepth = 512

  private let bytes: [UInt8]
  private var offset = 0

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

  /// The character at the offset, for messages: 'x', or "the end of the file".
  private var found: String {
    guard offset < bytes.count else { return "the end of the file" }
    var end = offset + 1
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    let text = String(decoding: bytes[offset..<end], as: UTF8.self)
    switch text {
    case "\n": return "a line break"
    case "\t": return "a tab"
    default: return "'\(text)'"
    }
  }

  /// "at line L, column C" of the offset (columns count characters, from 1).
  private var position: String {
    var line = 1
    var column = 1
    for byte in bytes[..<min(offset, bytes.count)] {
      if byte == 0x0A {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return "at line \(line), column \(column)"
  }

  private func failure(expected: String) -> Failure {
    if offset >= bytes.count {
      return Failure(message: "unexpected end of the file: expected \(expected)")
    }
    return Failure(message: "expected \(expected) but found \(found) \(position)")
  }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
      offset += 1
    }
  }

  private mutating func value(depth: Int) throws(Failure) {
    guard depth < Self.maximumDepth else {
      throw Failure(message: "the JSON is nested too deeply \(position)")
    }
    guard let byte = current else { throw failure(expected: "a value") }
    switch byte {
    case UInt8(ascii: "{"): try object(depth: depth)
    case UInt8(ascii: "["): try array(depth: depth)
    case UInt8(ascii: "\""): try string()
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
    default: throw failure(expected: "a value")
    }
  }

  private mutating func object(depth: Int) throws(Failure) {
    offset += 1
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      offset += 1
      return
    }
    while true {
      guard current == UInt8(ascii: "\"") else {
        if current == UInt8(ascii: "}") {
          throw Failure(message: "trailing comma before '}' \(position)")
        }
        throw failure(expected: "a key in double quotes")
      }
      try string()
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw failure(expected: "':' after the key") }
      offset += 1
      skipWhitespace()
      try value(depth: depth + 1)
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","):
        offset += 1
        skipWhitespace()
      case UInt8(ascii: "}"):
        offset += 1
        return
      default:
        throw failure(expected: "',' or '}'")
      }
    }
  }

  private mutating func array(depth: Int) throws(Failure) {
    offset += 1
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      offset += 1
      return
    }
    while true {
      if current == UInt8(ascii: "]") {
        throw Failure(message: "trailing comma before ']' \(position)")
      }
      try value(depth: depth + 1)
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","):
        offset += 1
        skipWhitespace()
      case UInt8(ascii: "]"):
        offset += 1
        return
      default:
        throw failure(expected: "',' or ']'")
      }
    }
  }

  private mutating func string() throws(Failure) {
    let start = offset
    offset += 1
    while let byte = current {
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        return
      case UInt8(ascii: "\\"):
        offset += 1
        guard let escaped = current else { break }
        switch escaped {
        case UInt8(ascii: "u"):
          for _ in 0..<4 {
            offset += 1
            guard let digit = current, isHexDigit(digit) else {
              throw failure(expected: "four hex digits after \\u")
            }
          }
          offset += 1
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          offset += 1
        default:
          throw Failure(message: "invalid escape \\\(found.dropFirst().dropLast()) \(position)")
        }
      case 0x00..<0x20:
        throw Failure(
          message: "\(found) inside a string \(position) (write it as an escape such as \\n)")
      default:
        offset += 1
      }
    }
    offset = start
    throw Failure(message: "unterminated string starting \(position)")
  }

  private mutating func literal(_ word: StaticString) throws(Failure) {
    let expected = word.withUTF8Buffer { Array($0) }
    guard bytes.count - offset >= expected.count,
      Array(bytes[offset..<offset + expected.count]) == expected
    else { throw failure(expected: "a value") }
    offset += expected.count
  }

  private mutating func number() throws(Failure) {
    if current == UInt8(ascii: "-") { offset += 1 }
    guard let first = current, isDigit(first) else { throw failure(expected: "a digit") }
    offset += 1
    if first != UInt8(ascii: "0") {
      while let byte = current, isDigit(byte) { offset += 1 }
    }
    if current == UInt8(ascii: ".") {
      offset += 1
      guard let byte = current, isDigit(byte) else {
        throw failure(expected: "a digit after '.'")
      }
      while let byte = current, isDigit(byte) { offset += 1 }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      offset += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
      guard let byte = current, isDigit(byte) else {
        throw failure(expected: "a digit in the exponent")
      }
      while let byte = current, isDigit(byte) { offset += 1 }
    }
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
  }
}
