import FolioArticles
import FolioModel
import FolioSQLite

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
    article = parsed.article
    kind = parsed.kind.rawValue
    selector = parsed.selector?.canonicalText
    // A restored annotation carries its creator and first time in its target.
    author = parsed.creator ?? change.author
    created = Int64(parsed.created ?? change.hlc.milliseconds)
  }

  /// True for the changes whose columns a reader works out ahead: target `set`s of
  /// annotations.
  static func applies(to change: Change) -> Bool {
    change.op == .set && change.entity.kind == .annotation && change.field == Field.target
  }
}

/// What was worked out of a piece of changes ahead of the merge, by position in the piece
/// (a bundle's on its reader thread, a pull page's from the bytes it was read from): values
/// as the bytes they arrived in, and the target columns of annotations.
struct PieceHints: Sendable {
  var values = ValueBytes()
  var targets: [Int: TargetColumns] = [:]

  init() {}

  /// The hints of changes `ChangeJSON.decode` read from `bytes` (one slice each, a pull
  /// page's): each value is its change's last member, so its canonical JSON ends right
  /// before the change's closing brace.
  init(_ changes: [Change], bytes: [ArraySlice<UInt8>]) {
    for (change, encoded) in zip(changes, bytes) {
      let end = encoded.endIndex - 1
      append(change, value: change.value.map { encoded[(end - $0.canonicalSize)..<end] })
    }
  }

  /// Records the next change (at position `values.count`) with its value's bytes.
  mutating func append(_ change: Change, value: ArraySlice<UInt8>?) {
    if TargetColumns.applies(to: change), let columns = TargetColumns(change) {
      targets[values.count] = columns
    }
    values.append(value)
  }
}
