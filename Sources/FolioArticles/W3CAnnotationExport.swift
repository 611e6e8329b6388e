import FolioModel

/// One annotation to export as a W3C Web Annotation, with what is known of its article.
public struct W3CExportItem: Hashable, Sendable {
  public var annotation: Annotation
  /// The article's source URL; the annotation's target names it when known.
  public var articleSourceURL: String?
  /// The article's current text: when known, a highlight's selectors say where it is now
  /// (re-anchored), not where it was made.
  public var article: Article?

  public init(annotation: Annotation, articleSourceURL: String? = nil, article: Article? = nil) {
    self.annotation = annotation
    self.articleSourceURL = articleSourceURL
    self.article = article
  }
}

/// `folio export --format w3c`: annotations as a W3C Web Annotation Data Model
/// (https://www.w3.org/TR/annotation-model/) JSON-LD Annotation Collection.
///
/// A highlight's target names the article as its `source` and selects one of its sections
/// with a FragmentSelector (`section=summary`…), refined by a TextQuoteSelector (exact,
/// prefix, suffix) and a TextPositionSelector (start, end) whose offsets count Unicode
/// scalars from the start of that section's text. When the article's current text is
/// known, the selectors are where the highlight is now; an orphan keeps only its stored
/// quote, and `folio:anchor` says how it anchored (`exact`, `moved`, `fuzzy`, `partial`,
/// `orphan`). A note targets the whole article. Keys are sorted and annotations ordered by
/// id, so the same annotations always give the same bytes.
public enum W3CAnnotationExport {
  /// The JSON-LD context of the Web Annotation vocabulary.
  public static let context = "http://www.w3.org/ns/anno.jsonld"

  /// The JSON-LD document (pretty-printed, sorted keys) for `items`.
  ///
  /// Ids are made from `baseURI`: `<baseURI>annotation:<id>`, and the target of an
  /// article without a source URL is `<baseURI>article:<article id>`.
  public static func render(_ items: [W3CExportItem], baseURI: String = "urn:folio:") -> String {
    let annotations = items.sorted { $0.annotation.id < $1.annotation.id }.map {
      annotation($0, baseURI: baseURI)
    }
    let collectionID = baseURI + "collection"
    let document: JSONValue = .object([
      "@context": .string(context),
      "id": .string(collectionID),
      "type": "AnnotationCollection",
      "label": "Folio annotations",
      "total": .int(Int64(annotations.count)),
      "first": .object([
        "id": .string(collectionID + ":page:0"),
        "type": "AnnotationPage",
        "partOf": .string(collectionID),
        "startIndex": .int(0),
        "items": .array(annotations),
      ]),
    ])
    var output = ""
    PrettyJSONWriter.write(document, indent: 0, into: &output)
    return output
  }

  /// One annotation as a JSON-LD value (without "@context").
  public static func annotation(
    _ item: W3CExportItem, baseURI: String = "urn:folio:"
  ) -> JSONValue {
    let annotation = item.annotation
    var body: [JSONValue] = []
    if let note = annotation.note, !note.trimmingWhitespace().isEmpty {
      var members: [String: JSONValue] = [
        "type": "TextualBody", "value": .string(note), "purpose": "commenting",
      ]
      // The Web Annotation model credits a body on its own when someone else wrote it.
      if let credit = annotation.noteCredit {
        let people = credit.map { JSONValue.object(["type": "Person", "name": .string($0)]) }
        members["creator"] = people.count == 1 ? people[0] : .array(people)
      }
      body.append(.object(members))
    }
    for tag in annotation.tags {
      body.append(.object(["type": "TextualBody", "value": .string(tag), "purpose": "tagging"]))
    }

    let source: String
    if let url = item.articleSourceURL, !url.trimmingWhitespace().isEmpty {
      source = url
    } else {
      source = baseURI + "article:" + annotation.articleID
    }
    var target: [String: JSONValue] = ["source": .string(source)]
    if annotation.kind == .highlight, let stored = annotation.target.selector {
      var selector = stored
      var state: AnchorState?
      if let article = item.article {
        let anchor = Anchoring.anchor(stored, in: article)
        state = anchor.state
        if let current = Anchoring.selector(for: anchor, in: article) { selector = current }
      }
      target["selector"] = sectionSelector(selector, positioned: state != .orphan)
      if let state { target["folio:anchor"] = .string(state.rawValue) }
    }

    var members: [String: JSONValue] = [
      "id": .string(baseURI + "annotation:" + annotation.id),
      "type": "Annotation",
      "motivation": annotation.kind == .highlight ? "highlighting" : "commenting",
      "created": .string(ISO8601.string(milliseconds: annotation.created)),
      "creator": .object(["type": "Person", "name": .string(annotation.author)]),
      "target": .object(target),
    ]
    if !body.isEmpty { members["body"] = .array(body) }
    return .object(members)
  }
}

extension W3CAnnotationExport {
  /// The FragmentSelector naming `selector`'s section, refined by its quote and (unless
  /// `positioned` is false: an orphan has no position) its position in that section.
  static func sectionSelector(_ selector: TextSelector, positioned: Bool) -> JSONValue {
    var refinements: [JSONValue] = [
      .object([
        "type": "TextQuoteSelector",
        "exact": .string(selector.exact),
        "prefix": .string(selector.prefix),
        "suffix": .string(selector.suffix),
      ])
    ]
    if positioned {
      refinements.append(
        .object([
          "type": "TextPositionSelector",
          "start": .int(Int64(selector.start)),
          "end": .int(Int64(selector.end)),
        ]))
    }
    return .object([
      "type": "FragmentSelector",
      "value": .string("section=" + selector.section.rawValue),
      "refinedBy": refinements.count == 1 ? refinements[0] : .array(refinements),
    ])
  }
}

/// Writes JSON text: two-space indentation, object keys sorted.
private enum PrettyJSONWriter {
  static func write(_ value: JSONValue, indent: Int, into output: inout String) {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .int(let number): output += String(number)
    case .double(let number): output += number.isFinite ? String(number) : "null"
    case .string(let text): writeString(text, into: &output)
    case .array(let elements):
      guard !elements.isEmpty else {
        output += "[]"
        return
      }
      output += "[\n"
      for (index, element) in elements.enumerated() {
        output += String(repeating: " ", count: indent + 2)
        write(element, indent: indent + 2, into: &output)
        output += index == elements.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: " ", count: indent) + "]"
    case .object(let members):
      guard !members.isEmpty else {
        output += "{}"
        return
      }
      output += "{\n"
      let keys = members.keys.sorted {
        $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
      }
      for (index, key) in keys.enumerated() {
        output += String(repeating: " ", count: indent + 2)
        writeString(key, into: &output)
        output += ": "
        write(members[key] ?? .null, indent: indent + 2, into: &output)
        output += index == keys.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: " ", count: indent) + "}"
    }
  }

  static func writeString(_ text: String, into output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "\u{08}": output += "\\b"
      case "\u{0C}": output += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }
}
