import FolioModel
import Foundation
import Testing

@testable import FolioArticles

/// Random edits of random articles: `anchor` never crashes, never returns a range outside the
/// text, and stays within a time budget.
///
/// The budget (see `Anchoring.anchor`), in a release build on a 3,000-word article, is 5 ms
/// per highlight on average and 50 ms for any one. A debug build is ten to twenty times
/// slower and shares the machine with other work, so this test only guards against a
/// blow-up: no highlight may take more than `debugCeiling`.
@Suite struct AnchoringFuzzTests {
  static let debugCeiling: Duration = .seconds(2)

  private static let vocabulary =
    ("the a of to in and said would officials council river budget people percent year "
    + "government report patients treatment minister village road prices inflation rate "
    + "not never no tonnes million after before during since while although because "
    + "Lima Nairobi Tromsø Leeds Marsh Wanjiru Köln 東京 🌧️ “quoted” it’s don’t")
    .split(separator: " ").map(String.init)

  private struct Random {
    var generator: SplitMix64
    mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(max(1, n))) }
  }

  private func sentence(_ random: inout Random) -> String {
    var words: [String] = []
    for index in 0..<(6 + random.below(20)) {
      var word =
        random.below(7) == 0
        ? String(random.below(100_000)) + (random.below(2) == 0 ? "%" : ".\(random.below(10))")
        : Self.vocabulary[random.below(Self.vocabulary.count)]
      if index == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
      words.append(word)
    }
    return words.joined(separator: " ") + [".", ".", "?", "!"][random.below(4)]
  }

  /// About `words` words in paragraphs of a few sentences.
  private func text(words: Int, _ random: inout Random) -> String {
    var paragraphs: [String] = []
    var count = 0
    while count < words {
      let sentences = (0..<(2 + random.below(4))).map { _ in sentence(&random) }
      count += sentences.joined(separator: " ").split(separator: " ").count
      paragraphs.append(sentences.joined(separator: " "))
    }
    return paragraphs.joined(separator: "\n")
  }

  /// `text` after a few random edits: scalars changed, sentences dropped, inserted,
  /// duplicated or swapped.
  private func edit(_ text: String, _ random: inout Random) -> String {
    var scalars = Array(text.unicodeScalars)
    for _ in 0..<random.below(12) {
      guard !scalars.isEmpty else { break }
      let at = random.below(scalars.count)
      switch random.below(6) {
      case 0: scalars.remove(at: at)
      case 1: scalars.insert(scalars[random.below(scalars.count)], at: at)
      case 2: scalars[at] = scalars[random.below(scalars.count)]
      case 3:
        let end = min(scalars.count, at + random.below(300))
        scalars.removeSubrange(at..<end)
      case 4:
        let end = min(scalars.count, at + random.below(300))
        scalars.insert(contentsOf: Array(scalars[at..<end]), at: random.below(scalars.count))
      default:
        scalars.insert(contentsOf: Array(sentence(&random).unicodeScalars), at: at)
      }
    }
    var result = ""
    result.unicodeScalars.append(contentsOf: scalars)
    return result
  }

  @Test(arguments: 0..<4)
  func randomEditsNeverCrashHangOrLandOutside(seed: Int) throws {
    var random = Random(generator: SplitMix64(seed: UInt64(seed) &* 7919 &+ 11))
    let original = Article(
      title: sentence(&random), summary: text(words: 600, &random),
      background: text(words: 1_800, &random),
      insights: [
        Insight(
          question: sentence(&random), points: (0..<8).map { _ in sentence(&random) })
      ])
    let edited = Article(
      title: original.title, summary: edit(original.summary, &random),
      background: edit(original.background, &random),
      insights: random.below(2) == 0
        ? original.insights
        : [Insight(question: sentence(&random), points: [edit(original.summary, &random)])])
    let clock = ContinuousClock()
    var slowest: Duration = .zero
    var total: Duration = .zero
    let highlights = 25
    for _ in 0..<highlights {
      let section = [ArticleSection.summary, .background, .insights][random.below(3)]
      let scalars = Array(original.text(of: section).unicodeScalars)
      let start = random.below(scalars.count - 1)
      let end = min(scalars.count, start + 1 + random.below(random.below(4) == 0 ? 600 : 120))
      let selector = Anchoring.selector(in: section, scalars: scalars, range: start..<end)
      var anchor: Anchor?
      let elapsed = clock.measure { anchor = Anchoring.anchor(selector, in: edited) }
      slowest = max(slowest, elapsed)
      total += elapsed
      let landed = try #require(anchor)
      #expect((landed.range == nil) == (landed.state == .orphan))
      if let range = landed.range {
        #expect(range.lowerBound >= 0 && !range.isEmpty)
        #expect(range.upperBound <= edited.text(of: landed.section).unicodeScalars.count)
      }
      // The unchanged article always gives back the exact place.
      #expect(Anchoring.anchor(selector, in: original).range == start..<end)
    }
    print("anchoring fuzz seed \(seed): mean \(total / highlights), slowest \(slowest)")
    #expect(slowest < Self.debugCeiling)
  }
}
