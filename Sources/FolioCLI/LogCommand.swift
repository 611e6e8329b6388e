import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct LogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log", abstract: "Who changed what, when (newest first).")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "An article or annotation (any unique id prefix); all changes when omitted.")
  var id: String?

  @Option(help: "Show at most this many changes.")
  var limit = 200

  struct Entry: Encodable {
    let author: String
    let entity: EntityRef
    let field: String
    let op: String
    let value: JSONValue?
    let time: String
    let site: String
    let seq: Int
  }

  func run() async throws {
    let replica = try global.openReplica()
    let entity = try id.map { prefix throws(ReplicaError) in try replica.resolve(prefix) }
    let changes = try replica.log(of: entity, limit: limit)
    if global.json {
      try JSONOutput.print(
        changes.map {
          Entry(
            author: $0.author, entity: $0.entity, field: $0.field, op: $0.op.rawValue,
            value: $0.value, time: TimeText.iso($0.hlc.milliseconds), site: $0.site.rawValue,
            seq: $0.seq)
        })
      return
    }
    for change in changes {
      Console.current.out(
        "\(TimeText.short(change.hlc.milliseconds))  \(change.author)  \(LogCommand.describe(change, shortID: { replica.abbreviate($0) }))"
      )
    }
  }

  static func describe(_ change: Change, shortID: (String) -> String) -> String {
    let record = "\(change.entity.kind.rawValue) \(shortID(change.entity.id))"
    let resolving = change.pred.count > 1 ? " (resolving a conflict)" : ""
    switch (change.field, change.op) {
    case (Field.tags, .add): return "tagged \(record) #\(change.value?.displayText ?? "")"
    case (Field.tags, .remove): return "untagged \(record)"
    case (Field.deleted, _):
      return (change.isDelete ? "deleted " : "restored ") + record + resolving
    case (Field.target, _): return "created \(record)"
    default:
      if case .array(let items) = change.value {
        return
          "set \(change.field) of \(record) (\(items.count) item\(items.count == 1 ? "" : "s"))\(resolving)"
      }
      let text = change.value?.displayText ?? ""
      let shown = text.count > 60 ? String(text.prefix(57)) + "…" : text
      return
        "set \(change.field) of \(record) to “\(shown.replacingOccurrences(of: "\n", with: " "))”\(resolving)"
    }
  }
}
