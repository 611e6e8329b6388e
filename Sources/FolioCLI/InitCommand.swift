import ArgumentParser
import FolioReplica
import Foundation

struct InitCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create an empty replica.",
    discussion: """
      Examples:
        folio init --author alice
        folio --store ~/work/folio.sqlite init --author alice
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Option(help: "Your name, written into every change you make (default: $USER).")
  var author: String?

  func run() async throws {
    let path = global.storePath
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
    }
    let name = author ?? ProcessInfo.processInfo.environment["USER"] ?? "anonymous"
    let replica = try Replica.create(at: path, author: name)
    if global.json {
      try JSONOutput.print(["store": path, "site": replica.site.rawValue, "author": replica.author])
      return
    }
    Console.current.out(
      "Initialized an empty Folio replica at \(path) (author \(replica.author), site \(replica.site.short))"
    )
  }
}
