import FolioModel

/// Articles with their highlights and notes as Markdown, in the style of read-later
/// tools' exports (Readwise, Omnivore):
///
/// ```
/// # Title
///
/// - Source: https://…
/// - Published: 2025-06-01
/// - Tags: china, tech
///
/// ## News Summary … ## Background … ## In-Depth AI Insights …
///
/// ## Highlights
///
/// > the highlighted passage
///
/// - Note: what alice thought
/// - Note by: bob          (only when someone else wrote the current note)
/// - Tags: claims
/// - Color: yellow
/// - Section: News Summary
/// - By alice, 2025-06-01 12:34:56 UTC
///
/// ## Notes
///
/// ### bob, 2025-06-02 08:00:00 UTC
///
/// The note's text.
///
/// - Tags: follow-up
/// ```
///
/// An orphaned highlight (its passage is no longer in the article) carries an
/// "- Orphan: …" line. `ArticleParser` reads the output back to the articles (title,
/// source, date, tags, sections); the highlights and notes are not imported.
public enum MarkdownExport {
  /// The Markdown of `items`, one article after another.
  public static func render(_ items: [MarkdownExportItem]) -> String {
    items.map(render).joined(separator: "\n")
  }

  /// The Markdown of one article with its highlights and notes.
  public static func render(_ item: MarkdownExportItem) -> String {
    var blocks = ArticleMarkdownFormat.blocks(of: item.article)
    if !item.highlights.isEmpty {
      blocks.append("## Highlights")
      for highlight in item.highlights { blocks += self.blocks(of: highlight) }
    }
    if !item.notes.isEmpty {
      blocks.append("## Notes")
      for note in item.notes { blocks += self.blocks(of: note) }
    }
    return blocks.joined(separator: "\n\n") + "\n"
  }

  static func blocks(of highlight: MarkdownExportItem.Highlight) -> [String] {
    let quote = ArticleLines.split(highlight.quote).map { $0.isEmpty ? ">" : "> " + $0 }
    var details: [String] = []
    if highlight.orphan {
      details.append("- Orphan: this passage is no longer found in the article")
    }
    if let note = highlight.note, !note.trimmingWhitespace().isEmpty {
      details.append("- Note: " + listItemText(note))
      if let credit = highlight.noteCredit { details.append("- Note by: " + names(credit)) }
    }
    if !highlight.tags.isEmpty { details.append("- Tags: " + tagList(highlight.tags)) }
    if let color = highlight.color, !color.isEmpty { details.append("- Color: " + oneLine(color)) }
    if let section = highlight.section { details.append("- Section: " + section.heading) }
    details.append("- By " + attribution(highlight.author, highlight.created))
    return [quote.joined(separator: "\n"), details.joined(separator: "\n")]
  }

  static func blocks(of note: MarkdownExportItem.Note) -> [String] {
    var blocks = ["### " + attribution(note.author, note.created)]
    let text = ArticleLines.split(note.text.trimmingWhitespace()).map(escapingHeading)
    if !text.isEmpty && text != [""] { blocks.append(text.joined(separator: "\n")) }
    var details: [String] = []
    if let credit = note.noteCredit { details.append("- Written by: " + names(credit)) }
    if !note.tags.isEmpty { details.append("- Tags: " + tagList(note.tags)) }
    if !details.isEmpty { blocks.append(details.joined(separator: "\n")) }
    return blocks
  }

  /// "alice, 2025-06-01 12:34:56 UTC".
  static func attribution(_ author: String, _ created: UInt64) -> String {
    oneLine(author) + ", " + ISO8601.readable(milliseconds: created)
  }

  /// "bob" or "alice, bob": the authors of a note, on one line.
  static func names(_ authors: [String]) -> String {
    authors.map(oneLine).joined(separator: ", ")
  }

  static func tagList(_ tags: [String]) -> String {
    tags.map(oneLine).joined(separator: ", ")
  }

  /// Multi-line text as one list item: lines after the first indented by two spaces.
  static func listItemText(_ text: String) -> String {
    ArticleLines.split(text.trimmingWhitespace()).map(escapingHeading)
      .joined(separator: "\n  ")
  }

  /// A line of a person's text, with a leading `#` escaped so that it cannot start a
  /// heading (which would begin another article or section on import).
  static func escapingHeading(_ line: String) -> String {
    line.trimmingLeadingWhitespace().hasPrefix("#") ? "\\" + line.trimmingLeadingWhitespace() : line
  }

  /// A one-line field (author, color, tag) with any line breaks turned into spaces.
  static func oneLine(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
  }
}
