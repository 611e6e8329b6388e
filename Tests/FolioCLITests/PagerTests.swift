import Foundation
import Testing

@testable import FolioCLI

@Suite struct PagerTests {
  @Test func pagerIsChosenAsGitDoes() {
    let terminal = { (environment: [String: String]) in
      Pager.command(environment: environment, isTerminal: true, disabled: false)
    }
    #expect(terminal([:]) == "less -FRX")
    #expect(terminal(["PAGER": "more"]) == "more")
    #expect(terminal(["PAGER": "more", "FOLIO_PAGER": "most -s"]) == "most -s")
    #expect(terminal(["FOLIO_PAGER": ""]) == nil)
    #expect(terminal(["PAGER": "cat"]) == nil)
    #expect(Pager.command(environment: [:], isTerminal: false, disabled: false) == nil)
    #expect(Pager.command(environment: [:], isTerminal: true, disabled: true) == nil)
  }

  @Test func thePagerReceivesTheText() throws {
    let workspace = try CLIWorkspace()
    let target = workspace.path("paged.txt")
    let text = (1...500).map { "line \($0)" }.joined(separator: "\n")
    #expect(Pager.run("cat > '\(target)'", text: text))
    #expect(try String(contentsOfFile: target, encoding: .utf8) == text)
  }

  @Test func aMissingPagerIsReportedSoTheTextIsPrintedInstead() {
    #expect(!Pager.run("no-such-pager-\(UUID().uuidString)", text: "hello"))
  }

  @Test func capturedOutputIsNeverPaged() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    // A capturing console that claims to be a terminal still prints directly.
    let shown = await workspace.run(["show", article], console: .capturing(isTerminal: true))
    #expect(shown.output.contains("Alibaba"))
  }
}
