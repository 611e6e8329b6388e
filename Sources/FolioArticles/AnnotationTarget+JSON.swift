import FolioModel

extension AnnotationTarget {
  /// The target as the JSON value an annotation's `target` field holds (the same shape as
  /// its `Codable` form).
  public var jsonValue: JSONValue {
    var members: [String: JSONValue] = [
      "article": .string(article), "kind": .string(kind.rawValue),
    ]
    if let selector { members["selector"] = selector.jsonValue }
    if let created { members["created"] = .int(Int64(created & 0x7FFF_FFFF_FFFF_FFFF)) }
    if let creator { members["creator"] = .string(creator) }
    return .object(members)
  }

  /// Reads an annotation's `target` field; nil when it has another shape.
  public init?(json value: JSONValue) {
    guard let members = value.objectValue, let article = members["article"]?.stringValue,
      let kind = members["kind"]?.stringValue.flatMap(AnnotationKind.init(rawValue:))
    else { return nil }
    var selector: TextSelector?
    if let selectorValue = members["selector"], selectorValue != .null {
      guard let parsed = TextSelector(json: selectorValue) else { return nil }
      selector = parsed
    }
    var created: UInt64?
    if let value = members["created"], value != .null {
      guard let milliseconds = value.intValue, milliseconds >= 0 else { return nil }
      created = UInt64(milliseconds)
    }
    var creator: String?
    if let value = members["creator"], value != .null {
      guard let name = value.stringValue, !name.isEmpty else { return nil }
      creator = name
    }
    self.init(
      article: article, kind: kind, selector: selector, created: created, creator: creator)
  }
}

extension TextSelector {
  /// The selector as JSON (the same shape as its `Codable` form).
  public var jsonValue: JSONValue {
    .object([
      "section": .string(section.rawValue), "exact": .string(exact), "prefix": .string(prefix),
      "suffix": .string(suffix), "start": .int(Int64(start)), "end": .int(Int64(end)),
    ])
  }

  /// `jsonValue`'s canonical text, written straight from the fields (a materialized
  /// annotation's `selector` column): without building and sorting a dictionary, which was
  /// a twentieth of applying a bundle.
  public var canonicalText: String {
    var writer = JSONWriter(capacity: 96 + exact.utf8.count + prefix.utf8.count + suffix.utf8.count)
    writer.beginObject()
    // Keys in canonical (byte) order.
    writer.writeKey("end")
    writer.write(end)
    writer.comma()
    writer.writeKey("exact")
    writer.write(exact)
    writer.comma()
    writer.writeKey("prefix")
    writer.write(prefix)
    writer.comma()
    writer.writeKey("section")
    writer.write(section.rawValue)
    writer.comma()
    writer.writeKey("start")
    writer.write(start)
    writer.comma()
    writer.writeKey("suffix")
    writer.write(suffix)
    writer.endObject()
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  /// Reads a selector; nil when the value has another shape.
  public init?(json value: JSONValue) {
    guard let members = value.objectValue,
      let section = members["section"]?.stringValue.flatMap(ArticleSection.init(rawValue:)),
      let exact = members["exact"]?.stringValue, let prefix = members["prefix"]?.stringValue,
      let suffix = members["suffix"]?.stringValue, let start = members["start"]?.intValue,
      let end = members["end"]?.intValue
    else { return nil }
    self.init(
      section: section, exact: exact, prefix: prefix, suffix: suffix, start: start, end: end)
  }
}
