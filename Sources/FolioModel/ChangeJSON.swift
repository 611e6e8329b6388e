#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc  // memcmp
#elseif canImport(Darwin)
  import Darwin
#endif

/// The canonical JSON form of changes: keys sorted, no white space, minimal escapes (see
/// `JSONWriter`). The same change always encodes to the same bytes, which is how the server
/// tells a resent change from a different one with the same (site, seq).
///
/// Encoding and decoding are written by hand: changes move by the hundred thousand.
public enum ChangeJSON {
  /// A Foundation encoder with sorted keys, for documents other than changes.
  public static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The canonical bytes of one change.
  public static func encode(_ change: Change) -> [UInt8] {
    var writer = JSONWriter(capacity: 256)
    write(change, to: &writer)
    return writer.bytes
  }

  /// Appends the canonical bytes of `change` to a writer.
  public static func write(_ change: Change, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.writeKey("author")
    writer.write(change.author)
    writer.comma()
    if let context = change.context {
      writer.writeKey("context")
      writer.beginObject()
      for site in context.sites {
        writer.write(site)
        writer.append(":")
        writer.write(context[site])
        writer.comma()
      }
      writer.endObject()
      writer.comma()
    }
    writer.writeKey("entity")
    writer.beginObject()
    writer.writeKey("id")
    writer.write(change.entity.id)
    writer.comma()
    writer.writeKey("kind")
    writer.write(change.entity.kind.rawValue)
    writer.endObject()
    writer.comma()
    writer.writeKey("field")
    writer.write(change.field)
    writer.comma()
    writer.writeKey("hlc")
    writer.write(change.hlc.hex)
    writer.comma()
    writer.writeKey("op")
    writer.write(change.op.rawValue)
    writer.comma()
    if !change.pred.isEmpty {
      writer.writeKey("pred")
      writer.append("[")
      for (index, dot) in change.pred.enumerated() {
        if index > 0 { writer.comma() }
        writer.append("{\"seq\":")
        writer.write(dot.seq)
        writer.append(",\"site\":")
        writer.write(dot.site)
        writer.append("}")
      }
      writer.append("]")
      writer.comma()
    }
    writer.writeKey("seq")
    writer.write(change.seq)
    writer.comma()
    writer.writeKey("site")
    writer.write(change.site)
    writer.comma()
    if let value = change.value {
      writer.writeKey("value")
      writer.write(value)
      writer.comma()
    }
    writer.endObject()
  }

  /// Why bytes are not a change: the same error as a failed `Change.validate`, naming the
  /// rule broken.
  public typealias DecodingFailure = InvalidChange

  /// Decodes one change from its canonical JSON bytes, and only from them: the one decoder
  /// for every path (push, pull, bundles, the op log), so all make the same decision about
  /// the same bytes. It checks in the order of `canonical-json.md` §6: J1, C8 (the depth),
  /// J2–J7 (`JSONReader`), S1–S11, C1–C7 (`Change.validateSense`), and that the bytes are
  /// exactly `encode` of the result (K1); the first rule broken is the one named.
  /// Nothing is normalized: bytes that are not canonical are refused, not rewritten.
  ///
  /// - Parameters:
  ///   - bytes: The change's bytes, nothing before or after.
  ///   - limits: The size limits to apply.
  ///   - migratingOldForm: Skips K1 (only K1): for a migration that re-encodes changes stored
  ///     before the canonical form was enforced (which wrote U+0008 and U+000C as `\u0008`
  ///     and `\u000c`). Never for anything received.
  /// - Returns: The change.
  /// - Throws: `InvalidChange` naming the rule broken.
  public static func decode<Bytes: Collection<UInt8>>(
    _ bytes: Bytes, limits: ChangeLimits = .standard, migratingOldForm: Bool = false
  ) throws(InvalidChange) -> Change {
    // One pass over contiguous bytes: the checks below then run specialized, not through
    // the generic collection (which made decoding several times slower).
    let result = bytes.withContiguousStorageIfAvailable { buffer in
      decode(buffer: buffer, limits: limits, migratingOldForm: migratingOldForm)
    }
    switch result
      ?? Array(bytes).withUnsafeBufferPointer({
        decode(buffer: $0, limits: limits, migratingOldForm: migratingOldForm)
      })
    {
    case .success(let decoded): return decoded.change
    case .failure(let failure): throw failure
    }
  }

