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
struct ArticleRenderer {
  let article: Article
  let annotations: [AnchoredAnnotation]
  let conflictedFields: Set<String>
  let annotationConflicts: [String: [String]]
  let useColor: Bool
  /// The shortest unambiguous form of an id.
  let shortID: (String) -> String

  func render() -> String {
    var lines: [String] = []
    lines.append(bold(article.title) + conflictMark(Field.title))
    lines.append(dim("id \(article.id)"))
    if let url = article.sourceURL {
      lines.append(dim("source \(url)") + conflictMark(Field.sourceURL))
    }
    if let date = article.published { lines.append(dim("published \(date)")) }
    if !article.tags.isEmpty { lines.append(article.tags.map { "#" + $0 }.joined(separator: " ")) }
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
    return lines.joined(separator: "\n")
  }

  private func describe(_ item: AnchoredAnnotation) -> String {
    let annotation = item.annotation
    var text = "  [\(item.number)] "
    if annotation.kind == .highlight, let quote = annotation.target.selector?.exact {
      text += "“\(quote)”"
      if let state = item.anchor?.state, state != .exact { text += dim(" (\(state.rawValue))") }
      if let note = annotation.note { text += "\n      " + note }
    } else {
      text += annotation.note ?? ""
    }
    var details =
      "\(annotation.author), \(TimeText.short(annotation.created)), \(shortID(annotation.id))"
    if !annotation.tags.isEmpty {
      details += " " + annotation.tags.map { "#" + $0 }.joined(separator: " ")
    }
    text += "\n      " + dim(details)
    if let fields = annotationConflicts[annotation.id], !fields.isEmpty {
      text +=
        "\n      "
        + warn("⚠ in conflict: \(fields.joined(separator: ", ")) (see 'folio conflicts')")
    }
    return text
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
      output.append(contentsOf: scalars[position..<range.lowerBound])
      let passage = String(String.UnicodeScalarView(scalars[range]))
      let marked =
        useColor
        ? "\u{1B}[\(colorCode(item.annotation.color))m\(passage)\u{1B}[0m\(dim("[\(item.number)]"))"
        : "[\(passage)][\(item.number)]"
      output.append(contentsOf: marked.unicodeScalars)
      position = range.upperBound
    }
    output.append(contentsOf: scalars[position...])
    return String(output)
  }

  private func colorCode(_ color: String?) -> String {
    switch color?.lowercased() {
    case "green": return "30;42"
    case "blue": return "30;46"
    case "red", "pink": return "30;45"
    case "orange": return "30;43;1"
    default: return "30;43"
    }
  }

  private func conflictMark(_ field: String) -> String {
    conflictedFields.contains(field) ? " " + warn("⚠ in conflict (see 'folio conflicts')") : ""
  }

  private func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
  private func dim(_ text: String) -> String { useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
  private func warn(_ text: String) -> String { useColor ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
}
