import FolioModel

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Articles in JSON: a `FolioExport` document (`folio export --format json`), one
/// `Article` object, or an array of them.
///
/// Ids are kept as given; a missing or empty id is derived from the source URL or title
/// (`Article.id(sourceURL:title:)`). Only `title` is required: missing texts are empty,
/// missing insights and tags are none. An export's annotations are read by
/// `parseDocument(_:)`.
public enum ArticleJSONFormat {
  /// Reads the articles of a JSON document.
  ///
  /// - Throws: `ArticleParseError` naming what is wrong: a syntax error and where it is
  ///   ("invalid JSON: expected ',' or '}' but found 'x' at line 3, column 5"), a missing
  ///   or mistyped field and its path, an unknown export format or a newer version, a
  ///   title that is empty or longer than 1,000 characters.
  public static func parse(_ text: String) throws(ArticleParseError) -> [Article] {
    try parseDocument(text).articles
  }

  /// Reads the articles of a JSON document and, from an export, their annotations (both
  /// export versions: 2 writes the `show --json` shapes, 1 the `Codable` shapes).
  ///
  /// - Throws: `ArticleParseError` as `parse(_:)`, and for an annotation that is malformed.
  public static func parseDocument(_ text: String) throws(ArticleParseError) -> ImportDocument {
    let bytes = Array(text.utf8)
    if let problem = JSONSyntax.firstError(in: bytes) {
      throw ArticleParseError("invalid JSON: " + problem)
    }
    let document: ImportDocument
    do {
      let decoded = try JSONDecoder().decode(JSONArticles.self, from: Data(bytes))
      document = ImportDocument(articles: decoded.articles, annotations: decoded.annotations)
    } catch let error as DecodingError {
      throw ArticleParseError(reason(for: error))
    } catch let error as ExportProblem {
      throw ArticleParseError(error.message)
    } catch {
      throw ArticleParseError("invalid JSON: \(error)")
    }
    let articles = document.articles
    for (index, article) in articles.enumerated() {
      do {
        try ArticleParser.validate(article)
      } catch {
        if articles.count == 1 { throw error }
        throw ArticleParseError("article \(index + 1) of \(articles.count): " + error.reason)
      }
    }
    return document
  }

