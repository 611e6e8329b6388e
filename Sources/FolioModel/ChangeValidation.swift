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
  /// Checks every rule of `Protocol/canonical-json.md` that a change in memory can break, in
  /// the order of its §6: C8, then J3, J4 and J7 (inside `value`, and J4 for every integer),
  /// then S3, S5–S7, S9–S11, then C1–C7. The one validator for every path: local edits,
  /// push, pull, bundles and the op log (`ChangeJSON.decode` checks the same rules on bytes).
  ///
  /// - Parameters:
  ///   - limits: The size limits to apply.
  ///   - valueSize: The size of the value's canonical JSON when the caller already knows it
  ///     (it wrote those bytes); otherwise it is computed.
  /// - Throws: `InvalidChange` naming the first rule broken; nothing is changed then.
  public func validate(
    limits: ChangeLimits = .standard, valueSize: Int? = nil
  ) throws(InvalidChange) {
    func fail(_ rule: ChangeRule, _ reason: String) -> InvalidChange {
      InvalidChange(rule: rule, dot: dot, reason: reason)
    }
    if let value, value.nestingDepth > limits.maximumValueDepth {
      throw fail(.depth, "the value nests more than \(limits.maximumValueDepth) deep")
    }
    var violation = value?.folioJSONViolation()
    func integer(_ number: Int, _ what: String) {
      // J4 comes before the value's J7, after its J3.
      guard number.magnitude > JSONReader.maximumInteger.magnitude, violation?.rule != .integer
      else { return }
      violation = JSONValue.FolioJSONViolation(
        rule: .integerRange, reason: "\(what) is beyond 2^53 - 1")
    }
    integer(seq, "seq")
    for predecessor in pred { integer(predecessor.seq, "a pred seq") }
    for number in context.map({ Array($0.entries.values) }) ?? [] {
      integer(number, "a context seq")
    }
    if let violation { throw fail(violation.rule, violation.reason) }
    guard seq >= 1 else { throw fail(.seq, "seq must be 1 or more") }
    guard Change.isValidAuthor(author, limits) else {
      throw fail(.author, "author must be 1 to \(limits.maximumAuthorLength) UTF-8 bytes")
    }
    guard Change.isValidID(entity.id, limits) else {
      throw fail(
        .entity, "entity id must be 1 to \(limits.maximumIdLength) ASCII letters, digits or '-'")
    }
    guard Change.isValidField(field, limits) else {
      throw fail(.field, "field must be 1 to \(limits.maximumFieldLength) ASCII letters")
    }
    guard pred.count <= limits.maximumPredCount else {
      throw fail(.pred, "pred lists more than \(limits.maximumPredCount) changes")
    }
    for predecessor in pred {
      guard predecessor.seq >= 1 else { throw fail(.pred, "a pred seq must be 1 or more") }
      guard predecessor != dot else { throw fail(.pred, "a change cannot supersede itself") }
    }
    if value == .null { throw fail(.value, "value cannot be null; leave it out") }
    if let context {
      guard context.entries.count <= limits.maximumContextSites else {
        throw fail(.context, "context names more than \(limits.maximumContextSites) sites")
      }
      guard context.entries.values.allSatisfy({ $0 >= 1 }) else {
        throw fail(.context, "context seqs must be 1 or more")
      }
    }
    try validateSense(limits: limits, valueSize: valueSize)
  }

  /// Rules C1–C7, in that order: the operation fits the field, the value fits the operation,
  /// and the value's canonical JSON fits its limit. For a change whose shape (S1–S11) holds.
  ///
  /// - Parameters:
  ///   - limits: The size limits to apply.
  ///   - valueSize: The size of the value's canonical JSON when the caller already knows it
  ///     (a reader that read those bytes); otherwise it is computed.
  /// - Throws: `InvalidChange` naming the first rule broken.
  public func validateSense(
    limits: ChangeLimits = .standard, valueSize: Int? = nil
  ) throws(InvalidChange) {
    func fail(_ rule: ChangeRule, _ reason: String) -> InvalidChange {
      InvalidChange(rule: rule, dot: dot, reason: reason)
    }
    if (field == Field.tags) == (op == .set) {
      throw fail(.opForField, "tags take add and remove; other fields take set")
    }
    if (op == .remove) != (value == nil) {
      throw fail(
        .valuePresence, op == .remove ? "remove takes no value" : "\(op.rawValue) needs a value")
    }
    if op == .add, value?.stringValue == nil { throw fail(.addValue, "add needs a string value") }
    if op == .remove, pred.isEmpty {
      throw fail(.removePred, "remove must name the additions it removes")
    }
    if field == Field.deleted, value?.boolValue == nil {
      throw fail(.deletedValue, "deleted must be true or false")
    }
    if isDelete, context == nil { throw fail(.deleteContext, "a delete must carry its context") }
    if context != nil, !isDelete { throw fail(.deleteContext, "only a delete carries a context") }
    if let value {
      let size = valueSize ?? value.canonicalSize
      guard size <= limits.maximumValueBytes else {
        throw fail(
          .valueSize,
          "value is \(size) bytes of canonical JSON, more than \(limits.maximumValueBytes)")
      }
    }
  }

  /// S5: 1 to `maximumAuthorLength` bytes of UTF-8.
  static func isValidAuthor(_ author: String, _ limits: ChangeLimits) -> Bool {
    !author.isEmpty && author.utf8.count <= limits.maximumAuthorLength
  }

  /// S6's id: 1 to `maximumIdLength` ASCII letters, digits or `-`.
  static func isValidID(_ id: String, _ limits: ChangeLimits) -> Bool {
    !id.isEmpty && id.utf8.count <= limits.maximumIdLength
      && allBytes(of: id) { isASCIILetter($0) || isASCIIDigit($0) || $0 == 0x2D }
  }

  /// S7: 1 to `maximumFieldLength` ASCII letters.
  static func isValidField(_ field: String, _ limits: ChangeLimits) -> Bool {
    !field.isEmpty && field.utf8.count <= limits.maximumFieldLength
      && allBytes(of: field, satisfy: isASCIILetter)
  }

  /// True when every UTF-8 byte of `text` satisfies `predicate`, read in place when the
  /// string is contiguous (through the generic iterator this was 3% of reading a bundle).
  private static func allBytes(of text: String, satisfy predicate: (UInt8) -> Bool) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(predicate) }
      ?? text.utf8.allSatisfy(predicate)
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

  /// The nesting of arrays and objects (a scalar is 0, `[[1]]` is 2): what rule J3 limits,
  /// and how deep writing the value recurses.
  public var nestingDepth: Int {
    switch self {
    case .null, .bool, .string, .int, .double: return 0
    case .array(let elements): return 1 + (elements.map(\.nestingDepth).max() ?? 0)
    case .object(let members): return 1 + (members.values.map(\.nestingDepth).max() ?? 0)
    }
  }

  /// What the reader checks on bytes, for a value built in memory: integers only (J3)
  /// within ±(2^53 − 1) (J4), ASCII keys (J7). The lowest rule broken, or nil.
  func folioJSONViolation() -> FolioJSONViolation? {
    switch self {
    case .null, .bool, .string: return nil
    case .int(let number):
      guard number.magnitude > JSONReader.maximumInteger.magnitude else { return nil }
      return FolioJSONViolation(rule: .integerRange, reason: "an integer is beyond ±(2^53 - 1)")
    case .double:
      return FolioJSONViolation(rule: .integer, reason: "numbers must be integers")
    case .array(let elements):
      return elements.lazy.compactMap { $0.folioJSONViolation() }.min {
        $0.rule.rawValue < $1.rule.rawValue
      }
    case .object(let members):
      var found: FolioJSONViolation?
      for (key, member) in members {
        var candidates = [member.folioJSONViolation()]
        if !key.utf8.allSatisfy({ $0 < 0x80 }) {
          candidates.append(
            FolioJSONViolation(rule: .asciiKey, reason: "an object key is not ASCII"))
        }
        for case let candidate? in candidates
        where found.map({ candidate.rule.rawValue < $0.rule.rawValue }) ?? true {
          found = candidate
        }
      }
      return found
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
