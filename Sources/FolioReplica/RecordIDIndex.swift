import FolioModel

/// How rows of the record tables are found by id.
///
/// Articles have a UNIQUE index on `id`. Annotations, ten or so per article, are indexed on
/// the first eight characters of their ids only (`annotations_by_id_prefix`): their ids are
/// random, so a batch of new annotations lands all over an index, and a commit writes again
/// every index page it touched. Authoring the bench's 10,000 articles in batches of 100
/// wrote about 1,000 MB with two indexes of whole ids (UNIQUE and visible ids), 775 MB with
/// the UNIQUE one alone, 656 MB with this index. For the bench's 100,000 annotations it
/// holds 1.9 MB, where each index of whole ids held 4.5 MB. Eight hex characters tell 4
/// billion ids apart: two of 100,000 ids share them about once, and the lookup then reads
/// both rows.
enum RecordIDIndex {
  /// The expression the annotations' id index holds.
  static let annotationKey = start(of: "id")

  /// The first eight characters of `text` (a column or a parameter), in SQL: the same
  /// expression on both sides of a condition, or SQLite does not search the index.
  private static func start(of text: String) -> String { "substr(\(text), 1, 8)" }

  /// An SQL condition true for the row of `kind` whose id is the parameter `id` (such as
  /// `?1`), written so that SQLite searches the kind's id index.
  static func matching(_ kind: EntityKind, id parameter: String) -> String {
    switch kind {
    case .article: return "id = \(parameter)"
    // The unary plus keeps SQLite from putting the parameter in place of `id` in the first
    // term (constant propagation), which leaves no term the index can serve.
    case .annotation:
      return "\(annotationKey) = \(start(of: parameter)) AND +id = \(parameter)"
    }
  }

  /// An SQL condition true for the rows of `kind` whose ids lie in `[lower, upper)` (two
  /// parameters), written so that SQLite searches the kind's id index.
  static func inRange(_ kind: EntityKind, from lower: String, to upper: String) -> String {
    switch kind {
    case .article: return "id >= \(lower) AND id < \(upper)"
    // Every id in the range has its first eight characters between the bounds' (inclusive:
    // a bound longer than eight characters shares its first eight with the ids after it).
    case .annotation:
      return "\(annotationKey) BETWEEN \(start(of: lower)) AND \(start(of: upper))"
        + " AND id >= \(lower) AND id < \(upper)"
    }
  }

  /// The smallest text greater than every id that starts with `prefix`: ids are ASCII
  /// letters, digits and `-`, all below `~`.
  static func end(ofIDsStartingWith prefix: String) -> String { prefix + "~" }
}
