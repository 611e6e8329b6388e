import Foundation
import Testing

@testable import FolioCLI

/// A note is credited to whoever wrote its current text, not to the highlight's creator.
@Suite struct NoteCreditTests {
  @Test func aNoteEditedOrSettledBySomeoneElseIsTheirs() async throws {
    let pair = try await TwoReplicas()
    let article = String(
      try await pair.a(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try await pair.a([
      "highlight", article, "--quote", "malicious PR operation", "--note", "alice's first take",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    let own = try await pair.a(["show", article, "--json"])
    #expect(own.contains("\"noteAuthors\" : [\n        \"alice\""))
    #expect(!(try await pair.a(["show", article, "--color", "never"])).contains("note by"))
    #expect(!(try await pair.a(["export", "--format", "markdown"])).contains("Note by"))
    try await pair.send(from: "a", to: "b")

    try await pair.b(["edit", highlight, "--note", "bob rewrote it"])
    let shown = try await pair.b(["show", article, "--color", "never"])
    #expect(shown.contains("alice, "))
    #expect(shown.contains("note by bob"))
    let json = try #require(
      try JSONSerialization.jsonObject(
        with: Data(try await pair.b(["show", article, "--json"]).utf8))
        as? [String: Any])
    let annotation = try #require((json["annotations"] as? [[String: Any]])?.first)
    #expect(annotation["author"] as? String == "alice")
    #expect(annotation["noteAuthors"] as? [String] == ["bob"])
    let markdown = try await pair.b(["export", "--format", "markdown"])
    #expect(markdown.contains("- Note: bob rewrote it\n- Note by: bob"))
    #expect(markdown.contains("- By alice, "))
    let w3c = try await pair.b(["export", "--format", "w3c"])
    #expect(w3c.contains("\"creator\": {\n              \"name\": \"bob\""))
    let exported = try await pair.b(["export"])
    #expect(exported.contains("\"noteAuthors\" : [\n            \"bob\""))

    // Concurrent versions are both credited; settling them credits whoever settled.
    try await pair.send(from: "b", to: "a")
    try await pair.a(["edit", highlight, "--note", "alice answers"])
    try await pair.b(["edit", highlight, "--note", "bob answers"])
    try await pair.exchange()
    let during = try await pair.a(["show", article, "--json"])
    #expect(during.contains("\"bob\"") && during.contains("\"alice\""))
    let id = try #require(
      (try JSONSerialization.jsonObject(with: Data(try await pair.b(["conflicts", "--json"]).utf8))
        as? [[String: Any]])?.first?["id"] as? String)
    try await pair.b(["resolve", id, "--author", "alice"])
    try await pair.exchange()
    for store in ["a.sqlite", "b.sqlite"] {
      let settled = try await pair.workspace.succeed(
        ["show", article, "--color", "never"], store: store)
      #expect(settled.contains("alice answers"))
      #expect(settled.contains("note by bob"))
    }
  }
}
