import FolioModel

/// An approximate occurrence of a pattern in a text.
struct FuzzyMatch: Equatable {
  /// Scalar offsets of the occurrence in the text.
  var range: Range<Int>
  /// Edit distance (insertions, deletions, substitutions) between it and the pattern.
  var errors: Int
}

/// Approximate string matching on scalar values.
enum FuzzySearch {
  /// The approximate occurrences of `pattern` in `text[window]` with at most `maxErrors`
  /// edits.
  ///
  /// Sellers' semi-global edit distance (the match may start and end anywhere in the text)
  /// with Ukkonen's cut-off: a column is computed only down to the last row that can still
  /// be within `maxErrors`, so the work is about `maxErrors × window.count` cells on text
  /// that does not match and at most `pattern.count × window.count`. Each cell carries the
  /// start of its best alignment, so a match's start needs no traceback.
  ///
  /// End positions within `maxErrors` come in runs around each occurrence. From each run
  /// the ends with at most `slack` more errors than its best are kept (at most `perRun` of
  /// them, fewest errors first): a slightly worse end can fit the suffix context better.
  static func matches(
    of pattern: [UInt32], in text: [UInt32], window: Range<Int>, maxErrors: Int,
    slack: Int = 8, perRun: Int = 32
  ) -> [FuzzyMatch] {
    let rows = pattern.count
    let window = window.clamped(to: 0..<text.count)
    guard rows > 0, maxErrors >= 0, maxErrors < rows, !window.isEmpty else { return [] }

    // cost[i]: edit distance of pattern[0..<i] against the best text suffix ending here;
    // origin[i]: where that alignment starts in the text.
    var cost = Array(0...rows)
    var origin = Array(repeating: window.lowerBound, count: rows + 1)
    // Invariant: every row below `last` costs more than maxErrors.
    var last = maxErrors
    var results: [FuzzyMatch] = []
    var run: [FuzzyMatch] = []

    pattern.withUnsafeBufferPointer { pattern in
      cost.withUnsafeMutableBufferPointer { cost in
        origin.withUnsafeMutableBufferPointer { origin in
          for column in window {
            let scalar = text[column]
            var diagonal = cost[0]
            var diagonalOrigin = origin[0]
            origin[0] = column + 1
            var above = 0
            var aboveOrigin = column + 1
            let bottom = min(last + 1, rows)
            for row in 1...bottom {
              let left = cost[row]
              let leftOrigin = origin[row]
              var value = diagonal + (pattern[row - 1] == scalar ? 0 : 1)
              var start = diagonalOrigin
              if above + 1 < value {
                value = above + 1
                start = aboveOrigin
              }
              if left + 1 < value {
                value = left + 1
                start = leftOrigin
              }
              diagonal = left
              diagonalOrigin = leftOrigin
              cost[row] = value
              origin[row] = start
              above = value
              aboveOrigin = start
            }
            last = bottom
            while last > 0, cost[last] > maxErrors { last -= 1 }

            if last == rows {
              run.append(FuzzyMatch(range: origin[rows]..<(column + 1), errors: cost[rows]))
            } else if !run.isEmpty {
              results += best(of: run, slack: slack, limit: perRun)
              run = []
            }
          }
        }
      }
    }
    return results + best(of: run, slack: slack, limit: perRun)
  }

  /// The matches of one run worth ranking: within `slack` errors of the best, fewest
  /// errors first, then in text order.
  private static func best(of run: [FuzzyMatch], slack: Int, limit: Int) -> [FuzzyMatch] {
    guard let fewest = run.map(\.errors).min() else { return [] }
    let kept = run.filter { $0.errors <= fewest + slack }
    guard kept.count > limit else { return kept }
    return Array(
      kept.enumerated().sorted { ($0.element.errors, $0.offset) < ($1.element.errors, $1.offset) }
        .prefix(limit).map(\.element))
  }

  /// Levenshtein distance between `a` and `b` (meant for short texts such as contexts).
  static func editDistance(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for (i, x) in a.enumerated() {
      current[0] = i + 1
      for (j, y) in b.enumerated() {
        let substitution = previous[j] + (x == y ? 0 : 1)
        current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
