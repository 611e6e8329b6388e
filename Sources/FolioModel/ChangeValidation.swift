/// Limits every change must respect, checked by replicas and the server alike
/// (`Protocol/canonical-json.md`, rules S5–S11, C7, C8).
public struct ChangeLimits: Sendable {
  /// `author`: at most this many UTF-8 bytes (S5).
  public var maximumAuthorLength = 200
  /// `field`: at most this many ASCII letters (S7).
  public var maximumFieldLength = 64
  /// `entity.id`: at most this many characters (S6).
  public var maximumIdLength = 128
  /// `value`: at most this many bytes of canonical JSON (C7).
  public var maximumValueBytes = 256 * 1024
  /// `value`: at most this many levels of arrays and objects (C8).
  public var maximumValueDepth = 64
  /// `pred`: at most this many dots (S9).
  public var maximumPredCount = 1_000
  /// `context`: at most this many sites (S11).
  public var maximumContextSites = 4_096

  public init() {}

  public static let standard = ChangeLimits()

  /// The longest canonical change these limits allow, in bytes: a bound for line-based
  /// readers (a bundle line longer than this cannot be a valid change).
  public var maximumChangeBytes: Int {
    // A dot is at most {"seq":9007199254740991,"site":"<32>"} (66 bytes) plus a comma; a
    // context entry "<32>":9007199254740991 (51) plus a comma; an author byte may take six
    // escaped bytes; the rest of the change (keys, hlc, site, seq, entity, field) is < 512.
    maximumValueBytes + maximumPredCount * 67 + maximumContextSites * 52
      + maximumAuthorLength * 6 + maximumIdLength + maximumFieldLength + 512
  }
}

extension Change {
  /// Checks every rule of `Protocol/canonical-json.md` that a change in memory can break
  /// (S3, S5–S11, C1–C8, and J3, J4, J7 inside `value`). The one validator for every path:
  /// local edits, push, pull, bundles and the op log (`ChangeJSON.decode` calls it).
  ///
  /// - Parameter limits: The size limits to apply.
  /// - Throws: `InvalidChange` naming the first rule broken; nothing is changed then.
  public func validate(limits: ChangeLimits = .standard) throws(InvalidChange) {
    func fail(_ rule: ChangeRule, _ reason: String) -> InvalidChange {
      InvalidChange(rule: rule, dot: dot, reason: reason)
    }
    let maximum = Int(JSONReader.maximumInteger)
    guard seq >= 1 else { throw fail(.seq, "seq must be 1 or more") }
    guard seq <= maximum else { throw fail(.integerRange, "seq is beyond 2^53 - 1") }
    guard !author.isEmpty, author.utf8.count <= limits.maximumAuthorLength else {
      throw fail(.author, "author must be 1 to \(limits.maximumAuthorLength) UTF-8 bytes")
    }
    guard !entity.id.isEmpty, entity.id.utf8.count <= limits.maximumIdLength,
      entity.id.utf8.allSatisfy({ isASCIILetter($0) || isASCIIDigit($0) || $0 == 0x2D })
    else {
      throw fail(
        .entity, "entity id must be 1 to \(limits.maximumIdLength) ASCII letters, digits or '-'")
    }
    guard !field.isEmpty, field.utf8.count <= limits.maximumFieldLength,
      field.utf8.allSatisfy(isASCIILetter)
    else { throw fail(.field, "field must be 1 to \(limits.maximumFieldLength) ASCII letters") }
    guard pred.count <= limits.maximumPredCount else {
      throw fail(.pred, "pred lists more than \(limits.maximumPredCount) changes")
    }
    for predecessor in pred {
      guard predecessor.seq >= 1 else { throw fail(.pred, "a pred seq must be 1 or more") }
      guard predecessor.seq <= maximum else {
        throw fail(.integerRange, "a pred seq is beyond 2^53 - 1")
      }
      guard predecessor != dot else { throw fail(.pred, "a change cannot supersede itself") }
    }
    if value == .null { throw fail(.value, "value cannot be null; leave it out") }
    if let context {
      guard context.entries.count <= limits.maximumContextSites else {
        throw fail(.context, "context names more than \(limits.maximumContextSites) sites")
      }
      guard context.entries.values.allSatisfy({ $0 <= maximum }) else {
        throw fail(.integerRange, "a context seq is beyond 2^53 - 1")
      }
    }
    try validateOperation(fail)
    if let value {
      do { try value.checkFolioJSON(maximumDepth: limits.maximumValueDepth) } catch {
        throw fail(error.rule, error.reason)
      }
      let size = value.canonicalSize
      guard size <= limits.maximumValueBytes else {
        throw fail(
          .valueSize,
          "value is \(size) bytes of canonical JSON, more than \(limits.maximumValueBytes)")
      }
    }
  }

