#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes canonical JSON (`Protocol/canonical-json.md`): object keys sorted by their UTF-8
/// bytes (Folio's keys are ASCII, so this is also RFC 8785's UTF-16 order), no white space,
/// strings escaped as RFC 8785 does (`\"`, `\\`, `\b \t \n \f \r`, other control
/// characters as lowercase `\u00xx`, everything else as raw UTF-8), integers in shortest
/// decimal form. The same value always gives the same bytes, which is what makes a change's
/// bytes its identity.
public struct JSONWriter {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8] = []

  public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

  /// Appends a value.
  public mutating func write(_ value: JSONValue) {
    switch value {
    case .null: append("null")
    case .bool(let flag): append(flag ? "true" : "false")
    case .int(let number): write(number)
    case .double(let number): write(number)
    case .string(let text): write(text)
    case .array(let values):
      bytes.append(UInt8(ascii: "["))
      for (index, element) in values.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        write(element)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      beginObject()
      for key in members.keys.sorted(by: JSONWriter.keyOrder) {
        if let member = members[key] { writeMember(key, member) }
      }
      endObject()
    }
  }

  /// Orders keys by their UTF-8 bytes. Compared with `memcmp` when both are stored as
  /// contiguous UTF-8 (native strings are): the generic element-by-element comparison was
  /// most of the sort that every object written pays.
  static func keyOrder(_ lhs: String, _ rhs: String) -> Bool {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in
      rhs.withUTF8 { right in
        guard let leftStart = left.baseAddress, let rightStart = right.baseAddress else {
          return left.count < right.count
        }
        let order = memcmp(leftStart, rightStart, min(left.count, right.count))
        return order != 0 ? order < 0 : left.count < right.count
      }
    }
  }

  public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }

  public mutating func endObject() {
    if bytes.last == UInt8(ascii: ",") { bytes.removeLast() }
    bytes.append(UInt8(ascii: "}"))
  }

  /// Writes `"key":value,`; `endObject` drops the last comma. Callers give keys in order.
  public mutating func writeMember(_ key: String, _ value: JSONValue) {
    write(key)
    bytes.append(UInt8(ascii: ":"))
    write(value)
    bytes.append(UInt8(ascii: ","))
  }

  public mutating func writeKey(_ key: String) {
    write(key)
    bytes.append(UInt8(ascii: ":"))
  }

  public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

  public mutating func write(_ number: Int64) { write(Int(number)) }

  /// Writes an integer's shortest decimal form, digit by digit (no intermediate string).
  public mutating func write(_ number: Int) {
    if number < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    let start = bytes.count
    repeat {
      bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    bytes[start...].reverse()
  }

  /// Writes a fraction as Swift's shortest round-trip form. Changes never hold one (rule
  /// J3 refuses them); this is for other documents.
  public mutating func write(_ number: Double) {
    if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
      append(String(Int64(number)) + ".0")
    } else if number.isFinite {
      append(String(number))
    } else {
      append("null")
    }
  }

  public mutating func write(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    let written: Bool? = text.utf8.withContiguousStorageIfAvailable {
      writeEscaped($0)
      return true
    }
    if written == nil { writeEscaped(Array(text.utf8)) }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Writes a site id as a string, straight from its words.
  public mutating func write(_ site: SiteID) {
    bytes.append(UInt8(ascii: "\""))
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: 32))
    bytes.withUnsafeMutableBufferPointer { buffer in
      site.writeHex(into: UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + 32)]))
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Appends a string's UTF-8 with the escapes of canonical JSON: runs that need none are
  /// copied whole.
  private mutating func writeEscaped<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes)
  where Bytes.Index == Int {
    var runStart = text.startIndex
    for index in text.indices {
      let byte = text[index]
      guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
      bytes.append(contentsOf: text[runStart..<index])
      runStart = index + 1
      switch byte {
      case UInt8(ascii: "\""): append("\\\"")
      case UInt8(ascii: "\\"): append("\\\\")
      case 0x08: append("\\b")
      case 0x09: append("\\t")
      case 0x0A: append("\\n")
      case 0x0C: append("\\f")
      case 0x0D: append("\\r")
      default:
        append("\\u00")
        bytes.append(JSONWriter.hexDigits[Int(byte >> 4)])
        bytes.append(JSONWriter.hexDigits[Int(byte & 0x0F)])
      }
    }
    bytes.append(contentsOf: text[runStart..<text.endIndex])
  }

  public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

  private static let hexDigits = Array("0123456789abcdef".utf8)
}
