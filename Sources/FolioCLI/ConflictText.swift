import FolioArticles
import FolioModel

/// A conflict as people read it: what is in conflict and where, every version by author and
/// time (as a word diff against the base when there is one), and how to settle it.
///
/// Text written by people is sanitized; continuation lines are indented so that wrapping
/// keeps them under their version.
struct ConflictText {
  let style: OutputStyle
  let shortID: (String) -> String

  /// The whole conflict, with the hint saying how to settle it.
  func render(_ details: ConflictDetails) -> String {
    (header(details) + versions(details) + [hint(details)]).joined(separator: "\n")
  }

  /// An automatic merge for review: the versions against their base, then the merged text
  /// the field now shows.
  func renderMerge(_ details: ConflictDetails, merged: String) -> String {
    var lines = header(details, showingID: false)
    lines[0] += "  " + style.dim("(merged automatically)")
    lines += versions(details)
    lines.append("    merged, as the field now reads:")
    let diff = WordDiff(
      from: ConflictDetails.text(of: details.base).sanitized, to: merged.sanitized)
    lines += render(diff).split(separator: "\n", omittingEmptySubsequences: false).map {
      "        " + $0
    }
    return lines.joined(separator: "\n")
  }

  /// What is in conflict: the field, the record, the article.
  func header(_ details: ConflictDetails, showingID: Bool = true) -> [String] {
    let conflict = details.conflict
    let entity = conflict.entity
    let record = "\(entity.kind.rawValue) \(shortID(entity.id))"
    var lines: [String] = []
    let id = showingID ? style.bold(conflict.id) + "  " : ""
    switch entity.kind {
    case .article:
      let title = (details.articleTitle ?? details.label).sanitizedLine
      let what = conflict.kind == .delete ? "deleted while edited:" : "\(conflict.field) of"
      lines.append(id + "\(what) \(record) “\(title)”")
    case .annotation:
      let label = details.quote.map { "“\($0.sanitizedLine)”" } ?? details.label.sanitizedLine
      let what =
        conflict.kind == .delete
        ? "\(record) \(label) deleted while edited" : "\(conflict.field) of \(record) \(label)"
      lines.append(id + what)
      if let articleID = details.articleID {
        let title = details.articleTitle.map { " “\($0.sanitizedLine)”" } ?? ""
        lines.append("    in article \(shortID(articleID))\(title)")
      }
    }
    return lines
  }

  /// Every version, numbered as `--pick` counts them; the base first when known.
  func versions(_ details: ConflictDetails) -> [String] {
    let conflict = details.conflict
    guard details.isValueConflict else {
      return conflict.versions.enumerated().map { index, version in
        "    [\(index + 1)] " + describeDeleteSide(version)
      }
    }
    var lines: [String] = []
    if let base = details.base {
      lines.append("    " + style.dim("base, \(ConflictDetails.byline(base)):"))
      lines += indented(ConflictDetails.text(of: base).sanitized, style.dim)
    }
    for (index, version) in conflict.versions.enumerated() {
      lines.append("    [\(index + 1)] \(ConflictDetails.byline(version))")
      let text = ConflictDetails.text(of: version)
      guard let base = details.base else {
        lines += indented(text.sanitized, { $0 })
        continue
      }
      let diff = WordDiff(from: ConflictDetails.text(of: base).sanitized, to: text.sanitized)
      if diff.isEmpty {
        lines.append("        " + style.dim("(the base, unchanged)"))
      } else {
        lines += render(diff).split(separator: "\n", omittingEmptySubsequences: false).map {
          "        " + $0
        }
      }
    }
    return lines
  }

  /// Each version against the first (when there is no base) or against the base: what
  /// the `diff` answer of `folio resolve` shows.
  func diffs(_ details: ConflictDetails) -> String {
    let versions = details.conflict.versions
    let reference = details.base ?? versions.first
    guard let reference else { return "" }
    let name = details.base == nil ? "[1]" : "the base"
    var lines: [String] = []
    for (index, version) in versions.enumerated() where details.base != nil || index > 0 {
      lines.append("    [\(index + 1)] \(ConflictDetails.byline(version)), against \(name):")
      let diff = WordDiff(
        from: ConflictDetails.text(of: reference).sanitized,
        to: ConflictDetails.text(of: version).sanitized)
      lines += render(diff).split(separator: "\n", omittingEmptySubsequences: false).map {
        "        " + $0
      }
    }
    return lines.joined(separator: "\n")
  }

  /// How to settle the conflict from the command line.
  func hint(_ details: ConflictDetails) -> String {
    let id = details.conflict.id
    let how =
      details.isValueConflict
      ? "folio resolve \(id) --pick N | --author NAME | --value TEXT | --edit"
      : "folio resolve \(id) --restore | --confirm-delete"
    return "    " + style.dim("settle with: \(how)")
  }

  /// A diff in colour (removed red and struck through, added green) or in the plain
  /// `[-removed-]{+added+}` form. Colour is applied per line so that indentation after a
  /// line break is never coloured.
  func render(_ diff: WordDiff) -> String {
    guard style.color else { return diff.plain }
    return diff.segments.map { segment in
      switch segment {
      case .same(let text): return text
      case .removed(let text): return perLine(text) { style.removed($0) }
      case .added(let text): return perLine(text) { style.added($0) }
      }
    }.joined()
  }

  private func perLine(_ text: String, _ paint: (String) -> String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.isEmpty ? "" : paint(String($0)) }.joined(separator: "\n")
  }

  private func indented(_ text: String, _ paint: (String) -> String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map {
      "        " + paint(String($0))
    }
  }

  private func describeDeleteSide(_ version: Change) -> String {
    let who = ConflictDetails.byline(version)
    if version.field == Field.deleted {
      return (version.isDelete ? "deleted" : "restored") + " by \(who)"
    }
    let value = (version.value?.displayText ?? "").sanitizedLine
    return "\(version.field) set to “\(value)” by \(who)"
  }
}
