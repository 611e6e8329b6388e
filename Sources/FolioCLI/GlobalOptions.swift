import ArgumentParser
import FolioReplica
import Foundation

/// Options every command takes: `--color` for its output, and the common ones.
///
/// `highlight` and `edit` take `CommonOptions` only: there `--color` is the highlight's
/// colour (they print nothing in colour).
struct GlobalOptions: ParsableArguments {
  @OptionGroup var common: CommonOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "When to colour output: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always or never.",
      valueName: "when"))
  var color: ColorChoice = .auto

  var json: Bool { common.json }
  var storePath: String { common.storePath }

  /// Opens the replica, which must exist.
  func openReplica() throws -> Replica { try common.openReplica() }

  /// Colour and width for human-readable output on the current console.
  var style: OutputStyle {
    let console = Console.current
    return OutputStyle(
      color: color.useColor(
        isTerminal: console.isTerminal, environment: ProcessInfo.processInfo.environment),
      width: console.width)
  }

  /// Prints long human-readable text, through the pager on a terminal.
  func page(_ text: String) {
    let console = Console.current
    if console.isStandard,
      let command = Pager.command(
        environment: ProcessInfo.processInfo.environment, isTerminal: console.isTerminal,
        disabled: common.noPager),
      Pager.run(command, text: text + "\n")
    {
      return
    }
    console.out(text)
  }
}

/// The replica, JSON output and the pager: options of every command.
struct CommonOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "The replica file (default: $FOLIO_STORE, else $XDG_DATA_HOME/folio/replica.sqlite).")
  var store: String?

  @Flag(name: .long, help: "Print records as JSON.")
  var json = false

  @Flag(name: .long, help: "Never send long output through a pager ($FOLIO_PAGER, $PAGER, less).")
  var noPager = false

  /// The replica path from --store, FOLIO_STORE or the XDG default.
  var storePath: String {
    StoreLocation.resolve(flag: store, environment: ProcessInfo.processInfo.environment)
  }

  /// Opens the replica, which must exist.
  func openReplica() throws -> Replica {
    try Replica.open(at: storePath)
  }
}

/// Where the replica lives when no path is given.
enum StoreLocation {
  static func resolve(flag: String?, environment: [String: String]) -> String {
    if let flag, !flag.isEmpty { return flag }
    if let path = environment["FOLIO_STORE"], !path.isEmpty { return path }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
      return data + "/folio/replica.sqlite"
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.local/share/folio/replica.sqlite"
  }
}
