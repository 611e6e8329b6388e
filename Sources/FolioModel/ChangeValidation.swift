/// Limits every change must respect, checked by replicas and the server alike.
public struct ChangeLimits: Sendable {
  public var maximumAuthorLength = 200
  public var maximumFieldLength = 64
  public var maximumIdLength = 128
  public var maximumValueBytes = 256 * 1024
  public var maximumPredCount = 1_000

  public init() {}

  public static let standard = ChangeLimits()
}

/// Why a change was refused.
public struct InvalidChange: Error, Sendable, Equatable, CustomStringConvertible {
  public let dot: Dot
  public let reason: String

  public var description: String { "change \(dot) is invalid: \(reason)" }
}

extension Change {
  /// Checks the change's shape and sizes; throws `InvalidChange` saying what is wrong.
  ///
  /// - Parameter limits: The size limits to apply.
  /// - Throws: `InvalidChange` saying what went wrong; nothing is changed then.
  public func validate(limits: ChangeLimits = .standard) throws(InvalidChange) {
    func fail(_ reason: String) -> InvalidChange { InvalidChange(dot: dot, reason: reason) }
    guard seq >= 1 else { throw fail("seq must be 1 or more") }
    guard !author.isEmpty, author.utf8.count <= limits.maximumAuthorLength else {
      throw fail("author must be 1 to \(limits.maximumAuthorLength) bytes")
    }
    guard !entity.id.isEmpty, entity.id.utf8.count <= limits.maximumIdLength,
      entity.id.utf8.allSatisfy({ isASCIILetter($0) || isASCIIDigit($0) || $0 == 0x2D })
    else { throw fail("entity id must be 1 to \(limits.maximumIdLength) letters, digits or '-'") }
    guard !field.isEmpty, field.utf8.count <= limits.maximumFieldLength,
      field.utf8.allSatisfy(isASCIILetter)
    else { throw fail("field must be 1 to \(limits.maximumFieldLength) ASCII letters") }
    guard pred.count <= limits.maximumPredCount else {
      throw fail("pred lists more than \(limits.maximumPredCount) changes")
    }
    guard !pred.contains(dot) else { throw fail("a change cannot supersede itself") }
    switch op {
    case .set, .add:
      guard let value else { throw fail("\(op.rawValue) needs a value") }
      guard value.encodedSize <= limits.maximumValueBytes else {
        throw fail("value is larger than \(limits.maximumValueBytes) bytes")
      }
      if op == .add, value.stringValue == nil { throw fail("add needs a string value") }
    case .remove:
      guard value == nil else { throw fail("remove takes no value") }
      guard !pred.isEmpty else { throw fail("remove must name the additions it removes") }
    }
    let isSetOperation = op == .set
    if (field == Field.tags) == isSetOperation {
      throw fail("tags take add and remove; other fields take set")
    }
    if field == Field.deleted {
      guard value?.boolValue != nil else { throw fail("deleted must be true or false") }
      if isDelete, context == nil { throw fail("a delete must carry its context") }
    }
    if context != nil, !isDelete { throw fail("only a delete carries a context") }
  }
}

private func isASCIILetter(_ byte: UInt8) -> Bool {
  (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
}

private func isASCIIDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

extension JSONValue {
  /// An upper bound on the size of the value's JSON text, without encoding it.
  var encodedSize: Int {
    switch self {
    case .null, .bool: return 5
    case .int, .double: return 24
    case .string(let text): return text.utf8.count + 2
    case .array(let values): return values.reduce(2) { $0 + $1.encodedSize + 1 }
    case .object(let members):
      return members.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.encodedSize }
    }
  }
}
