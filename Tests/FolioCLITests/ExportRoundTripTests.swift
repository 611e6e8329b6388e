import FolioModel
import Foundation
import Testing

@testable import FolioCLI

/// `export --format json` → `import` restores everything (issue 10, problem 1).
@Suite struct ExportRoundTripTests {
  /// A replica with highlights, a note, colours, tags and an article tag, by alice.
  func annotatedWorkspace() async throws -> (CLIWorkspace, String) {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation", "--note", "theirs", "--color",
      "green",
    ])
    try await workspace.succeed(["highlight", article, "--quote", "zero-day", "--note", "check"])
    try await workspace.succeed(["note", article, "Check the memo"])
    try await workspace.succeed(["tag", article, "+china"])
    try await workspace.succeed(["tag", article + "#1", "+claims", "+PLA"])
    return (workspace, article)
  }

  @Test func aFreshReplicaGetsBackEveryAnnotation() async throws {
    let (workspace, _) = try await annotatedWorkspace()
    let backup = workspace.path("a.json")
    try await workspace.succeed(["export", "-o", backup])
    // alice restores her own backup.
    try await workspace.succeed(["init", "--author", "alice"], store: "b.sqlite")
    let imported = try await workspace.succeed(["import", backup], store: "b.sqlite")
    #expect(imported.contains("annotations: 3 added"))
    let restored = workspace.path("b.json")
    try await workspace.succeed(["export", "-o", restored], store: "b.sqlite")
    // Ids, authors, times, notes, colours, tags, article tags: byte for byte.
    #expect(try workspace.bytes("b.json") == workspace.bytes("a.json"))
  }

  @Test func anotherPersonsRestoreKeepsTheCreatorAndWritesInTheirOwnName() async throws {
    let (workspace, _) = try await annotatedWorkspace()
    let backup = workspace.path("a.json")
    try await workspace.succeed(["export", "-o", backup])
    try await workspace.succeed(["init", "--author", "bob"], store: "b.sqlite")
    try await workspace.succeed(["import", backup], store: "b.sqlite")
    let shown = try await workspace.succeed(["show", "50c4", "--json"], store: "b.sqlite")
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(shown.utf8))
    let annotations = try #require(value.objectValue?["annotations"]?.arrayValue)
    #expect(annotations.count == 3)
    // The creator comes from the export; the changes that restored them are bob's.
    #expect(annotations.allSatisfy { $0.objectValue?["author"]?.stringValue == "alice" })
    let log = try await workspace.succeed(["log", "50c4"], store: "b.sqlite")
    #expect(log.contains("bob") && !log.contains("alice"))
  }

  @Test func importingTheSameExportTwiceChangesNothing() async throws {
    let (workspace, _) = try await annotatedWorkspace()
    let backup = workspace.path("a.json")
    try await workspace.succeed(["export", "-o", backup])
    try await workspace.succeed(["init", "--author", "bob"], store: "b.sqlite")
    try await workspace.succeed(["import", backup], store: "b.sqlite")
    let before = try dumpReplica(at: workspace.path("b.sqlite"))
    let again = try await workspace.succeed(["import", backup], store: "b.sqlite")
    #expect(again.contains("unchanged") && again.contains("3 unchanged"))
    #expect(try dumpReplica(at: workspace.path("b.sqlite")) == before)
    // Into the replica it came from, too.
    let original = try dumpReplica(at: workspace.path("replica.sqlite"))
    try await workspace.succeed(["import", backup])
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == original)
  }

  @Test func aRestoredFileBringsBackEditsButNotDeletedAnnotations() async throws {
    let (workspace, article) = try await annotatedWorkspace()
    let backup = workspace.path("a.json")
    try await workspace.succeed(["export", "-o", backup])
    try await workspace.succeed(["edit", article + "#1", "--note", "changed since"])
    try await workspace.succeed(["delete", article + "#2"])
    let output = try await workspace.succeed(["import", backup])
    #expect(output.contains("1 updated") && output.contains("1 kept deleted"))
    let shown = try await workspace.succeed(["show", article, "--json"])
    #expect(shown.contains("\"theirs\"") && !shown.contains("changed since"))
    #expect(!shown.contains("\"check\""))
  }

  @Test func aVersionOneExportIsStillRead() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "bob"])
    let file = try workspace.write(
      "v1.json",
      """
      {"format": "folio-export", "version": 1, "articles": [{"conflicts": [],
        "article": {"id": "abcdefabcdefabcd", "title": "Old", "summary": "An old summary.",
          "background": "", "insights": [], "tags": ["kept"]},
        "annotations": [{"id": "0123456789abcdef0123456789abcdef", "author": "carol",
          "created": 1764000000000, "color": "blue", "note": "n", "tags": ["t"],
          "target": {"article": "abcdefabcdefabcd", "kind": "highlight", "selector": {
            "section": "summary", "exact": "old summary", "prefix": "An ", "suffix": ".",
            "start": 3, "end": 14}}}]}]}
      """)
    try await workspace.succeed(["import", file])
    let shown = try await workspace.succeed(["show", "abcd", "--json"])
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(shown.utf8))
    let annotation = try #require(value.objectValue?["annotations"]?.arrayValue?.first?.objectValue)
    #expect(annotation["author"]?.stringValue == "carol")
    #expect(annotation["created"]?.stringValue == "2025-11-24T16:00:00.000Z")
    #expect(annotation["text"]?.stringValue == "old summary")
    #expect(annotation["tags"] == .array([.string("t")]))
  }

  @Test func anAnnotationOfAnUnknownArticleImportsNothing() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "bob"])
    let before = try workspace.bytes("replica.sqlite")
    let file = try workspace.write(
      "bad.json",
      """
      {"format": "folio-export", "version": 2, "articles": [{"id": "abcdefabcdefabcd",
        "title": "T", "annotations": [{"id": "0123456789abcdef0123456789abcdef",
          "article": "abcdefabcdefabcd", "kind": "note", "selector": null, "note": "n",
          "tags": ["two words"], "author": "x", "created": "2026-01-01T00:00:00Z"}]}]}
      """)
    let result = await workspace.run(["import", file])
    #expect(result.status != 0)
    #expect(result.errorOutput.contains("invalid tag 'two words'"))
    #expect(try workspace.bytes("replica.sqlite") == before)
  }

  @Test func exportToAFileIsAtomicAndSaysWhere() async throws {
    let (workspace, _) = try await annotatedWorkspace()
    let result = await workspace.run(["export", "-o", workspace.path("missing/dir/a.json")])
    #expect(result.status != 0)
    #expect(result.errorOutput.contains("cannot be written"))
    let target = try workspace.write("a.json", "previous")
    try await workspace.succeed(["export", "-o", target])
    #expect(String(decoding: try workspace.bytes("a.json"), as: UTF8.self).hasPrefix("{"))
  }
}
