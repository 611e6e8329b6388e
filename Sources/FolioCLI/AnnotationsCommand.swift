import ArgumentParser
import FolioArticles
import FolioReplica
import Foundation

extension AnnotationKind: ExpressibleByArgument {}

struct AnnotationsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "annotations", abstract: "List highlights and notes across articles.",
    discussion: """
      Newest first. Each is named ARTICLE#N, as the other commands take it. Dates are
      YYYY-MM-DD in local time ($TZ); --until takes the whole day.

      Examples:
        folio annotations --author alice
        folio annotations --tag claims --highlight-color green
        folio annotations --since 2026-11-01 --kind note --json
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only those by this author.")
  var author: String?

  @Option(help: "Only those with this tag.")
  var tag: String?

  // Not --color, which every listing takes for its output.
  @Option(help: "Only highlights of this colour: \(HighlightColor.names).")
  var highlightColor: String?

  @Option(help: "Only highlights, or only notes.")
  var kind: AnnotationKind?

  @Option(help: "Only those made on or after this day.")
  var since: String?

  @Option(help: "Only those made on or before this day.")
  var until: String?

  @Option(help: "Only those of this article (any unique id prefix).")
  var article: String?

  @Option(help: "Show at most this many (default 100 on screen, all with --json; 0 for all).")
  var limit: Int?

  func validate() throws {
    if let limit, limit < 0 { throw ValidationError("--limit takes 0 (all) or more") }
  }

  func run() async throws {
    let zone = TimeText.localZone(environment: ProcessInfo.processInfo.environment)
    let start = try since.map { try Self.midnight($0, in: zone, option: "--since") }
    let end = try until.map { try Self.midnight($0, in: zone, option: "--until") + 86_400_000 }
    let chosen = try highlightColor.map(HighlightColor.parse)
    let replica = try global.openReplica()
    let shown = limit ?? (global.json ? 0 : 100)
    let (annotations, total) = try replica.annotations(
      AnnotationListRequest(
        author: author, tag: tag.map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 },
        color: chosen?.rawValue, kind: kind, since: start, until: end,
        article: try article.map { try replica.resolveArticle($0) },
        limit: shown == 0 ? nil : shown))
    // Numbers and landings come from each article's numbering, computed once per article.
    var numbered: [String: (Article, [String: AnchoredAnnotation])] = [:]
    for annotation in annotations where numbered[annotation.articleID] == nil {
      guard let article = try replica.article(id: annotation.articleID) else { continue }
      let items = try replica.numberedAnnotations(of: article)
      numbered[article.id] = (
        article, Dictionary(items.map { ($0.annotation.id, $0) }, uniquingKeysWith: { a, _ in a })
      )
    }
    if global.json {
      var records: [AnnotationRecord] = []
      for annotation in annotations {
        guard let (article, items) = numbered[annotation.articleID],
          let item = items[annotation.id]
        else { continue }
        records.append(
          AnnotationRecord(
            item, in: article,
            conflicts: try replica.conflictedFields(of: .annotation(annotation.id))))
      }
      try JSONOutput.print(records)
      return
    }
    guard !annotations.isEmpty else {
      Console.current.out("No annotation matches.")
      return
    }
    var lines: [String] = []
    for annotation in annotations {
      guard let (article, items) = numbered[annotation.articleID],
        let item = items[annotation.id]
      else { continue }
      let tags = annotation.tags.map { "  #" + $0.sanitizedLine }.joined()
      lines.append(
        "\(replica.abbreviate(article.id))#\(item.number)  \(annotation.author.sanitizedLine), "
          + "\(TimeText.short(annotation.created))  \(global.style.dim(article.title.sanitizedLine))"
          + tags)
      var body = ""
      if annotation.kind == .highlight {
        let text = item.anchor?.text(in: article) ?? annotation.target.selector?.exact ?? ""
        let marked = global.style.highlight(text.sanitizedLine, color: annotation.color)
        body = item.anchor?.range == nil ? "(orphaned) “\(text.sanitizedLine)”" : marked
      }
      if let note = annotation.note {
        body += (body.isEmpty ? "" : " — ") + note.sanitizedLine
      }
      lines.append("    " + body)
    }
    if shown > 0, total > annotations.count {
      lines.append("… and \(total - annotations.count) more: '--limit 0' shows all")
    }
    global.page(global.style.wrap(lines.joined(separator: "\n")))
  }

  /// Unix milliseconds of the start of day `text` (YYYY-MM-DD) in `zone`.
  static func midnight(_ text: String, in zone: TimeZone, option: String) throws -> UInt64 {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    guard parts.count == 3, text.count == 10,
      let date = calendar.date(
        from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
      calendar.component(.day, from: date) == parts[2],
      calendar.component(.month, from: date) == parts[1], date.timeIntervalSince1970 >= 0
    else {
      throw CLIError("\(option) takes a date such as 2026-11-27, not '\(text.sanitizedLine)'")
    }
    return UInt64(date.timeIntervalSince1970 * 1000)
  }
}
