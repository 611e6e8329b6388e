import FolioModel
import Foundation
import Testing

@testable import FolioCLI

/// `show`, `import` and `export --format w3c` after a new version of an article: where each
/// highlight is now, what moved, changed or was orphaned.
@Suite struct ReanchorCommandTests {
  private func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }

  /// Highlights on three sentences of the fixture, then a new version of it that moves the
  /// first (a sentence inserted before it), edits the second and deletes the third.
  private func reimported() async throws -> (CLIWorkspace, String, output: String) {
    let (workspace, article) = try await workspaceWithFixture()
    for quote in [
      "questioning the motivation behind the anonymous leak",
      "Wi-Fi information, payment records",
      "It also alleged that Alibaba employees transferred",
    ] {
      try await workspace.succeed(["highlight", article, "--quote", quote])
    }
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    let edited =
      original
      .replacingOccurrences(
        of: "Alibaba Group Holding on Saturday denied",
        with: "Alibaba answered quickly. Alibaba Group Holding on Saturday denied"
      )
      .replacingOccurrences(of: "payment records", with: "payment histories")
      .replacingOccurrences(
        of:
          " It also alleged that Alibaba employees transferred \"zero-day\" vulnerabilities to the PLA.",
        with: "")
    #expect(edited != original)
    let file = try workspace.write("edited.txt", edited)
    let output = try await workspace.succeed(["import", file])
    return (workspace, article, output)
  }

  @Test func importTellsWhichHighlightsMovedChangedOrWereOrphaned() async throws {
    let (_, _, output) = try await reimported()
    #expect(output.contains("updated"))
    let lines = output.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains("moved") && $0.contains("questioning the motivation") })
    #expect(lines.contains { $0.contains("changed") && $0.contains("payment records") })
    #expect(lines.contains { $0.contains("now: “Wi-Fi information, payment histories”") })
    #expect(lines.contains { $0.contains("orphaned") && $0.contains("It also alleged") })
  }

  @Test func importJSONCarriesTheReport() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "highlight", article, "--quote", "It also alleged that Alibaba employees transferred",
    ])
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    let edited = try workspace.write(
      "edited.txt",
      original.replacingOccurrences(
        of:
          " It also alleged that Alibaba employees transferred \"zero-day\" vulnerabilities to the PLA.",
        with: ""))
    let output = try await workspace.succeed(["import", "--json", edited])
    let outcomes = try #require(try json(output) as? [[String: Any]])
    #expect(outcomes.first?["status"] as? String == "updated")
    let highlights = try #require(outcomes.first?["highlights"] as? [[String: Any]])
    #expect(highlights.count == 1)
    #expect(highlights[0]["change"] as? String == "orphaned")
    #expect(highlights[0]["anchor"] as? String == "orphan")
    #expect(highlights[0]["after"] is NSNull)
    let before = try #require(highlights[0]["before"] as? [String: Any])
    #expect(before["section"] as? String == "summary")
    #expect(before["text"] as? String == "It also alleged that Alibaba employees transferred")
    // Unchanged articles have an empty report.
    let again = try #require(
      try json(try await workspace.succeed(["import", "--json", edited])) as? [[String: Any]])
    #expect((again.first?["highlights"] as? [Any])?.isEmpty == true)
  }

  @Test func showJSONSaysWhereEachHighlightIsNow() async throws {
    let (workspace, article, _) = try await reimported()
    let shown = try #require(
      try json(try await workspace.succeed(["show", article, "--json"])) as? [String: Any])
    let annotations = try #require(shown["annotations"] as? [[String: Any]])
    let byQuote = Dictionary(
      uniqueKeysWithValues: annotations.map { ($0["quote"] as? String ?? "", $0) })
    let summary = try #require(shown["summary"] as? String)
    let scalars = Array(summary.unicodeScalars)

    let moved = try #require(byQuote["questioning the motivation behind the anonymous leak"])
    #expect(moved["anchor"] as? String == "moved")
    #expect(moved["section"] as? String == "summary")
    let start = try #require(moved["start"] as? Int)
    let end = try #require(moved["end"] as? Int)
    #expect(
      String(String.UnicodeScalarView(scalars[start..<end]))
        == "questioning the motivation behind the anonymous leak")
    #expect(moved["text"] as? String == "questioning the motivation behind the anonymous leak")

    let changed = try #require(byQuote["Wi-Fi information, payment records"])
    #expect(changed["anchor"] as? String == "fuzzy")
    #expect(changed["text"] as? String == "Wi-Fi information, payment histories")
    #expect(changed["quoteSection"] as? String == "summary")

    let orphan = try #require(byQuote["It also alleged that Alibaba employees transferred"])
    #expect(orphan["anchor"] as? String == "orphan")
    for key in ["section", "start", "end", "text"] { #expect(orphan[key] is NSNull, "\(key)") }
  }

  @Test func showMarksNestedAndOverlappingHighlightsInReadingOrder() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    // Made in an order unlike reading order: the overlapping one first.
    for quote in [
      "operation\" seemingly designed", "malicious PR operation", "PR operation",
      "An Alibaba representative stated",
    ] {
      try await workspace.succeed(["highlight", article, "--quote", quote])
    }
    let shown = try await workspace.succeed(["show", article])
    // Reading order: "An Alibaba…" 1, "malicious PR operation" 2, "PR operation" 3 (nested in
    // 2), then the one overlapping both, 4, split where they end.
    #expect(shown.contains("[An Alibaba representative stated][1]"))
    #expect(
      shown.contains(
        "[malicious [PR [operation][4]][3]][2][\" seemingly designed][4]"))
    let summaryLine = try #require(
      shown.split(separator: "\n").first { $0.contains("seemingly designed") })
    let unmarked = summaryLine.replacing(#/\]\[\d+\]/#, with: "").replacing("[", with: "")
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    #expect(original.contains(unmarked))
    for number in 1...4 {
      #expect(shown.contains("  [\(number)] “"), "list entry \(number)")
    }
  }
}

