/// A piece of matching text, plain, with where the matches are in it.
public struct SearchSnippet: Equatable, Sendable, Codable {
  /// The text, with "…" where it was cut.
  public let text: String
  /// The matched parts, as Unicode scalar offsets into `text`.
  public let matches: [Range<Int>]

  public init(text: String, matches: [Range<Int>]) {
    self.text = text
    self.matches = matches
  }

  /// Markers SQLite's `snippet()` puts around matches (private-use characters, which
  /// article text does not hold).
  static let open: Unicode.Scalar = "\u{E000}"
  static let close: Unicode.Scalar = "\u{E001}"

  /// The snippet of `marked`, text with `open`/`close` around each match.
  init(marked: String) {
    var text = ""
    var matches: [Range<Int>] = []
    var start: Int?
    var count = 0
    for scalar in marked.unicodeScalars {
      if scalar == Self.open {
        start = count
      } else if scalar == Self.close {
        if let begin = start { matches.append(begin..<count) }
        start = nil
      } else {
        text.unicodeScalars.append(scalar.properties.isWhitespace ? " " : scalar)
        count += 1
      }
    }
    self.init(text: text, matches: matches)
  }

  /// Up to `radius` scalars either side of the first place one of `terms` occurs in
  /// `source` (ASCII letters compared case-insensitively), every occurrence in it marked.
  init?(source: String, terms: [String], radius: Int = 40) {
    let scalars = Array(source.unicodeScalars)
    let folded = scalars.map(Self.fold)
    var found: [Range<Int>] = []
    for term in terms {
      let pattern = term.unicodeScalars.map(Self.fold)
      guard let first = pattern.first, pattern.count <= folded.count else { continue }
      for offset in 0...(folded.count - pattern.count) where folded[offset] == first {
        if folded[offset..<(offset + pattern.count)].elementsEqual(pattern) {
          found.append(offset..<(offset + pattern.count))
        }
      }
    }
    guard let first = found.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
    let lower = max(0, first.lowerBound - radius)
    let upper = min(scalars.count, first.upperBound + radius)
    let shift = lower > 0 ? 1 : 0
    var text = lower > 0 ? "…" : ""
    for scalar in scalars[lower..<upper] {
      text.unicodeScalars.append(scalar.properties.isWhitespace ? " " : scalar)
    }
    if upper < scalars.count { text += "…" }
    let matches =
      found
      .filter { $0.lowerBound >= lower && $0.upperBound <= upper }
      .sorted { $0.lowerBound < $1.lowerBound }
      .map { ($0.lowerBound - lower + shift)..<($0.upperBound - lower + shift) }
    self.init(text: text, matches: matches)
  }

  private static func fold(_ scalar: Unicode.Scalar) -> UInt32 {
    (0x41...0x5A).contains(scalar.value) ? scalar.value + 0x20 : scalar.value
  }
}