  /// A decoding error in one line: what is missing or mistyped, and where.
  static func reason(for error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, let context):
      return "invalid article JSON: missing \"\(key.stringValue)\" \(place(context.codingPath))"
    case .typeMismatch(let type, let context):
      return "invalid article JSON: expected \(describe(type)) \(place(context.codingPath))"
    case .valueNotFound(let type, let context):
      return "invalid article JSON: expected \(describe(type)), found null "
        + place(context.codingPath)
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return "invalid JSON: \(context.debugDescription)" }
      return "invalid article JSON: \(context.debugDescription) \(place(context.codingPath))"
    @unknown default:
      return "invalid article JSON: \(error)"
    }
  }

  /// "at articles[0].article.title", or "at the top level".
  static func place(_ path: [any CodingKey]) -> String {
    guard !path.isEmpty else { return "at the top level" }
    var text = ""
    for key in path {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += (text.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return "at " + text
  }

  /// "a string", "a number", "an array", "an object" …
  static func describe(_ type: Any.Type) -> String {
    let name = String(describing: type)
    if name.hasPrefix("Array") { return "an array" }
    if name.hasPrefix("Dictionary") { return "an object" }
    switch name {
    case "String": return "a string"
    case "Bool": return "true or false"
    case "Int", "Int64", "UInt64", "Double": return "a number"
    default: return "an object"
    }
  }
}

/// A problem with a `FolioExport` document's header.
private struct ExportProblem: Error {
  let message: String
}

/// The articles of any of the three JSON shapes, and an export's annotations.
private struct JSONArticles: Decodable {
  let articles: [Article]
  var annotations: [Annotation] = []

  private enum CodingKeys: String, CodingKey {
    case format, version, articles
  }

  init(from decoder: any Decoder) throws {
    if var list = try? decoder.unkeyedContainer() {
      var articles: [Article] = []
      while !list.isAtEnd { articles.append(try list.decode(ArticleRecord.self).article) }
      self.articles = articles
      return
    }
    let container = try decoder.container(keyedBy: CodingKeys.self)
    guard container.contains(.articles) || container.contains(.format) else {
      self.articles = [try ArticleRecord(from: decoder).article]
      return
    }
    let format = try container.decodeIfPresent(String.self, forKey: .format)
    if let format, format != FolioExport.formatName {
      throw ExportProblem(
        message: "unknown JSON format \"\(format)\" (Folio reads \"\(FolioExport.formatName)\")")
    }
    let version = try container.decodeIfPresent(Int.self, forKey: .version)
    if let version, version > FolioExport.currentVersion {
      throw ExportProblem(
        message: "this \(FolioExport.formatName) is version \(version); this Folio reads "
          + "versions up to \(FolioExport.currentVersion)")
    }
    let entries = try container.decode([ExportRecord].self, forKey: .articles)
    self.articles = entries.map(\.article)
    self.annotations = entries.flatMap(\.annotations)
  }
}

/// One entry of a `FolioExport`'s articles: `{"article": {…}, "annotations": […]}` in
/// version 1, the article's own keys with its `annotations` (as `show --json`) in version 2.
private struct ExportRecord: Decodable {
  let article: Article
  let annotations: [Annotation]

  private enum CodingKeys: String, CodingKey {
    case article, annotations
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let article =
      container.contains(.article)
      ? try container.decode(ArticleRecord.self, forKey: .article).article
      : try ArticleRecord(from: decoder).article
    let records = try container.decodeIfPresent([AnnotationRecord].self, forKey: .annotations)
    self.article = article
    annotations = (records ?? []).map { $0.annotation(of: article.id) }
  }
}

/// An exported annotation, in either version's shape: version 2's flat record (`article`,
/// `kind`, `selector`, ISO 8601 `created`), version 1's `Annotation` (`target`, `created` in
/// Unix milliseconds). Its article is the entry it is listed under.
private struct AnnotationRecord: Decodable {
  let id: String
  let kind: AnnotationKind
  let selector: TextSelector?
  let note: String?
  let color: String?
  let tags: [String]
  let author: String
  let created: UInt64

  private enum CodingKeys: String, CodingKey {
    case id, kind, selector, target, note, color, tags, author, created
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    if container.contains(.target) {
      let target = try container.decode(AnnotationTarget.self, forKey: .target)
      kind = target.kind
      selector = target.selector
    } else {
      kind = try container.decode(AnnotationKind.self, forKey: .kind)
      selector = try container.decodeIfPresent(TextSelector.self, forKey: .selector)
    }
    if kind == .highlight && selector == nil {
      throw DecodingError.keyNotFound(
        CodingKeys.selector,
        .init(codingPath: container.codingPath, debugDescription: "a highlight needs a selector"))
    }
    note = try container.decodeIfPresent(String.self, forKey: .note)
    color = try container.decodeIfPresent(String.self, forKey: .color)
    tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    author = try container.decode(String.self, forKey: .author)
    if let milliseconds = try? container.decode(UInt64.self, forKey: .created) {
      created = milliseconds
    } else {
      let text = try container.decode(String.self, forKey: .created)
      guard let milliseconds = Self.milliseconds(iso: text) else {
        throw DecodingError.dataCorruptedError(
          forKey: .created, in: container,
          debugDescription: "expected an ISO 8601 time such as 2026-11-27T06:59:05.123Z")
      }
      created = milliseconds
    }
  }

  /// Unix milliseconds of an ISO 8601 time, with or without fractional seconds.
  static func milliseconds(iso text: String) -> UInt64? {
    let styles = [
      Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle(),
    ]
    for style in styles {
      if let date = try? style.parse(text), date.timeIntervalSince1970 >= 0 {
        return UInt64((date.timeIntervalSince1970 * 1000).rounded())
      }
    }
    return nil
  }

  func annotation(of article: String) -> Annotation {
    Annotation(
      id: id,
      target: AnnotationTarget(article: article, kind: kind, selector: selector, created: created),
      note: note, color: color, tags: tags, author: author, created: created)
  }
}

/// An `Article` in JSON, read leniently: only `title` is required.
private struct ArticleRecord: Decodable {
  let article: Article

  private enum CodingKeys: String, CodingKey {
    case id, title, sourceURL, published, summary, background, insights, tags
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let id = try container.decodeIfPresent(String.self, forKey: .id)
    let insights = try container.decodeIfPresent([InsightRecord].self, forKey: .insights)
    article = Article(
      id: id.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 },
      title: try container.decode(String.self, forKey: .title),
      sourceURL: try container.decodeIfPresent(String.self, forKey: .sourceURL),
      published: try container.decodeIfPresent(String.self, forKey: .published),
      summary: try container.decodeIfPresent(String.self, forKey: .summary) ?? "",
      background: try container.decodeIfPresent(String.self, forKey: .background) ?? "",
      insights: insights?.map(\.insight) ?? [],
      tags: try container.decodeIfPresent([String].self, forKey: .tags) ?? [])
  }
}

/// An `Insight` in JSON: `points` may be missing.
private struct InsightRecord: Decodable {
  let insight: Insight

  private enum CodingKeys: String, CodingKey {
    case question, points
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    insight = Insight(
      question: try container.decode(String.self, forKey: .question),
      points: try container.decodeIfPresent([String].self, forKey: .points) ?? [])
  }
}
