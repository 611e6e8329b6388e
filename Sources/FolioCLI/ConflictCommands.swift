import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ConflictsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conflicts", abstract: "List open conflicts: every version, by author and time.",
    discussion: """
      Examples:
        folio conflicts
        folio conflicts --exit-code     # status 1 while any conflict is open
        folio conflicts --json
      """)

  @OptionGroup var global: GlobalOptions

  @Flag(help: "Exit with status 1 when any conflict is open.")
  var exitCode = false

  struct Version: Encodable {
    let value: JSONValue?
    let author: String
    let time: String
    let site: String
    let change: String

    enum CodingKeys: String, CodingKey { case value, author, time, site, change }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(value ?? .null, forKey: .value)
      try container.encode(author, forKey: .author)
      try container.encode(time, forKey: .time)
      try container.encode(site, forKey: .site)
      try container.encode(change, forKey: .change)
    }
  }

  struct Entry: Encodable {
    let id: String
    let entity: RecordRef
    let label: String
    let field: String
    let kind: String
    let values: [Version]
  }

  func run() async throws {
    let replica = try global.openReplica()
    let conflicts = try replica.conflicts()
    if global.json {
      try JSONOutput.print(conflicts.map(ConflictsCommand.entry))
    } else if conflicts.isEmpty {
      Console.current.out("No conflicts.")
    } else {
      let text = conflicts.map { view in
        ConflictsCommand.text(of: view, shortID: { replica.abbreviate($0) })
      }.joined(separator: "\n")
      global.page(global.style.wrap(text))
    }
    if exitCode && !conflicts.isEmpty { throw ExitCode(1) }
  }

  static func entry(_ view: ConflictView) -> Entry {
    Entry(
      id: view.conflict.id, entity: RecordRef(view.conflict.entity), label: view.label,
      field: view.conflict.field, kind: view.conflict.kind.rawValue,
      values: view.conflict.versions.map {
        Version(
          value: $0.value, author: $0.author, time: TimeText.iso($0.hlc.milliseconds),
          site: $0.site.rawValue, change: "\($0.site.rawValue):\($0.seq)")
      })
  }

  /// A conflict as people read it: what is in conflict, every version, how to settle it.
  /// Values and names written by people are sanitized; continuation lines are indented so
  /// that wrapping keeps them under their version.
  static func text(of view: ConflictView, shortID: (String) -> String) -> String {
    let conflict = view.conflict
    let what = conflict.kind == .delete ? "deleted while edited" : conflict.field
    var lines = [
      "\(conflict.id)  \(conflict.entity.kind.rawValue) \(shortID(conflict.entity.id)) \(view.label.sanitizedLine): \(what)"
    ]
    for (index, version) in conflict.versions.enumerated() {
      let described = describe(version, in: conflict).split(
        separator: "\n", omittingEmptySubsequences: false)
      lines.append("    [\(index + 1)] " + (described.first.map(String.init) ?? ""))
      lines += described.dropFirst().map { "        " + $0 }
    }
    let hint =
      conflict.kind == .delete
      ? "folio resolve \(conflict.id) --restore | --confirm-delete"
      : "folio resolve \(conflict.id) --pick N | --author NAME | --value TEXT | --edit"
    lines.append("    settle with: \(hint)")
    return lines.joined(separator: "\n")
  }

  static func describe(_ version: Change, in conflict: Conflict) -> String {
    let who = "\(version.author.sanitizedLine), \(TimeText.short(version.hlc.milliseconds))"
    let value = (version.value?.displayText ?? "").sanitized
    if conflict.kind == .delete {
      if version.field == Field.deleted {
        return (version.isDelete ? "deleted" : "restored") + " by \(who)"
      }
      return "\(version.field) set to “\(value)” by \(who)"
    }
    return "“\(value)” by \(who)"
  }
}