/// `bundle apply` of a new text says where the highlights went (issue 11, point 3).
@Suite struct ReanchorAfterApplyTests {
  @Test func aBundleWithANewTextReportsTheHighlights() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let original = try workspace.write(
      "a.json",
      #"{"id": "b0b0b0b0b0b0b0b0", "title": "Port strike", "summary": "Dockers walked out on Monday. Talks resume on Friday."}"#
    )
    try await workspace.succeed(["import", original])
    let id = try await workspace.succeed(["highlight", "b0b0", "--quote", "Talks resume on Friday"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let all = workspace.path("all.bundle")
    try await workspace.succeed(["bundle", "create", all])
    try await workspace.succeed(["init", "--author", "bob"], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "apply", all], store: "bob.sqlite")
    let edited = try workspace.write(
      "b.json",
      #"{"id": "b0b0b0b0b0b0b0b0", "title": "Port strike", "summary": "Dockers walked out on Monday, the union said. Talks resume on Friday."}"#
    )
    try await workspace.succeed(["import", edited], store: "bob.sqlite")
    let fromBob = workspace.path("bob.bundle")
    try await workspace.succeed(["bundle", "create", fromBob], store: "bob.sqlite")
    let output = try await workspace.succeed(["bundle", "apply", fromBob, "--json"])
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))
    let article = try #require(value.objectValue?["articles"]?.arrayValue?.first?.objectValue)
    let highlight = try #require(article["highlights"]?.arrayValue?.first?.objectValue)
    #expect(highlight["id"]?.stringValue == id)
    #expect(highlight["change"]?.stringValue == "moved")
    // Applying it again changes no text: no article is named.
    let again = try await workspace.succeed(["bundle", "apply", fromBob])
    #expect(!again.contains("new text"))
  }
}
