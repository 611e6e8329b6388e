import ArgumentParser
import FolioServer

/// `folio-server space …`: manage spaces.
struct SpaceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "space",
    abstract: "Manage spaces (a team's shared library).",
    subcommands: [Create.self, List.self])

  /// `folio-server space create NAME`.
  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an empty space.")

    @OptionGroup var data: DataOptions

    @Argument(help: "The space's name: 1 to 64 of A-Z a-z 0-9 . _ -")
    var name: String

    func validate() throws {
      do {
        try NameRules.check(name, as: "space")
      } catch {
        throw ValidationError(error.message)
      }
    }

    func run() async throws {
      try await data.withStore { try await $0.createSpace(named: name) }
      print("created space \(name)")
    }
  }

  /// `folio-server space list`.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the spaces.")

    @OptionGroup var data: DataOptions

    func run() async throws {
      for name in try await data.withStore({ try await $0.spaceNames() }) { print(name) }
    }
  }
}
