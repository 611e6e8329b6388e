import Foundation
import Testing

/// Two replicas made to disagree through bundles, for the resolve flow's tests.
struct ConflictedPair {
  let folder: TestFolder
  let alice: ReplicaProcess
  let bob: ReplicaProcess
  let article: String
  let highlight: String

  /// Alice highlights a passage; both then edit its note (and, with `colors`, its colour)
  /// differently; Alice receives Bob's edits.
  init(colors: Bool = false) throws {
    folder = try TestFolder()
    alice = ReplicaProcess(store: folder.path("alice.sqlite"))
    bob = ReplicaProcess(store: folder.path("bob.sqlite"))
    try alice.run(["init", "--author", "alice"])
    try bob.run(["init", "--author", "bob"])
    article = String(
      try alice.run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    highlight = try alice.run([
      "highlight", article, "--quote", "malicious PR operation", "--note",
      "The FT calls this a PR operation",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try send(from: alice, to: bob)
    try alice.run(
      ["edit", highlight, "--note", "The FT calls this a PR stunt"]
        + (colors ? ["--color", "green"] : []))
    try bob.run(
      ["edit", highlight, "--note", "The FT calls this a PR campaign"]
        + (colors ? ["--color", "blue"] : []))
    try send(from: bob, to: alice)
  }

  func send(from: ReplicaProcess, to: ReplicaProcess) throws {
    let file = folder.path("\(UUID().uuidString).bundle")
    try from.run(["bundle", "create", file])
    try to.run(["bundle", "apply", file])
  }

  /// Alice's open conflicts as `conflicts --json` lists them.
  func conflicts() throws -> [[String: Any]] {
    let json = try alice.run(["conflicts", "--json"])
    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
  }

  /// An `EDITOR` that copies the file it is given to `seen.txt` and replaces it with the
  /// contents of `next.txt`, both in the folder.
  func scriptedEditor() throws -> String {
    let script = folder.path("editor.sh")
    try """
    #!/bin/sh
    cp "$1" '\(folder.path("seen.txt"))'
    cat '\(folder.path("next.txt"))' > "$1"
    """.write(toFile: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    return script
  }

  /// Sets what the scripted editor saves next.
  func editorWillSave(_ text: String) throws {
    try text.write(toFile: folder.path("next.txt"), atomically: true, encoding: .utf8)
  }

  var editorSaw: String {
    (try? String(contentsOfFile: folder.path("seen.txt"), encoding: .utf8)) ?? ""
  }
}

/// `folio resolve` on a real terminal (a pseudo-terminal driving the built binary): the
/// prompt, its answers, and the editor.
@Suite(.serialized) struct ResolveTerminalEndToEndTests {
  @Test func walkAsksAgainShowsDiffsSkipsAndPicks() throws {
    let pair = try ConflictedPair(colors: true)
    let before = try pair.conflicts()
    #expect(before.count == 2)
    let terminal = try PseudoTerminal(
      Binaries.folio, ["--store", pair.alice.store, "resolve", "--color", "never"],
      environment: [:])
    try terminal.expect("(1/2) ")
    let firstID = try terminal.expect("  ").trimmingCharacters(in: .whitespaces)
    try terminal.expect("Keep which? [1-2]")
    terminal.type("7")
    try terminal.expect("'7' is not an answer here")
    try terminal.expect("Keep which? [1-2]")
    terminal.type("maybe")
    try terminal.expect("'maybe' is not an answer here")
    try terminal.expect("Keep which? [1-2]")
    terminal.type("d")
    let diff = try terminal.expect("Keep which? [1-2]")
    #expect(diff.contains("[2]") && diff.contains("against the base") && diff.contains("[-"))
    terminal.type("s")
    try terminal.expect("(2/2) ")
    let secondID = try terminal.expect("  ").trimmingCharacters(in: .whitespaces)
    try terminal.expect("Keep which? [1-2]")
    terminal.type("2")
    try terminal.expect("Resolved \(secondID)")
    try terminal.expect("Resolved 1 conflict; 1 still open.")
    #expect(try terminal.waitForExit() == 1)

    let after = try pair.conflicts()
    #expect(after.map { $0["id"] as? String } == [firstID])
    let second = try #require(before.first { $0["id"] as? String == secondID })
    let field = try #require(second["field"] as? String)
    let kept = try #require(((second["values"] as? [[String: Any]])?[1])?["value"] as? String)
    let shown = try pair.alice.run(["show", pair.article, "--json"])
    let annotation = try #require(
      ((try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])?[
        "annotations"] as? [[String: Any]])?.first)
    #expect(annotation[field] as? String == kept)
  }

  @Test func editRefusesMarkersCancelsOnEmptyAndAsksAgain() throws {
    let pair = try ConflictedPair()
    let id = try #require(try pair.conflicts().first?["id"] as? String)
    let editor = try pair.scriptedEditor()
    let exportBefore = try pair.alice.run(["export"])
    let terminal = try PseudoTerminal(
      Binaries.folio, ["--store", pair.alice.store, "resolve", id, "--color", "never"],
      environment: ["EDITOR": editor])
    try terminal.expect("Keep which? [1-2]")
    try pair.editorWillSave("<<<<<<< alice\nhalf merged\n=======\n")
    terminal.type("e")
    try terminal.expect("still holds a conflict marker (line 1")
    try terminal.expect("Keep which? [1-2]")
    #expect(pair.editorSaw.contains("<<<<<<< "))
    #expect(pair.editorSaw.contains("||||||| base, alice (2"))
    #expect(pair.editorSaw.contains("\nThe FT calls this a PR operation\n"))
    #expect(pair.editorSaw.contains("The FT calls this a PR stunt"))
    #expect(pair.editorSaw.contains("The FT calls this a PR campaign"))
    try pair.editorWillSave("\n\n")
    terminal.type("e")
    try terminal.expect("the edited file is empty: cancelled")
    try terminal.expect("Keep which? [1-2]")
    terminal.type("q")
    try terminal.expect("nothing chosen; the conflict stays open")
    #expect(try terminal.waitForExit() == 1)
    #expect(try pair.alice.run(["export"]) == exportBefore)
    #expect(try pair.conflicts().count == 1)

    // Then an edit that keeps words of both versions settles it.
    let again = try PseudoTerminal(
      Binaries.folio, ["--store", pair.alice.store, "resolve", id, "--color", "never"],
      environment: ["EDITOR": editor])
    try again.expect("Keep which? [1-2]")
    try pair.editorWillSave("Alibaba says the FT ran a malicious PR operation\n")
    again.type("edit")
    try again.expect("Resolved \(id)")
    #expect(try again.waitForExit() == 0)
    #expect(try pair.conflicts().isEmpty)
    #expect(
      try pair.alice.run(["show", pair.article]).contains(
        "Alibaba says the FT ran a malicious PR operation"))
  }

  @Test func deleteConflictsKeepTheirRestoreOrDeleteChoice() throws {
    let pair = try ConflictedPair()
    try pair.alice.run(["resolve", "--all", "--newest"])
    try pair.send(from: pair.alice, to: pair.bob)
    try pair.alice.run(["delete", pair.highlight])
    try pair.bob.run(["edit", pair.highlight, "--note", "still matters"])
    try pair.send(from: pair.bob, to: pair.alice)
    let terminal = try PseudoTerminal(
      Binaries.folio, ["--store", pair.alice.store, "resolve", "--color", "never"],
      environment: [:])
    try terminal.expect("deleted while edited")
    try terminal.expect("r restore, x delete it")
    terminal.type("2")
    try terminal.expect("'2' is not an answer here")
    terminal.type("r")
    try terminal.expect("Resolved 1 conflict; 0 still open.")
    #expect(try terminal.waitForExit() == 0)
    #expect(try pair.alice.run(["show", pair.article]).contains("still matters"))
  }
}

/// `folio resolve --edit` and `--all` from scripts (no terminal).
@Suite(.serialized) struct ResolveScriptEndToEndTests {
  @Test func editRefusalsAndFailuresChangeNothing() throws {
    let pair = try ConflictedPair()
    let id = try #require(try pair.conflicts().first?["id"] as? String)
    let editor = try pair.scriptedEditor()
    let before = try pair.alice.run(["export"])
    let cases: [(String, [String: String], String)] = [
      ("<<<<<<< alice\nkept\n", ["EDITOR": editor], "still holds a conflict marker"),
      ("kept\n>>>>>>> bob\n", ["EDITOR": editor], "(line 2"),
      ("", ["EDITOR": editor], "cancelled"),
      ("", ["EDITOR": "false"], "exited with status 1"),
      ("", ["EDITOR": "kill -9 $$; :"], "killed (signal 9)"),
    ]
    for (saved, environment, message) in cases {
      try pair.editorWillSave(saved)
      let result = try runProcess(
        Binaries.folio, ["--store", pair.alice.store, "resolve", id, "--edit"],
        environment: environment)
      #expect(result.status != 0)
      #expect(result.errorOutput.contains(message), "\(result.errorOutput)")
      #expect(result.errorOutput.contains("the conflict stays open") || message.contains("line"))
      #expect(try pair.alice.run(["export"]) == before)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.hasPrefix("folio-resolve-") }
    #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
  }

  @Test func theEditFileIsPrivate() throws {
    let pair = try ConflictedPair()
    let id = try #require(try pair.conflicts().first?["id"] as? String)
    let script = pair.folder.path("stat.sh")
    try """
    #!/bin/sh
    stat -c '%a %n' "$1" > '\(pair.folder.path("stat.txt"))'
    echo 'agreed' > "$1"
    """.write(toFile: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    let result = try runProcess(
      Binaries.folio, ["--store", pair.alice.store, "resolve", id, "--edit"],
      environment: ["VISUAL": script])
    #expect(result.status == 0, "\(result.errorOutput)")
    let stat = try String(contentsOfFile: pair.folder.path("stat.txt"), encoding: .utf8)
    #expect(stat.hasPrefix("600 "))
    #expect(!stat.contains("folio-resolve-\(getpid())"))
    #expect(try pair.conflicts().isEmpty)
  }

  @Test func allSettlesWhatFitsAndSaysWhatItDid() throws {
    let pair = try ConflictedPair(colors: true)
    let unknown = try pair.alice.run(["resolve", "--all", "--author", "carol"])
    #expect(unknown.contains("no version by carol"))
    #expect(unknown.contains("Resolved 0 conflicts; 2 left open."))
    let output = try pair.alice.run(["resolve", "--all", "--author", "bob"])
    #expect(output.contains("kept bob's version"))
    #expect(output.contains("Resolved 2 conflicts; 0 left open."))
    let shown = try pair.alice.run(["show", pair.article, "--json"])
    #expect(shown.contains("The FT calls this a PR campaign"))
    #expect(shown.contains("\"blue\""))
    let refused = try pair.alice.attempt(["resolve", "--all", "--pick", "1"])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("--all needs a choice"))
  }
}
