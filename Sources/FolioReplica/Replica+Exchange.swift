import FolioArticles
import FolioModel
import FolioSQLite

/// What taking in changes from elsewhere did.
public struct ApplyReport: Equatable, Sendable {
  /// Changes new to this replica.
  public var added = 0
  /// Changes it already had.
  public var duplicates = 0
  /// Open conflicts before and after.
  public var conflictsBefore = 0
  public var conflictsAfter = 0
  /// Articles whose text (title, summary, background, insights) the changes altered, as
  /// they were before, with the annotations they had: what re-anchoring compares.
  public var textChanged: [ArticleBefore] = []

  public init() {}

  /// Conflicts that appeared (never negative).
  public var newConflicts: Int { max(0, conflictsAfter - conflictsBefore) }
}

extension Replica {
  /// Takes in changes made elsewhere (a bundle, a pull), in one transaction. Each change
  /// is checked (`Change.validate`); one bad change refuses them all. A change is never
  /// refused for its clock: a reading far ahead is taken in only up to the clock's tolerance.
  public func applyRemote(_ changes: [Change]) throws(ReplicaError) -> ApplyReport {
    try transaction {
      var session = try beginApply()
      try session.add(changes)
      return try session.finish()
    }
  }

  /// Starts applying changes in pieces; call inside `batch` so that they form one
  /// transaction, and `finish` once all pieces are in.
  public func beginApply() throws -> ApplySession {
    var report = ApplyReport()
    report.conflictsBefore = try conflictCount()
    return ApplySession(replica: self, report: report)
  }

  /// Changes this replica has that `vector` does not cover, in (site, seq) order.
  ///
  /// - Parameters:
  ///   - vector: What the other side has.
  ///   - site: Only this site's changes, when given.
  /// - Returns: The changes, in (site, seq) order.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func changes(
    notCoveredBy vector: VersionVector, site: SiteID? = nil
  ) throws(ReplicaError) -> [Change] {
    var result: [Change] = []
    try forEachChange(notCoveredBy: vector, site: site) { result.append($0) }
    return result
  }

  /// Streams the changes `vector` does not cover, in (site, seq) order, without holding
  /// them all in memory.
  public func forEachChange(
    notCoveredBy vector: VersionVector, site: SiteID? = nil, _ body: (Change) throws -> Void
  ) throws(ReplicaError) {
    do {
      let log = try changeLog()
      for site in try site.map({ [$0] }) ?? sites().knownSites {
        try log.forEachChunk(of: site, after: vector[site]) { changes in
          for change in changes { try body(change) }
          return true
        }
      }
    } catch { throw Replica.wrap(error) }
  }
}

/// An article as it was before an apply changed its text, with its annotations then.
public struct ArticleBefore: Equatable, Sendable {
  public let article: Article
  public let annotations: [Annotation]

  public init(article: Article, annotations: [Annotation]) {
    self.article = article
    self.annotations = annotations
  }
}

/// Changes being applied in pieces within one transaction.
public struct ApplySession {
  let replica: Replica
  var report: ApplyReport
  /// Articles a piece touched the text of, and how those that existed were before the
  /// first such piece: only they are read, once each.
  private var touched: Set<String> = []
  private var before: [String: ArticleBefore] = [:]

  init(replica: Replica, report: ApplyReport) {
    self.replica = replica
    self.report = report
  }

  /// Appends a piece of changes to the log and updates the records they touch. Pieces keep
  /// memory bounded however large the whole is.
  public mutating func add(_ changes: [Change]) throws { try add(changes, decoded: false) }

  /// `add`, for changes `ChangeJSON.decode` read from their bytes: it validated them
  /// already, so they are not validated again. `hints` are what their reader worked out
  /// ahead of the merge.
  mutating func add(_ changes: [Change], hints: PieceHints? = nil, decoded: Bool) throws {
    // By index, and the kind tested before the field: copying each change, and hashing
    // each one's field, showed in the profile of every apply.
    for index in changes.indices
    where changes[index].entity.kind == .article
      && ApplySession.isTextField(changes[index].field)
      && touched.insert(changes[index].entity.id).inserted
    {
      let id = changes[index].entity.id
      guard let article = try replica.article(id: id) else { continue }
      before[id] = ArticleBefore(
        article: article, annotations: try replica.annotations(ofArticle: id))
    }
    let result = try replica.integrate(
      changes, hints: hints, fromElsewhere: true, validated: decoded)
    report.added += result.added
    report.duplicates += result.duplicates
  }

  /// Reports what the pieces did.
  public mutating func finish() throws -> ApplyReport {
    report.conflictsAfter = try replica.conflictCount()
    for (id, old) in before.sorted(by: { $0.key < $1.key }) {
      guard let now = try replica.article(id: id), !now.hasSameText(as: old.article) else {
        continue
      }
      report.textChanged.append(old)
    }
    return report
  }

  /// True for the fields that hold an article's text.
  static func isTextField(_ field: String) -> Bool {
    field == Field.title || field == Field.summary || field == Field.background
      || field == Field.insights
  }
}

extension Article {
  /// True when both have the same text in every section (what highlights anchor in).
  func hasSameText(as other: Article) -> Bool {
    title == other.title && summary == other.summary && background == other.background
      && insights == other.insights
  }
}
