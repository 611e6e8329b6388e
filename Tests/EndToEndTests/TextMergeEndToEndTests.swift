import Foundation
import Testing

/// Concurrent text edits over a real server: disjoint ones merge everywhere with no
/// conflict, overlapping ones give one conflict everywhere.
@Suite(.serialized) struct TextMergeEndToEndTests {
  static let note = "The claim is unverified. The FT could not confirm its source."

  @Test func disjointEditsMergeEverywhereAndOverlappingOnesConflict() throws {
    let team = try Team(users: ["alice", "bob", "carol"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation", "--note", Self.note,
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    try team["carol"].run(["sync"])

    // Offline, Alice and Bob each edit another sentence of the note and another sentence
    // of the summary (by importing the article with an edited summary).
    try team["alice"].run([
      "edit", highlight, "--note", "The claim is unproven. The FT could not confirm its source.",
    ])
    try team["bob"].run([
      "edit", highlight, "--note", "The claim is unverified. The FT could not confirm any source.",
    ])
    let original = try String(contentsOfFile: Fixture.articlePath, encoding: .utf8)
    let aliceCopy = team.folder.path("alice-article.txt")
    let bobCopy = team.folder.path("bob-article.txt")
    try original.replacingOccurrences(
      of: "Holding on Saturday denied", with: "Holding on Saturday rejected"
    )
    .write(toFile: aliceCopy, atomically: true, encoding: .utf8)
    try original.replacingOccurrences(
      of: "could not verify", with: "could not independently verify"
    )
    .write(toFile: bobCopy, atomically: true, encoding: .utf8)
    #expect(try team["alice"].run(["import", aliceCopy]).contains("updated"))
    #expect(try team["bob"].run(["import", bobCopy]).contains("updated"))
    try syncEveryone(team)

    var shown: [String] = []
    for user in ["alice", "bob", "carol"] {
      #expect(try team[user].attempt(["conflicts", "--exit-code"]).status == 0, "\(user)")
      let text = try team[user].run(["show", article, "--json"])
      #expect(
        text.contains("The claim is unproven. The FT could not confirm any source."), "\(user)")
      #expect(text.contains("Holding on Saturday rejected"), "\(user)")
      #expect(text.contains("could not independently verify"), "\(user)")
      shown.append(try team[user].run(["export"]))
    }
    #expect(Set(shown).count == 1, "the three replicas export different libraries")

    // Now both change the same word: the edits overlap, one conflict on every replica.
    try team["alice"].run([
      "edit", highlight, "--note", "The claim is false. The FT could not confirm any source.",
    ])
    try team["bob"].run([
      "edit", highlight, "--note", "The claim is doubtful. The FT could not confirm any source.",
    ])
    try syncEveryone(team)
    var ids: Set<String> = []
    for user in ["alice", "bob", "carol"] {
      let listed = try team[user].run(["conflicts", "--json"])
      let conflicts = try #require(
        try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
      #expect(conflicts.count == 1, "\(user): \(listed)")
      ids.formUnion(conflicts.compactMap { $0["id"] as? String })
      #expect(listed.contains("The claim is false.") && listed.contains("The claim is doubtful."))
    }
    #expect(ids.count == 1, "the replicas list different conflicts: \(ids)")
  }

  private func syncEveryone(_ team: Team) throws {
    for user in ["alice", "bob", "carol", "alice", "bob"] { try team[user].run(["sync"]) }
  }
}
