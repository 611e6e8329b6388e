import FolioModel
import FolioTestSupport
import Foundation
import Testing

@testable import FolioCLI

/// Every command's `--json` output checked against Protocol/cli-schemas.
@Suite struct JSONOutputSchemaTests {
  /// Fails the test with every problem of `output` against `schema` (a file, optionally
  /// `#/$defs/NAME`); `array` checks each element of a top-level array.
  @discardableResult
  func expectConforms(
    _ output: String, to schema: String, array: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSONValue {
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))
    let reference: JSONValue = .object(["$ref": .string(schema)])
    let document: JSONValue =
      array ? .object(["type": .string("array"), "items": reference]) : reference
    let folder = SchemaCheck.protocolFolder.appendingPathComponent("cli-schemas")
    let problems = try SchemaCheck(name: "test", document: document, folder: folder)
      .problems(in: value)
    #expect(problems.isEmpty, "\(schema): \(problems)", sourceLocation: sourceLocation)
    return value
  }

  @Test func everyCommandPrintsJSONOfItsSchema() async throws {
    let workspace = try CLIWorkspace()
    try expectConforms(
      try await workspace.succeed(["init", "--author", "alice", "--json"]),
      to: "results.schema.json#/$defs/init")
    let imported = try await workspace.succeed(["import", Fixture.articlePath, "--json"])
    let importValue = try expectConforms(imported, to: "results.schema.json#/$defs/import")
    let article = try #require(importValue.arrayValue?.first?.objectValue?["id"]?.stringValue)

    let highlight = try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation", "--note", "theirs", "--json",
    ])
    let highlightValue = try expectConforms(highlight, to: "annotation.schema.json")
    let annotation = try #require(highlightValue.objectValue?["id"]?.stringValue)
    try expectConforms(
      try await workspace.succeed(["note", article, "Check the memo", "--json"]),
      to: "annotation.schema.json")
    try expectConforms(
      try await workspace.succeed(["edit", annotation, "--color", "blue", "--json"]),
      to: "annotation.schema.json")
    try expectConforms(
      try await workspace.succeed(["tag", annotation, "+claims", "-nope", "--json"]),
      to: "results.schema.json#/$defs/tag")
    try expectConforms(
      try await workspace.succeed(["list", "--json"]), to: "article.schema.json", array: true)
    let shown = try expectConforms(
      try await workspace.succeed(["show", article, "--json"]), to: "article.schema.json")
    for key in ["summary", "background", "insights", "annotations", "conflicts"] {
      #expect(shown.objectValue?[key] != nil, "show --json lacks \(key)")
    }
    let hits = try expectConforms(
      try await workspace.succeed(["search", "theirs", "--json"]),
      to: "search-hit.schema.json", array: true)
    #expect(hits.arrayValue?.isEmpty == false)
    try expectConforms(
      try await workspace.succeed(["log", "--json"]), to: "log-entry.schema.json", array: true)
    try expectConforms(
      try await workspace.succeed(["export", "--format", "json"]), to: "export.schema.json")
    try expectConforms(
      try await workspace.succeed(["annotations", "--json"]), to: "annotation.schema.json",
      array: true)
    try expectConforms(
      try await workspace.succeed(["edit", article, "--title", "Renamed", "--json"]),
      to: "article.schema.json")
    try expectConforms(
      try await workspace.succeed(["status", "--json"]), to: "results.schema.json#/$defs/status")
    try expectConforms(
      try await workspace.succeed(["conflicts", "--json"]), to: "conflict.schema.json",
      array: true)
    let bundle = workspace.path("out.bundle")
    try expectConforms(
      try await workspace.succeed(["bundle", "create", bundle, "--json"]),
      to: "results.schema.json#/$defs/bundleCreate")
    try expectConforms(
      try await workspace.succeed(["bundle", "vector", "--json"]),
      to: "results.schema.json#/$defs/bundleVector")
    try expectConforms(
      try await workspace.succeed(["bundle", "apply", bundle, "--json"]),
      to: "results.schema.json#/$defs/bundleApply")
    try expectConforms(
      try await workspace.succeed([
        "remote", "add", "team", "http://127.0.0.1:9", "--space", "s", "--token", "fol_t", "--json",
      ]), to: "results.schema.json#/$defs/remoteAdd")
    try expectConforms(
      try await workspace.succeed(["remote", "list", "--json"]),
      to: "results.schema.json#/$defs/remoteList")
    try expectConforms(
      try await workspace.succeed(["remote", "set-url", "team", "http://127.0.0.1:10", "--json"]),
      to: "results.schema.json#/$defs/remoteSetURL")
    try expectConforms(
      try await workspace.succeed(["remote", "remove", "team", "--json"]),
      to: "results.schema.json#/$defs/remoteRemove")
    let deleted = try expectConforms(
      try await workspace.succeed(["delete", annotation, "--json"]), to: "annotation.schema.json")
    #expect(deleted.objectValue?["id"]?.stringValue == annotation)
    try expectConforms(
      try await workspace.succeed(["restore", annotation, "--json"]),
      to: "annotation.schema.json")
    try expectConforms(
      try await workspace.succeed(["delete", article, "--json"]), to: "article.schema.json")
    try expectConforms(
      try await workspace.succeed(["restore", article, "--json"]), to: "article.schema.json")
  }

  @Test func oneAnnotationShapeEverywhere() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let made = try JSONDecoder().decode(
      JSONValue.self,
      from: Data(
        try await workspace.succeed([
          "highlight", article, "--quote", "malicious PR operation", "--note", "quokka", "--json",
        ]).utf8))
    let shown = try JSONDecoder().decode(
      JSONValue.self, from: Data(try await workspace.succeed(["show", article, "--json"]).utf8))
    let found = try JSONDecoder().decode(
      JSONValue.self, from: Data(try await workspace.succeed(["search", "quokka", "--json"]).utf8))
    #expect(shown.objectValue?["annotations"]?.arrayValue?.first == made)
    #expect(found.arrayValue?.first?.objectValue?["annotation"] == made)
    #expect(made.objectValue?["created"]?.stringValue?.hasSuffix("Z") == true)
  }

  @Test func aResolvedConflictPrintsJSON() async throws {
    // Two replicas edit the same note; a bundle brings the conflict.
    let (workspace, article) = try await workspaceWithFixture()
    let note = try await workspace.succeed(["note", article, "first"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let bundle = workspace.path("all.bundle")
    try await workspace.succeed(["bundle", "create", bundle])
    try await workspace.succeed(["init", "--author", "bob"], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "apply", bundle], store: "bob.sqlite")
    try await workspace.succeed(["edit", note, "--note", "alice's"])
    try await workspace.succeed(["edit", note, "--note", "bob's"], store: "bob.sqlite")
    let fromBob = workspace.path("bob.bundle")
    try await workspace.succeed(["bundle", "create", fromBob], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "apply", fromBob])
    let conflicts = try expectConforms(
      try await workspace.succeed(["conflicts", "--json"]), to: "conflict.schema.json",
      array: true)
    let conflict = try #require(conflicts.arrayValue?.first?.objectValue)
    let id = try #require(conflict["id"]?.stringValue)
    #expect(conflict["article"]?.objectValue?["id"]?.stringValue == article)
    #expect(conflict["article"]?.objectValue?["title"]?.stringValue?.hasPrefix("Alibaba") == true)
    #expect(conflict["quote"] == .null)  // a note on the article, not a highlight
    let listedAuthors = conflict["values"]?.arrayValue?.compactMap {
      $0.objectValue?["author"]?.stringValue
    }
    #expect(Set(listedAuthors ?? []) == ["alice", "bob"])
    try expectConforms(
      try await workspace.succeed(["resolve", id, "--author", "bob", "--json"]),
      to: "results.schema.json#/$defs/resolve")
    // The bulk form, settling and leaving open.
    try await workspace.succeed(["bundle", "create", bundle])
    try await workspace.succeed(["bundle", "apply", bundle], store: "bob.sqlite")
    try await workspace.succeed(["edit", note, "--note", "alice again"])
    try await workspace.succeed(["edit", note, "--note", "bob again"], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "create", fromBob], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "apply", fromBob])
    let leftOpen = try expectConforms(
      try await workspace.succeed(["resolve", "--all", "--author", "carol", "--json"]),
      to: "results.schema.json#/$defs/resolveAll")
    #expect(leftOpen.arrayValue?.first?.objectValue?["resolved"] == .bool(false))
    let settled = try expectConforms(
      try await workspace.succeed(["resolve", "--all", "--newest", "--json"]),
      to: "results.schema.json#/$defs/resolveAll")
    #expect(settled.arrayValue?.first?.objectValue?["reason"] == .null)

    // Disjoint edits merge on their own, and are listed for review.
    try await workspace.succeed(["bundle", "create", bundle])
    try await workspace.succeed(["bundle", "apply", bundle], store: "bob.sqlite")
    try await workspace.succeed(["edit", note, "--note", "one two three four"])
    try await workspace.succeed(["bundle", "create", bundle])
    try await workspace.succeed(["bundle", "apply", bundle], store: "bob.sqlite")
    try await workspace.succeed(["edit", note, "--note", "ONE two three four"])
    try await workspace.succeed(
      ["edit", note, "--note", "one two three FOUR"], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "create", fromBob], store: "bob.sqlite")
    try await workspace.succeed(["bundle", "apply", fromBob])
    let merges = try expectConforms(
      try await workspace.succeed(["conflicts", "--merged", "--json"]), to: "merge.schema.json",
      array: true)
    #expect(merges.arrayValue?.first?.objectValue?["merged"] == .string("ONE two three FOUR"))
  }
}
