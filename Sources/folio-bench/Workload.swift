import FolioArticles
import FolioModel

/// One highlight the workload makes: a quote that occurs exactly once in its section, a
/// note and a colour.
struct HighlightSpec: Sendable {
  let section: ArticleSection
  let quote: String
  let note: String
  let color: String
}

/// One generated article and the highlights made on it.
struct WorkloadArticle: Sendable {
  let article: Article
  let highlights: [HighlightSpec]
}

/// The standard workload, generated deterministically from a seed.
///
/// Each article has a title (~60 characters), a summary (~600), a background (~900), three
/// insights (a question and three points each), 3 tags, and 10 highlights, each quoting
/// ~60 characters of the article with a note (~200) and a colour. Article `i` depends only
/// on the seed and `i`, so articles are generated in chunks and never all held at once.
///
/// Every sentence starts with "Point K:", K unique within its section, and each quote is the
/// start of a sentence: a quote therefore occurs exactly once in its section.
struct Workload: Sendable {
  /// Number of articles.
  let count: Int
  let seed: UInt64
  /// The pseudo-words text is made of; frequent ones first.
  let words: [String]

  static let highlightsPerArticle = 10
  static let tagsPerArticle = 3
  /// Highlights per section: summary, background, insights.
  static let highlightSections: [(ArticleSection, Int)] = [
    (.summary, 4), (.background, 4), (.insights, 2),
  ]

  /// Field writes (= changes in Folio's log) one article makes: title, summary, background
  /// and insights (4 register writes), one addition per tag, and per highlight its target
  /// (quote and selector), note and colour. The baseline counts its writes the same way.
  static let fieldWritesPerArticle = 4 + tagsPerArticle + highlightsPerArticle * 3

  static let colors = ["yellow", "green", "blue", "pink", "orange"]
  static let tagNames = [
    "china", "us", "eu", "markets", "energy", "security", "trade", "tech", "ai", "policy",
    "elections", "climate", "health", "banking", "defense", "supply-chain", "regulation",
    "semiconductors", "oil", "currency", "labor", "housing", "media", "courts", "diplomacy",
    "sanctions", "crypto", "space", "transport", "agriculture", "education", "migration",
  ]

  init(count: Int, seed: UInt64) {
    self.count = count
    self.seed = seed
    self.words = Workload.vocabulary(seed: seed)
  }

  /// Field writes of the whole workload.
  var fieldWrites: Int { count * Workload.fieldWritesPerArticle }
  /// Highlights of the whole workload.
  var highlightCount: Int { count * Workload.highlightsPerArticle }

  /// A word present in a good share of articles and notes (for the search figure).
  var searchWord: String { words[min(200, words.count - 1)] }

  /// Articles `range` of the workload.
  func articles(_ range: Range<Int>) -> [WorkloadArticle] { range.map(article) }

  /// Article `index` of the workload.
  func article(_ index: Int) -> WorkloadArticle {
    var random = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
    let title = capitalized(phrase(&random, length: 50)) + " report \(index)"
    let summary = sentences(&random, totalLength: 600, minimum: 5)
    let background = sentences(&random, totalLength: 900, minimum: 6)
    var point = 0
    let insights = (0..<3).map { _ in
      let question = capitalized(phrase(&random, length: 75)) + "?"
      let points = (0..<3).map { _ in
        point += 1
        return sentence(&random, number: point, length: 120)
      }
      return Insight(question: question, points: points)
    }
    var tags: [String] = []
    while tags.count < Workload.tagsPerArticle {
      let tag = Workload.tagNames[Int(random.next() % UInt64(Workload.tagNames.count))]
      if !tags.contains(tag) { tags.append(tag) }
    }
    let sectionSentences: [ArticleSection: [String]] = [
      .summary: summary, .background: background, .insights: insights.flatMap(\.points),
    ]
    var highlights: [HighlightSpec] = []
    for (section, count) in Workload.highlightSections {
      let candidates = sectionSentences[section] ?? []
      var chosen = Array(candidates.indices)
      chosen.shuffle(using: &random)
      for sentenceIndex in chosen.prefix(count) {
        highlights.append(
          HighlightSpec(
            section: section, quote: Workload.quote(of: candidates[sentenceIndex]),
            note: capitalized(phrase(&random, length: 200)) + ".",
            color: Workload.colors[Int(random.next() % UInt64(Workload.colors.count))]))
      }
    }
    let article = Article(
      title: title, summary: summary.joined(separator: " "),
      background: background.joined(separator: " "), insights: insights, tags: tags)
    return WorkloadArticle(article: article, highlights: highlights)
  }

  /// The first ~60 characters of a sentence, cut after a word: it includes the sentence's
  /// "Point K:" marker, so it occurs once in its section.
  static func quote(of sentence: String) -> String {
    var quote = ""
    for word in sentence.split(separator: " ") {
      if !quote.isEmpty { quote += " " }
      quote += word
      if quote.count >= 56 { break }
    }
    return quote
  }

  private func sentences(
    _ random: inout SplitMix64, totalLength: Int, minimum: Int
  ) -> [String] {
    var result: [String] = []
    var length = 0
    while length < totalLength || result.count < minimum {
      let sentence = sentence(
        &random, number: result.count + 1, length: 90 + Int(random.next() % 40))
      length += sentence.count + 1
      result.append(sentence)
    }
    return result
  }

  private func sentence(_ random: inout SplitMix64, number: Int, length: Int) -> String {
    "Point \(number): " + phrase(&random, length: length - 10) + "."
  }

  /// Words until the text is about `length` characters long. Word frequencies are skewed
  /// (a few words are very common), as in real text.
  private func phrase(_ random: inout SplitMix64, length: Int) -> String {
    var text = ""
    while text.count < length {
      let uniform = Double(random.next() >> 11) / Double(1 << 53)
      let index = min(words.count - 1, Int(Double(words.count) * uniform * uniform * uniform))
      if !text.isEmpty { text += " " }
      text += words[index]
    }
    return text
  }

  private func capitalized(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
  }

  /// 4,096 pronounceable pseudo-words of two to four syllables.
  private static func vocabulary(seed: UInt64) -> [String] {
    let onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
    let vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
    var random = SplitMix64(seed: seed ^ 0x5EED_F011_0000)
    var seen = Set<String>()
    var words: [String] = []
    while words.count < 4_096 {
      let syllables = 2 + Int(random.next() % 3)
      var word = ""
      for _ in 0..<syllables {
        word += onsets[Int(random.next() % UInt64(onsets.count))]
        word += vowels[Int(random.next() % UInt64(vowels.count))]
      }
      if random.next() % 3 == 0 { word += onsets[Int(random.next() % UInt64(onsets.count))] }
      if seen.insert(word).inserted { words.append(word) }
    }
    return words
  }
}