  /// Rules C1–C6: the operation fits the field, the value fits the operation.
  private func validateOperation(
    _ fail: (ChangeRule, String) -> InvalidChange
  ) throws(InvalidChange) {
    if (field == Field.tags) == (op == .set) {
      throw fail(.opForField, "tags take add and remove; other fields take set")
    }
    switch op {
    case .set, .add:
      guard let value else { throw fail(.valuePresence, "\(op.rawValue) needs a value") }
      if op == .add, value.stringValue == nil { throw fail(.addValue, "add needs a string value") }
    case .remove:
      guard value == nil else { throw fail(.valuePresence, "remove takes no value") }
      guard !pred.isEmpty else {
        throw fail(.removePred, "remove must name the additions it removes")
      }
    }
    if field == Field.deleted, value?.boolValue == nil {
      throw fail(.deletedValue, "deleted must be true or false")
    }
    if isDelete, context == nil { throw fail(.deleteContext, "a delete must carry its context") }
    if context != nil, !isDelete { throw fail(.deleteContext, "only a delete carries a context") }
  }
}

private func isASCIILetter(_ byte: UInt8) -> Bool {
  (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
}

private func isASCIIDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

extension JSONValue {
  /// Why a value is not Folio's JSON.
  struct FolioJSONViolation: Error {
    let rule: ChangeRule
    let reason: String
  }

  /// Checks what the reader checks on bytes, for a value built in memory: integers only
  /// (J3) within ±(2^53 − 1) (J4), ASCII keys (J7), at most `maximumDepth` levels (C8).
  func checkFolioJSON(maximumDepth: Int) throws(FolioJSONViolation) {
    switch self {
    case .null, .bool, .string: return
    case .int(let number):
      guard abs(number) <= JSONReader.maximumInteger else {
        throw FolioJSONViolation(rule: .integerRange, reason: "an integer is beyond ±(2^53 - 1)")
      }
    case .double:
      throw FolioJSONViolation(rule: .integer, reason: "numbers must be integers")
    case .array(let elements):
      guard maximumDepth > 0 else {
        throw FolioJSONViolation(rule: .depth, reason: "the value nests too deep")
      }
      for element in elements { try element.checkFolioJSON(maximumDepth: maximumDepth - 1) }
    case .object(let members):
      guard maximumDepth > 0 else {
        throw FolioJSONViolation(rule: .depth, reason: "the value nests too deep")
      }
      for (key, member) in members {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
          throw FolioJSONViolation(rule: .asciiKey, reason: "an object key is not ASCII")
        }
        try member.checkFolioJSON(maximumDepth: maximumDepth - 1)
      }
    }
  }

  /// The size of the value's canonical JSON (as `JSONWriter` writes it), in bytes, counted
  /// without writing it.
  public var canonicalSize: Int {
    switch self {
    case .null, .bool(true): return 4
    case .bool(false): return 5
    case .int(let number): return String(number).utf8.count
    case .double:
      var writer = JSONWriter(capacity: 32)
      writer.write(self)
      return writer.bytes.count
    case .string(let text): return JSONValue.canonicalSize(of: text)
    case .array(let elements):
      return elements.reduce(1 + max(elements.count, 1)) { $0 + $1.canonicalSize }
    case .object(let members):
      return members.reduce(1 + max(members.count, 1)) {
        $0 + JSONValue.canonicalSize(of: $1.key) + 1 + $1.value.canonicalSize
      }
    }
  }

  /// The size of a string's canonical JSON: quotes, two bytes per short escape (`\"`, `\\`,
  /// `\b \t \n \f \r`), six per other control character, the rest as UTF-8.
  static func canonicalSize(of text: String) -> Int {
    func count<Bytes: Sequence<UInt8>>(_ utf8: Bytes) -> Int {
      var size = 2
      for byte in utf8 {
        switch byte {
        case 0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D: size += 2
        case 0x00..<0x20: size += 6
        default: size += 1
        }
      }
      return size
    }
    return text.utf8.withContiguousStorageIfAvailable { count($0) } ?? count(text.utf8)
  }

}
