import FolioArticles
import FolioModel
import FolioReplica

/// An open conflict with what a person needs to judge it: the article it is in, the
/// annotation's quote, and the common base the versions were edited from.
struct ConflictDetails {
  /// The versions in conflict (or, for an automatic merge, the versions merged).
  let conflict: Conflict
  /// The article's title, or the annotation's quote (or note).
  let label: String
  /// The article: the record itself, or the one the annotation is on.
  let articleID: String?
  let articleTitle: String?
  /// The annotation's quote (a highlight) — nil for an article and for a note.
  let quote: String?
  /// The value every version was edited from, when the replica knows it.
  let base: Change?

  /// True when the versions are alternative values of a field (not a delete conflict).
  var isValueConflict: Bool { conflict.kind == .value }

  /// Looks up the article and quote of `view`.
  static func load(_ view: ConflictView, from replica: Replica) throws -> ConflictDetails {
    try load(view.conflict, label: view.label, article: view.article, from: replica)
  }

  /// Looks up the quote of an automatic merge's annotation; the merge shows as a conflict
  /// between its versions, already settled by the merged text.
  static func load(_ view: MergeView, from replica: Replica) throws -> ConflictDetails {
    let merge = view.merge
    return try load(
      Conflict(
        entity: merge.entity, field: merge.field, kind: .value, versions: merge.versions,
        base: merge.base), label: view.label, article: view.article, from: replica)
  }

  private static func load(
    _ conflict: Conflict, label: String, article: ArticleLabel?, from replica: Replica
  ) throws -> ConflictDetails {
    let entity = conflict.entity
    let quote =
      entity.kind == .annotation
      ? try replica.annotationTarget(id: entity.id)?.selector?.exact : nil
    return ConflictDetails(
      conflict: conflict, label: label, articleID: article?.id, articleTitle: article?.title,
      quote: quote, base: conflict.base)
  }

  /// The text of a version (or of the base) as a person edits it.
  static func text(of change: Change?) -> String { change?.value?.displayText ?? "" }

  /// "alice, 2026-11-30 05:02 UTC": who wrote a version and when (local time).
  static func byline(_ change: Change) -> String {
    "\(change.author.sanitizedLine), \(TimeText.short(change.hlc.milliseconds))"
  }
}
