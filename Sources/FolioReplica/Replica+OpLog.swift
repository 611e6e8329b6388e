import FolioArticles
import FolioModel
import FolioSQLite

/// Builds this replica's next changes: consecutive seqs and ever-increasing clock readings.
struct LocalChanges {
  let site: SiteID
  let author: String
  var nextSeq: Int
  var clock: HybridClock
  let now: UInt64
  private(set) var changes: [Change] = []
  /// The columns of the annotation targets among `changes`, by position.
  private(set) var targets: [Int: TargetColumns] = [:]

  init(site: SiteID, author: String, nextSeq: Int, clock: HybridClock, now: UInt64) {
    self.site = site
    self.author = author
    self.nextSeq = nextSeq
    self.clock = clock
    self.now = now
  }

  @discardableResult
  mutating func append(
    _ entity: EntityRef, _ field: String, _ op: ChangeOp, value: JSONValue? = nil,
    pred: [Dot] = [], context: VersionVector? = nil
  ) -> Change {
    let change = Change(
      site: site, seq: nextSeq, hlc: clock.tick(now: now), author: author, entity: entity,
      field: field, op: op, value: value, pred: pred, context: context)
    nextSeq += 1
    changes.append(change)
    return change
  }

  /// Sets the target of the annotation `entity`.
  @discardableResult
  mutating func appendTarget(_ entity: EntityRef, _ target: AnnotationTarget) -> Change {
    let change = append(entity, Field.target, .set, value: target.jsonValue)
    targets[changes.count - 1] = TargetColumns(target, of: change)
    return change
  }
}

extension Replica {
  /// Runs a user action in one transaction: `body` reads state and appends changes, which
  /// are then written to the log and merged.
  func commitLocal<T>(_ body: (inout LocalChanges) throws -> T) throws(ReplicaError) -> T {
    try transaction { try appendLocal(body) }
  }

  /// Makes and merges local changes inside the caller's transaction.
  func appendLocal<T>(_ body: (inout LocalChanges) throws -> T) throws -> T {
    var local = LocalChanges(
      site: site, author: author, nextSeq: try sites().latestSeq(of: site) + 1, clock: clock,
      now: wallClock())
    let result = try body(&local)
    if !local.changes.isEmpty {
      // Each value is written as canonical JSON once, here: its size is what the limit
      // checks, and the log stores these bytes rather than writing the value again (sizing
      // and writing each value apart were a seventh of authoring a highlight).
      var hints = PieceHints()
      let limits = ChangeLimits.standard
      for (position, change) in local.changes.enumerated() {
        // A value nested too deep is not written (the writer recurses); `validate` refuses it.
        let value = change.value.flatMap { value -> [UInt8]? in
          guard value.nestingDepth <= limits.maximumValueDepth else { return nil }
          var writer = JSONWriter()
          writer.write(value)
          return writer.bytes
        }
        try change.validate(limits: limits, valueSize: value?.count)
        hints.append(change, value: value?[...], target: local.targets[position])
      }
      _ = try integrate(local.changes, hints: hints, fromElsewhere: false)
      advanceClock(to: local.clock)
    }
    return result
  }

  /// Moves the clock on; it is written when the transaction commits (`transaction`), once
  /// for a whole batch of actions rather than once per action.
  func advanceClock(to newClock: HybridClock) {
    clock = newClock
    clockUnsaved = true
  }

  /// What appending changes to the log did.
  struct AppendResult {
    var added = 0
    var duplicates = 0
  }