  /// `decode`, also telling where the change's value lies in `bytes`: the decoded change is
  /// its own canonical encoding (K1), so its value's canonical JSON is there already, as
  /// the last member, and a store can keep those bytes rather than write the value again.
  ///
  /// - Returns: The change, and the offsets of its value's bytes from the start of `bytes`
  ///   (nil when it has no value).
  public static func decodeLocatingValue(
    _ bytes: UnsafeBufferPointer<UInt8>, limits: ChangeLimits = .standard
  ) throws(InvalidChange) -> (change: Change, value: Range<Int>?) {
    let (change, knownSize) = try decode(buffer: bytes, limits: limits, migratingOldForm: false)
      .get()
    return (change, valueRange(of: change, encodedCount: bytes.count, size: knownSize))
  }

  /// Where `change`'s value lies in its canonical encoding: the last member, ending right
  /// before the change's closing brace.
  ///
  /// - Parameters:
  ///   - change: The change, decoded from its canonical encoding.
  ///   - count: The encoding's length in bytes.
  ///   - size: The value's canonical size when already counted.
  /// - Returns: The offsets of the value's bytes in the encoding; nil when it has no value.
  private static func valueRange(
    of change: Change, encodedCount count: Int, size: Int?
  ) -> Range<Int>? {
    guard let value = change.value else { return nil }
    let end = count - 1
    return (end - (size ?? value.canonicalSize))..<end
  }

  /// The change, and its value's size in bytes when the decoding counted it.
  private static func decode(
    buffer bytes: UnsafeBufferPointer<UInt8>, limits: ChangeLimits, migratingOldForm: Bool
  ) -> Result<(change: Change, valueSize: Int?), InvalidChange> {
    Result { () throws(InvalidChange) -> (change: Change, valueSize: Int?) in
      if !migratingOldForm, let (change, valueSize) = decodeCanonical(bytes, limits: limits),
        (try? change.validateSense(limits: limits, valueSize: valueSize)) != nil
      {
        return (change, valueSize)
      }
      return (try decodeInFull(bytes, limits: limits, migratingOldForm: migratingOldForm), nil)
    }
  }

  /// True when `bytes` are exactly the canonical encoding of `change` (rule K1).
  private static func isEncoding(of change: Change, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    encode(change).withUnsafeBytes { written in
      guard written.count == bytes.count else { return false }
      guard let left = written.baseAddress, let right = bytes.baseAddress else { return true }
      return memcmp(left, right, bytes.count) == 0
    }
  }

  /// The full reader: a JSON tree first, then every rule in order, naming the first broken.
  /// `decode` takes it for whatever `decodeCanonical` does not read; the fuzzer compares them.
  @_spi(Fuzzing) public static func decodeInFull(
    _ bytes: UnsafeBufferPointer<UInt8>, limits: ChangeLimits, migratingOldForm: Bool
  ) throws(InvalidChange) -> Change {
    let value: JSONValue
    do throws(JSONReader.Failure) {
      value = try JSONReader.parse(bytes, maximumDepth: limits.maximumValueDepth + 1)
    } catch {
      throw InvalidChange(rule: rule(for: error.kind), reason: error.description)
    }
    let change = try decode(value, limits: limits)
    try change.validateSense(limits: limits)
    if migratingOldForm { return change }
    guard isEncoding(of: change, bytes) else {
      throw InvalidChange(
        rule: .canonical, dot: change.dot, reason: describeDifference(encode(change), bytes))
    }
    return change
  }

  private static func rule(for kind: JSONReader.FailureKind) -> ChangeRule {
    switch kind {
    case .utf8: return .utf8
    case .syntax: return .syntax
    case .number: return .integer
    case .range: return .integerRange
    case .surrogate: return .surrogate
    case .duplicateKey: return .duplicateKey
    case .nonASCIIKey: return .asciiKey
    case .depth: return .depth
    }
  }

  /// Says where bytes first differ from their canonical form.
  private static func describeDifference<Bytes: Collection<UInt8>>(
    _ canonical: [UInt8], _ bytes: Bytes
  ) -> String {
    var offset = 0
    for (expected, actual) in zip(canonical, bytes) {
      if expected != actual { break }
      offset += 1
    }
    let wanted = String(decoding: canonical.dropFirst(offset).prefix(24), as: UTF8.self)
    return "not in canonical form from byte \(offset): expected \"\(wanted)\""
  }

