import FolioModel

/// What happened to one highlight when its article got a new text.
public struct ReanchorChange: Equatable, Sendable {
  /// How the highlight's landing changed.
  public enum Kind: String, Sendable {
    /// Same text, elsewhere (another offset or section).
    case moved
    /// It lands on edited text, or only on the part of it that survived.
    case changed
    /// It had a place in the old text and has none in the new one.
    case orphaned
    /// It had no place in the old text and has one now.
    case restored
  }

  public let annotationID: String
  public let kind: Kind
  /// The stored quote.
  public let quote: String
  public let before: Anchor
  public let after: Anchor
  /// The text the highlight covered before and covers now (nil for an orphan).
  public let textBefore: String?
  public let textAfter: String?
}

/// Compares where highlights land in an article's old and new texts.
public enum ReanchorReport {
  /// The highlights among `annotations` whose landing differs between `old` and `new`, in
  /// the order given; highlights that land on the same text at the same place are left out.
  public static func changes(
    from old: Article, to new: Article, annotations: [Annotation]
  ) -> [ReanchorChange] {
    annotations.compactMap { annotation in
      guard annotation.kind == .highlight, let selector = annotation.target.selector else {
        return nil
      }
      let before = Anchoring.anchor(selector, in: old)
      let after = Anchoring.anchor(selector, in: new)
      let textBefore = before.text(in: old)
      let textAfter = after.text(in: new)
      let kind: ReanchorChange.Kind
      switch (textBefore, textAfter) {
      case (nil, nil): return nil
      case (.some, nil): kind = .orphaned
      case (nil, .some): kind = .restored
      case (.some(let a), .some(let b)):
        if a != b || after.state == .partial && before.state != .partial {
          kind = .changed
        } else if before.section != after.section || before.range != after.range {
          kind = .moved
        } else {
          return nil
        }
      }
      return ReanchorChange(
        annotationID: annotation.id, kind: kind, quote: selector.exact, before: before,
        after: after, textBefore: textBefore, textAfter: textAfter)
    }
  }
}
