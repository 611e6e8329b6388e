import FolioModel
import Foundation
import Testing

/// A sync that brings a new version of an article says where its highlights went (issue 11,
/// point 3), on a real server.
@Suite(.serialized) struct ReanchorAfterSyncEndToEndTests {
  @Test func aPulledCorrectionReportsMovedChangedAndOrphanedHighlights() throws {
    let team = try Team(users: ["alice", "bob"])
    let original = try team.folder.write(
      "trial.json",
      """
      {"id": "7a11a11a11a11a11", "title": "Malaria trial results",
       "summary": "The trial enrolled 1,200 patients. In Nairobi, 89.9% of patients were cured. In Lima, 92.3% were cured. Side effects were mild."}
      """)
    try team["alice"].run(["import", original])
    let cured = try team["alice"].run([
      "highlight", "7a11", "--quote", "In Nairobi, 89.9% of patients were cured",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    let mild = try team["alice"].run(["highlight", "7a11", "--quote", "Side effects were mild"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])

    // Bob corrects the text: the Nairobi sentence is withdrawn, a sentence is added first.
    let corrected = try team.folder.write(
      "corrected.json",
      """
      {"id": "7a11a11a11a11a11", "title": "Malaria trial results",
       "summary": "Correction appended. The trial enrolled 1,200 patients. In Lima, 92.3% were cured. Side effects were mild."}
      """)
    try team["bob"].run(["import", corrected])
    try team["bob"].run(["sync"])

    let output = try team["alice"].run(["sync"])
    #expect(output.contains("new text: Malaria trial results"))
    #expect(output.contains("highlight \(cured.prefix(8))"), "\(output)")
    #expect(output.contains("orphaned"))
    #expect(output.contains("highlight \(mild.prefix(8))") && output.contains("moved"))

    // The JSON carries it too; a sync with nothing new reports no article.
    let again = try team["alice"].run(["sync", "--json"])
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(again.utf8))
    #expect(value.objectValue?["articles"] == .array([]))
  }

  @Test func theJSONOfASyncNamesTheArticleAndItsHighlights() throws {
    let team = try Team(users: ["alice", "bob"])
    let original = try team.folder.write(
      "a.json",
      #"{"id": "b0b0b0b0b0b0b0b0", "title": "Port strike", "summary": "Dockers walked out on Monday. Talks resume on Friday."}"#
    )
    try team["alice"].run(["import", original])
    let id = try team["alice"].run(["highlight", "b0b0", "--quote", "Talks resume on Friday"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    let edited = try team.folder.write(
      "b.json",
      #"{"id": "b0b0b0b0b0b0b0b0", "title": "Port strike", "summary": "Dockers walked out on Monday, the union said. Talks resume on Friday."}"#
    )
    try team["bob"].run(["import", edited])
    try team["bob"].run(["sync"])
    let json = try team["alice"].run(["sync", "--json"])
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    let article = try #require(value.objectValue?["articles"]?.arrayValue?.first?.objectValue)
    #expect(article["id"]?.stringValue == "b0b0b0b0b0b0b0b0")
    let highlight = try #require(article["highlights"]?.arrayValue?.first?.objectValue)
    #expect(highlight["id"]?.stringValue == id)
    #expect(highlight["change"]?.stringValue == "moved")
  }
}

/// `sync --watch` reports it too, as each pulled correction lands.
@Suite(.serialized) struct ReanchorWhileWatchingEndToEndTests {
  @Test func aWatchSaysWhereTheHighlightsOfAPulledCorrectionWent() throws {
    let team = try Team(users: ["alice", "bob"])
    let original = try team.folder.write(
      "a.json",
      #"{"id": "c0c0c0c0c0c0c0c0", "title": "Port strike", "summary": "Dockers walked out on Monday. Talks resume on Friday."}"#
    )
    try team["alice"].run(["import", original])
    let id = try team["alice"].run(["highlight", "c0c0", "--quote", "Talks resume on Friday"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    let watch = try WatchProcess(store: team["alice"].store)
    let seen = try #require(watch.waitForLine(containing: "Watching", timeout: 20)).index
    let edited = try team.folder.write(
      "b.json",
      #"{"id": "c0c0c0c0c0c0c0c0", "title": "Port strike", "summary": "Dockers walked out on Monday, the union said. Talks resume on Friday."}"#
    )
    try team["bob"].run(["import", edited])
    try team["bob"].run(["sync"])
    let line = watch.waitForLine(containing: "highlight \(id.prefix(8))", after: seen, timeout: 20)
    #expect(line != nil, "the watch did not report the highlight; \(watch.errorOutput)")
  }
}

extension TestFolder {
  /// Writes a file into the folder; returns its path.
  func write(_ name: String, _ text: String) throws -> String {
    let target = path(name)
    try text.write(toFile: target, atomically: true, encoding: .utf8)
    return target
  }
}
