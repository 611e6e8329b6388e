import FolioModel

/// Markdown line syntax the article parser needs.
enum MarkdownLine {
  /// An ATX heading ("## Background"): its level (1–6) and its text without the closing
  /// `#` sequence; nil when `content` (a line without leading white space) is no heading.
  static func heading(_ content: String) -> (level: Int, text: String)? {
    let level = content.prefix(while: { $0 == "#" }).count
    guard (1...6).contains(level) else { return nil }
    let rest = content.dropFirst(level)
    guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
    var text = String(rest).trimmingWhitespace()
    // A closing sequence is a run of `#` preceded by a space (or the whole text).
    let closing = text.reversed().prefix(while: { $0 == "#" }).count
    if closing > 0 {
      let kept = text.dropLast(closing)
      if kept.isEmpty || kept.last == " " { text = String(kept).trimmingWhitespace() }
    }
    return (level, text)
  }
}
