import FolioModel
import Foundation
import Testing

@testable import FolioCLI

/// `search`: phrases, prefixes, unsegmented scripts, --limit, filters, plain snippets
/// (issue 10, problem 2).
@Suite struct SearchCommandTests {
  /// 30 articles on tariffs (half tagged china), one in Chinese, and an annotation by bob.
  func library() async throws -> CLIWorkspace {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    var articles: [String] = []
    for index in 0..<30 {
      let deal = index.isMultiple(of: 2) ? "The deal done on Friday." : "It is not a done deal."
      articles.append(
        """
        {"title": "Tariff news \(index)", "summary": "Steel tariffs rose. \(deal)",
         "background": "Subsidies and a subsidy were discussed.",
         "tags": ["\(index.isMultiple(of: 2) ? "China" : "eu")"]}
        """)
    }
    articles.append(#"{"title": "小米汽车发布", "summary": "小米汽车今天发布了新车型SU7。"}"#)
    let file = try workspace.write("library.json", "[" + articles.joined(separator: ",") + "]")
    try await workspace.succeed(["import", file])
    return workspace
  }

  func hits(_ output: String) throws -> [JSONValue] {
    try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8)).arrayValue ?? []
  }

  @Test func limitCountsTheRest() async throws {
    let workspace = try await library()
    let shown = try await workspace.succeed(["search", "tariff"])
    #expect(shown.contains("10 more (use --limit 30 to see them all)"))
    let all = try hits(
      try await workspace.succeed(["search", "tariff", "--limit", "100", "--json"]))
    #expect(all.count == 30)
    let result = await workspace.run(["search", "tariff", "--limit", "0"])
    #expect(result.status != 0)
  }

  @Test func prefixesFindLongerForms() async throws {
    let workspace = try await library()
    for query in ["subsid", "subsid*", "subsidy tarif"] {
      let found = try hits(
        try await workspace.succeed(["search", query, "--limit", "100", "--json"]))
      #expect(found.count == 30, "\(query)")
    }
  }

  @Test func quotedWordsAreAPhrase() async throws {
    let workspace = try await library()
    let found = try hits(
      try await workspace.succeed(["search", "\"deal done\"", "--limit", "100", "--json"]))
    #expect(found.count == 15)
    #expect(
      found.allSatisfy { $0.objectValue?["snippet"]?.stringValue?.contains("deal done") == true })
  }

  @Test func unsegmentedTextMatchesInsideWords() async throws {
    let workspace = try await library()
    for query in ["小米", "汽车", "小米 su7"] {
      let found = try hits(try await workspace.succeed(["search", query, "--json"]))
      #expect(found.count == 1, "\(query)")
    }
    #expect(try hits(try await workspace.succeed(["search", "小米 tariff", "--json"])).isEmpty)
  }

  @Test func unsegmentedHitsAreRankedByHowOftenTheyMatch() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let file = try workspace.write(
      "cjk.json",
      #"[{"title": "A 汽油", "summary": "今天发布了新车型。"},"#
        + #"{"title": "B 小米", "summary": "小米汽车发布。小米说新车很好。"}]"#)
    try await workspace.succeed(["import", file])
    let found = try hits(try await workspace.succeed(["search", "小米", "--json"]))
    #expect(found.count == 1)
    let both = try hits(try await workspace.succeed(["search", "车", "--json"]))
    // "B" says 车 twice, A once in a text about as long: B comes first, though A sorts first
    // by title.
    let titles = both.compactMap { $0.objectValue?["article"]?.objectValue?["title"]?.stringValue }
    #expect(titles == ["B 小米", "A 汽油"])
  }

  @Test func snippetsArePlainWithOffsets() async throws {
    let workspace = try await library()
    let found = try hits(try await workspace.succeed(["search", "subsidy", "--json"]))
    let first = try #require(found.first?.objectValue)
    let snippet = try #require(first["snippet"]?.stringValue)
    #expect(!snippet.contains("«") && !snippet.contains("\u{E000}"))
    let match = try #require(first["matches"]?.arrayValue?.first?.objectValue)
    let scalars = Array(snippet.unicodeScalars)
    let start = try #require(match["start"]?.intValue)
    let end = try #require(match["end"]?.intValue)
    var matched = ""
    matched.unicodeScalars.append(contentsOf: scalars[start..<end])
    #expect(matched.lowercased().hasPrefix("subsid"))
  }

  @Test func filtersByTagAuthorAndKind() async throws {
    let workspace = try await library()
    let tagged = try hits(
      try await workspace.succeed([
        "search", "tariff", "--tag", "china", "--limit", "100", "--json",
      ]))
    #expect(tagged.count == 15)
    let listed = try await workspace.succeed(["list", "--json"])
    let article = try #require(
      try hits(listed).first { $0.objectValue?["title"]?.stringValue == "Tariff news 1" }?
        .objectValue?["id"]?.stringValue)
    try await workspace.succeed([
      "highlight", article, "--quote", "Steel tariffs", "--note", "tariff!",
    ])
    let annotations = try hits(
      try await workspace.succeed(["search", "tariff", "--only", "annotations", "--json"]))
    #expect(annotations.count == 1)
    #expect(annotations.first?.objectValue?["annotation"]?.objectValue != nil)
    #expect(
      try hits(
        try await workspace.succeed(["search", "tariff", "--author", "bob", "--json"])
      ).isEmpty)
    #expect(
      try hits(
        try await workspace.succeed(["search", "tariff", "--author", "alice", "--json"])
      ).count == 1)
    let articlesOnly = try hits(
      try await workspace.succeed([
        "search", "tariff", "--only", "articles", "--limit", "100", "--json",
      ]))
    #expect(articlesOnly.count == 30)
  }
}
