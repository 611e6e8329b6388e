import FolioModel
import FolioSQLite

/// Which records a transaction knows have no row yet, so that merging their first changes
/// skips looking them up: while a kind's table that was empty when the transaction began
/// fills up, a record is new unless the transaction wrote it. That is every record of a
/// bundle applied into a fresh replica, where the lookups that find nothing were 7% of the
/// merge.
///
/// A kind's emptiness is read at the transaction's first question about that kind, which
/// is "when it began" because `merge` asks before it writes a row (and nothing else writes
/// record rows). Written records are kept as hashes of their references, a few bytes each:
/// a hash that two records share only costs a lookup. Were a "new" ever wrong, the insert
/// would fail on the table's unique ids and the transaction would roll back whole: an
/// aborted action, never a second row.
struct NewRecords {
  /// Per kind, whether its table was empty when the transaction began; asked once.
  private var emptyAtStart: [EntityKind: Bool] = [:]
  private var written: Set<Int> = []

  /// True when `entity` certainly has no row. The first question about a kind in a
  /// transaction must come before the transaction writes a row of that kind (`merge` asks
  /// before it writes).
  mutating func isNew(_ entity: EntityRef, in db: Connection) throws -> Bool {
    let empty: Bool
    if let known = emptyAtStart[entity.kind] {
      empty = known
    } else {
      empty =
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM \(RecordColumns.table(entity.kind)))") == 0
      emptyAtStart[entity.kind] = empty
    }
    return empty && !written.contains(entity.hashValue)
  }

  /// Notes that the transaction wrote a row for `entity`.
  mutating func noteWritten(_ entity: EntityRef) {
    if emptyAtStart[entity.kind] == true { written.insert(entity.hashValue) }
  }
}