  /// Appends changes to the log and merges them into the records they touch. A change
  /// already present is skipped; one with the same dot but other content is refused.
  /// Changes from elsewhere are validated and their clocks taken in (never refused for their
  /// clock: `HybridClock.observe`); local ones were validated when made, and so were those
  /// `ChangeJSON.decode` read (`validated`).
  /// `hints`, when given, hold the changes' values as the canonical JSON they arrived in
  /// (the log stores them as they are) and their annotation targets' columns.
  func integrate(
    _ changes: [Change], hints: PieceHints? = nil, fromElsewhere: Bool, validated: Bool = false
  ) throws -> AppendResult {
    let sites = try sites()
    let log = try changeLog()
    var result = AppendResult()
    // The changes new here, by position in `changes` (no copies), grouped by record in the
    // order records first appear. A record's changes mostly come one after another, so the
    // group is nearly always the last one, found without hashing its id.
    var positions: [Dot: Int] = [:]
    positions.reserveCapacity(changes.count)
    var groups: [(entity: EntityRef, positions: [Int])] = []
    var groupOfRecord: [EntityRef: Int] = [:]
    var arrived: [Dot] = []
    arrived.reserveCapacity(changes.count)
    var newClock = clock
    let now = wallClock()
    // The changes are read in place, through a buffer pointer, not copied out: copying a
    // change (even to pass an array's element to a function) touches each of its strings
    // and arrays, which a large piece has long left the cache.
    try changes.withUnsafeBufferPointer { changes in
      for position in changes.indices {
        let dot = changes[position].dot
        if fromElsewhere {
          if !validated { try changes[position].validate() }
          newClock.observe(changes[position].hlc, now: now)
        }
        if let earlier = try positions[dot].map({ changes[$0] })
          ?? (sites.hasArrived(dot) ? log.change(dot) : nil)
        {
          try checkSameBytes(changes[position], as: earlier)
          result.duplicates += 1
          continue
        }
        positions[dot] = position
        arrived.append(dot)
        try log.append(changes[position], value: hints?.values[position])
        if let last = groups.indices.last, groups[last].entity == changes[position].entity {
          groups[last].positions.append(position)
        } else if let group = groupOfRecord[changes[position].entity] {
          groups[group].positions.append(position)
        } else {
          groupOfRecord[changes[position].entity] = groups.count
          groups.append((changes[position].entity, [position]))
        }
      }
    }
    if fromElsewhere, newClock != clock { advanceClock(to: newClock) }
    let context = IntegrationContext(
      log: log, sites: sites, batch: changes, positions: positions,
      targets: hints?.targets ?? [:])
    for group in groups {
      try merge(group.positions, into: group.entity, context: context)
    }
    // The site table's advanced seqs are written when the transaction commits.
    for dot in SiteTable.inArrivalOrder(arrived) { try sites.markArrived(dot) }
    result.added = positions.count
    return result
  }

  /// Refuses `change` when it has the id of `held` but other bytes: another copy of a
  /// replica file made it (or the source is corrupt or forged).
  func checkSameBytes(_ change: Change, as held: Change) throws {
    guard ChangeJSON.encode(held) == ChangeJSON.encode(change) else {
      if change.site == site { throw ReplicaError.sharedSite(change.dot) }
      throw ReplicaError.rejectedChange(
        "change \(change.dot) differs from the change with the same id already here:"
          + " two replica files share the site id \(change.site) (a copied file), and the"
          + " copy that made this one must run 'folio rekey'; or the source is corrupt or"
          + " not from this team")
    }
  }

  /// What this replica has: the highest contiguous seq per site.
  public func versionVector() throws -> VersionVector { try sites().versionVector }

  /// Number of changes in the log.
  public func changeCount() throws(ReplicaError) -> Int {
    do { return try changeLog().count() } catch { throw Replica.wrap(error) }
  }
}

/// What merging one piece of changes reads: the piece itself, then the log.
final class IntegrationContext: ChangeLookup {
  let log: ChangeLog
  let sites: SiteTable
  /// The piece, and the position in it of each change new to the log.
  let batch: [Change]
  private let positions: [Dot: Int]
  /// Which changes of the piece are merged so far, by position.
  private var merged: [Bool]
  /// Target columns worked out ahead, by position (`PieceHints`).
  private let targets: [Int: TargetColumns]

  init(
    log: ChangeLog, sites: SiteTable, batch: [Change], positions: [Dot: Int],
    targets: [Int: TargetColumns] = [:]
  ) {
    self.log = log
    self.sites = sites
    self.batch = batch
    self.positions = positions
    self.targets = targets
    merged = Array(repeating: false, count: batch.count)
  }

  /// The columns the target change `dot` shows (nil when its value is not a target).
  func targetColumns(_ dot: Dot) throws -> TargetColumns? {
    if let position = positions[dot], let columns = targets[position] { return columns }
    return TargetColumns(try change(dot))
  }

  /// Notes that the piece's change at `position` is merged.
  func markMerged(_ position: Int) { merged[position] = true }

  func hasArrived(_ dot: Dot) -> Bool {
    if let position = positions[dot] { return merged[position] }
    return sites.hasArrived(dot)
  }

  func change(_ dot: Dot) throws -> Change {
    if let position = positions[dot] { return batch[position] }
    guard let change = try log.change(dot) else { throw StoredDataDamaged() }
    return change
  }

  func changes(of entity: EntityRef, site: SiteID, seqs range: ClosedRange<Int>) throws -> [Change]
  {
    try log.changes(of: entity, site: site, seqs: range)
  }
}
