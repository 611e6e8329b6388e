import FolioModel

/// Splits insights that run together on one line, as real feeds deliver them:
/// "Question? - Point one. - Point two. Next question? - Point …".
///
/// The line is cut at " - " where the text before ends a sentence (". - ", "? - ",
/// `." - ` …), so a hyphen inside a sentence ("the US - China talks") stays. A point
/// followed by the next question ("… policy. What does it reveal?") is cut where the
/// trailing run of question sentences begins.
enum InlineInsights {
  /// Sentence-ending punctuation, Latin and CJK.
  static let terminators: Set<Character> = [".", "?", "!", "…", "。", "？", "！"]
  /// What may follow a sentence's end before the space: closing quotes and brackets.
  static let closers: Set<Character> = ["\"", "”", "’", "'", ")", "]", "»", "」", "』"]
  /// Words whose trailing period does not end a sentence.
  static let abbreviations: Set<String> = [
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "gen", "gov", "sen", "rep",
  ]

  /// The parts of `text` between bullet dashes, trimmed, empty parts dropped.
  static func segments(of text: String) -> [String] {
    let characters = Array(text)
    var segments: [String] = []
    var start = 0
    var index = 0
    while index + 2 < characters.count {
      if characters[index] == " " && characters[index + 1] == "-" && characters[index + 2] == " " {
        let before = String(characters[start..<index]).trimmingWhitespace()
        if endsSentence(before) {
          segments.append(before)
          start = index + 3
          index += 3
          continue
        }
      }
      index += 1
    }
    segments.append(String(characters[start...]).trimmingWhitespace())
    return segments.filter { !$0.isEmpty }
  }

  /// `segment` cut into a point and the question that follows it, when `segment` ends with
  /// one or more question sentences after at least one other sentence.
  static func splitTrailingQuestion(_ segment: String) -> (point: String, question: String)? {
    let characters = Array(segment)
    guard isQuestion(characters) else { return nil }
    var cut: (pointEnd: Int, questionStart: Int)?
    var index = 0
    while index < characters.count {
      let character = characters[index]
      guard terminators.contains(character) else {
        index += 1
        continue
      }
      var afterClosers = index + 1
      while afterClosers < characters.count, closers.contains(characters[afterClosers]) {
        afterClosers += 1
      }
      var next = afterClosers
      while next < characters.count, characters[next].isWhitespace { next += 1 }
      let spaced = next > afterClosers || "。？！".contains(character)
      if next < characters.count, spaced, !characters[next].isLowercase,
        !(character == "." && isAbbreviation(characters, period: index)),
        character != "?" && character != "？"
      {
        cut = (afterClosers, next)
      }
      index = max(afterClosers, index + 1)
    }
    guard let cut else { return nil }
    let point = String(characters[..<cut.pointEnd]).trimmingWhitespace()
    let question = String(characters[cut.questionStart...]).trimmingWhitespace()
    guard !point.isEmpty, !question.isEmpty else { return nil }
    return (point, question)
  }

  /// True when `text` ends with sentence punctuation, closing quotes aside.
  static func endsSentence(_ text: String) -> Bool {
    guard let last = text.reversed().first(where: { !closers.contains($0) }) else {
      return false
    }
    return terminators.contains(last)
  }

  /// True when the text ends with a question mark, closing quotes aside.
  static func isQuestion(_ characters: [Character]) -> Bool {
    guard let last = characters.last(where: { !closers.contains($0) && !$0.isWhitespace }) else {
      return false
    }
    return last == "?" || last == "？"
  }

  /// True when the period at `period` closes an abbreviation or initial ("U.S.", "J.",
  /// "Mr.") rather than a sentence.
  static func isAbbreviation(_ characters: [Character], period: Int) -> Bool {
    var start = period
    while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
    let word = String(characters[start..<period]).filter { !"\"“‘'([".contains($0) }
    if word.isEmpty { return false }
    if word.contains(".") { return true }
    if word.count == 1, let letter = word.first, letter.isUppercase { return true }
    return abbreviations.contains(word.lowercased())
  }
}
