import FolioArticles
import FolioModel

/// What re-anchoring highlights on edited articles cost (issue 11's time budget).
struct AnchoringResult {
  let articles: Int
  let wordsPerArticle: Int
  let highlights: Int
  let meanMilliseconds: Double
  let slowestMilliseconds: Double
  /// Highlights per landing state (exact, moved, fuzzy, partial, orphan).
  let states: [AnchorState: Int]
}

/// The anchoring phase: `articles` generated articles of about 3,000 words, each edited as
/// a correction would (words changed, sentences dropped, inserted and moved), and
/// `highlightsPerArticle` highlights of 3 to 40 words made on the original re-anchored on
/// the edited text, each timed alone.
enum AnchoringPhase {
  static let words = 3_000

  static func run(articles: Int, highlightsPerArticle: Int, seed: UInt64) -> AnchoringResult {
    var random = BenchRandom(seed: seed)
    var times: [Double] = []
    var states: [AnchorState: Int] = [:]
    for _ in 0..<articles {
      let original = Article(
        title: random.sentence(), summary: random.text(words: words / 5),
        background: random.text(words: words * 3 / 5),
        insights: [
          Insight(question: random.sentence(), points: (0..<12).map { _ in random.sentence() })
        ])
      let edited = Article(
        title: original.title, summary: random.edit(original.summary),
        background: random.edit(original.background),
        insights: original.insights.map {
          Insight(
            question: $0.question,
            points: $0.points.map { random.below(4) == 0 ? random.edit($0) : $0 })
        })
      for _ in 0..<highlightsPerArticle {
        let section = [ArticleSection.summary, .background, .background, .insights][random.below(4)]
        guard let selector = random.highlight(in: original, section: section) else { continue }
        var anchor: Anchor?
        let (_, seconds) = MonotonicClock.time { anchor = Anchoring.anchor(selector, in: edited) }
        times.append(seconds * 1_000)
        if let state = anchor?.state { states[state, default: 0] += 1 }
      }
    }
    return AnchoringResult(
      articles: articles, wordsPerArticle: words, highlights: times.count,
      meanMilliseconds: times.reduce(0, +) / Double(max(1, times.count)),
      slowestMilliseconds: times.max() ?? 0, states: states)
  }
}

/// Deterministic prose, edits and highlights for the anchoring phase.
private struct BenchRandom {
  var generator: SplitMix64

  init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  static let vocabulary =
    ("the a of to in and said would officials council river budget people percent year "
    + "government report patients treatment minister village road prices inflation rate "
    + "not never no tonnes million after before during since while although because "
    + "harbour election ministry shipment vaccine court appeal tariff subsidy exports "
    + "Lima Nairobi Tromsø Leeds Marsh Wanjiru Köln Alibaba Reuters “quoted” it’s don’t")
    .split(separator: " ").map(String.init)

  mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(max(1, n))) }

  mutating func sentence() -> String {
    var words: [String] = []
    for index in 0..<(8 + below(18)) {
      var word =
        below(9) == 0
        ? String(below(10_000)) + (below(2) == 0 ? "%" : ".\(below(10))")
        : Self.vocabulary[below(Self.vocabulary.count)]
      if index == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
      words.append(word)
    }
    return words.joined(separator: " ") + [".", ".", ".", "?"][below(4)]
  }

  /// About `words` words in paragraphs of a few sentences.
  mutating func text(words: Int) -> String {
    var paragraphs: [String] = []
    var count = 0
    while count < words {
      let sentences = (0..<(2 + below(4))).map { _ in sentence() }
      count += sentences.joined(separator: " ").split(separator: " ").count
      paragraphs.append(sentences.joined(separator: " "))
    }
    return paragraphs.joined(separator: "\n")
  }

  /// A correction: a few words changed, sentences dropped, inserted or moved.
  mutating func edit(_ text: String) -> String {
    var sentences = text.split(separator: ". ", omittingEmptySubsequences: false).map(String.init)
    for _ in 0..<(1 + below(8)) where sentences.count > 2 {
      let at = below(sentences.count)
      switch below(4) {
      case 0: sentences.remove(at: at)
      case 1: sentences.insert(sentence(), at: at)
      case 2: sentences.insert(sentences.remove(at: at), at: below(sentences.count))
      default:
        var words = sentences[at].split(separator: " ").map(String.init)
        if !words.isEmpty {
          words[below(words.count)] = Self.vocabulary[below(Self.vocabulary.count)]
        }
        sentences[at] = words.joined(separator: " ")
      }
    }
    return sentences.joined(separator: ". ")
  }

  /// A highlight of 3 to 40 whole words of `section`.
  mutating func highlight(in article: Article, section: ArticleSection) -> TextSelector? {
    let scalars = Array(article.text(of: section).unicodeScalars)
    var starts: [Int] = []
    for (offset, scalar) in scalars.enumerated()
    where scalar != " "
      && (offset == 0 || scalars[offset - 1] == " " || scalars[offset - 1] == "\n")
    {
      starts.append(offset)
    }
    guard starts.count > 4 else { return nil }
    let first = below(starts.count - 4)
    let last = min(starts.count - 1, first + 3 + below(below(4) == 0 ? 38 : 12))
    var end = starts[last]
    while end < scalars.count, scalars[end] != " ", scalars[end] != "\n" { end += 1 }
    let anchor = Anchor(state: .exact, section: section, range: starts[first]..<end)
    return Anchoring.selector(for: anchor, in: article)
  }
}
