import FolioArticles
import FolioModel
import FolioSQLite

extension Replica {
  /// The article or annotation whose id starts with `prefix` (like git's short ids).
  ///
  /// - Parameter prefix: At least one character of an id.
  /// - Returns: The one record it names; unknown and ambiguous prefixes throw.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func resolve(_ prefix: String) throws(ReplicaError) -> EntityRef {
    guard let entity = try records(startingWith: prefix, where: "visible") else {
      throw .unknownID(prefix)
    }
    return entity
  }

  /// The deleted article or annotation whose id starts with `prefix`, to restore it.
  public func resolveDeleted(_ prefix: String) throws(ReplicaError) -> EntityRef {
    guard
      let entity = try records(
        startingWith: prefix, where: "NOT visible",
        keeping: { entity in try self.loadRow(entity)?.state.isDeleted == true })
    else {
      throw .invalidOperation("no deleted article or annotation starts with '\(prefix)'")
    }
    return entity
  }

  /// The one record whose id starts with `prefix` among the rows `condition` selects (and
  /// `keeping` accepts): the exact id first; nil when none; ambiguous when several.
  func records(
    startingWith prefix: String, where condition: String,
    keeping: (EntityRef) throws -> Bool = { _ in true }
  ) throws(ReplicaError) -> EntityRef? {
    let key = prefix.lowercased()
    guard !key.isEmpty, key.utf8.count <= 64, Hex.isLowercaseHex(key) else {
      throw .unknownID(prefix)
    }
    do {
      var matches: [EntityRef] = []
      for kind in EntityKind.allCases {
        matches += try db.rows(
          "SELECT id FROM \(RecordColumns.table(kind)) WHERE "
            + "\(RecordIDIndex.inRange(kind, from: "?1", to: "?2")) AND \(condition) LIMIT 20",
          [key, RecordIDIndex.end(ofIDsStartingWith: key)]
        ) { EntityRef(kind: kind, id: $0.string(0)) }
      }
      matches = try matches.filter(keeping)
      if let exact = matches.first(where: { $0.id == key }) { return exact }
      guard let only = matches.first else { return nil }
      guard matches.count == 1 else {
        throw ReplicaError.ambiguousID(prefix, candidates: matches.map(\.id))
      }
      return only
    } catch { throw Replica.wrap(error) }
  }

  /// Like `resolve`, but the record must be an article.
  public func resolveArticle(_ prefix: String) throws(ReplicaError) -> String {
    let entity = try resolve(prefix)
    guard entity.kind == .article else {
      throw .invalidOperation("\(entity.id) is an annotation, not an article")
    }
    return entity.id
  }

  /// Like `resolve`, but the record must be an annotation.
  public func resolveAnnotation(_ prefix: String) throws(ReplicaError) -> String {
    let entity = try resolve(prefix)
    guard entity.kind == .annotation else {
      throw .invalidOperation("\(entity.id) is an article, not an annotation")
    }
    return entity.id
  }
}

extension Replica {
  /// The shortest prefix of `id` (at least `minimum` characters) that names only it among
  /// the replica's articles and annotations, like git's abbreviated hashes.
  public func abbreviate(_ id: String, minimum: Int = 8) -> String {
    // Ids are random: the first length tried nearly always names one record.
    var length = minimum
    while length < id.count, (try? isShared(prefix: String(id.prefix(length)), by: id)) != false {
      length += 1
    }
    return String(id.prefix(length))
  }

  /// True when a shown record other than `id` has an id starting with `prefix`.
  private func isShared(prefix: String, by id: String) throws -> Bool {
    for kind in EntityKind.allCases {
      let found = try db.firstRow(
        "SELECT 1 FROM \(RecordColumns.table(kind)) WHERE "
          + "\(RecordIDIndex.inRange(kind, from: "?1", to: "?2")) AND id != ?3 AND visible LIMIT 1",
        [prefix, RecordIDIndex.end(ofIDsStartingWith: prefix), id]
      ) { _ in true }
      if found == true { return true }
    }
    return false
  }

  static func commonPrefixLength(_ lhs: String, _ rhs: String) -> Int {
    zip(lhs.utf8, rhs.utf8).prefix { $0 == $1 }.count
  }
}

extension Replica {
  /// The shortest unambiguous prefix (at least `minimum` characters) of every article id,
  /// computed in one pass over the sorted ids. Listing thousands of articles this way costs
  /// one query instead of several per article.
  public func articleAbbreviations(minimum: Int = 8) throws(ReplicaError) -> [String: String] {
    do {
      let rows = try db.rows(
        """
        SELECT id, lag(id) OVER (ORDER BY id), lead(id) OVER (ORDER BY id) FROM articles
        WHERE visible
        """
      ) { row in (row.string(0), row.optionalString(1), row.optionalString(2)) }
      var result: [String: String] = [:]
      result.reserveCapacity(rows.count)
      for (id, before, after) in rows {
        var length = minimum
        for case let neighbor? in [before, after] {
          length = max(length, Replica.commonPrefixLength(id, neighbor) + 1)
        }
        result[id] = String(id.prefix(length))
      }
      return result
    } catch { throw Replica.wrap(error) }
  }
}
