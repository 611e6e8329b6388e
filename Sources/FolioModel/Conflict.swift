/// Two or more concurrent versions of one field that nobody has chosen between yet.
public struct Conflict: Equatable, Sendable {
  /// What kind of disagreement this is.
  public enum Kind: String, Codable, Sendable {
    /// Different concurrent values of one field.
    case value
    /// A delete concurrent with an edit (or with a restore).
    case delete
  }

  public let entity: EntityRef
  public let field: String
  public let kind: Kind
  /// The competing changes, greatest (the one shown) first. For a delete conflict: the
  /// deletes and restores first, then the concurrent edits.
  public let versions: [Change]
  /// For a value conflict: the change every version supersedes (`MergeBase`), the base a
  /// word diff or diff3 markers compare against; nil when there is none (and always for a
  /// delete conflict).
  public let base: Change?

  public init(entity: EntityRef, field: String, kind: Kind, versions: [Change], base: Change? = nil)
  {
    self.entity = entity
    self.field = field
    self.kind = kind
    self.versions = versions
    self.base = base
  }

  /// A short id, the same on every replica: derived from the record and the field.
  public var id: String { Conflict.id(entity: entity, field: field) }

  /// The stable id of a conflict on `field` of `entity`.
  public static func id(entity: EntityRef, field: String) -> String {
    String(SHA256.hexDigest("\(entity.kind.rawValue)/\(entity.id)/\(field)").prefix(16))
  }
}
