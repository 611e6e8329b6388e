import ArgumentParser

/// The `folio` command: a local-first library of annotated articles.
public struct Folio: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "folio",
    abstract: "Annotate news articles offline; sync with your team; never lose an edit.",
    subcommands: [
      InitCommand.self, ImportCommand.self, ListCommand.self, ShowCommand.self,
      SearchCommand.self, HighlightCommand.self, NoteCommand.self, EditCommand.self,
      DeleteCommand.self, TagCommand.self, LogCommand.self, ExportCommand.self,
      ConflictsCommand.self, ResolveCommand.self, StatusCommand.self, BundleCommand.self,
      RemoteCommand.self, SyncCommand.self,
    ])

  public init() {}

  /// Moves `--store PATH` and `--json` given before the subcommand to the end, where the
  /// subcommand (which declares them) parses them: `folio --store X list` works like
  /// `folio list --store X`.
  static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      if word == "--json" || word.hasPrefix("--store=") {
        leading.append(word)
        index += 1
      } else if word == "--store", index + 1 < arguments.count {
        leading += [word, arguments[index + 1]]
        index += 2
      } else {
        break
      }
    }
    guard !leading.isEmpty else { return arguments }
    var rest = Array(arguments[index...])
    let end = rest.firstIndex(of: "--") ?? rest.endIndex
    rest.insert(contentsOf: leading, at: end)
    return rest
  }

  /// Runs `folio` with `arguments` in-process, as the executable would, returning the exit
  /// status. Output goes to `Console.current`.
  public static func run(arguments: [String]) async -> Int32 {
    do {
      var command = try parseAsRoot(hoistingGlobalOptions(arguments))
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      return 0
    } catch {
      let code = exitCode(for: error)
      if code.rawValue != 0 || !(error is ExitCode) {
        let message = fullMessage(for: error)
        if !message.isEmpty {
          if code == .success { Console.current.out(message) } else { Console.current.err(message) }
        }
      }
      return code.rawValue
    }
  }
}
