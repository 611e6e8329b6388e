import FolioModel

/// Finds, judges and ranks the places a whole quote might now be.
struct AnchorCandidates {
  let context: AnchorContext

  /// Quotes with at least this many words and scalars identify their passage without a
  /// neighbour; shorter ones ("a cut of a quarter point") recur in other sentences.
  static let selfIdentifyingWords = 6
  static let selfIdentifyingLength = 32

  /// Whether the quote is long enough to identify its passage alone.
  var isLong: Bool {
    context.words.count >= Self.selfIdentifyingWords
      && context.quote.count >= Self.selfIdentifyingLength
  }

  /// Quotes with at least this many words need no other evidence than their own text.
  static let selfEvidentWords = 12

  /// The best acceptable candidate in `texts` (the quote's own section first), or nil.
  ///
  /// Searched in stages, each only when the ones before found nothing acceptable: the exact
  /// quote anywhere; edited versions of it in its own section; then in the other sections.
  func best(in texts: [SectionText]) -> Anchor? {
    let exact = texts.map { text in
      QuoteFolding.occurrences(of: context.folded, in: text.folded).map {
        ($0..<($0 + context.folded.count), 0)
      }
    }
    let unique = exact.joined().count == 1
    if let found = best(exact, in: texts, unique: unique) { return found }
    guard let home = texts.first else { return nil }
    if let found = best([approximate(in: home) + between(in: home)], in: texts, unique: unique) {
      return found
    }
    return best([[]] + texts.dropFirst().map(approximate), in: texts, unique: unique)
  }

  /// The best acceptable of `places[i]` in `texts[i]`, by score.
  private func best(
    _ places: [[(Range<Int>, Int)]], in texts: [SectionText], unique: Bool
  ) -> Anchor? {
    var best: (anchor: Anchor, score: Double)?
    for (index, text) in texts.enumerated() where index < places.count {
      for (range, errors) in mostLikely(places[index], in: text) {
        guard let judged = judge(range, errors: errors, in: text, home: index == 0, unique: unique)
        else { continue }
        if best.map({ judged.score > $0.score }) ?? true { best = judged }
      }
    }
    return best?.anchor
  }

  /// At most `judgedLimit` of `places` (a short quote can occur hundreds of times): those
  /// with the most unchanged neighbours, then the fewest errors, then the nearest.
  private func mostLikely(
    _ places: [(Range<Int>, Int)], in text: SectionText
  ) -> [(Range<Int>, Int)] {
    guard places.count > Self.judgedLimit else { return places }
    let hint = context.selector.start
    return places.map { place -> (place: (Range<Int>, Int), key: (Int, Int, Int)) in
      let fits =
        (context.prefixIsStrong(text.folded, at: place.0.lowerBound) ? 1 : 0)
        + (context.suffixIsStrong(text.folded, at: place.0.upperBound) ? 1 : 0)
      return (place, (-fits, place.1, abs(place.0.lowerBound - hint)))
    }.sorted { $0.key < $1.key }.prefix(Self.judgedLimit).map(\.place)
  }

  /// The most places of one stage judged in one section.
  static let judgedLimit = 24

  /// Approximate occurrences of the quote in `text`, with their edit distances.
  private func approximate(in text: SectionText) -> [(Range<Int>, Int)] {
    let pattern = context.folded
    let maxErrors = Int(Double(pattern.count) * (1 - Anchoring.fuzzyThreshold) + 1e-9)
    let selector = context.selector
    // In another section the old position means little; the window (when the section is too
    // long to search whole) is then centred on the same offset.
    let old = selector.start..<max(selector.start, selector.end)
    let window = Anchoring.fuzzyWindow(
      pattern: pattern.count, maxErrors: maxErrors, text: text.folded.count,
      around: old.clamped(to: 0..<text.folded.count))
    return seedWindows(in: text, within: window, maxErrors: maxErrors).flatMap { part in
      FuzzySearch.matches(
        of: pattern, in: text.folded, window: part, maxErrors: maxErrors, slack: 2, perRun: 4
      ).map { ($0.range, $0.errors) }
    }
  }

