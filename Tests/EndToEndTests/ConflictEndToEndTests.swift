import Foundation
import Testing

/// Conflicts across a real `folio-server` and three replicas: made by overlapping edits,
/// settled in one marked file by a scripted editor, and the resolution synced everywhere.
@Suite(.serialized) struct ConflictEndToEndTests {
  static let users = ["alice", "bob", "carol"]

  func syncAll(_ team: Team) throws {
    for user in Self.users + ["alice", "bob"] { try team[user].run(["sync"]) }
  }

  func note(in team: Team, _ user: String, article: String) throws -> [String: Any] {
    let shown = try team[user].run(["show", article, "--json"])
    let json = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any]
    return try #require((json?["annotations"] as? [[String: Any]])?.first)
  }

  @Test func overlappingEditsAreSettledInOneMarkedFileAndSyncEverywhere() throws {
    let team = try Team(users: Self.users)
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation", "--note",
      "The FT calls this a PR operation",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try syncAll(team)

    // All three rewrite the same word, offline.
    let versions = [
      "alice": "The FT calls this a PR stunt",
      "bob": "The FT calls this a PR campaign",
      "carol": "The FT calls this a PR smear",
    ]
    for user in Self.users {
      try team[user].run(["edit", highlight, "--note", versions[user] ?? ""])
    }
    try syncAll(team)

    let listed = try team["carol"].run(["conflicts", "--json"])
    let conflicts = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]]
    #expect(conflicts?.count == 1)
    let conflict = try #require(conflicts?.first)
    let id = try #require(conflict["id"] as? String)
    #expect((conflict["values"] as? [Any])?.count == 3)
    #expect(try team["alice"].run(["conflicts", "--json"]) == listed)
    #expect(try team["bob"].run(["conflicts", "--json"]) == listed)

    // Carol's editor sees every version between markers and writes the agreed text.
    let seen = team.folder.path("seen.txt")
    let editor = team.folder.path("editor.sh")
    try """
    #!/bin/sh
    cp "$1" '\(seen)'
    printf 'The FT calls this a PR stunt, a smear campaign\\n' > "$1"
    """.write(toFile: editor, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
    let result = try runProcess(
      Binaries.folio, ["--store", team["carol"].store, "resolve", id, "--edit"],
      environment: ["EDITOR": editor])
    #expect(result.status == 0, "\(result.errorOutput)")
    #expect(result.output.contains("Resolved \(id)"))
    let file = try String(contentsOfFile: seen, encoding: .utf8)
    let lines = file.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("<<<<<<< ") == true)
    #expect(lines.last?.hasPrefix(">>>>>>> ") == true)
    #expect(lines.filter { $0.hasPrefix("=======") }.count == 2)
    #expect(lines.contains { $0.hasPrefix("||||||| base, alice (") })
    #expect(lines.contains("The FT calls this a PR operation"))
    for user in Self.users {
      #expect(lines.contains(versions[user] ?? ""), "\(user)'s version is missing:\n\(file)")
      #expect(
        lines.contains {
          $0.hasPrefix("<<<<<<< \(user) (") || $0.hasPrefix("======= \(user) (")
            || $0.hasPrefix(">>>>>>> \(user) (")
        })
    }

    try syncAll(team)
    for user in Self.users {
      #expect(try team[user].run(["conflicts"]).contains("No conflicts."))
      let settled = try note(in: team, user, article: article)
      #expect(settled["note"] as? String == "The FT calls this a PR stunt, a smear campaign")
      #expect(settled["author"] as? String == "alice")
      #expect(settled["noteAuthors"] as? [String] == ["carol"])
      #expect(try team[user].run(["log", highlight]).contains("carol  set note of annotation"))
    }
    #expect(Set(try Self.users.map { try team[$0].run(["export"]) }).count == 1)
  }

  @Test func disjointEditsOfANoteAndASummaryMergeWithNoConflict() throws {
    let team = try Team(users: Self.users)
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation", "--note",
      "The FT calls this a PR operation. Analysts expect 70% of readers to agree.",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try syncAll(team)

    // Alice and Bob fix different sentences of the note; Bob and Carol different sentences
    // of the summary (by importing their corrected copies of the article).
    try team["alice"].run([
      "edit", highlight, "--note",
      "The FT calls this a malicious PR operation. Analysts expect 70% of readers to agree.",
    ])
    try team["bob"].run([
      "edit", highlight, "--note",
      "The FT calls this a PR operation. Analysts expect 60% of readers to agree, as expected.",
    ])
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    for (user, from, to) in [
      ("bob", "on Saturday denied", "on Sunday denied"),
      ("carol", "the motivation behind", "the motive behind"),
    ] {
      let copy = team.folder.path("\(user).txt")
      try original.replacingOccurrences(of: from, with: to)
        .write(toFile: copy, atomically: true, encoding: .utf8)
      try team[user].run(["import", copy])
    }
    try syncAll(team)

    for user in Self.users {
      #expect(try team[user].run(["conflicts"]).contains("No conflicts."))
      let annotation = try note(in: team, user, article: article)
      #expect(
        annotation["note"] as? String
          == "The FT calls this a malicious PR operation. Analysts expect 60% of readers to agree, as expected."
      )
      let shown = try team[user].run(["show", article, "--json"])
      let summary =
        (try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])?["summary"]
        as? String ?? ""
      #expect(summary.contains("on Sunday denied") && summary.contains("the motive behind"))
      let merges = try team[user].run(["conflicts", "--merged", "--json"])
      let listed = try JSONSerialization.jsonObject(with: Data(merges.utf8)) as? [[String: Any]]
      #expect(Set(listed?.compactMap { $0["field"] as? String } ?? []) == ["note", "summary"])
      #expect(try team[user].run(["log", highlight]).contains("merged automatically with"))
    }
    #expect(Set(try Self.users.map { try team[$0].run(["export"]) }).count == 1)
  }
}
