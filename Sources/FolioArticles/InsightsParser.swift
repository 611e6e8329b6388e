import FolioModel

/// Reads the "In-Depth AI Insights" section: questions, each followed by bullet points.
///
/// Questions and points may stand on separate lines (a question line, then lines starting
/// with "- ") or all run together on one line ("Question? - point. - point. Next question?
/// - point …"; see `InlineInsights`). In Markdown a question may also be a `### Question`
/// heading or a `**Question**` line. A line indented deeper than the line before it
/// continues that question or point.
enum InsightsParser {
  /// The insights in the section's `lines`.
  static func parse(_ lines: [String], markdown: Bool) -> [Insight] {
    var builder = Builder()
    for line in lines {
      let content = line.trimmingWhitespace()
      if content.isEmpty { continue }
      let indent = ArticleLines.indentation(of: line)
      if markdown {
        if isThematicBreak(content) { continue }
        if let heading = MarkdownLine.heading(content), heading.level >= 3 {
          builder.startQuestion(heading.text, indent: indent)
          continue
        }
      }
      if let body = bulletBody(content) {
        builder.add(InlineInsights.segments(of: body), lineIsQuestion: false, indent: indent)
      } else if markdown, let question = boldText(content) {
        builder.startQuestion(question, indent: indent)
      } else if builder.continues(at: indent) {
        builder.continueLast(with: content)
      } else {
        builder.add(InlineInsights.segments(of: content), lineIsQuestion: true, indent: indent)
      }
    }
    return builder.insights
  }

  /// The text after a list marker ("- ", "* ", "+ ", "• "); nil when `content` is no item.
  static func bulletBody(_ content: String) -> String? {
    for marker in ["- ", "* ", "+ ", "• "] where content.hasPrefix(marker) {
      return String(content.dropFirst(2)).trimmingWhitespace()
    }
    return nil
  }

  /// The text inside `**…**` or `__…__` filling the whole line.
  static func boldText(_ content: String) -> String? {
    for marker in ["**", "__"]
    where content.count > 4 && content.hasPrefix(marker) && content.hasSuffix(marker) {
      let inner = String(content.dropFirst(2).dropLast(2))
      if !inner.contains(marker) { return inner.trimmingWhitespace() }
    }
    return nil
  }

  /// `---`, `***`, `___` (and spaced variants): a Markdown rule, not content.
  static func isThematicBreak(_ content: String) -> Bool {
    let marks = content.filter { $0 != " " }
    guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
    return marks.allSatisfy { $0 == first }
  }

  /// Collects questions and points in reading order.
  struct Builder {
    private(set) var insights: [Insight] = []
    /// Indentation of the line that made the last question or point.
    private var lastIndent: Int?
    private var lastIsPoint = false

    mutating func startQuestion(_ question: String, indent: Int) {
      insights.append(Insight(question: question, points: []))
      lastIndent = indent
      lastIsPoint = false
    }

    mutating func addPoint(_ point: String, indent: Int) {
      if insights.isEmpty { insights.append(Insight(question: "", points: [])) }
      insights[insights.count - 1].points.append(point)
      lastIndent = indent
      lastIsPoint = true
    }

    /// Adds the segments of one line: the first is a question when the line is not a
    /// list item; a later segment that ends with a question after a sentence (and is
    /// followed by more points) is a point and then the next question.
    mutating func add(_ segments: [String], lineIsQuestion: Bool, indent: Int) {
      for (index, segment) in segments.enumerated() {
        if index == 0 && lineIsQuestion {
          startQuestion(segment, indent: indent)
        } else if index < segments.count - 1,
          let split = InlineInsights.splitTrailingQuestion(segment)
        {
          addPoint(split.point, indent: indent)
          startQuestion(split.question, indent: indent)
        } else {
          addPoint(segment, indent: indent)
        }
      }
    }

    /// True when a line indented by `indent` continues the last question or point.
    func continues(at indent: Int) -> Bool {
      guard let lastIndent, !insights.isEmpty else { return false }
      return indent > lastIndent
    }

    /// Appends a continuation line to the last question or point.
    mutating func continueLast(with text: String) {
      let last = insights.count - 1
      guard last >= 0 else { return }
      if lastIsPoint, let point = insights[last].points.indices.last {
        insights[last].points[point] += "\n" + text
      } else {
        insights[last].question += "\n" + text
      }
    }
  }
}