  /// The parts of `window` worth an approximate search for a long quote: around the places
  /// where one of its longest words occurs (an edit of a fourth of a quote's scalars leaves
  /// some of its long words whole). A short quote is searched in the whole window.
  private func seedWindows(
    in text: SectionText, within window: Range<Int>, maxErrors: Int
  ) -> [Range<Int>] {
    let length = context.folded.count
    guard length >= Self.seededLength else { return [window] }
    var seen = Set<[UInt32]>()
    let seeds = context.words.filter { $0.key.count >= 4 && seen.insert($0.key).inserted }
      .sorted { $0.key.count > $1.key.count }.prefix(Self.seedCount)
    var parts: [Range<Int>] = []
    for seed in seeds {
      let key = SectionText.lowercased(context.original[seed.range].map(QuoteFolding.fold))
      let offset = seed.range.lowerBound - context.quoteRange.lowerBound
      for hit in QuoteFolding.occurrences(of: key, in: text.lowered) {
        let start = hit - offset - maxErrors - 1
        let part = (start..<(start + length + 2 * maxErrors + 2)).clamped(to: window)
        if !part.isEmpty { parts.append(part) }
      }
    }
    parts.sort { $0.lowerBound < $1.lowerBound }
    var merged: [Range<Int>] = []
    for part in parts {
      if let last = merged.last, part.lowerBound <= last.upperBound {
        merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, part.upperBound)
      } else {
        merged.append(part)
      }
    }
    return merged
  }

  /// Quotes at least this long are searched approximately only around their longest words.
  static let seededLength = 48
  /// How many of a long quote's longest words seed its approximate search.
  static let seedCount = 8

  /// Text now between the stored prefix's and suffix's nearest scalars, where both are
  /// unchanged and close enough together, with its edit distance to the quote.
  private func between(in text: SectionText) -> [(Range<Int>, Int)] {
    let near = AnchorContext.nearLength
    let prefix = Array(context.prefix.suffix(near))
    let suffix = Array(context.suffix.prefix(near))
    let starts =
      prefix.isEmpty
      ? [0] : QuoteFolding.occurrences(of: prefix, in: text.folded).map { $0 + prefix.count }
    var ends =
      suffix.isEmpty
      ? [text.folded.count] : QuoteFolding.occurrences(of: suffix, in: text.folded)
    let reach = 2 * context.quote.count + 16
    // A quote that ended a paragraph may now end one followed by another paragraph: the
    // paragraph's end (before the same closing punctuation) is then its other neighbour.
    if context.endsItsParagraph {
      for start in starts.prefix(64) {
        var end = start
        while end < text.scalars.count, end - start <= reach, text.scalars[end] != "\n" {
          end += 1
        }
        while end > start, AnchorContext.closing.contains(text.scalars[end - 1]) {
          end -= 1
        }
        if context.endsParagraph(text.scalars, at: end) { ends.append(end) }
      }
      ends.sort()
    }
    var result: [(Range<Int>, Int)] = []
    for start in starts.prefix(64) {
      guard let end = ends.first(where: { $0 > start }), end - start <= reach,
        abs(end - start - context.quote.count) <= context.quote.count / 2 + 4
      else { continue }
      let errors = FuzzySearch.editDistance(context.folded[...], text.folded[start..<end])
      result.append((start..<end, errors))
    }
    return result
  }

  /// The candidate at `range` as an anchor with its score, or nil when it is not the
  /// quote's passage. `unique` tells whether the quote occurs exactly once in the article.
  ///
  /// - The quote's own text is accepted next to an unchanged neighbour, or where the rest
  ///   of its sentence is mostly still around it and the quote is unique or long.
  /// - An edited text differing from the quote by no figure, name or negation is accepted
  ///   when similar enough and next to an unchanged neighbour (or, for a long quote, where
  ///   the rest of its sentence is).
  /// - A text differing by one such fact is accepted only in place: in the quote's section,
  ///   with both neighbours unchanged (a correction), and recognisably the same passage.
  /// - The rest of the sentence must not say something else than the stored one (another
  ///   figure or name in its place); in place, one such correction is allowed in all.
  private func judge(
    _ found: Range<Int>, errors: Int, in text: SectionText, home: Bool, unique: Bool
  ) -> (anchor: Anchor, score: Double)? {
    var range = errors == 0 ? found : Landing.snap(found, in: text.scalars, context: context)
    guard !range.isEmpty else { return nil }
    let prefixFit = context.prefixFit(text.folded, at: range.lowerBound)
    let suffixFit = context.suffixFit(text.folded, at: range.upperBound)
    // In place: both neighbours unchanged, where a paragraph's edge counts as a neighbour
    // (paragraphs may be reordered around a corrected one).
    let inPlace =
      home && (prefixFit == .strong || context.startsParagraph(text.scalars, at: range.lowerBound))
      && (suffixFit == .strong || context.endsParagraph(text.scalars, at: range.upperBound))
    // Facts changed in the rest of the sentence: only a correction in place may have one.
    let contextFacts = context.sentenceChanges(in: text.scalars, range: range)
    guard contextFacts == 0 || inPlace && contextFacts <= 1 else { return nil }
    let anchored = prefixFit == .strong || suffixFit == .strong
    let similarity = 1 - Double(errors) / Double(max(1, context.folded.count))
    let selfEvident = context.words.count >= Self.selfEvidentWords
    // Folded equality (curly and straight quotes, white space) is not the same text.
    let same = errors == 0 && text.scalars[range].elementsEqual(context.quote)
    var state: AnchorState = same ? .moved : .fuzzy

    if errors == 0 {
      let fits = context.sentenceFits(in: text.scalars, range: range)
      guard anchored || selfEvident || fits && (unique || isLong) else { return nil }
    } else {
      let words = PassageWords.words(in: text.scalars, range: range).filter {
        $0.range.lowerBound >= range.lowerBound
      }
      let (lostQuote, lostText) = PassageWords.significantChanges(context.words, words)
      if lostQuote.isEmpty, lostText.isEmpty,
        similarity >= Anchoring.fuzzyThreshold,
        anchored || isLong && context.sentenceFits(in: text.scalars, range: range)
      {
        // An edit that changes no fact.
        // An edit that changes no fact; a landing that lost the quote's edge words is cut
        // to the part that survived.
        if let trimmed = Landing.trim(range, words: words, in: text.scalars, context: context) {
          range = trimmed.range
          if trimmed.partial { state = .partial }
        }
      } else if inPlace, max(lostQuote.count, lostText.count) + contextFacts <= 1,
        resembles(range, in: text)
      {
        // A correction in place: one fact changed, between unchanged neighbours. Its range
        // stays whole; it is partial when the quote's first or last words are gone.
        if Landing.trim(range, words: words, in: text.scalars, context: context)?.partial == true {
          state = .partial
        }
      } else {
        return nil
      }
    }

    let hint = home ? context.selector.start : range.lowerBound
    let distance = min(abs(range.lowerBound - hint), text.folded.count)
    let position = 1 - Double(distance) / Double(max(1, text.folded.count))
    let score =
      50 * max(0, similarity) + 40 * context.contextSimilarity(text.folded, range: range)
      + 2 * position + (home ? 3 : 0)
    return (Anchor(state: state, section: text.section, range: range), score)
  }

  /// Whether the text at `range` is recognisably an edit of the quote: half its scalars or
  /// half its words are the same, or both are a word or three ("453,427" and "435,247").
  private func resembles(_ range: Range<Int>, in text: SectionText) -> Bool {
    let distance = FuzzySearch.editDistance(context.folded[...], text.folded[range])
    if Double(distance) <= Double(max(context.folded.count, range.count)) * 0.5 { return true }
    let words = PassageWords.words(in: text.scalars, range: range)
    if context.words.count <= 3, !words.isEmpty, abs(words.count - context.words.count) <= 1 {
      return true
    }
    let (matched, _) = PassageWords.commonSubsequence(context.words.map(\.key), words.map(\.key))
    return matched.filter { $0 }.count * 2 >= max(1, context.words.count)
  }
}

