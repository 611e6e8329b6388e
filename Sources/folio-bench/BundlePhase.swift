import FolioArticles
import FolioModel
import FolioReplica

#if canImport(Glibc)
  import Glibc
#endif

/// What writing a bundle of every change took.
struct BundleCreateResult {
  let changes: Int
  let bytes: Int
  let seconds: Double
  let peakBytes: Int
}

/// What applying a bundle into a fresh replica took (the merge path).
struct BundleApplyResult {
  let added: Int
  let duplicates: Int
  let conflicts: Int
  let seconds: Double
  let startBytes: Int
  let peakBytes: Int

  var changesPerSecond: Double { Double(added) / max(seconds, 1e-9) }
}

/// Bundle create and bundle apply.
enum BundlePhase {
  /// Writes every change of the replica at `replicaPath` to `bundlePath`; opening the
  /// replica and closing it are timed too.
  static func create(from replicaPath: String, to bundlePath: String) throws
    -> BundleCreateResult
  {
    let meter = MemoryMeter()
    let (summary, seconds) = try MonotonicClock.time {
      try Replica.open(at: replicaPath).createBundle(at: bundlePath, for: nil)
    }
    return BundleCreateResult(
      changes: summary.changes, bytes: summary.bytes, seconds: seconds,
      peakBytes: meter.peakBytes)
  }

  /// Applies `bundlePath` into a new replica at `replicaPath`, in this process: creating the
  /// replica, applying (one transaction) and closing it are timed.
  static func apply(_ bundlePath: String, intoNew replicaPath: String, author: String) throws
    -> BundleApplyResult
  {
    let meter = MemoryMeter()
    let (report, seconds) = try MonotonicClock.time {
      try Replica.create(at: replicaPath, author: author).applyBundle(at: bundlePath)
    }
    return BundleApplyResult(
      added: report.added, duplicates: report.duplicates, conflicts: report.conflictsAfter,
      seconds: seconds, startBytes: meter.startBytes, peakBytes: meter.peakBytes)
  }

  /// Applies `bundlePath` into a new replica with the `folio bundle apply` executable, which
  /// shows the memory the apply needs on its own. The replica is removed afterwards.
  static func applyAsProcess(
    _ bundlePath: String, folio: String, replicaPath: String, scratch: String
  ) throws -> ProcessRun {
    _ = try Replica.create(at: replicaPath, author: "carol")
    defer {
      for suffix in ["", "-wal", "-shm"] { unlink(replicaPath + suffix) }
    }
    let errorPath = scratch + ".err"
    defer { unlink(errorPath) }
    let run = try ChildProcess.runMeasured(
      folio, ["--store", replicaPath, "bundle", "apply", bundlePath], stderr: errorPath)
    guard run.status == 0 else {
      throw ProcessFailure(
        description:
          "folio bundle apply failed (status \(run.status)): \(readFile(errorPath) ?? "")"
      )
    }
    return run
  }
}
