import FolioArticles
import FolioModel
import FolioReplica

/// An open conflict with what a person needs to judge it: the article it is in, the
/// annotation's quote, and the common base the versions were edited from.
struct ConflictDetails {
  let view: ConflictView
  /// The article: the record itself, or the one the annotation is on.
  let articleID: String?
  let articleTitle: String?
  /// The annotation's quote (a highlight) — nil for an article and for a note.
  let quote: String?
  /// The value every version was edited from, when the replica knows it.
  let base: Change?

  var conflict: Conflict { view.conflict }

  /// True when the versions are alternative values of a field (not a delete conflict).
  var isValueConflict: Bool { conflict.kind == .value }

  /// Looks up the article and quote of `view`.
  static func load(_ view: ConflictView, from replica: Replica) throws -> ConflictDetails {
    let entity = view.conflict.entity
    switch entity.kind {
    case .article:
      let title = try replica.article(id: entity.id)?.title ?? view.label
      return ConflictDetails(
        view: view, articleID: entity.id, articleTitle: title, quote: nil, base: view.base)
    case .annotation:
      let target = try replica.annotationTarget(id: entity.id)
      let title = try target.flatMap { try replica.article(id: $0.article)?.title }
      return ConflictDetails(
        view: view, articleID: target?.article, articleTitle: title,
        quote: target?.selector?.exact, base: view.base)
    }
  }

  /// The text of a version (or of the base) as a person edits it.
  static func text(of change: Change?) -> String { change?.value?.displayText ?? "" }

  /// "alice, 2026-11-30 05:02 UTC": who wrote a version and when (local time).
  static func byline(_ change: Change) -> String {
    "\(change.author.sanitizedLine), \(TimeText.short(change.hlc.milliseconds))"
  }
}