/// Where a landing starts and ends: on word boundaries, when the quote did.
enum Landing {
  /// How a fuzzy landing's edges compare with the quote's (`words` are the landing's words).
  ///
  /// Words are aligned (longest common subsequence). At each edge, the quote's words before
  /// the first shared word and the landing's: the landing has as many or more there, it
  /// stands in for them (a changed word, "stopped" for "held") and stays; it has fewer, or
  /// none, the quote lost them ("He said the council should sell" found as "offices and
  /// should sell") and the landing is cut to the shared words and is partial; the quote has
  /// none, the landing's extra words are cut. Nil when nothing changes.
  static func trim(
    _ range: Range<Int>, words: [PassageWord], in text: [Unicode.Scalar], context: AnchorContext
  ) -> (range: Range<Int>, partial: Bool)? {
    let quote = context.words
    let (quoteMatched, matched) = PassageWords.commonSubsequence(
      quote.map(\.key), words.map(\.key))
    guard let firstQuote = quoteMatched.firstIndex(of: true),
      let lastQuote = quoteMatched.lastIndex(of: true),
      let first = matched.firstIndex(of: true), let last = matched.lastIndex(of: true)
    else { return nil }
    var start = range.lowerBound
    var end = range.upperBound
    var partial = false
    let lostBefore = firstQuote
    let extraBefore = first
    if extraBefore < lostBefore || lostBefore == 0 {
      if extraBefore > 0 { start = words[first].range.lowerBound }
      if lostBefore > 0 { partial = true }
    }
    let lostAfter = quote.count - 1 - lastQuote
    let extraAfter = words.count - 1 - last
    if extraAfter < lostAfter || lostAfter == 0 {
      if extraAfter > 0 {
        end = words[last].range.upperBound
        // Keep the punctuation the quote ended with.
        if let mark = context.quote.last, !PassageWords.isWordScalar(mark), end < text.count,
          QuoteFolding.fold(text[end]) == QuoteFolding.fold(mark)
        {
          end += 1
        }
      }
      if lostAfter > 0 { partial = true }
    }
    guard start < end, start != range.lowerBound || end != range.upperBound || partial else {
      return nil
    }
    return (start..<end, partial)
  }

