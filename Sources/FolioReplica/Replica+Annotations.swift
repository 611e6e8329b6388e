import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// What `tag` did: tags added and removed (as spelled on the record), and tags asked to be
/// removed that the record did not have.
public struct TagChanges: Equatable, Sendable {
  public var added: [String] = []
  public var removed: [String] = []
  public var absent: [String] = []
}

extension Replica {
  /// Highlights the one place `quote` occurs in the article (or the chosen one).
  ///
  /// - Parameters:
  ///   - articleID: The article's full id.
  ///   - quote: The passage; must occur exactly once (in `section` when given) unless
  ///     `occurrence` chooses; a match ignoring case is taken when there is no other.
  ///   - note: An optional note on the highlight.
  ///   - color: The highlight's colour.
  ///   - section: Restricts the search for the quote.
  ///   - occurrence: Which place (1-based, reading order) when the quote occurs in several.
  /// - Returns: The new annotation.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func highlight(
    articleID: String, quote: String, note: String? = nil, color: String? = nil,
    section: ArticleSection? = nil, occurrence: Int? = nil
  ) throws(ReplicaError) -> Annotation {
    guard let article = try article(id: articleID) else { throw .unknownID(articleID) }
    let texts = lastQuoteTexts.flatMap { $0.areAll(of: article) ? $0 : nil } ?? QuoteTexts(article)
    lastQuoteTexts = texts
    let selector: TextSelector
    do {
      selector = try Anchoring.select(
        quote: quote, in: texts, section: section, occurrence: occurrence)
    } catch {
      throw .invalidOperation(error.description)
    }
    return try createAnnotation(
      AnnotationTarget(article: articleID, kind: .highlight, selector: selector), note: note,
      color: color ?? "yellow")
  }

  /// Adds a note on the whole article.
  public func addNote(articleID: String, text: String) throws(ReplicaError) -> Annotation {
    guard try article(id: articleID) != nil else { throw .unknownID(articleID) }
    guard !text.trimmingWhitespace().isEmpty else { throw .invalidOperation("the note is empty") }
    return try createAnnotation(
      AnnotationTarget(article: articleID, kind: .note), note: text, color: nil)
  }

  private func createAnnotation(
    _ target: AnnotationTarget, note: String?, color: String?
  ) throws(ReplicaError) -> Annotation {
    let id = AnnotationID.make(using: &idRandomness)
    let entity = EntityRef.annotation(id)
    let made = try commitLocal { local in
      let made = local.appendTarget(entity, target)
      if let note { local.append(entity, Field.note, .set, value: .string(note)) }
      if let color { local.append(entity, Field.color, .set, value: .string(color)) }
      return made
    }
    // Built from what was written rather than read back (a tenth of authoring a highlight):
    // a new record has no other version, so it shows exactly these values.
    // `AnnotationReadbackTests` checks this equals `annotation(id:)`.
    return Annotation(
      id: id,
      target: AnnotationTarget(
        article: target.article, kind: target.kind, selector: target.selector),
      note: note, color: color, author: target.creator ?? made.author,
      created: target.created ?? made.hlc.milliseconds, noteAuthors: note.map { _ in [made.author] }
    )
  }

  /// Changes an annotation's note and/or colour. Fields in conflict are settled by it.
  public func editAnnotation(
    id: String, note: String? = nil, color: String? = nil
  ) throws(ReplicaError) {
    guard note != nil || color != nil else {
      throw .invalidOperation("nothing to change: give --note or --color")
    }
    try commitLocal { local in
      let row = try liveRow(.annotation(id))
      for (field, value) in [(Field.note, note), (Field.color, color)] {
        guard let value,
          row.text(field) != value || row.state.registers[field, default: []].count > 1
        else { continue }
        local.append(
          .annotation(id), field, .set, value: .string(value), pred: row.state.currentDots(field))
      }
    }
  }

  /// Deletes an annotation. An edit made concurrently elsewhere will bring it back as a
  /// delete conflict.
  public func deleteAnnotation(id: String) throws(ReplicaError) {
    try commitLocal { local in
      let row = try liveRow(.annotation(id))
      try appendDelete(of: .annotation(id), state: row.state, to: &local)
    }
  }

  /// Appends a delete whose context covers everything this replica has of the record.
  func appendDelete(
    of entity: EntityRef, state: RecordState, to local: inout LocalChanges
  ) throws {
    var context = try versionVector()
    for (site, seq) in state.latestSeqs where seq > context[site] { context[site] = seq }
    local.append(
      entity, Field.deleted, .set, value: .bool(true), pred: state.currentDots(Field.deleted),
      context: context)
  }

  /// Adds and removes tags on an article or annotation.
  ///
  /// Tags compare case-insensitively: adding `China` where `china` is a tag keeps `china`,
  /// and `-China` removes it. Removing a tag the record does not have changes nothing; the
  /// result lists it in `absent` and the rest still applies.
  @discardableResult
  public func tag(
    _ entity: EntityRef, adding: [String], removing: [String]
  ) throws(ReplicaError) -> TagChanges {
    for tag in adding + removing where !Replica.isValidTag(tag) {
      throw .invalidOperation("invalid tag '\(tag)': use 1 to 64 characters with no spaces")
    }
    return try commitLocal { local in
      let state = try liveRow(entity).state
      var result = TagChanges()
      var spellings: [String: String] = [:]  // lowercased → the spelling in use
      for tag in state.tagAdditions.keys.sorted() where spellings[tag.lowercased()] == nil {
        spellings[tag.lowercased()] = tag
      }
      // A tag already present is added again: the new addition survives a remove made
      // concurrently elsewhere, which is what saying "+tag" means.
      for tag in adding {
        let spelling = spellings[tag.lowercased()] ?? tag
        guard !result.added.contains(spelling) else { continue }
        spellings[tag.lowercased()] = spelling
        local.append(
          entity, Field.tags, .add, value: .string(spelling),
          pred: state.tagAdditions[spelling] ?? [])
        result.added.append(spelling)
      }
      for tag in removing {
        let matching = state.tagAdditions.keys.filter { $0.lowercased() == tag.lowercased() }
        if matching.isEmpty { result.absent.append(tag) }
        for spelling in matching.sorted() {
          local.append(entity, Field.tags, .remove, pred: state.tagAdditions[spelling] ?? [])
          result.removed.append(spelling)
        }
      }
      return result
    }
  }

  static func isValidTag(_ tag: String) -> Bool {
    !tag.isEmpty && tag.count <= 64 && !tag.unicodeScalars.contains { $0.properties.isWhitespace }
  }

  /// The row of a record that exists and is not deleted.
  func liveRow(_ entity: EntityRef) throws -> RecordRow {
    guard let row = try loadRow(entity), row.state.exists, !row.state.isDeleted else {
      throw ReplicaError.unknownID(entity.id)
    }
    return row
  }

  /// The annotation with this exact id as currently shown, or nil.
  public func annotation(id: String) throws(ReplicaError) -> Annotation? {
    do {
      return try db.firstRow(
        """
        SELECT id, article_id, kind, selector, note, color, tags, author, created
        FROM annotations WHERE \(RecordIDIndex.matching(.annotation, id: "?1")) AND visible
        """, [id], Replica.annotation(row:)
      ).map(crediting)
    } catch { throw Replica.wrap(error) }
  }

  /// The annotations of an article, oldest first.
  public func annotations(ofArticle articleID: String) throws(ReplicaError) -> [Annotation] {
    do {
      return try db.rows(
        """
        SELECT id, article_id, kind, selector, note, color, tags, author, created
        FROM annotations WHERE article_id = ?1 AND visible ORDER BY created, id
        """, [articleID], Replica.annotation(row:)
      ).map(crediting)
    } catch { throw Replica.wrap(error) }
  }

  /// The annotation with the authors of its current note filled in.
  private func crediting(_ annotation: Annotation) throws -> Annotation {
    guard annotation.note != nil else { return annotation }
    var credited = annotation
    credited.noteAuthors = try noteAuthors(ofAnnotation: annotation.id)
    return credited
  }

  static func annotation(row: Row) throws -> Annotation {
    let selector = row.optionalString(3).flatMap { text in
      (try? JSONReader.parse(text.utf8)).flatMap(TextSelector.init(json:))
    }
    let kind = AnnotationKind(rawValue: row.string(2)) ?? .note
    return Annotation(
      id: row.string(0),
      target: AnnotationTarget(article: row.string(1), kind: kind, selector: selector),
      note: row.optionalString(4), color: row.optionalString(5),
      tags: decodeTags(row.string(6)), author: row.string(7), created: UInt64(row.int64(8)))
  }
}

