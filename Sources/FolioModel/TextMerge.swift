/// The three-way, word-level merge of concurrent versions of a text (`Protocol/merge-rules.md`
/// §4.7): each version's edits of the common base are applied together when no two differ
/// and touch the same words. The result depends only on the base and the set of versions,
/// never on their order.
public enum TextMerge {
  /// The fields whose concurrent values are merged as text; every other register keeps a
  /// whole-value conflict.
  public static let fields: Set<String> = [
    Field.title, Field.summary, Field.background, Field.note,
  ]

  /// Merges `versions` (two or more) of `base`.
  ///
  /// Each version's edits are its diff from the base (`TextDiff.edits`). Equal edits (same
  /// base range, same new tokens) count once, whichever versions made them. If two different
  /// edits collide (overlap, or touch at the same start or end), there is no merge. Otherwise
  /// the base with every edit applied is the result.
  ///
  /// - Returns: The merged text, or nil when edits collide.
  public static func merge(base: String, versions: [String]) -> String? {
    var diff = TextDiff()
    let baseTokens = diff.tokenIDs(base)
    var edits = Set<TextEdit>()
    for version in versions {
      edits.formUnion(TextDiff.edits(from: baseTokens, to: diff.tokenIDs(version)))
    }
    // Edits with equal starts collide, so their order among themselves never matters.
    let ordered = edits.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    for (index, edit) in ordered.enumerated() {
      for other in ordered[(index + 1)...] {
        if other.start > edit.end { break }
        if edit.collides(with: other) { return nil }
      }
    }
    var result = ""
    var position = 0
    for edit in ordered {
      for token in baseTokens[position..<edit.start] { result += diff.texts[token] }
      for token in edit.replacement { result += diff.texts[token] }
      position = edit.end
    }
    for token in baseTokens[position...] { result += diff.texts[token] }
    return result
  }
}
