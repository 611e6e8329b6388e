import ArgumentParser
import Testing

@testable import FolioCLI

@Suite struct HelpAndVersionTests {
  @Test func versionIsPrinted() async throws {
    let workspace = try CLIWorkspace()
    let result = await workspace.run(["--version"])
    #expect(result.status == 0)
    #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == FolioVersion.current)
  }

  /// Every command, leaf and group, with the words that run it.
  static func commands(
    _ type: any ParsableCommand.Type = Folio.self, path: [String] = []
  ) -> [([String], any ParsableCommand.Type)] {
    let subcommands = type.configuration.subcommands
    let here = [(path, type)]
    return here
      + subcommands.flatMap {
        commands($0, path: path + [$0.configuration.commandName ?? ""])
      }
  }

  @Test func everyCommandsHelpHasExamples() async throws {
    let workspace = try CLIWorkspace()
    let all = Self.commands()
    #expect(all.count > 20)
    for (path, _) in all {
      let result = await workspace.run(path + ["--help"])
      #expect(result.status == 0)
      #expect(
        result.output.contains("Example"), "folio \(path.joined(separator: " ")) --help has none")
      #expect(result.output.contains("folio "), "folio \(path.joined(separator: " "))")
    }
  }

  @Test func globalOptionsWorkBeforeTheCommand() {
    #expect(
      Folio.hoistingGlobalOptions(["--color", "never", "--no-pager", "--json", "show", "x"])
        == ["show", "x", "--color", "never", "--no-pager", "--json"])
    #expect(
      Folio.hoistingGlobalOptions(["--color=always", "log", "--", "x"])
        == ["log", "--color=always", "--", "x"])
    // highlight's --color is the highlight's colour: an output colour before it is dropped.
    #expect(
      Folio.hoistingGlobalOptions([
        "--color", "never", "--json", "highlight", "x", "--color", "red",
      ])
        == ["highlight", "x", "--color", "red", "--json"])
  }

  @Test func aSubcommandParsesItsArgumentsAloneAndLeavesTheRestToTheTree() async throws {
    let list = try #require(Folio.parsedDirectly(["list", "--limit", "5"]) as? ListCommand)
    #expect(list.limit == 5)
    let nested = Folio.parsedDirectly(["bundle", "vector", "out.vector"])
    #expect(nested.map { String(describing: type(of: $0)) }?.contains("Vector") == true)
    // Help, a version request, an unknown command or a usage error go to the whole tree,
    // whose messages name `folio`.
    for arguments in [
      ["list", "--help"], ["list", "--version"], ["nosuch"], ["list", "--bogus"],
    ] {
      #expect(Folio.parsedDirectly(arguments) == nil, "\(arguments)")
    }
    let workspace = try CLIWorkspace()
    let result = await workspace.run(["list", "--bogus"])
    #expect(result.status == 64)
    #expect(result.errorOutput.contains("folio list"))
  }
}
