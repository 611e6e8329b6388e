import Foundation
import Testing

@testable import FolioCLI

@Suite struct OutputStyleTests {
  @Test func autoColoursATerminalUnlessNoColorOrDumb() {
    #expect(ColorChoice.auto.useColor(isTerminal: true, environment: [:]))
    #expect(!ColorChoice.auto.useColor(isTerminal: false, environment: [:]))
    #expect(!ColorChoice.auto.useColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
    #expect(ColorChoice.auto.useColor(isTerminal: true, environment: ["NO_COLOR": ""]))
    #expect(!ColorChoice.auto.useColor(isTerminal: true, environment: ["TERM": "dumb"]))
    #expect(ColorChoice.always.useColor(isTerminal: false, environment: ["NO_COLOR": "1"]))
    #expect(!ColorChoice.never.useColor(isTerminal: true, environment: [:]))
  }

  @Test func colorOptionDecidesEscapeCodes() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation", "--color", "Green",
    ])
    let always = try await workspace.succeed(["--color", "always", "show", article])
    #expect(always.contains("\u{1B}["))
    #expect(!always.contains("[malicious PR operation]"))
    let never = await workspace.run(
      ["show", article, "--color", "never"], console: .capturing(isTerminal: true))
    #expect(!never.output.contains("\u{1B}"))
    #expect(never.output.contains("[malicious PR operation][1]"))
    let bad = await workspace.run(["show", article, "--color", "sometimes"])
    #expect(bad.status != 0)
  }

  @Test func unknownHighlightColoursAreRefusedWithTheList() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let refused = await workspace.run([
      "highlight", article, "--quote", "malicious PR operation", "--color", "chartreuse",
    ])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("unknown colour 'chartreuse'"))
    #expect(refused.errorOutput.contains(HighlightColor.names))
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
    let json = try await workspace.succeed([
      "highlight", article, "--quote", "malicious PR operation", "--color", "PINK", "--json",
    ])
    #expect(json.contains("\"color\" : \"pink\""))
    let edit = await workspace.run(["edit", "\(article)#1", "--color", "chartreuse"])
    #expect(edit.status != 0)
    #expect(edit.errorOutput.contains("yellow, green"))
  }

  @Test func showWrapsToTheWidthWithoutSplittingWords() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "note", article, String(repeating: "analysts disagree about sourcing ", count: 8),
    ])
    let narrow = await workspace.run(
      ["show", article, "--color", "never"], console: .capturing(isTerminal: true, width: 40))
    let lines = narrow.output.split(separator: "\n").map(String.init)
    let longWords = lines.flatMap { $0.split(separator: " ") }.filter { $0.count > 40 }
    #expect(
      lines.allSatisfy { $0.count <= 40 || !$0.trimmingCharacters(in: .whitespaces).contains(" ") })
    #expect(longWords.isEmpty)
    // The words of the text are all there, whole, in order.
    let unwrapped = try await workspace.succeed(["show", article])
    #expect(
      narrow.output.split(whereSeparator: \.isWhitespace)
        == unwrapped.split(whereSeparator: \.isWhitespace))
    #expect(unwrapped.split(separator: "\n").contains { $0.count > 40 })
  }

  @Test func textFromOthersReachesTheTerminalSanitized() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    try await workspace.succeed([
      "note", article, "looks fine\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J",
    ])
    try await workspace.succeed(["tag", article, "+evil\u{1B}[8m"])
    for command in [["show", article], ["list"], ["log", article], ["search", "fine"]] {
      let output = try await workspace.succeed(command + ["--color", "never"])
      #expect(!output.contains("\u{1B}"), "\(command.joined(separator: " "))")
      #expect(!output.contains("\u{07}"))
    }
    let exported = await workspace.run(
      ["export", "--format", "markdown"], console: .capturing(isTerminal: true))
    #expect(exported.output.contains("looks fine"))
    #expect(!exported.output.contains("\u{1B}"))
    // JSON keeps the text as written (escaped by the JSON encoder).
    let json = try await workspace.succeed(["show", article, "--json"])
    #expect(json.lowercased().contains("\\u001b]52"))
  }
}