struct ResolveCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve",
    abstract: "Settle a conflict; with no choice given on a terminal, asks which version to keep.",
    discussion: """
      Examples:
        folio resolve 3f2a --pick 2
        folio resolve 3f2a --author bob
        folio resolve 3f2a --value "agreed wording"
        folio resolve 9c1e --restore
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The conflict id (as listed by 'folio conflicts'; any unique prefix).")
  var conflict: String

  @Option(help: "Keep the N-th version as listed.")
  var pick: Int?

  @Option(help: "Keep the version written by this author.")
  var author: String?

  @Option(help: "Replace every version with this text.")
  var value: String?

  @Flag(help: "Write the new value in $EDITOR, starting from the shown version.")
  var edit = false

  @Flag(help: "Keep the annotation that was deleted while edited.")
  var restore = false

  @Flag(help: "Delete the annotation after all.")
  var confirmDelete = false

  func validate() throws {
    let chosen = [pick != nil, author != nil, value != nil, edit, restore, confirmDelete]
      .filter { $0 }.count
    if chosen > 1 {
      throw ValidationError(
        "choose one of --pick, --author, --value, --edit, --restore, --confirm-delete")
    }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let view = try replica.conflict(conflict)
    let resolution = try chooseResolution(view, replica)
    try replica.resolve(conflict: view.conflict.id, with: resolution)
    if global.json {
      try JSONOutput.print(ResolveResult(conflict: ConflictsCommand.entry(view), resolved: true))
    } else {
      Console.current.out(
        "Resolved \(view.conflict.id) (\(view.label.sanitizedLine): \(view.conflict.field)).")
    }
  }

  /// What `resolve --json` prints: the conflict as it was listed, now settled.
  struct ResolveResult: Encodable {
    let conflict: ConflictsCommand.Entry
    let resolved: Bool
  }

  private func chooseResolution(_ view: ConflictView, _ replica: Replica) throws -> Resolution {
    if let pick { return .pick(pick) }
    if let author { return .author(author) }
    if let value { return .value(value) }
    if restore { return .restore }
    if confirmDelete { return .confirmDelete }
    if edit {
      return .value(try editInEditor(view.conflict.versions.first?.value?.displayText ?? ""))
    }
    guard isatty(STDIN_FILENO) == 1 else {
      throw CLIError(
        "say how to resolve \(view.conflict.id): --pick N, --author NAME, --value TEXT, --edit,"
          + " --restore or --confirm-delete")
    }
    return try ask(view, replica)
  }

  private func ask(_ view: ConflictView, _ replica: Replica) throws -> Resolution {
    Console.current.out(
      global.style.wrap(ConflictsCommand.text(of: view, shortID: { replica.abbreviate($0) })))
    let isDelete = view.conflict.kind == .delete
    let prompt =
      isDelete
      ? "Keep the annotation (r) or delete it (d)? "
      : "Keep which version (1-\(view.conflict.versions.count))? "
    Console.current.errRaw(prompt)
    guard let answer = readLine()?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else {
      throw CLIError("nothing chosen; the conflict stays open")
    }
    if isDelete {
      switch answer.lowercased() {
      case "r", "restore", "keep": return .restore
      case "d", "delete": return .confirmDelete
      default: throw CLIError("answer r or d; the conflict stays open")
      }
    }
    guard let index = Int(answer) else {
      throw CLIError("answer with a number; the conflict stays open")
    }
    return .pick(index)
  }

  private func editInEditor(_ initial: String) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    let editor = environment["VISUAL"] ?? environment["EDITOR"] ?? "vi"
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-resolve-\(getpid()).txt")
    try initial.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\(editor) \"$1\"", "sh", file.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CLIError("the editor exited with status \(process.terminationStatus); nothing changed")
    }
    let text = try String(contentsOf: file, encoding: .utf8)
      .trimmingCharacters(in: .newlines)
    guard !text.isEmpty else { throw CLIError("the edited value is empty; nothing changed") }
    return text
  }
}
