import FolioModel

/// A metadata line of the text and Markdown formats: `Source: URL` (or `URL:`),
/// `Published: …` (or `Date:`), `Tags: a, b`. A leading list marker and bold key
/// (`- **Source:** …`) are accepted.
enum ArticleMetadataLine: Equatable {
  case source(String)
  case published(String)
  case tags([String])

  /// Reads `line`; nil when it is not a metadata line.
  ///
  /// A `Source:` that is not a URL (e.g. "Source: Reuters") is not metadata: the article
  /// id derives from the source URL, so a name there would merge unrelated articles.
  init?(_ line: String) {
    var text = line.trimmingWhitespace()
    for marker in ["- ", "* ", "+ "] where text.hasPrefix(marker) {
      text = String(text.dropFirst(2)).trimmingWhitespace()
    }
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let key = String(text[..<colon].filter { $0 != "*" && $0 != "_" })
      .trimmingWhitespace().lowercased()
    let value = String(text[text.index(after: colon)...].drop(while: { $0 == "*" || $0 == "_" }))
      .trimmingWhitespace()
    switch key {
    case "source", "url", "link", "source url":
      let url = Self.unwrappedLink(value)
      guard Self.looksLikeURL(url) else { return nil }
      self = .source(url)
    case "published", "date", "published at", "published on", "publication date":
      guard !value.isEmpty else { return nil }
      self = .published(value)
    case "tags", "tag":
      self = .tags(Self.tags(in: value))
    default:
      return nil
    }
  }

  /// The tags of a `Tags:` value: comma-separated ("a, b"), else separated by white space
  /// ("#a #b"); a leading `#` is dropped, duplicates and empty names too.
  static func tags(in value: String) -> [String] {
    let names: [Substring] =
      value.contains(",")
      ? value.split(separator: ",") : value.split(whereSeparator: \.isWhitespace)
    var result: [String] = []
    for name in names {
      var tag = String(name).trimmingWhitespace()
      if tag.hasPrefix("#") { tag = String(tag.dropFirst()).trimmingWhitespace() }
      if !tag.isEmpty && !result.contains(tag) { result.append(tag) }
    }
    return result
  }

  /// `<url>` and `[text](url)` as the bare URL.
  static func unwrappedLink(_ value: String) -> String {
    if value.hasPrefix("<") && value.hasSuffix(">") {
      return String(value.dropFirst().dropLast()).trimmingWhitespace()
    }
    if value.hasPrefix("["), value.hasSuffix(")"), let middle = value.firstRange(of: "](") {
      return String(value[middle.upperBound...].dropLast()).trimmingWhitespace()
    }
    return value
  }

  /// True for `scheme://…` and `www.…` without white space.
  static func looksLikeURL(_ value: String) -> Bool {
    guard !value.isEmpty, !value.contains(where: \.isWhitespace) else { return false }
    return value.contains("://") || value.lowercased().hasPrefix("www.")
  }
}
