import FolioArticles
import FolioModel

/// What an annotation's row shows of its target change: the article, the kind, the
/// selector's canonical text, the creator and the time it was made. Worked out from the
/// change alone, so a bundle's reader thread works it out ahead of the merge
/// (`PieceHints`), where parsing each target was a tenth of the merge's time.
struct TargetColumns: Sendable, Equatable {
  let article: String
  let kind: String
  let selector: String?
  let author: String
  let created: Int64

  /// The columns `change` (a `set` of an annotation's target) shows; nil when its value is
  /// not a target, and the row shows no target then.
  init?(_ change: Change) {
    guard let parsed = change.value.flatMap(AnnotationTarget.init(json:)) else { return nil }
    self.init(parsed, of: change)
  }

  /// The columns of `target`, the value of `change` (a target this replica sets: it is not
  /// parsed back from the change's value); nil where reading the value back gives none
  /// (an empty creator).
  init?(_ target: AnnotationTarget, of change: Change) {
    guard target.creator?.isEmpty != true else { return nil }
    article = target.article
    kind = target.kind.rawValue
    selector = target.selector?.canonicalText
    // A restored annotation carries its creator and first time in its target.
    author = target.creator ?? change.author
    created = Int64(target.created ?? change.hlc.milliseconds)
  }

  /// True for the changes whose columns a reader works out ahead: target `set`s of
  /// annotations.
  static func applies(to change: Change) -> Bool {
    change.op == .set && change.entity.kind == .annotation && change.field == Field.target
  }
}
