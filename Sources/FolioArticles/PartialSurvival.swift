import FolioModel

/// Finds the part of a quote that survived an edit: the head of a sentence whose last clause
/// was trimmed, or the tail of one whose first clause was.
///
/// A head counts only where the stored prefix still (at least half) fits before it, a tail
/// only where the stored suffix fits after it, and neither where the words that replace the
/// dropped part say something else (a different figure, name or negation: a parallel
/// sentence, not a trimmed one).
struct PartialSurvival {
  let context: AnchorContext

  /// The fewest words a surviving part may have.
  static let minimumWords = 3
  /// The least share of the quote's scalars a surviving part must keep.
  static let minimumShare = 1.0 / 3

  /// The longest surviving head or tail, or nil.
  func find(in texts: [SectionText]) -> Anchor? {
    let words = context.words
    guard words.count > Self.minimumWords else { return nil }
    let quote = context.quoteRange
    let least = Int((Double(quote.count) * Self.minimumShare).rounded(.up))
    let counts = Array(stride(from: words.count - 1, through: Self.minimumWords, by: -1))
    func head(_ count: Int) -> Range<Int> { quote.lowerBound..<words[count - 1].range.upperBound }
    func tail(_ count: Int) -> Range<Int> {
      words[words.count - count].range.lowerBound..<quote.upperBound
    }
    // Every longer head starts where the shortest one does, and every longer tail ends
    // where the shortest one does: the text is scanned once for each.
    let shortestHead = counts.last { head($0).count >= least }
    let shortestTail = counts.last { tail($0).count >= least }
    let headStarts = texts.map { text in
      shortestHead.map { occurrences(of: head($0), in: text).map { $0.lowerBound } } ?? []
    }
    let tailEnds = texts.map { text in
      shortestTail.map { occurrences(of: tail($0), in: text).map { $0.upperBound } } ?? []
    }
    for count in counts {
      for (index, text) in texts.enumerated() {
        if let shortest = shortestHead, count >= shortest, !headStarts[index].isEmpty {
          let part = head(count)
          let ranges = headStarts[index].map { $0..<($0 + part.count) }
            .filter { matches(part, at: $0, in: text) }
          if let range = locateHead(ranges, dropped: part.upperBound, next: words[count], in: text)
          {
            return Anchor(state: .partial, section: text.section, range: range)
          }
        }
        if let shortest = shortestTail, count >= shortest, !tailEnds[index].isEmpty {
          let part = tail(count)
          let ranges = tailEnds[index].filter { $0 >= part.count }.map { ($0 - part.count)..<$0 }
            .filter { matches(part, at: $0, in: text) }
          if let range = locateTail(
            ranges, dropped: part.lowerBound, previous: words[words.count - count - 1], in: text)
          {
            return Anchor(state: .partial, section: text.section, range: range)
          }
        }
      }
    }
    return nil
  }

  /// Whether the quote's `part` (offsets in `context.original`) is at `range` of `text`,
  /// ignoring case, and cut on word boundaries there.
  private func matches(_ part: Range<Int>, at range: Range<Int>, in text: SectionText) -> Bool {
    guard range.upperBound <= text.lowered.count else { return false }
    let pattern = SectionText.lowercased(context.original[part].map(QuoteFolding.fold))
    return text.lowered[range].elementsEqual(pattern)
      && !(PassageWords.isWord(text.scalars, range.lowerBound - 1) && context.startsOnWord)
      && !PassageWords.isWord(text.scalars, range.upperBound)
  }

  /// Where the quote's `part` (offsets in `context.original`) occurs in `text`, ignoring
  /// case and cut on word boundaries.
  private func occurrences(of part: Range<Int>, in text: SectionText) -> [Range<Int>] {
    let pattern = SectionText.lowercased(context.original[part].map(QuoteFolding.fold))
    return QuoteFolding.occurrences(of: pattern, in: text.lowered).map {
      $0..<($0 + pattern.count)
    }.filter { matches(part, at: $0, in: text) }
  }

  /// The first of `ranges` (occurrences of a head ending at `dropped` in the original)
  /// that the prefix and the rest of the sentence allow.
  private func locateHead(
    _ ranges: [Range<Int>], dropped end: Int, next: PassageWord, in text: SectionText
  ) -> Range<Int>? {
    let dropped = context.words.filter { $0.range.lowerBound >= end }
    return ranges.first { range in
      context.prefixFit(text.folded, at: range.lowerBound) >= .weak
        && !context.sideConflicts(in: text.scalars, range: range, before: true)
        && !context.sideConflicts(in: text.scalars, range: range, before: false, dropped: dropped)
        && !replaced(next, at: range.upperBound, forwards: true, in: text.scalars)
    }
  }

  /// The first of `ranges` (occurrences of a tail starting at `dropped` in the original)
  /// that the suffix and the rest of the sentence allow.
  private func locateTail(
    _ ranges: [Range<Int>], dropped start: Int, previous: PassageWord, in text: SectionText
  ) -> Range<Int>? {
    let dropped = context.words.filter { $0.range.upperBound <= start }
    return ranges.first { range in
      context.suffixFit(text.folded, at: range.upperBound) >= .weak
        && !context.sideConflicts(in: text.scalars, range: range, before: false)
        && !context.sideConflicts(in: text.scalars, range: range, before: true, dropped: dropped)
        && !replaced(previous, at: range.lowerBound, forwards: false, in: text.scalars)
    }
  }

  /// Whether the word of the text next to a surviving part (after `offset` going forwards,
  /// or before it going backwards, within the sentence) stands where the quote's dropped
  /// word `dropped` was and differs from it in a way that matters.
  private func replaced(
    _ dropped: PassageWord, at offset: Int, forwards: Bool, in text: [Unicode.Scalar]
  ) -> Bool {
    var index = forwards ? offset : offset - 1
    while text.indices.contains(index), !PassageWords.isWordScalar(text[index]) {
      if [".", "!", "?", "\n"].contains(text[index]) { return false }
      index += forwards ? 1 : -1
    }
    guard text.indices.contains(index) else { return false }
    let words = PassageWords.words(in: text, range: index..<(index + 1))
    guard let word = words.first, word.key != dropped.key else { return false }
    return word.significant || dropped.significant
  }
}
