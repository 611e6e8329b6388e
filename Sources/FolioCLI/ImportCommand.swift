import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import articles (text format, Markdown or JSON); prints their ids.",
    discussion: """
      All files are imported in one transaction: if one is bad, none is imported.

      Examples:
        folio import article.txt notes.md
        curl -s https://example.org/article.json | folio import -
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Files to import, or - for standard input.")
  var files: [String]

  static let maximumFileBytes = 64 * 1024 * 1024

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file, or - for standard input") }
  }

  func run() async throws {
    let replica = try global.openReplica()
    var articles: [Article] = []
    for file in files {
      let bytes = try Self.read(file)
      do {
        articles += try ArticleParser.parse(bytes)
      } catch {
        throw CLIError(
          "\(file == "-" ? "standard input" : file): \(error.reason); nothing was imported")
      }
    }
    let outcomes = try replica.importArticles(articles)
    if global.json {
      try JSONOutput.print(
        outcomes.map { ["id": $0.id, "title": $0.title, "status": $0.status.rawValue] })
    } else {
      for outcome in outcomes {
        Console.current.out(
          "\(outcome.id)  \(outcome.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(outcome.title.sanitizedLine)"
        )
      }
    }
  }

  static func read(_ file: String) throws -> [UInt8] {
    if file == "-" {
      return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      throw CLIError("\(file): no such file; nothing was imported")
    }
    guard !isDirectory.boolValue else {
      throw CLIError("\(file): is a folder, not a file; nothing was imported")
    }
    guard let handle = FileHandle(forReadingAtPath: file) else {
      throw CLIError("\(file): cannot be read (permission denied?); nothing was imported")
    }
    defer { try? handle.close() }
    let data = (try? handle.read(upToCount: maximumFileBytes + 1)) ?? Data()
    guard data.count <= maximumFileBytes else {
      throw CLIError("\(file): larger than 64 MiB; nothing was imported")
    }
    return [UInt8](data)
  }
}
