import FolioModel
import FolioSQLite

/// Which records are known to have no row yet, so that merging their first changes skips
/// looking them up: while a kind's table that was empty when tracking began fills up, a
/// record is new unless this replica wrote it. That is every record of a bundle applied,
/// or a space pulled, into a fresh replica, where the lookups that find nothing were 7% of
/// the merge.
///
/// Tracking lasts while no other connection commits to the file: the replica starts it
/// afresh when one did (`Replica.forgetIfChangedElsewhere`). A kind's emptiness
/// is read at the first question about that kind, which is "when tracking began" because
/// `merge` asks before it writes a row and nothing else writes record rows. Written records
/// are kept as hashes of their references, a few bytes each: a hash that two records share
/// only costs a lookup, and so does a record whose transaction rolled back. Were a "new"
/// ever wrong, the insert would fail on the table's unique ids and the transaction would
/// roll back whole: an aborted action, never a second row.
struct NewRecords {
  /// Per kind, whether its table was empty when tracking began; asked once.
  private var emptyAtStart: [EntityKind: Bool] = [:]
  private var written: Set<Int> = []

  /// True when `entity` certainly has no row. The first question about a kind must come
  /// before any row of that kind is written (`merge` asks before it writes).
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

  /// Notes that a row was written for `entity`.
  mutating func noteWritten(_ entity: EntityRef) {
    if emptyAtStart[entity.kind] == true { written.insert(entity.hashValue) }
  }
}