  /// `range` without white space at its ends, and moved off the middle of words: each end
  /// goes to the nearer boundary (outwards on a tie), so that "althoug" becomes "although"
  /// and "ped back" "stopped back".
  static func snap(
    _ range: Range<Int>, in text: [Unicode.Scalar], context: AnchorContext
  ) -> Range<Int> {
    var start = max(0, range.lowerBound)
    var end = min(text.count, range.upperBound)
    while start < end, text[start].properties.isWhitespace { start += 1 }
    while end > start, text[end - 1].properties.isWhitespace { end -= 1 }
    func isWord(_ offset: Int) -> Bool { PassageWords.isWord(text, offset) }
    if context.startsOnWord, isWord(start - 1), isWord(start) {
      var outwards = start
      while isWord(outwards - 1) { outwards -= 1 }
      var inwards = start
      while inwards < end, isWord(inwards) { inwards += 1 }
      while inwards < end, !isWord(inwards) { inwards += 1 }
      start = inwards < end && inwards - start < start - outwards ? inwards : outwards
    }
    if context.endsOnWord, isWord(end - 1), isWord(end) {
      var outwards = end
      while isWord(outwards) { outwards += 1 }
      var inwards = end
      while inwards > start, isWord(inwards - 1) { inwards -= 1 }
      while inwards > start, !isWord(inwards - 1) { inwards -= 1 }
      end = inwards > start && end - inwards < outwards - end ? inwards : outwards
    }
    return start..<max(start, end)
  }
}
