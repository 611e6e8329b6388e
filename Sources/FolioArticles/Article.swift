import FolioModel

/// One question of an article's "In-Depth AI Insights" and its bullet points.
public struct Insight: Hashable, Codable, Sendable {
  public var question: String
  public var points: [String]

  public init(question: String, points: [String]) {
    self.question = question
    self.points = points
  }
}

/// A news article as the team reads it.
public struct Article: Hashable, Codable, Sendable {
  public var id: String
  public var title: String
  public var sourceURL: String?
  /// Publication date as written in the source (ISO 8601 when known).
  public var published: String?
  /// The "News Summary" section.
  public var summary: String
  /// The "Background" section.
  public var background: String
  /// The "In-Depth AI Insights" section.
  public var insights: [Insight]
  public var tags: [String]

  public init(
    id: String? = nil, title: String, sourceURL: String? = nil, published: String? = nil,
    summary: String = "", background: String = "", insights: [Insight] = [], tags: [String] = []
  ) {
    self.id = id ?? Article.id(sourceURL: sourceURL, title: title)
    self.title = title
    self.sourceURL = sourceURL
    self.published = published
    self.summary = summary
    self.background = background
    self.insights = insights
    self.tags = tags
  }

  /// The id derived from content: the source URL when known, else the normalized title.
  /// Two people importing the same article offline get the same id.
  public static func id(sourceURL: String?, title: String) -> String {
    let key: String
    if let url = sourceURL.map(normalizedURL), !url.isEmpty {
      key = "url:" + url
    } else {
      key = "title:" + normalizedTitle(title)
    }
    return String(SHA256.hexDigest(key).prefix(16))
  }

  /// Lowercased, curly quotes straightened, runs of white space and punctuation folded.
  public static func normalizedTitle(_ title: String) -> String {
    var words: [String] = []
    var current = ""
    for scalar in title.lowercased().unicodeScalars {
      if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        current.unicodeScalars.append(scalar)
      } else if !current.isEmpty {
        words.append(current)
        current = ""
      }
    }
    if !current.isEmpty { words.append(current) }
    return words.joined(separator: " ")
  }

  /// Scheme and host lowercased, fragment and trailing slash dropped.
  public static func normalizedURL(_ url: String) -> String {
    var text = url.trimmingWhitespace()
    if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
    while text.hasSuffix("/") { text.removeLast() }
    let parts = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
    // "scheme:", "", "host", "path…": lowercase the scheme and host only.
    guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return text }
    let origin = parts[0].lowercased() + "//" + parts[2].lowercased()
    return parts.count == 4 ? origin + "/" + parts[3] : origin
  }

  /// The sections whose text annotations can quote, in reading order.
  public var sections: [(name: ArticleSection, text: String)] {
    var result: [(ArticleSection, String)] = [(.title, title), (.summary, summary)]
    result.append((.background, background))
    result.append((.insights, insightsText))
    return result
  }

  /// The text of one section.
  public func text(of section: ArticleSection) -> String {
    switch section {
    case .title: return title
    case .summary: return summary
    case .background: return background
    case .insights: return insightsText
    }
  }

  /// The insights rendered as plain text: each question on a line, each point on a
  /// line beginning "- ". Highlights in the insights section are offsets into this text.
  public var insightsText: String {
    insights.map { insight in
      ([insight.question] + insight.points.map { "- " + $0 }).joined(separator: "\n")
    }.joined(separator: "\n")
  }
}

/// The parts of an article a highlight can be in.
public enum ArticleSection: String, Codable, Sendable, CaseIterable {
  case title
  case summary
  case background
  case insights

  /// Accepts the section's name in several spellings ("News Summary", "summary" …).
  public init?(userText: String) {
    switch Article.normalizedTitle(userText) {
    case "title": self = .title
    case "summary", "news summary": self = .summary
    case "background": self = .background
    case "insights", "in depth ai insights", "ai insights": self = .insights
    default: return nil
    }
  }

  /// The heading used in the text format.
  public var heading: String {
    switch self {
    case .title: return "Title"
    case .summary: return "News Summary"
    case .background: return "Background"
    case .insights: return "In-Depth AI Insights"
    }
  }
}

extension String {
  /// The string without leading and trailing white space and newlines.
  public func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
  }
}
