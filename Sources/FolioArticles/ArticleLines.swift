import FolioModel

/// Lines of a file's text, read the same way by every article format.
enum ArticleLines {
  /// The lines of `text`, split at any line break (LF, CRLF, CR …), each without trailing
  /// white space.
  static func split(_ text: String) -> [String] {
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .map { String($0).trimmingTrailingWhitespace() }
  }

  /// A section's text: its lines joined with "\n", the whole trimmed.
  static func joined(_ lines: [String]) -> String {
    lines.joined(separator: "\n").trimmingWhitespace()
  }

  /// How many white-space characters `line` starts with (a tab counts as one).
  static func indentation(of line: String) -> Int {
    line.unicodeScalars.prefix(while: { $0.properties.isWhitespace }).count
  }
}

extension String {
  /// The string without trailing white space.
  func trimmingTrailingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    return String(scalars[...last])
  }

  /// The string without leading white space.
  func trimmingLeadingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else {
      return ""
    }
    return String(scalars[first...])
  }
}
