import Foundation
import Testing

@testable import FolioCLI

@Suite struct WordDiffTests {
  @Test func changedWordsShowWholeInThePlainForm() {
    let diff = WordDiff(
      from: "Analysts expected growth of 70% this year.",
      to: "Analysts expected growth of 60% this year, as expected.")
    #expect(
      diff.plain
        == "Analysts expected growth of [-70-]{+60+}% this year{+, as expected+}.")
  }

  @Test func neighbouringChangesReadAsOneReplacement() {
    let diff = WordDiff(from: "a b c d", to: "a x y d")
    #expect(diff.plain == "a [-b c-]{+x y+} d")
  }

  @Test func anInsertedOrRemovedWordIsMarkedWithoutItsSpaces() {
    #expect(
      WordDiff(from: "could not verify", to: "could not independently verify").plain
        == "could not {+independently+} verify")
    #expect(WordDiff(from: "a b c", to: "a c").plain == "a [-b-] c")
  }

  @Test func equalTextsHaveNoChange() {
    #expect(WordDiff(from: "same text", to: "same text").isEmpty)
    #expect(!WordDiff(from: "same text", to: "same  text").isEmpty)
  }

  @Test func chineseChangesByCharacter() {
    #expect(WordDiff(from: "阿里巴巴否认报道", to: "阿里巴巴承认报道").plain == "阿里巴巴[-否-]{+承+}认报道")
  }

  @Test func insertionsAndDeletionsAtTheEdges() {
    #expect(WordDiff(from: "", to: "new").plain == "{+new+}")
    #expect(WordDiff(from: "old", to: "").plain == "[-old-]")
    #expect(WordDiff(from: "keep this", to: "Now keep this").plain == "{+Now +}keep this")
  }
}

@Suite struct ConflictMarkersTests {
  @Test func twoVersionsAndABaseInDiff3Form() {
    let file = ConflictMarkers.file(
      versions: [.init(label: "alice (t1)", text: "A"), .init(label: "bob (t2)", text: "B")],
      base: .init(label: "base", text: "O"))
    #expect(file == "<<<<<<< alice (t1)\nA\n||||||| base\nO\n=======\nB\n>>>>>>> bob (t2)\n")
  }

  @Test func threeVersionsEachLabelled() {
    let file = ConflictMarkers.file(
      versions: [
        .init(label: "a", text: "A"), .init(label: "b", text: "B"), .init(label: "c", text: "C"),
      ],
      base: nil)
    #expect(file == "<<<<<<< a\nA\n======= b\nB\n=======\nC\n>>>>>>> c\n")
    #expect(ConflictMarkers.firstMarkerLine(in: file) == 1)
  }

  @Test func markersAreFoundAnywhereButLookalikesAreNot() {
    #expect(ConflictMarkers.firstMarkerLine(in: "kept\nmore\n=======") == 3)
    #expect(ConflictMarkers.firstMarkerLine(in: "kept\n>>>>>>> bob") == 2)
    #expect(ConflictMarkers.firstMarkerLine(in: "a heading\n==========\ntext") == nil)
    #expect(ConflictMarkers.firstMarkerLine(in: "x <<<<<<< y") == nil)
    #expect(ConflictMarkers.firstMarkerLine(in: "plain text") == nil)
  }
}

