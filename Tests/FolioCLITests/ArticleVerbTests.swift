import FolioModel
import Foundation
import Testing

@testable import FolioCLI

/// The missing verbs (issue 10, problem 8): delete, restore and edit an article,
/// `annotations` across articles, `list` filters and sort keys.
@Suite(.serialized) struct ArticleVerbTests {
  func values(_ output: String) throws -> [JSONValue] {
    try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8)).arrayValue ?? []
  }

  @Test func anArticleIsDeletedWithItsAnnotationsAndRestored() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed(["highlight", article, "--quote", "zero-day", "--note", "n"])
    #expect(try await workspace.succeed(["status"]).contains("Articles  1, changes"))
    let deleted = try await workspace.succeed(["delete", String(article.prefix(6))])
    // `status` counts the articles that show, as `list` does.
    #expect(try await workspace.succeed(["status"]).contains("Articles  0, changes"))
    #expect(deleted.contains("'folio restore 50c49019' brings it back"))
    #expect(try await workspace.succeed(["list"]).contains("No articles"))
    #expect(try await workspace.succeed(["search", "zero-day"]).contains("No matches"))
    #expect(try await workspace.succeed(["annotations"]).contains("No annotation"))
    let shown = await workspace.run(["show", article])
    #expect(shown.status != 0)
    let restored = try await workspace.succeed(["restore", "50c4", "--json"])
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(restored.utf8))
    #expect(value.objectValue?["annotations"]?.arrayValue?.count == 1)
    let again = await workspace.run(["restore", "50c4"])
    #expect(again.status != 0 && again.errorOutput.contains("no deleted article"))
  }

  @Test func aDeletedAnnotationIsRestoredToo() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let id = try await workspace.succeed(["note", article, "keep me"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try await workspace.succeed(["delete", id])
    try await workspace.succeed(["restore", String(id.prefix(8))])
    #expect(try await workspace.succeed(["show", article]).contains("keep me"))
  }

  @Test func anArticleIsEditedByOptionAndItsHighlightsFollow() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let highlight = try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    let edited = try await workspace.succeed([
      "edit", article, "--title", "Alibaba denies FT report", "--summary",
      "Alibaba called the report a malicious PR operation.",
    ])
    #expect(edited.contains("Edited article \(article): title, summary."))
    #expect(edited.contains("highlight \(highlight.prefix(8))"), "\(edited)")
    let shown = try await workspace.succeed(["show", article, "--json"])
    #expect(shown.contains("\"title\" : \"Alibaba denies FT report\""))
    let same = try await workspace.succeed(["edit", article, "--title", "Alibaba denies FT report"])
    #expect(same.contains("Nothing changed"))
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let empty = await workspace.run(["edit", article, "--title", " "])
    #expect(empty.status != 0 && empty.errorOutput.contains("title cannot be empty"))
    let wrong = await workspace.run(["edit", highlight, "--title", "x"])
    #expect(wrong.status != 0)
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
  }

  @Test func anArticleIsEditedInTheEditor() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    setenv("EDITOR", "sed -i s/Saturday/Sunday/", 1)
    defer { unsetenv("EDITOR") }
    let edited = try await workspace.succeed(["edit", article])
    #expect(edited.contains("summary"))
    #expect(try await workspace.succeed(["show", article, "--json"]).contains("on Sunday denied"))
    // An edit that cannot be read changes nothing and keeps the text.
    setenv("EDITOR", "sh -c ': > \"$0\"'", 1)
    let failed = await workspace.run(["edit", article])
    #expect(failed.status != 0 && failed.errorOutput.contains("your text is in"))
  }

  @Test func annotationsAreListedAcrossArticlesWithFilters() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "highlight", article, "--quote", "zero-day", "--color", "green", "--note", "n",
    ])
    try await workspace.succeed(["highlight", article, "--quote", "IP addresses"])
    try await workspace.succeed(["note", article, "Ask legal"])
    try await workspace.succeed(["tag", article + "#1", "+claims"])
    let all = try values(try await workspace.succeed(["annotations", "--json"]))
    #expect(all.count == 3)
    #expect(
      try values(
        try await workspace.succeed(["annotations", "--highlight-color", "green", "--json"])
      )
      .count == 1)
    #expect(
      try values(try await workspace.succeed(["annotations", "--kind", "note", "--json"])).count
        == 1)
    #expect(
      try values(try await workspace.succeed(["annotations", "--tag", "CLAIMS", "--json"])).count
        == 1)
    #expect(
      try values(try await workspace.succeed(["annotations", "--author", "bob", "--json"]))
        .isEmpty)
    #expect(
      try values(
        try await workspace.succeed(["annotations", "--until", "2001-01-01", "--json"])
      ).isEmpty)
    let text = try await workspace.succeed(["annotations", "--limit", "2"])
    #expect(text.contains("50c49019#") && text.contains("1 more"))
    let bad = await workspace.run(["annotations", "--since", "2026-13-01"])
    #expect(bad.status != 0 && bad.errorOutput.contains("takes a date"))
  }

  @Test func listFiltersAndSorts() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let file = try workspace.write(
      "three.json",
      """
      [{"title": "Beta", "published": "2026-11-02", "summary": "Second.", "tags": ["Port"]},
       {"title": "alpha", "published": "2026-10-15", "summary": "First."},
       {"title": "Gamma", "summary": "No date.", "tags": ["port"]}]
      """)
    try await workspace.succeed(["import", file])
    func titles(_ arguments: [String]) async throws -> [String] {
      try values(try await workspace.succeed(["list", "--json"] + arguments))
        .compactMap { $0.objectValue?["title"]?.stringValue }
    }
    #expect(try await titles([]) == ["alpha", "Beta", "Gamma"])
    #expect(try await titles(["--sort", "published"]) == ["Beta", "alpha", "Gamma"])
    #expect(try await titles(["--since", "2026-11-01"]) == ["Beta"])
    #expect(try await titles(["--until", "2026-10-15"]) == ["alpha"])
    #expect(try await titles(["--tag", "PORT"]) == ["Beta", "Gamma"])
    let listed = try values(try await workspace.succeed(["list", "--json"]))
    let alpha = try #require(
      listed.first { $0.objectValue?["title"]?.stringValue == "alpha" }?.objectValue?["id"]?
        .stringValue)
    try await workspace.succeed(["highlight", alpha, "--quote", "First"])
    #expect(try await titles(["--annotated-by", "alice"]) == ["alpha"])
    #expect(try await titles(["--sort", "annotations"]).first == "alpha")
    let limited = try await workspace.succeed(["list", "--limit", "1", "--tag", "port"])
    #expect(limited.contains("… and 1 more"))
  }
}
