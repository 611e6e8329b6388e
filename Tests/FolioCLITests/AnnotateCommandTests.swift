import Foundation
import Testing

@testable import FolioCLI

/// A workspace with a replica holding the fixture article; returns its id.
func workspaceWithFixture(author: String = "alice") async throws -> (CLIWorkspace, String) {
  let workspace = try CLIWorkspace()
  try await workspace.succeed(["init", "--author", author])
  let output = try await workspace.succeed(["import", Fixture.articlePath])
  let id = String(output.split(separator: " ").first ?? "")
  return (workspace, id)
}

@Suite struct AnnotateCommandTests {
  @Test func highlightAndNoteShowInShow() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let highlight = try await workspace.succeed([
      "highlight", String(article.prefix(6)), "--quote", "malicious PR operation",
      "--note", "Their framing, not ours", "--color", "green",
    ])
    #expect(highlight.trimmingCharacters(in: .whitespacesAndNewlines).count == 32)
    try await workspace.succeed(["note", article, "Check the White House memo."])
    let shown = try await workspace.succeed(["show", article])
    #expect(shown.contains("[malicious PR operation][1]"))
    #expect(shown.contains("Their framing, not ours"))
    #expect(shown.contains("Check the White House memo."))
    let json = try await workspace.succeed(["show", article, "--json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let annotations = try #require(object["annotations"] as? [[String: Any]])
    #expect(annotations.count == 2)
    let first = try #require(annotations.first)
    #expect(first["quote"] as? String == "malicious PR operation")
    #expect(first["section"] as? String == "summary")
    #expect(first["anchor"] as? String == "exact")
    #expect(first["author"] as? String == "alice")
    #expect(first["color"] as? String == "green")
    #expect((object["insights"] as? [[String: Any]])?.count == 3)
    for key in ["id", "title", "summary", "background", "tags"] { #expect(object[key] != nil) }
  }

  @Test func ambiguousOrMissingQuotesAreRefused() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let missing = await workspace.run(["highlight", article, "--quote", "not in the text at all"])
    #expect(missing.status != 0)
    #expect(missing.errorOutput.contains("not found"))
    let ambiguous = await workspace.run(["highlight", article, "--quote", "Alibaba"])
    #expect(ambiguous.status != 0)
    #expect(ambiguous.errorOutput.contains("--occurrence N"))
    let badSection = await workspace.run([
      "highlight", article, "--quote", "Alibaba", "--section", "nowhere",
    ])
    #expect(badSection.status != 0)
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
  }

  @Test func searchFindsArticlesAndNotes() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let hits = try await workspace.succeed(["search", "zero-day", "--json"])
    let array = try #require(
      try JSONSerialization.jsonObject(with: Data(hits.utf8)) as? [[String: Any]])
    #expect((array.first?["article"] as? [String: Any])?["id"] as? String == article)
    #expect((array.first?["snippet"] as? String)?.contains("zero") == true)
    try await workspace.succeed(["note", article, "Ask the desk about quokkas"])
    let noteHits = try await workspace.succeed(["search", "quokkas"])
    #expect(noteHits.contains(String(article.prefix(8))))
    let none = try await workspace.succeed(["search", "\"unbalanced", "AND", "("])
    #expect(none.contains("No matches"))
  }

  @Test func editTagDeleteAndLog() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let id = try await workspace.succeed([
      "highlight", article, "--quote", "zero-day", "--section", "summary",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try await workspace.succeed(["edit", String(id.prefix(8)), "--note", "Key claim"])
    try await workspace.succeed(["tag", id, "+claims", "+security"])
    try await workspace.succeed(["tag", id, "-security"])
    try await workspace.succeed(["tag", article, "+china"])
    let shown = try await workspace.succeed(["show", article, "--json"])
    #expect(shown.contains("Key claim"))
    #expect(shown.contains("\"claims\""))
    #expect(!shown.contains("\"security\""))
    let tagged = try await workspace.succeed(["list", "--tag", "china"])
    #expect(tagged.contains("Alibaba"))
    let log = try await workspace.succeed(["log", id])
    #expect(log.contains("alice"))
    #expect(log.contains("note"))
    try await workspace.succeed(["delete", id])
    let after = try await workspace.succeed(["show", article, "--json"])
    #expect(!after.contains(id))
    let again = await workspace.run(["edit", id, "--note", "x"])
    #expect(again.status != 0)
  }

  @Test func unknownAndAmbiguousIDsGetClearErrors() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let unknown = await workspace.run(["show", "ffffffffff"])
    #expect(unknown.status != 0)
    #expect(unknown.errorOutput.contains("ffffffffff"))
    let wrongKind = await workspace.run(["edit", article, "--note", "x"])
    #expect(wrongKind.status != 0)
    #expect(wrongKind.errorOutput.contains("not an annotation"))
    let badTag = await workspace.run(["tag", article, "plain"])
    #expect(badTag.status != 0)
  }

  @Test func exportsW3CWithATextQuoteSelector() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation", "--note", "n",
    ])
    let output = try await workspace.succeed(["export", "--format", "w3c"])
    let document = try JSONSerialization.jsonObject(with: Data(output.utf8))
    let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
    #expect(text.contains("TextQuoteSelector"))
    #expect(text.contains("malicious PR operation"))
    #expect(text.contains("anno.jsonld"))
    let markdown = try await workspace.succeed(["export", "--format", "markdown"])
    #expect(markdown.contains("> malicious PR operation"))
    let toFile = await workspace.run([
      "export", "--format", "markdown", "--output", workspace.path("out.md"),
    ])
    #expect(toFile.status == 0)
    #expect(toFile.errorOutput.contains("exported 1 article to "), "\(toFile.errorOutput)")
  }

  @Test func exportImportRoundTrips() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed(["tag", article, "+china"])
    let exported = try await workspace.succeed(["export"])
    let file = try workspace.write("export.json", exported)
    try await workspace.succeed(["init", "--author", "bob"], store: "other.sqlite")
    try await workspace.succeed(["import", file], store: "other.sqlite")
    let first = try await workspace.succeed(["show", "--json", article])
    let second = try await workspace.succeed(["show", "--json", article], store: "other.sqlite")
    #expect(first == second)
    #expect(try await workspace.succeed(["export"], store: "other.sqlite") == exported)
  }

  @Test func reimportingAnEditedArticleKeepsTheHighlight() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed(["highlight", article, "--quote", "malicious PR operation"])
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    let edited = try workspace.write(
      "edited.txt",
      original.replacingOccurrences(
        of: "The representative characterized",
        with: "In a statement sent to reporters, the representative characterized"))
    try await workspace.succeed(["import", edited])
    let json = try await workspace.succeed(["show", article, "--json"])
    #expect(json.contains("\"anchor\" : \"moved\""))
  }
}

