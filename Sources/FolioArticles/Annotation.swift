import FolioModel

/// Highlight (a passage of the article) or note (on the whole article).
public enum AnnotationKind: String, Codable, Sendable {
  case highlight
  case note
}

/// Where a highlight is, following the W3C Web Annotation model: a section, a
/// TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start, end),
/// offsets counted in Unicode scalars of the section's text.
public struct TextSelector: Hashable, Codable, Sendable {
  public var section: ArticleSection
  public var exact: String
  public var prefix: String
  public var suffix: String
  public var start: Int
  public var end: Int

  public init(
    section: ArticleSection, exact: String, prefix: String, suffix: String, start: Int, end: Int
  ) {
    self.section = section
    self.exact = exact
    self.prefix = prefix
    self.suffix = suffix
    self.start = start
    self.end = end
  }
}

/// What an annotation is attached to; written once when the annotation is made.
public struct AnnotationTarget: Hashable, Codable, Sendable {
  public var article: String
  public var kind: AnnotationKind
  public var selector: TextSelector?
  /// When the annotation was first made (Unix milliseconds), for one restored from an
  /// export; nil for one made here, whose time is its target change's clock.
  public var created: UInt64?
  /// Who first made the annotation, for one restored from an export; nil for one made here,
  /// whose creator is its target change's author. The restoring changes carry the name of
  /// whoever restored it: a replica never writes a change in someone else's name.
  public var creator: String?

  public init(
    article: String, kind: AnnotationKind, selector: TextSelector? = nil, created: UInt64? = nil,
    creator: String? = nil
  ) {
    self.article = article
    self.kind = kind
    self.selector = selector
    self.created = created
    self.creator = creator
  }
}

/// A highlight or note as the replica shows it (merged state).
public struct Annotation: Hashable, Codable, Sendable {
  /// 32 random hex digits (see `AnnotationID`).
  public var id: String
  public var target: AnnotationTarget
  public var note: String?
  public var color: String?
  public var tags: [String]
  /// Who made it (the highlight's or note's creator).
  public var author: String
  /// Unix milliseconds when it was made.
  public var created: UInt64
  /// Who wrote the current note, when there is one: whoever last set it or settled a
  /// conflict on it, which need not be `author`. Several names when concurrent versions
  /// stand. Nil when there is no note (or it is not known).
  public var noteAuthors: [String]?

  public init(
    id: String, target: AnnotationTarget, note: String? = nil, color: String? = nil,
    tags: [String] = [], author: String, created: UInt64, noteAuthors: [String]? = nil
  ) {
    self.id = id
    self.target = target
    self.note = note
    self.color = color
    self.tags = tags
    self.author = author
    self.created = created
    self.noteAuthors = noteAuthors
  }

  public var articleID: String { target.article }

  /// The authors of the current note when they are not just the annotation's creator:
  /// who to credit for the note besides the "by" line; nil when the creator wrote it.
  public var noteCredit: [String]? {
    guard let noteAuthors, !noteAuthors.isEmpty, noteAuthors != [author] else { return nil }
    return noteAuthors
  }
  public var kind: AnnotationKind { target.kind }
}

/// Annotation ids: 32 random hex digits (128 bits), so they never collide across replicas
/// and ids made in one session differ from their first characters on, which keeps the short
/// prefixes people type unique. (Ids made before this were time-prefixed; both forms are
/// valid.)
public enum AnnotationID {
  /// A new id.
  public static func make<Generator: RandomNumberGenerator>(
    using generator: inout Generator
  ) -> String {
    // Two words, not sixteen bytes: a draw from the system generator can be a system call.
    var bytes = [UInt8](repeating: 0, count: 16)
    for (half, word) in [generator.next(), generator.next()].enumerated() {
      for index in 0..<8 {
        bytes[half * 8 + index] = UInt8(truncatingIfNeeded: word >> (8 * index))
      }
    }
    return Hex.encode(bytes)
  }
}
