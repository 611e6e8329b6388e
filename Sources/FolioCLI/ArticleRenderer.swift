import FolioArticles
import FolioModel
import FolioReplica

/// An annotation with where it lands in the current text.
struct AnchoredAnnotation {
  let annotation: Annotation
  let anchor: Anchor?
  let number: Int
}

/// Renders an article for a terminal: highlighted passages marked (in colour on a
/// terminal, with [brackets] elsewhere), notes beneath each section, orphans listed.
/// Every piece of text written by people is sanitized before it is styled, and the result
/// is wrapped to the style's width.
struct ArticleRenderer {
  let article: Article
  let annotations: [AnchoredAnnotation]
  let conflictedFields: Set<String>
  let annotationConflicts: [String: [String]]
  let style: OutputStyle
  /// The shortest unambiguous form of an id.
  let shortID: (String) -> String

  func render() -> String {
    var lines: [String] = []
    lines.append(bold(article.title.sanitizedLine) + conflictMark(Field.title))
    lines.append(dim("id \(article.id)"))
    if let url = article.sourceURL {
      lines.append(dim("source \(url.sanitizedLine)") + conflictMark(Field.sourceURL))
    }
    if let date = article.published { lines.append(dim("published \(date.sanitizedLine)")) }
    if !article.tags.isEmpty {
      lines.append(article.tags.map { "#" + $0.sanitizedLine }.joined(separator: " "))
    }
    for section in [ArticleSection.summary, .background, .insights] {
      let text = article.text(of: section)
      guard !text.isEmpty else { continue }
      lines.append("")
      let field =
        section == .summary
        ? Field.summary : section == .background ? Field.background : Field.insights
      lines.append(bold(section.heading) + conflictMark(field))
      let inSection = annotations.filter {
        $0.anchor?.section == section && $0.anchor?.range != nil
      }
      lines.append(mark(text, with: inSection))
      for item in inSection { lines.append(describe(item)) }
    }
    let titleMarks = annotations.filter { $0.anchor?.section == .title && $0.anchor?.range != nil }
    let notes = annotations.filter { $0.annotation.kind == .note }
    if !titleMarks.isEmpty || !notes.isEmpty {
      lines.append("")
      lines.append(bold("Notes"))
      for item in titleMarks + notes { lines.append(describe(item)) }
    }
    let orphans = annotations.filter { $0.annotation.kind == .highlight && $0.anchor?.range == nil }
    if !orphans.isEmpty {
      lines.append("")
      lines.append(bold("Orphaned highlights") + dim(" (their text is no longer in the article)"))
      for item in orphans { lines.append(describe(item)) }
    }
    return style.wrap(lines.joined(separator: "\n"))
  }

  private func describe(_ item: AnchoredAnnotation) -> String {
    let annotation = item.annotation
    var text = "  [\(item.number)] "
    if annotation.kind == .highlight, let quote = annotation.target.selector?.exact {
      text += "“\(quote.sanitizedLine)”"
      if let state = item.anchor?.state, state != .exact { text += dim(" (\(state.rawValue))") }
      if let note = annotation.note { text += "\n" + indented(note) }
    } else {
      text += indented(annotation.note ?? "").dropFirst(6)
    }
    var details =
      "\(annotation.author.sanitizedLine), \(TimeText.short(annotation.created)), \(shortID(annotation.id))"
    if !annotation.tags.isEmpty {
      details += " " + annotation.tags.map { "#" + $0.sanitizedLine }.joined(separator: " ")
    }
    text += "\n      " + dim(details)
    if let fields = annotationConflicts[annotation.id], !fields.isEmpty {
      text +=
        "\n      "
        + warn("⚠ in conflict: \(fields.joined(separator: ", ")) (see 'folio conflicts')")
    }
    return text
  }

  /// A note's lines, sanitized and indented under its marker.
  private func indented(_ note: String) -> String {
    note.sanitized.split(separator: "\n", omittingEmptySubsequences: false)
      .map { "      " + $0 }.joined(separator: "\n")
  }

  private func mark(_ text: String, with items: [AnchoredAnnotation]) -> String {
    let scalars = Array(text.unicodeScalars)
    var output = String.UnicodeScalarView()
    var position = 0
    let sorted = items.sorted {
      ($0.anchor?.range?.lowerBound ?? 0) < ($1.anchor?.range?.lowerBound ?? 0)
    }
    for item in sorted {
      guard let range = item.anchor?.range, range.lowerBound >= position,
        range.upperBound <= scalars.count
      else { continue }
      output.append(contentsOf: plain(scalars[position..<range.lowerBound]).unicodeScalars)
      let passage = plain(scalars[range])
      let marked =
        style.highlight(passage, color: item.annotation.color)
        + (style.color ? dim("[\(item.number)]") : "[\(item.number)]")
      output.append(contentsOf: marked.unicodeScalars)
      position = range.upperBound
    }
    output.append(contentsOf: plain(scalars[position...]).unicodeScalars)
    return String(output)
  }

  /// Article text between markers, sanitized (offsets are counted before sanitizing).
  private func plain(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    String(String.UnicodeScalarView(scalars)).sanitized
  }

  private func conflictMark(_ field: String) -> String {
    conflictedFields.contains(field) ? " " + warn("⚠ in conflict (see 'folio conflicts')") : ""
  }

  private func bold(_ text: String) -> String { style.bold(text) }
  private func dim(_ text: String) -> String { style.dim(text) }
  private func warn(_ text: String) -> String { style.warn(text) }
}