@Suite struct ConflictListingTests {
  @Test func annotationConflictsNameTheArticleAndQuote() async throws {
    let pair = try await TwoReplicas()
    let article = String(
      try await pair.a(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try await pair.a([
      "highlight", article, "--quote", "malicious PR operation", "--note", "first",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try await pair.send(from: "a", to: "b")
    try await pair.a(["edit", highlight, "--color", "green"])
    try await pair.b(["edit", highlight, "--color", "blue"])
    try await pair.send(from: "b", to: "a")
    let listed = try await pair.a(["conflicts", "--color", "never"])
    #expect(listed.contains("color of annotation \(highlight.prefix(8))"))
    #expect(listed.contains("“malicious PR operation”"))
    #expect(listed.contains("in article \(article.prefix(8)) “Alibaba condemns FT report"))
    #expect(listed.contains("[1] bob, ") && listed.contains("[2] alice, "))
    let json = try #require(
      (try JSONSerialization.jsonObject(with: Data(try await pair.a(["conflicts", "--json"]).utf8))
        as? [[String: Any]])?.first)
    #expect(json["quote"] as? String == "malicious PR operation")
    #expect((json["article"] as? [String: Any])?["id"] as? String == article)
  }

  @Test func versionsShowAsWordDiffsInColourOnATerminalAndMarkedElsewhere() async throws {
    let pair = try await TwoReplicas()
    let article = String(
      try await pair.a(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try await pair.a([
      "highlight", article, "--quote", "malicious PR operation", "--note",
      "Analysts expect 70% of readers to agree with the report in the coming weeks",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try await pair.send(from: "a", to: "b")
    try await pair.a([
      "edit", highlight, "--note",
      "Analysts expect 75% of readers to agree with the report in the coming weeks",
    ])
    try await pair.b([
      "edit", highlight, "--note",
      "Analysts expect 60% of readers to agree with the report in the coming weeks",
    ])
    try await pair.send(from: "b", to: "a")
    let plain = try await pair.a(["conflicts"])
    #expect(plain.contains("base, alice, "))
    #expect(plain.contains("Analysts expect [-70-]{+60+}% of readers"))
    #expect(plain.contains("Analysts expect [-70-]{+75+}% of readers"))
    #expect(!plain.contains("\u{1B}"))

    let terminal = Console.capturing(isTerminal: true, width: 50)
    // --color auto is OutputStyleTests' business (it reads NO_COLOR and TERM).
    let coloured = await pair.workspace.run(
      ["conflicts", "--color", "always"], store: "a.sqlite", console: terminal)
    #expect(coloured.status == 0)
    #expect(coloured.output.contains("\u{1B}[31;9m70\u{1B}[0m\u{1B}[32m60\u{1B}[0m%"))
    #expect(!coloured.output.contains("[-70-]"))
    let visible = coloured.output.replacingOccurrences(
      of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    for line in visible.split(separator: "\n") where !line.contains(" ") || line.count > 50 {
      // Only a single word longer than the width may overflow it.
      #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "too wide: \(line)")
    }
    let never = await pair.workspace.run(
      ["conflicts", "--color", "never"], store: "a.sqlite",
      console: .capturing(isTerminal: true, width: 50))
    #expect(!never.output.contains("\u{1B}"))
    #expect(never.output.contains("[-70-]"))
  }

  @Test func unknownConflictIdsAndMissingChoicesSayWhatToDo() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let unknown = await workspace.run(["resolve", "beef", "--pick", "1"])
    #expect(unknown.status != 0)
    #expect(unknown.errorOutput.contains("no open conflict has an id starting with 'beef'"))
    let noID = await workspace.run(["resolve", "--pick", "1"])
    #expect(noID.status != 0)
    #expect(noID.errorOutput.contains("give the conflict to settle"))
    let both = await workspace.run(["resolve", "beef", "--all", "--newest"])
    #expect(both.status != 0)
    #expect(both.errorOutput.contains("--all settles every conflict: give no id"))
    #expect(
      try await workspace.succeed(["resolve", "--all", "--newest"]).contains("Resolved 0 conflicts")
    )
  }

  @Test func aDeletedAnnotationKeepsItsHistory() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let article = String(
      try await workspace.succeed(["import", Fixture.articlePath]).split(separator: " ").first ?? ""
    )
    let highlight = try await workspace.succeed(["highlight", article, "--quote", "zero-day"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try await workspace.succeed(["delete", highlight])
    let history = try await workspace.succeed(["log", highlight])
    #expect(history.contains("alice  deleted annotation \(highlight.prefix(8)) “zero-day”"))
    #expect(history.contains("created annotation"))
    #expect(try await workspace.succeed(["log", article]).contains("deleted annotation"))
    let json = try await workspace.succeed(["log", String(highlight.prefix(10)), "--json"])
    #expect(json.contains("\"field\" : \"deleted\""))
    let unknown = await workspace.run(["log", "abcdef0123"])
    #expect(unknown.status != 0)
    #expect(unknown.errorOutput.contains("no record has an id starting with 'abcdef0123'"))
    // Other commands still refuse a deleted annotation.
    #expect(await workspace.run(["edit", highlight, "--note", "x"]).status != 0)
  }
}
