import ArgumentParser
import FolioSQLite

/// The `folio` command: a local-first library of annotated articles.
public struct Folio: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "folio",
    abstract: "Annotate news articles offline; sync with your team; never lose an edit.",
    discussion: """
      Global options (before or after the command): --store PATH, --json, --color WHEN,
      --no-pager. Ids may be given as any unique prefix, like git; an annotation also as
      ARTICLE#N, the number 'folio show' prints beside it.

      Examples:
        folio init --author alice
        folio import article.txt
        folio show 50c4
        folio highlight 50c4 --quote "malicious PR operation" --color green
        folio tag 50c4#1 +claims
        folio --generate-completion-script bash > /etc/bash_completion.d/folio
      """,
    version: FolioVersion.current,
    subcommands: [
      InitCommand.self, ImportCommand.self, ListCommand.self, ShowCommand.self,
      SearchCommand.self, HighlightCommand.self, NoteCommand.self, EditCommand.self,
      DeleteCommand.self, RestoreCommand.self, TagCommand.self, AnnotationsCommand.self,
      LogCommand.self, ExportCommand.self,
      ConflictsCommand.self, ResolveCommand.self, StatusCommand.self, BundleCommand.self,
      RemoteCommand.self, SyncCommand.self, RekeyCommand.self,
    ])

  public init() {}

  /// Options every command takes, and whether each is followed by a value.
  static let globalOptions = [
    "--store": true, "--color": true, "--json": false, "--no-pager": false,
  ]

  /// Moves the global options (`--store PATH`, `--json`, `--color WHEN`, `--no-pager`) given
  /// before the subcommand to the end, where the subcommand (which declares them) parses
  /// them: `folio --store X list` works like `folio list --store X`.
  static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
      let word = arguments[index]
      let name = String(word.prefix { $0 != "=" })
      guard let takesValue = globalOptions[name] else { break }
      if takesValue && name == word {
        guard index + 1 < arguments.count else { break }
        leading += [word, arguments[index + 1]]
        index += 2
      } else {
        leading.append(word)
        index += 1
      }
    }
    // `highlight` and `edit` have no output colour: their --color is the highlight's.
    if index < arguments.count, ["highlight", "edit"].contains(arguments[index]) {
      leading = dropping("--color", from: leading)
    }
    guard !leading.isEmpty else { return arguments }
    var rest = Array(arguments[index...])
    let end = rest.firstIndex(of: "--") ?? rest.endIndex
    rest.insert(contentsOf: leading, at: end)
    return rest
  }

  /// An error message with a hint where SQLite's own words would puzzle a user.
  static func explained(_ message: String) -> String {
    guard message.contains("database is locked") else { return message }
    return message
      + " (another folio command kept the replica busy for over a minute; try again once it has finished)"
  }

  /// `options` without `name` and its value.
  private static func dropping(_ name: String, from options: [String]) -> [String] {
    var kept: [String] = []
    var index = 0
    while index < options.count {
      if options[index] == name {
        index += 2
      } else if options[index].hasPrefix(name + "=") {
        index += 1
      } else {
        kept.append(options[index])
        index += 1
      }
    }
    return kept
  }

  /// `arguments` parsed by their subcommand alone, or nil when that does not work out (no
  /// such subcommand, `--help`, `--version`, a usage error): the whole tree then parses
  /// them again, so help and error messages name `folio` and every command as before.
  ///
  /// swift-argument-parser parses by reflecting over every command of the tree before it
  /// looks at the arguments (its completion-script check alone walks all of them): about
  /// 5 ms of a 28 ms `folio list`, measured with perf. Parsing with the one subcommand
  /// named skips the other twenty.
  static func parsedDirectly(_ arguments: [String]) -> (any ParsableCommand)? {
    guard let name = arguments.first,
      let subcommand = configuration.subcommands.first(where: { $0._commandName == name })
    else { return nil }
    guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())) else {
      return nil
    }
    // `--help` parses too, into the parser's own help command, which would show the
    // subcommand as if it were the root: only the subcommand's own commands run directly.
    return commands(under: subcommand).contains { $0 == type(of: command) } ? command : nil
  }

  /// `command` and every command below it.
  private static func commands(under command: any ParsableCommand.Type)
    -> [any ParsableCommand.Type]
  {
    [command] + command.configuration.subcommands.flatMap { commands(under: $0) }
  }

  /// Runs `folio` with `arguments` in-process, as the executable would, returning the exit
  /// status. Output goes to `Console.current`.
  public static func run(arguments: [String]) async -> Int32 {
    BusyWait.setNotice { Console.current.err("another folio command is writing; waiting…") }
    do {
      let hoisted = hoistingGlobalOptions(arguments)
      var command = try parsedDirectly(hoisted) ?? parseAsRoot(hoisted)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      return 0
    } catch {
      let code = exitCode(for: error)
      if code.rawValue != 0 || !(error is ExitCode) {
        let message = explained(fullMessage(for: error))
        if !message.isEmpty {
          if code == .success { Console.current.out(message) } else { Console.current.err(message) }
        }
      }
      return code.rawValue
    }
  }
}

extension CommandConfiguration {
  /// This configuration, marked as that of a command of `folio` for when it is parsed on
  /// its own (`Folio.parsedDirectly`). swift-argument-parser then skips its check for a
  /// completion-script request, which parses two more commands by reflection: 0.4 ms of a
  /// 20 ms no-change `folio sync` (medians of 120 interleaved runs). Such a request still
  /// works, answered by the parse of the whole tree that `parsedDirectly` falls back on;
  /// help and usage, made from the whole tree, do not change.
  var parsedOnItsOwn: CommandConfiguration {
    var configuration = self
    configuration._superCommandName = "folio"
    return configuration
  }
}