  /// Decodes the shape of a change from a parsed value: rules S1 to S11, each checked whole
  /// and in that order (`canonical-json.md` §6), so the first one broken is the one named.
  private static func decode(
    _ value: JSONValue, limits: ChangeLimits
  ) throws(InvalidChange) -> Change {
    guard let members = value.objectValue else {
      throw InvalidChange(rule: .members, reason: "a change must be a JSON object")
    }
    let dot: Dot? = members["site"]?.stringValue.flatMap(SiteID.init(rawValue:)).flatMap { site in
      members["seq"]?.intValue.map { Dot(site: site, seq: $0) }
    }
    func fail(_ rule: ChangeRule, _ reason: String) -> InvalidChange {
      InvalidChange(rule: rule, dot: dot, reason: reason)
    }
    for key in members.keys.sorted() where !allowedKeys.contains(key) {
      throw fail(.members, "unknown member '\(key)'")
    }
    for key in requiredKeys where members[key] == nil {
      throw fail(.members, "the member '\(key)' is missing")
    }
    guard let site = members["site"]?.stringValue.flatMap(SiteID.init(rawValue:)) else {
      throw fail(.site, "site must be 32 lowercase hex digits")
    }
    guard let seq = members["seq"]?.intValue, seq >= 1 else {
      throw fail(.seq, "seq must be an integer, 1 or more")
    }
    guard let hlc = members["hlc"]?.stringValue.flatMap(HybridTimestamp.init(hex:)) else {
      throw fail(.hlc, "hlc must be 16 lowercase hex digits")
    }
    guard let author = members["author"]?.stringValue, Change.isValidAuthor(author, limits) else {
      throw fail(
        .author, "author must be a string of 1 to \(limits.maximumAuthorLength) UTF-8 bytes")
    }
    guard let entity = members["entity"]?.objectValue, entity.count == 2,
      let kind = entity["kind"]?.stringValue.flatMap(EntityKind.init(rawValue:)),
      let id = entity["id"]?.stringValue, Change.isValidID(id, limits)
    else {
      throw fail(
        .entity,
        "entity must be {\"id\", \"kind\"}: kind article or annotation, id 1 to "
          + "\(limits.maximumIdLength) ASCII letters, digits or '-'")
    }
    guard let field = members["field"]?.stringValue, Change.isValidField(field, limits) else {
      throw fail(.field, "field must be 1 to \(limits.maximumFieldLength) ASCII letters")
    }
    guard let op = members["op"]?.stringValue.flatMap(ChangeOp.init(rawValue:)) else {
      throw fail(.op, "op must be set, add or remove")
    }
    var pred: [Dot] = []
    if let list = members["pred"] {
      guard let elements = list.arrayValue, !elements.isEmpty,
        elements.count <= limits.maximumPredCount
      else {
        throw fail(
          .pred,
          "pred must list 1 to \(limits.maximumPredCount) changes (leave it out when empty)")
      }
      for element in elements {
        guard let entry = element.objectValue, entry.count == 2,
          let dotSite = entry["site"]?.stringValue.flatMap(SiteID.init(rawValue:)),
          let dotSeq = entry["seq"]?.intValue, dotSeq >= 1
        else { throw fail(.pred, "pred entries must be {\"seq\": 1 or more, \"site\"}") }
        let predecessor = Dot(site: dotSite, seq: dotSeq)
        guard predecessor != Dot(site: site, seq: seq) else {
          throw fail(.pred, "a change cannot supersede itself")
        }
        pred.append(predecessor)
      }
    }
    if members["value"] == .null { throw fail(.value, "value cannot be null; leave it out") }
    var context: VersionVector?
    if let vector = members["context"] {
      guard let entries = vector.objectValue, entries.count <= limits.maximumContextSites else {
        throw fail(
          .context, "context must be an object of at most \(limits.maximumContextSites) sites")
      }
      var result: [SiteID: Int] = [:]
      for (key, seqValue) in entries {
        guard let contextSite = SiteID(rawValue: key), let contextSeq = seqValue.intValue,
          contextSeq >= 1
        else { throw fail(.context, "context entries must be \"site\": seq of 1 or more") }
        result[contextSite] = contextSeq
      }
      context = VersionVector(result)
    }
    return Change(
      site: site, seq: seq, hlc: hlc, author: author, entity: EntityRef(kind: kind, id: id),
      field: field, op: op, value: members["value"], pred: pred, context: context)
  }

  private static let requiredKeys = ["author", "entity", "field", "hlc", "op", "seq", "site"]

  private static let allowedKeys: Set<String> = [
    "site", "seq", "hlc", "author", "entity", "field", "op", "value", "pred", "context",
  ]
}
