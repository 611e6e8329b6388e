/// Concurrent values of a text field that merged cleanly against their common base: the
/// field shows `value`, and no conflict is listed (`Protocol/merge-rules.md` §4.7).
public struct AutomaticMerge: Equatable, Sendable {
  public let entity: EntityRef
  public let field: String
  /// The change every merged version supersedes.
  public let base: Change
  /// The merged current changes, greatest first.
  public let versions: [Change]
  /// The merged text the field shows.
  public let value: String

  public init(entity: EntityRef, field: String, base: Change, versions: [Change], value: String) {
    self.entity = entity
    self.field = field
    self.base = base
    self.versions = versions
    self.value = value
  }

  /// Merges the current values of a field, when it is a text field, they differ, have a
  /// common base and their edits do not collide.
  ///
  /// - Parameters:
  ///   - heads: The field's current changes, greatest first.
  ///   - base: Their common base (`MergeBase.find`).
  /// - Returns: The merge, or nil when the values stay a conflict.
  public static func merging(heads: [Change], base: Change?) -> AutomaticMerge? {
    guard let first = heads.first, TextMerge.fields.contains(first.field),
      let base, let baseText = base.value?.stringValue
    else { return nil }
    var texts: [String] = []
    for head in heads {
      guard let text = head.value?.stringValue else { return nil }
      texts.append(text)
    }
    guard let merged = TextMerge.merge(base: baseText, versions: texts) else { return nil }
    return AutomaticMerge(
      entity: first.entity, field: first.field, base: base, versions: heads, value: merged)
  }
}
