import Foundation
import Testing

@testable import FolioCLI

@Suite struct ImportCommandTests {
  @Test func importingTheFixtureTwiceListsOneArticle() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let first = try await workspace.succeed(["import", Fixture.articlePath])
    #expect(first.contains("added"))
    let second = try await workspace.succeed(["import", Fixture.articlePath])
    #expect(second.contains("unchanged"))
    let list = try await workspace.succeed(["list", "--json"])
    let articles = try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]]
    #expect(articles?.count == 1)
    #expect(
      (articles?.first?["title"] as? String)?.hasPrefix("Alibaba condemns FT report") == true)
    #expect(articles?.first?["annotationCount"] as? Int == 0)
  }

  @Test func twoReplicasImportingOfflineGetTheSameID() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"], store: "a.sqlite")
    try await workspace.succeed(["init", "--author", "bob"], store: "b.sqlite")
    let a = try await workspace.succeed(["import", Fixture.articlePath], store: "a.sqlite")
    let b = try await workspace.succeed(["import", Fixture.articlePath], store: "b.sqlite")
    #expect(a.split(separator: " ").first == b.split(separator: " ").first)
  }

  @Test(arguments: [
    ("empty.txt", "", "empty"),
    ("blank.txt", "  \n\n \r\n", "empty"),
    ("notitle.md", "## News Summary\nText only.\n", "title"),
    ("broken.json", "{\"articles\": [", "JSON"),
  ])
  func badFilesAreRefusedAndChangeNothing(name: String, content: String, expected: String)
    async throws
  {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    try await workspace.succeed(["import", Fixture.articlePath])
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let bad = try workspace.write(name, content)
    let result = await workspace.run(["import", Fixture.articlePath, bad])
    #expect(result.status != 0)
    #expect(result.errorOutput.contains(name))
    #expect(result.errorOutput.localizedCaseInsensitiveContains(expected))
    #expect(result.errorOutput.split(separator: "\n").count == 1)
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
  }

  @Test func binaryAndMissingFilesAreRefused() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init"])
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let binary = workspace.path("image.bin")
    try Data([0xFF, 0xD8, 0xFF, 0x00, 0xC3, 0x28, 0x9F]).write(to: URL(fileURLWithPath: binary))
    let result = await workspace.run(["import", binary])
    #expect(result.status != 0)
    #expect(result.errorOutput.contains("UTF-8"))
    let missing = await workspace.run(["import", workspace.path("nope.txt")])
    #expect(missing.status != 0)
    #expect(missing.errorOutput.contains("nope.txt"))
    let folder = await workspace.run(["import", workspace.folder.path])
    #expect(folder.status != 0)
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
  }

  @Test func reimportingAnEditedArticleRecordsTheNewText() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    try await workspace.succeed(["import", Fixture.articlePath])
    let edited = try workspace.write(
      "edited.txt",
      original.replacingOccurrences(
        of: "Alibaba Group Holding on Saturday denied",
        with: "On Saturday, Alibaba Group Holding firmly denied"))
    let output = try await workspace.succeed(["import", edited])
    #expect(output.contains("updated"))
    let list = try await workspace.succeed(["list"])
    #expect(list.split(separator: "\n").count == 1)
    let log = try await workspace.succeed(["log", "--json"])
    #expect(log.contains("\"field\" : \"summary\""))
  }

  @Test func aFileThatIsNotAReplicaIsRefusedByName() async throws {
    let workspace = try CLIWorkspace()
    let notes = try workspace.write("notes.txt", "just some text, not a database\n")
    let before = try workspace.bytes("notes.txt")
    let result = await workspace.run(["list"], store: "notes.txt")
    #expect(result.status != 0)
    #expect(result.errorOutput.contains(notes))
    #expect(result.errorOutput.contains("not a Folio replica"))
    #expect(try workspace.bytes("notes.txt") == before)
    let missing = await workspace.run(["list"], store: "absent.sqlite")
    #expect(missing.errorOutput.contains("folio init"))
  }
}
