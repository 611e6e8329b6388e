import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct LogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log", abstract: "Who changed what, when (newest first).",
    discussion: """
      Times are local (set TZ to choose the zone); --json gives ISO 8601 UTC.

      Examples:
        folio log
        folio log 50c4            # an article and its annotations
        folio log 50c4#1 --json   # one annotation, by the number 'folio show' prints
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(
    help: "An article or annotation (any unique id prefix, or ARTICLE#N); all changes when omitted."
  )
  var id: String?

  @Option(help: "Show at most this many changes.")
  var limit = 200

  struct Entry: Encodable {
    let author: String
    let entity: RecordRef
    let field: String
    let op: String
    let value: JSONValue?
    let time: String
    let site: String
    let seq: Int

    enum CodingKeys: String, CodingKey { case author, entity, field, op, value, time, site, seq }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(author, forKey: .author)
      try container.encode(entity, forKey: .entity)
      try container.encode(field, forKey: .field)
      try container.encode(op, forKey: .op)
      try container.encode(value ?? .null, forKey: .value)
      try container.encode(time, forKey: .time)
      try container.encode(site, forKey: .site)
      try container.encode(seq, forKey: .seq)
    }
  }

  func run() async throws {
    let replica = try global.openReplica()
    // A deleted annotation's id still names it here: its history says who deleted it.
    let entity = try id.map { text in
      text.contains("#")
        ? try AnnotationReference.resolveRecord(text, in: replica)
        : try replica.resolveInHistory(text)
    }
    let changes = try replica.log(of: entity, limit: limit)
    if global.json {
      try JSONOutput.print(
        changes.map {
          Entry(
            author: $0.author, entity: RecordRef($0.entity), field: $0.field, op: $0.op.rawValue,
            value: $0.value, time: TimeText.iso($0.hlc.milliseconds), site: $0.site.rawValue,
            seq: $0.seq)
        })
      return
    }
    let tags = try LogCommand.removedTags(in: changes, replica: replica)
    let quotes = try LogCommand.quotes(in: changes, replica: replica)
    let merged = try LogCommand.mergedWith(in: changes, replica: replica)
    let lines = changes.map { change in
      "\(TimeText.short(change.hlc.milliseconds))  \(change.author.sanitizedLine)  "
        + LogCommand.describe(change, removedTag: tags[change.dot], quote: quotes[change.entity.id])
      { replica.abbreviate($0) }
        + (merged[change.dot].map { " (merged automatically with \($0))" } ?? "")
    }
    if lines.isEmpty {
      Console.current.out("No changes.")
    } else {
      global.page(global.style.wrap(lines.joined(separator: "\n")))
    }
  }

  /// The tag each removal removed. A removal names the additions it removes, not the tag,
  /// so the tag is read from those additions.
  static func removedTags(in changes: [Change], replica: Replica) throws -> [Dot: String] {
    let removals = changes.filter { $0.field == Field.tags && $0.op == .remove }
    guard !removals.isEmpty else { return [:] }
    var added: [Dot: String] = [:]
    for entity in Set(removals.map(\.entity)) {
      for change in try replica.log(of: entity, limit: Int.max)
      where change.field == Field.tags && change.op == .add {
        added[change.dot] = change.value?.displayText
      }
    }
    var names: [Dot: String] = [:]
    for removal in removals {
      names[removal.dot] = removal.pred.lazy.compactMap { added[$0] }.first
    }
    return names
  }

  /// For each change that is part of a current automatic merge, the other edits it was
  /// merged with ("bob's edit", "bob's and carol's edits").
  static func mergedWith(in changes: [Change], replica: Replica) throws -> [Dot: String] {
    var result: [Dot: String] = [:]
    let entities = Set(changes.filter { $0.op == .set }.map(\.entity))
    for entity in entities.sorted(by: { $0.id < $1.id }) {
      for view in try replica.automaticMerges(of: entity) {
        for version in view.merge.versions {
          let others = view.merge.versions.filter { $0.dot != version.dot }
            .map { $0.author.sanitizedLine + "'s" }
          guard !others.isEmpty else { continue }
          let names =
            others.count == 1
            ? others[0] : others.dropLast().joined(separator: ", ") + " and " + (others.last ?? "")
          result[version.dot] = names + (others.count == 1 ? " edit" : " edits")
        }
      }
    }
    return result
  }

  /// The quote of each highlight whose creation or deletion is among `changes`, so that
  /// those lines say which passage was highlighted or un-highlighted.
  static func quotes(in changes: [Change], replica: Replica) throws -> [String: String] {
    var quotes: [String: String] = [:]
    for change in changes
    where change.entity.kind == .annotation && quotes[change.entity.id] == nil
      && (change.field == Field.deleted || change.field == Field.target)
    {
      quotes[change.entity.id] = try replica.annotationTarget(id: change.entity.id)?.selector?.exact
    }
    return quotes
  }

  static func describe(
    _ change: Change, removedTag: String? = nil, quote: String? = nil,
    shortID: (String) -> String
  ) -> String {
    let record = "\(change.entity.kind.rawValue) \(shortID(change.entity.id))"
    let named = record + (quote.map { " “\(shortened($0.sanitizedLine))”" } ?? "")
    let resolving = change.pred.count > 1 ? " (resolving a conflict)" : ""
    switch (change.field, change.op) {
    case (Field.tags, .add):
      return "tagged \(record) #\((change.value?.displayText ?? "").sanitizedLine)"
    case (Field.tags, .remove):
      return "untagged \(record)" + (removedTag.map { " #" + $0.sanitizedLine } ?? "")
    case (Field.deleted, _):
      return (change.isDelete ? "deleted " : "restored ") + named + resolving
    case (Field.target, _): return "created \(named)"
    default:
      if case .array(let items) = change.value {
        return
          "set \(change.field) of \(record) (\(items.count) item\(items.count == 1 ? "" : "s"))\(resolving)"
      }
      let text = (change.value?.displayText ?? "").sanitizedLine
      return "set \(change.field) of \(record) to “\(shortened(text))”\(resolving)"
    }
  }

  /// At most 60 characters of a value or quote.
  static func shortened(_ text: String) -> String {
    text.count > 60 ? String(text.prefix(57)) + "…" : text
  }
}
