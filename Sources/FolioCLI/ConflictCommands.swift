import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ConflictsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conflicts",
    abstract: "List open conflicts, each version as a diff against the base.",
    discussion: """
      Each version is shown as a word diff against the text it was edited from
      (the base): in colour on a terminal, as [-removed-]{+added+} elsewhere.

      Examples:
        folio conflicts
        folio conflicts --exit-code     # status 1 while any conflict is open
        folio conflicts --json
        folio conflicts --merged        # edits that merged on their own
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Flag(help: "Exit with status 1 when any conflict is open.")
  var exitCode = false

  @Flag(
    help:
      "List the automatic merges instead: text fields whose concurrent edits merged on their own, for review."
  )
  var merged = false

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

  /// The article a conflict is in, as `--json` prints it.
  struct ArticleRef: Encodable {
    let id: String
    let title: String?

    enum CodingKeys: String, CodingKey { case id, title }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(title, forKey: .title)
    }
  }

  struct Entry: Encodable {
    let id: String
    let entity: RecordRef
    let label: String
    let field: String
    let kind: String
    let article: ArticleRef?
    let quote: String?
    let base: Version?
    let values: [Version]

    enum CodingKeys: String, CodingKey {
      case id, entity, label, field, kind, article, quote, base, values
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(entity, forKey: .entity)
      try container.encode(label, forKey: .label)
      try container.encode(field, forKey: .field)
      try container.encode(kind, forKey: .kind)
      try container.encode(article, forKey: .article)
      try container.encode(quote, forKey: .quote)
      try container.encode(base, forKey: .base)
      try container.encode(values, forKey: .values)
    }
  }

  func run() async throws {
    let replica = try global.openReplica()
    if merged { return try listMerges(replica) }
    let conflicts = try replica.conflicts().map { try ConflictDetails.load($0, from: replica) }
    if global.json {
      try JSONOutput.print(conflicts.map(ConflictsCommand.entry))
    } else if conflicts.isEmpty {
      Console.current.out("No conflicts.")
    } else {
      let text = ConflictText(style: global.style, shortID: { replica.abbreviate($0) })
      global.page(global.style.wrap(conflicts.map(text.render).joined(separator: "\n\n")))
    }
    if exitCode && !conflicts.isEmpty { throw ExitCode(1) }
  }

  /// An automatic merge, as `--merged --json` prints it.
  struct MergeEntry: Encodable {
    let entity: RecordRef
    let label: String
    let field: String
    let article: ArticleRef?
    let quote: String?
    let base: Version
    let values: [Version]
    let merged: String

    enum CodingKeys: String, CodingKey {
      case entity, label, field, article, quote, base, values, merged
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(entity, forKey: .entity)
      try container.encode(label, forKey: .label)
      try container.encode(field, forKey: .field)
      try container.encode(article, forKey: .article)
      try container.encode(quote, forKey: .quote)
      try container.encode(base, forKey: .base)
      try container.encode(values, forKey: .values)
      try container.encode(merged, forKey: .merged)
    }
  }

  private func listMerges(_ replica: Replica) throws {
    let merges = try replica.automaticMerges()
    let details = try merges.map { try ConflictDetails.load($0, from: replica) }
    if global.json {
      try JSONOutput.print(
        zip(merges, details).map { merge, details in
          MergeEntry(
            entity: RecordRef(merge.merge.entity), label: merge.label, field: merge.merge.field,
            article: details.articleID.map { ArticleRef(id: $0, title: details.articleTitle) },
            quote: details.quote, base: ConflictsCommand.version(merge.merge.base),
            values: merge.merge.versions.map(ConflictsCommand.version), merged: merge.merge.value)
        })
    } else if merges.isEmpty {
      Console.current.out("No automatic merges.")
    } else {
      let text = ConflictText(style: global.style, shortID: { replica.abbreviate($0) })
      global.page(
        global.style.wrap(
          zip(merges, details).map { text.renderMerge($1, merged: $0.merge.value) }
            .joined(separator: "\n\n")))
    }
  }

  static func version(_ change: Change) -> Version {
    Version(
      value: change.value, author: change.author, time: TimeText.iso(change.hlc.milliseconds),
      site: change.site.rawValue, change: "\(change.site.rawValue):\(change.seq)")
  }

  static func entry(_ details: ConflictDetails) -> Entry {
    let conflict = details.conflict
    return Entry(
      id: conflict.id, entity: RecordRef(conflict.entity), label: details.label,
      field: conflict.field, kind: conflict.kind.rawValue,
      article: details.articleID.map { ArticleRef(id: $0, title: details.articleTitle) },
      quote: details.quote, base: details.base.map(version),
      values: conflict.versions.map(version))
  }
}
