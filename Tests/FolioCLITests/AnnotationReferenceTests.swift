import Foundation
import Testing

@testable import FolioCLI

@Suite struct AnnotationReferenceTests {
  /// A replica with two highlights and a note on the fixture article.
  func annotated() async throws -> (CLIWorkspace, String, [String]) {
    let (workspace, article) = try await workspaceWithFixture()
    var ids: [String] = []
    for quote in ["malicious PR operation", "zero-day"] {
      ids.append(
        try await workspace.succeed([
          "highlight", article, "--quote", quote, "--section", "summary",
        ]).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    ids.append(
      try await workspace.succeed(["note", article, "Check the memo"])
        .trimmingCharacters(in: .whitespacesAndNewlines))
    return (workspace, article, ids)
  }

  @Test func numbersShownByShowNameAnnotations() async throws {
    let (workspace, article, ids) = try await annotated()
    let json = try await workspace.succeed(["show", article, "--json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let annotations = try #require(object["annotations"] as? [[String: Any]])
    for annotation in annotations {
      let number = try #require(annotation["number"] as? Int)
      let id = try #require(annotation["id"] as? String)
      let shown = try await workspace.succeed(["show", article])
      #expect(shown.contains("[\(number)]"))
      let edited = try await workspace.succeed([
        "edit", "\(article.prefix(6))#\(number)", "--note", "edited \(number)", "--json",
      ])
      #expect(edited.contains("\"id\" : \"\(id)\""))
    }
    #expect(Set(annotations.compactMap { $0["id"] as? String }) == Set(ids))
  }

  @Test func referencesWorkInTagLogAndDelete() async throws {
    let (workspace, article, ids) = try await annotated()
    try await workspace.succeed(["tag", "\(article.prefix(6))#2", "+claims"])
    let log = try await workspace.succeed(["log", "\(article.prefix(6))#2", "--json"])
    #expect(log.contains(ids[1]))
    #expect(!log.contains(ids[0]))
    try await workspace.succeed(["delete", "\(article.prefix(6))#1"])
    let remaining = try await workspace.succeed(["show", article, "--json"])
    #expect(!remaining.contains(ids[0]))
  }

  @Test func badReferencesAreClearErrors() async throws {
    let (workspace, article, _) = try await annotated()
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let tooBig = await workspace.run(["edit", "\(article.prefix(6))#9", "--note", "x"])
    #expect(tooBig.status != 0)
    #expect(tooBig.errorOutput.contains("no annotation [9]"))
    #expect(tooBig.errorOutput.contains("[1] to [3]"))
    let garbled = await workspace.run(["delete", "\(article.prefix(6))#two"])
    #expect(garbled.status != 0)
    #expect(garbled.errorOutput.contains("ARTICLE#N"))
    let unknown = await workspace.run(["delete", "ffff#1"])
    #expect(unknown.status != 0)
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
  }
}