extension Replica {
  /// What an annotation is attached to, deleted or not: a deleted annotation keeps its row,
  /// so its history and its conflicts can still name its article and quote.
  public func annotationTarget(id: String) throws(ReplicaError) -> AnnotationTarget? {
    do {
      return try db.firstRow(
        "SELECT article_id, kind, selector FROM annotations WHERE "
          + RecordIDIndex.matching(.annotation, id: "?1"), [id]
      ) { row in
        let selector = row.optionalString(2).flatMap { text in
          (try? JSONReader.parse(text.utf8)).flatMap(TextSelector.init(json:))
        }
        return AnnotationTarget(
          article: row.string(0), kind: AnnotationKind(rawValue: row.string(1)) ?? .note,
          selector: selector)
      }
    } catch { throw Replica.wrap(error) }
  }

  /// Who wrote the current note of an annotation: the authors of its current values, the
  /// shown one first. A note edited, or a conflict on it resolved, by someone other than
  /// the highlight's creator is theirs; empty when the annotation has no note.
  public func noteAuthors(ofAnnotation id: String) throws(ReplicaError) -> [String] {
    do {
      guard let row = try loadRow(.annotation(id)), row.text(Field.note) != nil else { return [] }
      let log = try changeLog()
      var authors: [String] = []
      for head in row.state.registers[Field.note] ?? [] {
        guard let change = try log.change(head.dot), change.value != nil else { continue }
        if !authors.contains(change.author) { authors.append(change.author) }
      }
      return authors
    } catch { throw Replica.wrap(error) }
  }
}
