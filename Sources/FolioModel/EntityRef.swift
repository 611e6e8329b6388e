/// The kinds of record a change can touch.
public enum EntityKind: String, Codable, Sendable, CaseIterable, Comparable {
  case article
  case annotation

  public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A record a change touches: its kind and id.
public struct EntityRef: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
  public let kind: EntityKind
  public let id: String

  public init(kind: EntityKind, id: String) {
    self.kind = kind
    self.id = id
  }

  public static func article(_ id: String) -> EntityRef { EntityRef(kind: .article, id: id) }
  public static func annotation(_ id: String) -> EntityRef { EntityRef(kind: .annotation, id: id) }

  public static func < (lhs: EntityRef, rhs: EntityRef) -> Bool {
    (lhs.kind, lhs.id) < (rhs.kind, rhs.id)
  }

  public var description: String { "\(kind.rawValue) \(id)" }
}
