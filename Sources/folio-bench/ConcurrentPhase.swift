import FolioArticles
import FolioModel
import FolioReplica

/// What two replicas rewriting the same notes concurrently, then exchanging, took.
struct ConcurrentResult {
  /// Highlights whose note each side rewrote.
  let edited: Int
  let editSecondsA: Double
  let editSecondsB: Double
  /// Changes and bytes of the bundle each side sent the other.
  let changesAToB: Int
  let changesBToA: Int
  let bytesAToB: Int
  let bytesBToA: Int
  /// Applying B's bundle on A, and A's on B.
  let mergeSecondsA: Double
  let mergeSecondsB: Double
  let conflictsA: Int
  let conflictsB: Int
  let peakBytes: Int

  var mergeSeconds: Double { mergeSecondsA + mergeSecondsB }
  var mergedChanges: Int { changesAToB + changesBToA }
}

/// The concurrent phase: replicas A and B (which already hold the same articles) each
/// rewrite the notes of the same highlights in one batch, then exchange bundles of what
/// the other lacks. Each note is then in conflict on both sides.
enum ConcurrentPhase {
  static func run(
    replicaA pathA: String, replicaB pathB: String, highlights: [String], folder: String
  ) throws -> ConcurrentResult {
    let meter = MemoryMeter()
    let replicaA = try Replica.open(at: pathA)
    let replicaB = try Replica.open(at: pathB)
    let editSecondsA = try rewrite(highlights, in: replicaA, saying: "Alice reads it as")
    let editSecondsB = try rewrite(highlights, in: replicaB, saying: "Bob reads it as")

    let toB = folder + "/a-to-b.bundle"
    let toA = folder + "/b-to-a.bundle"
    let fromA = try replicaA.createBundle(at: toB, for: try replicaB.versionVector())
    let fromB = try replicaB.createBundle(at: toA, for: try replicaA.versionVector())
    let (_, mergeSecondsA) = try MonotonicClock.time { try replicaA.applyBundle(at: toA) }
    let (_, mergeSecondsB) = try MonotonicClock.time { try replicaB.applyBundle(at: toB) }
    return ConcurrentResult(
      edited: highlights.count, editSecondsA: editSecondsA, editSecondsB: editSecondsB,
      changesAToB: fromA.changes, changesBToA: fromB.changes, bytesAToB: fromA.bytes,
      bytesBToA: fromB.bytes, mergeSecondsA: mergeSecondsA, mergeSecondsB: mergeSecondsB,
      conflictsA: try replicaA.conflictCount(), conflictsB: try replicaB.conflictCount(),
      peakBytes: meter.peakBytes)
  }

  /// Rewrites the note of each highlight in one batch; returns the seconds it took.
  private static func rewrite(
    _ highlights: [String], in replica: Replica, saying text: String
  ) throws -> Double {
    try MonotonicClock.time {
      try replica.batch {
        for (index, id) in highlights.enumerated() {
          try replica.editAnnotation(
            id: id, note: "\(text) \(index): a different reading of the same passage.")
        }
      }
    }.seconds
  }
}
