import Foundation
import Testing

@testable import FolioCLI

@Suite struct TagCommandTests {
  @Test func removingAnAbsentTagSaysSoAndTheRestApplies() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    // The README's own example, on a new article that has no 'draft' tag.
    let output = try await workspace.succeed([
      "tag", String(article.prefix(4)), "+china", "+alibaba", "-draft",
    ])
    #expect(output.contains("'draft' was not a tag of article \(article.prefix(8))"))
    #expect(output.contains("#china"))
    let json = try await workspace.succeed(["show", article, "--json"])
    #expect(json.contains("\"alibaba\""))
    #expect(json.contains("\"china\""))
  }

  @Test func tagsCompareWithoutCaseAndKeepTheFirstSpelling() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed(["tag", article, "+China"])
    let again = try await workspace.succeed(["tag", article, "+#china", "--json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(again.utf8)) as? [String: Any])
    #expect(object["tags"] as? [String] == ["China"])
    #expect(object["added"] as? [String] == ["China"])
    try await workspace.succeed(["tag", article, "-CHINA"])
    let shown = try await workspace.succeed(["show", article, "--json"])
    #expect(!shown.lowercased().contains("\"china\""))
  }

  @Test func theLogNamesTheRemovedTag() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed(["tag", article, "+security"])
    try await workspace.succeed(["tag", article, "-security"])
    let log = try await workspace.succeed(["log", article])
    #expect(log.contains("untagged article \(article.prefix(8)) #security"))
    #expect(log.contains("tagged article \(article.prefix(8)) #security"))
  }
}
