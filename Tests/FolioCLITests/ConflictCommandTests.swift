import Foundation
import Testing

@testable import FolioCLI

/// Two replicas, A (alice) and B (bob), exchanging bundles.
struct TwoReplicas {
  let workspace: CLIWorkspace

  init() async throws {
    workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"], store: "a.sqlite")
    try await workspace.succeed(["init", "--author", "bob"], store: "b.sqlite")
  }

  @discardableResult
  func a(_ arguments: [String]) async throws -> String {
    try await workspace.succeed(arguments, store: "a.sqlite")
  }

  @discardableResult
  func b(_ arguments: [String]) async throws -> String {
    try await workspace.succeed(arguments, store: "b.sqlite")
  }

  /// Sends everything `from` has to `to` through a bundle file.
  func send(from: String, to: String) async throws {
    let file = workspace.path("\(from)-to-\(to).bundle")
    try await workspace.succeed(["bundle", "create", file], store: "\(from).sqlite")
    try await workspace.succeed(["bundle", "apply", file], store: "\(to).sqlite")
  }

  func exchange() async throws {
    try await send(from: "a", to: "b")
    try await send(from: "b", to: "a")
  }
}

@Suite struct ConflictCommandTests {
  @Test func concurrentNoteEditsConflictAndResolveEverywhere() async throws {
    let pair = try await TwoReplicas()
    let article = String(
      try await pair.a(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try await pair.a([
      "highlight", article, "--quote", "malicious PR operation", "--note", "first",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try await pair.a(["tag", highlight, "+pr"])
    try await pair.send(from: "a", to: "b")

    try await pair.a(["edit", highlight, "--note", "Alice's reading"])
    try await pair.b(["edit", highlight, "--note", "Bob's reading"])
    try await pair.b(["tag", highlight, "+pr", "+spin"])
    try await pair.a(["tag", highlight, "-pr"])
    try await pair.exchange()

    let onA = try await pair.a(["conflicts", "--json"])
    let onB = try await pair.b(["conflicts", "--json"])
    #expect(onA == onB)
    let conflicts = try #require(
      try JSONSerialization.jsonObject(with: Data(onA.utf8)) as? [[String: Any]])
    #expect(conflicts.count == 1)
    let conflict = try #require(conflicts.first)
    #expect(conflict["field"] as? String == "note")
    #expect(conflict["kind"] as? String == "value")
    let values = try #require(conflict["values"] as? [[String: Any]])
    #expect(Set(values.compactMap { $0["author"] as? String }) == ["alice", "bob"])
    #expect(
      Set(values.compactMap { $0["value"] as? String }) == ["Alice's reading", "Bob's reading"])
    let exit = await pair.workspace.run(["conflicts", "--exit-code"], store: "a.sqlite")
    #expect(exit.status == 1)
    let shown = try await pair.a(["show", article])
    #expect(shown.contains("in conflict"))
    let status = try await pair.a(["status", "--json"])
    #expect(status.contains("\"conflicts\" : 1"))

    let exportA = try await pair.a(["export", "--format", "json"])
    let exportB = try await pair.b(["export", "--format", "json"])
    #expect(exportA == exportB)
    #expect(exportA.contains("\"pr\""))  // bob's concurrent add wins over alice's remove

    let id = try #require(conflict["id"] as? String)
    try await pair.a(["resolve", id, "--author", "bob"])
    try await pair.exchange()
    #expect(try await pair.a(["conflicts"]).contains("No conflicts"))
    #expect(try await pair.b(["conflicts"]).contains("No conflicts"))
    #expect(try await pair.a(["export"]) == (try await pair.b(["export"])))
    #expect(try await pair.b(["show", article, "--json"]).contains("Bob's reading"))
    #expect(try await pair.b(["log", highlight]).contains("resolving a conflict"))
  }

  @Test func deleteWhileEditedIsADeleteConflict() async throws {
    for choice in ["--restore", "--confirm-delete"] {
      let pair = try await TwoReplicas()
      let article = String(
        try await pair.a(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
      let highlight = try await pair.a(["highlight", article, "--quote", "zero-day"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
      try await pair.send(from: "a", to: "b")
      try await pair.a(["delete", highlight])
      try await pair.b(["edit", highlight, "--note", "still matters"])
      try await pair.exchange()
      for store in ["a.sqlite", "b.sqlite"] {
        let listed = try await pair.workspace.succeed(["conflicts", "--json"], store: store)
        #expect(listed.contains("\"kind\" : \"delete\""))
        #expect(
          try await pair.workspace.succeed(["show", article, "--json"], store: store).contains(
            highlight))
      }
      let conflicts = try await pair.b(["conflicts", "--json"])
      let id = try #require(
        (try JSONSerialization.jsonObject(with: Data(conflicts.utf8)) as? [[String: Any]])?.first?[
          "id"]
          as? String)
      let wrong = await pair.workspace.run(["resolve", id, "--pick", "1"], store: "b.sqlite")
      #expect(wrong.status != 0)
      try await pair.b(["resolve", id, choice])
      try await pair.exchange()
      for store in ["a.sqlite", "b.sqlite"] {
        #expect(
          try await pair.workspace.succeed(["conflicts"], store: store).contains("No conflicts"))
        let shown = try await pair.workspace.succeed(["show", article, "--json"], store: store)
        #expect(shown.contains(highlight) == (choice == "--restore"))
      }
      #expect(try await pair.a(["export"]) == (try await pair.b(["export"])))
    }
  }

  @Test func badBundlesAreRefusedWhole() async throws {
    let pair = try await TwoReplicas()
    try await pair.a(["import", Fixture.articlePath])
    let file = pair.workspace.path("a.bundle")
    try await pair.a(["bundle", "create", file])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    let before = try dumpReplica(at: pair.workspace.path("b.sqlite"))
    let cases: [(String, Data)] = [
      ("truncated", bytes.prefix(bytes.count / 2)),
      (
        "flipped",
        Data(
          bytes.enumerated().map { $0.offset == bytes.count / 2 ? $0.element ^ 0x01 : $0.element })
      ),
      ("foreign", Data("hello, this is not a bundle\n".utf8)),
      ("empty", Data()),
      (
        "noTrailer",
        Data(bytes.split(separator: 0x0A).dropLast().joined(separator: [0x0A]) + [0x0A])
      ),
    ]
    for (name, data) in cases {
      let bad = pair.workspace.path("\(name).bundle")
      try data.write(to: URL(fileURLWithPath: bad))
      let result = await pair.workspace.run(["bundle", "apply", bad], store: "b.sqlite")
      #expect(result.status != 0, "\(name) must be refused")
      #expect(result.errorOutput.contains("nothing was applied"), "\(name): \(result.errorOutput)")
      #expect(try dumpReplica(at: pair.workspace.path("b.sqlite")) == before, "\(name) changed B")
    }
    // A line longer than any change is a refusal of the bundle; a file the system cannot
    // read (here a folder) is not, and says the system's reason.
    let header = bytes.split(separator: 0x0A)[0]
    let long = pair.workspace.path("long.bundle")
    try (Data(header) + [0x0A] + Data(repeating: 0x61, count: 600_000) + [0x0A])
      .write(to: URL(fileURLWithPath: long))
    let longResult = await pair.workspace.run(["bundle", "apply", long], store: "b.sqlite")
    #expect(longResult.errorOutput.contains("(line-too-long)"), "\(longResult.errorOutput)")
    let folder = pair.workspace.path("a-folder")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let folderResult = await pair.workspace.run(["bundle", "apply", folder], store: "b.sqlite")
    #expect(folderResult.status != 0)
    #expect(
      folderResult.errorOutput.contains("cannot read the bundle: Is a directory"),
      "\(folderResult.errorOutput)")
    #expect(!folderResult.errorOutput.contains("line-too-long"))
    #expect(try dumpReplica(at: pair.workspace.path("b.sqlite")) == before)
    try await pair.b(["bundle", "apply", file])
    let once = try dumpReplica(at: pair.workspace.path("b.sqlite"))
    let again = try await pair.b(["bundle", "apply", file])
    #expect(again.contains("Applied 0 new changes"))
    #expect(try dumpReplica(at: pair.workspace.path("b.sqlite")) == once)
  }

  @Test func bundleForAPeerHoldsOnlyWhatItLacks() async throws {
    let pair = try await TwoReplicas()
    try await pair.a(["import", Fixture.articlePath])
    try await pair.send(from: "a", to: "b")
    let vector = pair.workspace.path("b.vector")
    try await pair.b(["bundle", "vector", vector])
    let nothing = try await pair.a([
      "bundle", "create", pair.workspace.path("none.bundle"), "--for", vector,
    ])
    #expect(nothing.contains("Wrote 0 changes"))
    try await pair.send(from: "b", to: "a")
    let sinceFile = pair.workspace.path("since.bundle")
    let bLastBundle = pair.workspace.path("b-to-a.bundle")
    let empty = try await pair.a(["bundle", "create", sinceFile, "--since", bLastBundle])
    #expect(empty.contains("Wrote 0 changes"))
    let article = String(
      try await pair.a(["list"]).split(separator: " ").first ?? "")
    try await pair.a(["tag", article, "+new"])
    let one = try await pair.a(["bundle", "create", sinceFile, "--since", bLastBundle])
    #expect(one.contains("Wrote 1 change "))
    let missing = await pair.workspace.run(
      ["bundle", "create", sinceFile, "--since", pair.workspace.path("nope")], store: "a.sqlite")
    #expect(missing.status != 0)
  }
}
