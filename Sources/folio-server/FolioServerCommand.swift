import ArgumentParser
import FolioServer

/// `folio-server`: the Folio sync server and its administration commands.
@main
struct FolioServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "folio-server",
    abstract: "The Folio sync server.",
    version: ServerVersion.current,
    subcommands: [ServeCommand.self, SpaceCommand.self, TokenCommand.self])
}
