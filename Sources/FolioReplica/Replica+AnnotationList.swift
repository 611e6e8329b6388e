import FolioArticles
import FolioModel
import FolioSQLite

/// Which annotations `folio annotations` lists, across articles.
public struct AnnotationListRequest: Sendable {
  public var author: String?
  /// Only annotations with this tag (any case).
  public var tag: String?
  /// Only highlights of this colour.
  public var color: String?
  public var kind: AnnotationKind?
  /// Only annotations made at or after / before these times (Unix milliseconds).
  public var since: UInt64?
  public var until: UInt64?
  /// Only annotations of this article.
  public var article: String?
  /// The most to return, newest first; nil for all.
  public var limit: Int?

  public init(
    author: String? = nil, tag: String? = nil, color: String? = nil,
    kind: AnnotationKind? = nil, since: UInt64? = nil, until: UInt64? = nil,
    article: String? = nil, limit: Int? = nil
  ) {
    self.author = author
    self.tag = tag
    self.color = color
    self.kind = kind
    self.since = since
    self.until = until
    self.article = article
    self.limit = limit
  }
}

extension Replica {
  /// Annotations of visible articles that match `request`, newest first, and how many
  /// match in all.
  public func annotations(
    _ request: AnnotationListRequest
  ) throws(ReplicaError) -> (annotations: [Annotation], total: Int) {
    var parameters = SQLParameters()
    var conditions = ["n.visible", "a.visible"]
    if let author = request.author { conditions.append("n.author = \(parameters.add(author))") }
    if let tag = request.tag {
      conditions.append(
        "EXISTS (SELECT 1 FROM json_each(n.tags) WHERE lower(value) = lower(\(parameters.add(tag))))"
      )
    }
    if let color = request.color {
      conditions.append("lower(n.color) = lower(\(parameters.add(color)))")
    }
    if let kind = request.kind { conditions.append("n.kind = \(parameters.add(kind.rawValue))") }
    if let since = request.since {
      conditions.append("n.created >= \(parameters.add(Int64(since)))")
    }
    if let until = request.until {
      conditions.append("n.created < \(parameters.add(Int64(until)))")
    }
    if let article = request.article {
      conditions.append("n.article_id = \(parameters.add(article))")
    }
    let from =
      "FROM annotations n JOIN articles a ON a.id = n.article_id WHERE "
      + conditions.joined(separator: " AND ")
    let values = parameters.values
    do {
      let total = Int(try db.scalarInt("SELECT count(*) \(from)", values) ?? 0)
      let annotations = try db.rows(
        """
        SELECT n.id, n.article_id, n.kind, n.selector, n.note, n.color, n.tags, n.author, n.created
        \(from) ORDER BY n.created DESC, n.id LIMIT \(request.limit ?? -1)
        """, values, Replica.annotation(row:))
      return (annotations, total)
    } catch { throw Replica.wrap(error) }
  }
}
