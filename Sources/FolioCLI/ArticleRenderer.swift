import FolioArticles
import FolioModel
import FolioReplica

/// An annotation with where it lands in the current text.
struct AnchoredAnnotation {
  let annotation: Annotation
  let anchor: Anchor?
  let number: Int

  /// `annotations` anchored in `article` and numbered in reading order: highlights by where
  /// they land (section, start, the longer first), then orphans, then notes.
  static func numbered(_ annotations: [Annotation], in article: Article) -> [AnchoredAnnotation] {
    let anchored = annotations.map { annotation in
      (annotation, annotation.target.selector.map { Anchoring.anchor($0, in: article) })
    }
    func rank(_ anchor: Anchor?) -> (Int, Int, Int) {
      guard let anchor else { return (ArticleSection.allCases.count + 1, 0, 0) }
      guard let range = anchor.range else { return (ArticleSection.allCases.count, 0, 0) }
      let section = ArticleSection.allCases.firstIndex(of: anchor.section) ?? 0
      return (section, range.lowerBound, -range.upperBound)
    }
    let ordered = anchored.enumerated().sorted { a, b in
      let (left, right) = (rank(a.element.1), rank(b.element.1))
      return left != right ? left < right : a.offset < b.offset
    }
    return ordered.enumerated().map { number, item in
      AnchoredAnnotation(annotation: item.element.0, anchor: item.element.1, number: number + 1)
    }
  }
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
      if let now = item.anchor?.text(in: article), now != quote {
        text += "\n      " + dim("now: ") + "“\(now.sanitizedLine)”"
      }
      if let note = annotation.note { text += "\n" + indented(note) }
    } else {
      text += indented(annotation.note ?? "").dropFirst(6)
    }
    var details =
      "\(annotation.author.sanitizedLine), \(TimeText.short(annotation.created)), \(shortID(annotation.id))"
    if let credit = annotation.noteCredit {
      details += ", note by " + credit.map(\.sanitizedLine).joined(separator: " and ")
    }
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

  /// `text` with each highlight marked, nested and overlapping ones included: a highlight
  /// that overlaps one opened before it and ends after it is closed where the earlier one
  /// ends and reopened after it, so that marks always nest and none is dropped.
  private func mark(_ text: String, with items: [AnchoredAnnotation]) -> String {
    let scalars = Array(text.unicodeScalars)
    let marks = items.compactMap { item -> (range: Range<Int>, item: AnchoredAnnotation)? in
      guard let range = item.anchor?.range, range.lowerBound >= 0,
        range.upperBound <= scalars.count, !range.isEmpty
      else { return nil }
      return (range, item)
    }.sorted {
      ($0.range.lowerBound, -$0.range.upperBound, $0.item.number)
        < ($1.range.lowerBound, -$1.range.upperBound, $1.item.number)
    }
    let boundaries = Set(marks.flatMap { [$0.range.lowerBound, $0.range.upperBound] } + [0])
      .sorted()
    var output = ""
    var open: [(range: Range<Int>, item: AnchoredAnnotation)] = []
    var next = 0
    for (index, position) in boundaries.enumerated() {
      // Close what ends here; what was opened after it closes first and opens again.
      var reopen: [(range: Range<Int>, item: AnchoredAnnotation)] = []
      var closed = false
      while open.contains(where: { $0.range.upperBound == position }) {
        let top = open.removeLast()
        output += close(top.item)
        closed = true
        if top.range.upperBound != position { reopen.insert(top, at: 0) }
      }
      if closed, reopen.isEmpty, style.color, let outer = open.last {
        output += openMark(outer.item)
      }
      for item in reopen {
        output += openMark(item.item)
        open.append(item)
      }
      while next < marks.count, marks[next].range.lowerBound == position {
        output += openMark(marks[next].item)
        open.append(marks[next])
        next += 1
      }
      let end = index + 1 < boundaries.count ? boundaries[index + 1] : scalars.count
      output += plain(scalars[position..<max(position, end)])
    }
    return output
  }

  /// The start of a mark: the highlight colour's codes (as Rainbow writes them), or "[".
  private func openMark(_ item: AnchoredAnnotation) -> String {
    guard style.color else { return "[" }
    let placeholder: Character = "\u{1}"
    let wrapped = style.highlight(String(placeholder), color: item.annotation.color)
    return String(wrapped.prefix { $0 != placeholder })
  }

  /// The end of a mark; in colour, the colour of the mark it was nested in comes back.
  private func close(_ item: AnchoredAnnotation) -> String {
    guard style.color else { return "][\(item.number)]" }
    return "\u{1B}[0m" + dim("[\(item.number)]")
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
