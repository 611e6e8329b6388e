#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
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
        writer.writeKey(site.rawValue)
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
        writer.write(dot.site.rawValue)
        writer.append("}")
      }
      writer.append("]")
      writer.comma()
    }
    writer.writeKey("seq")
    writer.write(change.seq)
    writer.comma()
    writer.writeKey("site")
    writer.write(change.site.rawValue)
    writer.comma()
    if let value = change.value {
      writer.writeKey("value")
      writer.write(value)
      writer.comma()
    }
    writer.endObject()
  }

  /// Why bytes are not a change.
  public struct DecodingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public var description: String { reason }
  }

  /// Decodes one change from JSON bytes.
  public static func decode<Bytes: Collection<UInt8>>(
    _ bytes: Bytes
  ) throws(DecodingFailure) -> Change {
    let value: JSONValue
    do { value = try JSONReader.parse(bytes) } catch {
      throw DecodingFailure(reason: "not JSON: \(error)")
    }
    return try decode(value)
  }

  /// Decodes one change from a parsed JSON value.
  public static func decode(_ value: JSONValue) throws(DecodingFailure) -> Change {
    func fail(_ reason: String) -> DecodingFailure { DecodingFailure(reason: reason) }
    guard let members = value.objectValue else { throw fail("a change must be an object") }
    for key in members.keys where !allowedKeys.contains(key) {
      throw fail("unknown key '\(key)'")
    }
    guard let site = members["site"]?.stringValue.flatMap(SiteID.init(rawValue:)) else {
      throw fail("site must be 32 lowercase hex digits")
    }
    guard let seq = members["seq"]?.intValue else { throw fail("seq must be an integer") }
    guard let hlc = members["hlc"]?.stringValue.flatMap(HybridTimestamp.init(hex:)) else {
      throw fail("hlc must be 16 lowercase hex digits")
    }
    guard let author = members["author"]?.stringValue else { throw fail("author must be text") }
    guard let entity = members["entity"]?.objectValue, entity.count == 2,
      let kind = entity["kind"]?.stringValue.flatMap(EntityKind.init(rawValue:)),
      let id = entity["id"]?.stringValue
    else { throw fail("entity must be {\"id\", \"kind\"} with kind article or annotation") }
    guard let field = members["field"]?.stringValue else { throw fail("field must be text") }
    guard let op = members["op"]?.stringValue.flatMap(ChangeOp.init(rawValue:)) else {
      throw fail("op must be set, add or remove")
    }
    var pred: [Dot] = []
    if let list = members["pred"] {
      guard let elements = list.arrayValue else { throw fail("pred must be a list") }
      for element in elements {
        guard let dot = element.objectValue, dot.count == 2,
          let dotSite = dot["site"]?.stringValue.flatMap(SiteID.init(rawValue:)),
          let dotSeq = dot["seq"]?.intValue
        else { throw fail("pred entries must be {\"seq\", \"site\"}") }
        pred.append(Dot(site: dotSite, seq: dotSeq))
      }
    }
    var context: VersionVector?
    if let vector = members["context"] {
      guard let entries = vector.objectValue else { throw fail("context must be an object") }
      var result = VersionVector()
      for (key, seqValue) in entries {
        guard let contextSite = SiteID(rawValue: key), let contextSeq = seqValue.intValue,
          contextSeq >= 0
        else { throw fail("context entries must be site: seq") }
        result[contextSite] = contextSeq
      }
      context = result
    }
    return Change(
      site: site, seq: seq, hlc: hlc, author: author, entity: EntityRef(kind: kind, id: id),
      field: field, op: op, value: members["value"], pred: pred, context: context)
  }

  private static let allowedKeys: Set<String> = [
    "site", "seq", "hlc", "author", "entity", "field", "op", "value", "pred", "context",
  ]
}
