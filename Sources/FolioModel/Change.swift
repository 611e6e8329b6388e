/// What a change does to its field.
public enum ChangeOp: String, Codable, Sendable {
  /// Writes a register's value, superseding the changes named in `pred`.
  case set
  /// Adds an element (a tag) to a set.
  case add
  /// Removes the set elements added by the changes named in `pred`.
  case remove
}

/// One edit, the unit of replication. Its JSON form is the same in the op log, in bundles
/// and on the wire, and only `ChangeJSON` reads and writes it (see
/// `Protocol/canonical-json.md`): there is no second codec.
public struct Change: Hashable, Sendable {
  /// The replica that made the change.
  public var site: SiteID
  /// 1, 2, 3 … per site, with no gaps.
  public var seq: Int
  /// The maker's hybrid clock when it made the change.
  public var hlc: HybridTimestamp
  /// Who made it (the replica's author name).
  public var author: String
  /// The record changed.
  public var entity: EntityRef
  /// The field changed (`title`, `note`, `tags`, `deleted` …).
  public var field: String
  public var op: ChangeOp
  /// The new value (`set`) or the element (`add`); absent for `remove`.
  public var value: JSONValue?
  /// The changes this one supersedes (register values or removed tag additions).
  public var pred: [Dot]
  /// For a delete: the deleting replica's version vector for the record.
  public var context: VersionVector?

  public init(
    site: SiteID, seq: Int, hlc: HybridTimestamp, author: String, entity: EntityRef,
    field: String, op: ChangeOp, value: JSONValue? = nil, pred: [Dot] = [],
    context: VersionVector? = nil
  ) {
    self.site = site
    self.seq = seq
    self.hlc = hlc
    self.author = author
    self.entity = entity
    self.field = field
    self.op = op
    self.value = value
    self.pred = pred
    self.context = context
  }

  /// This change's identity.
  public var dot: Dot { Dot(site: site, seq: seq) }

  /// True for a `set` of `deleted` to true.
  public var isDelete: Bool {
    field == Field.deleted && op == .set && value == .bool(true)
  }

  /// Orders changes by (hlc, site, seq): the greatest wins a register.
  public static func precedes(_ lhs: Change, _ rhs: Change) -> Bool {
    (lhs.hlc, lhs.site, lhs.seq) < (rhs.hlc, rhs.site, rhs.seq)
  }
}

/// Field names used by articles and annotations.
public enum Field {
  public static let title = "title"
  public static let sourceURL = "sourceURL"
  public static let published = "published"
  public static let summary = "summary"
  public static let background = "background"
  public static let insights = "insights"
  public static let tags = "tags"
  public static let deleted = "deleted"
  /// An annotation's immutable target: article, kind and selector.
  public static let target = "target"
  public static let note = "note"
  public static let color = "color"

  /// The register fields an article has, in display order.
  public static let articleRegisters = [title, sourceURL, published, summary, background, insights]
  /// The register fields an annotation has.
  public static let annotationRegisters = [target, note, color]
}