/// Highlights that always have a way (issue 10, problem 3), and ids people can type
/// (problem 6).
@Suite struct HighlightChoiceTests {
  @Test func occurrenceChoosesAmongRepeats() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let refused = await workspace.run(["highlight", article, "--quote", "Alibaba"])
    #expect(refused.errorOutput.contains("1. title:"))
    #expect(refused.errorOutput.contains("2. summary:"))
    let second = try await workspace.succeed([
      "highlight", article, "--quote", "Alibaba", "--occurrence", "2", "--json",
    ])
    #expect(second.contains("\"section\" : \"summary\""))
    let tooFar = await workspace.run([
      "highlight", article, "--quote", "Alibaba", "--occurrence", "99",
    ])
    #expect(tooFar.status != 0 && tooFar.errorOutput.contains("no occurrence 99"))
  }

  @Test func anotherLetterCaseIsTakenAndSaid() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let console = Console.capturing()
    let result = await workspace.run(
      ["highlight", article, "--quote", "MALICIOUS PR OPERATION"], console: console)
    #expect(result.status == 0)
    #expect(result.errorOutput.contains("“malicious PR operation” (case ignored)"))
  }

  @Test func aQuoteAcrossSectionsIsExplained() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let result = await workspace.run([
      "highlight", article, "--quote",
      "PLA ties as ‘completely false’, ‘malicious’ Alibaba Group Holding",
    ])
    #expect(result.status != 0)
    #expect(result.errorOutput.contains("runs across sections (title into summary)"))
  }

  @Test func annotationIdsMadeTogetherDifferFromTheStart() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    var ids: [String] = []
    for quote in ["malicious PR operation", "zero-day", "customer data", "IP addresses"] {
      ids.append(
        try await workspace.succeed(["highlight", article, "--quote", quote])
          .trimmingCharacters(in: .whitespacesAndNewlines))
    }
    #expect(Set(ids.map { $0.prefix(6) }).count == ids.count)
    try await workspace.succeed(["tag", String(ids[0].prefix(6)), "+x"])
  }
}
