/// Appends the compact binary forms the replica stores (log chunks, merge state):
/// LEB128 varints, fixed 64-bit words and length-prefixed bytes.
struct BinaryWriter {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

  mutating func varint(_ value: Int) {
    var rest = UInt64(bitPattern: Int64(value))
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  mutating func word(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
  }

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func data(_ value: some Collection<UInt8>) {
    varint(value.count)
    bytes.append(contentsOf: value)
  }

  mutating func string(_ value: String) { data(value.utf8) }
}

/// Reads what `BinaryWriter` wrote; any truncation or overflow is `StoredDataDamaged`.
struct BinaryReader {
  private let bytes: [UInt8]
  private(set) var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset >= bytes.count }

  mutating func varint() throws(StoredDataDamaged) -> Int {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset < bytes.count, shift < 64 else { throw StoredDataDamaged() }
      let byte = bytes[offset]
      offset += 1
      result |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return Int(Int64(bitPattern: result)) }
      shift += 7
    }
  }

  mutating func word() throws(StoredDataDamaged) -> UInt64 {
    guard offset + 8 <= bytes.count else { throw StoredDataDamaged() }
    var result: UInt64 = 0
    for index in 0..<8 { result |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
    offset += 8
    return result
  }

  mutating func byte() throws(StoredDataDamaged) -> UInt8 {
    guard offset < bytes.count else { throw StoredDataDamaged() }
    offset += 1
    return bytes[offset - 1]
  }

  mutating func data() throws(StoredDataDamaged) -> ArraySlice<UInt8> {
    let count = try varint()
    guard count >= 0, offset + count <= bytes.count else { throw StoredDataDamaged() }
    offset += count
    return bytes[(offset - count)..<offset]
  }

  mutating func string() throws(StoredDataDamaged) -> String {
    String(decoding: try data(), as: UTF8.self)
  }

  /// Skips a length-prefixed run of bytes without copying it.
  mutating func skipData() throws(StoredDataDamaged) { _ = try data() }
}

/// The replica's stored binary data does not decode: the file was damaged or written by
/// something other than Folio.
struct StoredDataDamaged: Error, Equatable, CustomStringConvertible {
  var description: String { "the replica's stored data is damaged" }
}
