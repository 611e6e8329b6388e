/// A word-level diff of two texts, as `folio conflicts` shows a version against the base.
///
/// Texts are cut into words, runs of spaces, single punctuation marks and single
/// characters of scripts written without spaces (Chinese, Japanese), so a changed word
/// shows whole (without the comma after it) and a changed character of Chinese text shows
/// alone. The diff itself is the standard library's
/// `CollectionDifference` (a Myers diff).
struct WordDiff: Equatable {
  /// A run of text that both sides share, or that only one side has.
  enum Segment: Equatable {
    case same(String)
    case removed(String)
    case added(String)
  }

  let segments: [Segment]

  /// The diff that turns `old` into `new`.
  init(from old: String, to new: String) {
    let before = WordDiff.tokens(of: old)
    let after = WordDiff.tokens(of: new)
    let difference = after.difference(from: before)
    var removed: Set<Int> = []
    var inserted: Set<Int> = []
    for change in difference {
      switch change {
      case .remove(let offset, _, _): removed.insert(offset)
      case .insert(let offset, _, _): inserted.insert(offset)
      }
    }
    var segments: [Segment] = []
    func append(_ segment: Segment) {
      switch (segments.last, segment) {
      case (.same(let a)?, .same(let b)): segments[segments.count - 1] = .same(a + b)
      case (.removed(let a)?, .removed(let b)): segments[segments.count - 1] = .removed(a + b)
      case (.added(let a)?, .added(let b)): segments[segments.count - 1] = .added(a + b)
      default: segments.append(segment)
      }
    }
    var oldIndex = 0
    var newIndex = 0
    while oldIndex < before.count || newIndex < after.count {
      if oldIndex < before.count, removed.contains(oldIndex) {
        append(.removed(before[oldIndex]))
        oldIndex += 1
      } else if newIndex < after.count, inserted.contains(newIndex) {
        append(.added(after[newIndex]))
        newIndex += 1
      } else {
        // Neither removed nor inserted: the same token on both sides.
        if newIndex < after.count { append(.same(after[newIndex])) }
        oldIndex += 1
        newIndex += 1
      }
    }
    self.segments = WordDiff.slidingSpaces(WordDiff.joiningChanges(segments))
  }

  /// A pure insertion or deletion that starts with the space that also follows it shows
  /// that space outside its marks, as `git diff --word-diff` does: `not {+independently+}
  /// verify` rather than `not{+ independently+} verify`. Only the display changes: the
  /// space is shown once, as shared text.
  private static func slidingSpaces(_ segments: [Segment]) -> [Segment] {
    var result = segments
    for index in result.indices.dropFirst().dropLast() {
      guard case .same(let before) = result[index - 1], case .same(let after) = result[index + 1]
      else { continue }
      let text: String
      switch result[index] {
      case .added(let added): text = added
      case .removed(let removed): text = removed
      case .same: continue
      }
      guard text.count > 1 else { continue }
      var trimmed = text
      if let space = text.first, space.isWhitespace, after.first == space {
        trimmed = String(text.dropFirst())
        result[index - 1] = .same(before + String(space))
      } else if let space = text.last, space.isWhitespace, before.last == space {
        trimmed = String(text.dropLast())
        result[index + 1] = .same(String(space) + after)
      } else {
        continue
      }
      if case .added = result[index] {
        result[index] = .added(trimmed)
      } else {
        result[index] = .removed(trimmed)
      }
    }
    return result
  }

  /// True when the two texts are the same.
  var isEmpty: Bool { segments.allSatisfy { if case .same = $0 { true } else { false } } }

  /// `old → new` in the form of `git diff --word-diff=plain`: `[-removed-]{+added+}`.
  var plain: String {
    segments.map { segment in
      switch segment {
      case .same(let text): text
      case .removed(let text): "[-" + text + "-]"
      case .added(let text): "{+" + text + "+}"
      }
    }.joined()
  }

  /// Changes separated only by spaces read better as one replacement:
  /// `[-a b-]{+c d+}` rather than `[-a-]{+c+} [-b-]{+d+}`.
  private static func joiningChanges(_ segments: [Segment]) -> [Segment] {
    var result: [Segment] = []
    var removed = ""
    var added = ""
    func flush() {
      if !removed.isEmpty { result.append(.removed(removed)) }
      if !added.isEmpty { result.append(.added(added)) }
      removed = ""
      added = ""
    }
    for (index, segment) in segments.enumerated() {
      switch segment {
      case .removed(let text): removed += text
      case .added(let text): added += text
      case .same(let text):
        let inChange = !removed.isEmpty || !added.isEmpty
        let changeFollows = index + 1 < segments.count && segments[index + 1].isChange
        if inChange && changeFollows && text.allSatisfy(\.isWhitespace) {
          removed += text
          added += text
        } else {
          flush()
          result.append(segment)
        }
      }
    }
    flush()
    return result
  }

  /// Words, runs of whitespace, and single punctuation marks and characters of scripts
  /// written without spaces.
  static func tokens(of text: String) -> [String] {
    var tokens: [String] = []
    var current = ""
    var currentIsSpace = false
    for character in text {
      let isSpace = character.isWhitespace
      if isUnspacedScript(character) || character.isPunctuation || character.isSymbol {
        if !current.isEmpty { tokens.append(current) }
        tokens.append(String(character))
        current = ""
        continue
      }
      if !current.isEmpty && isSpace != currentIsSpace {
        tokens.append(current)
        current = ""
      }
      current.append(character)
      currentIsSpace = isSpace
    }
    if !current.isEmpty { tokens.append(current) }
    return tokens
  }

  /// Han, kana and their punctuation: text written without spaces between words.
  private static func isUnspacedScript(_ character: Character) -> Bool {
    guard let scalar = character.unicodeScalars.first else { return false }
    switch scalar.value {
    case 0x3000...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF,
      0x20000...0x2FA1F:
      return true
    default:
      return false
    }
  }
}

extension WordDiff.Segment {
  var isChange: Bool {
    if case .same = self { return false }
    return true
  }
}
