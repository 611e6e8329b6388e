import FolioArticles
import FolioModel
import FolioReplica
import Foundation

/// A wall clock a test moves by hand. Replicas read it from any task.
final class ManualClock: @unchecked Sendable {
  private let lock = NSLock()
  private var milliseconds: UInt64

  init(_ milliseconds: UInt64 = 1_700_000_000_000) { self.milliseconds = milliseconds }

  var now: UInt64 {
    get { lock.withLock { milliseconds } }
    set { lock.withLock { milliseconds = newValue } }
  }

  func advance(by delta: UInt64) { lock.withLock { milliseconds += delta } }

  /// The closure to give `Replica.create(at:author:wallClock:)`.
  var wallClock: @Sendable () -> UInt64 { { [self] in self.now } }
}

/// A fresh directory for one test's files; `remove()` deletes it.
struct TemporaryDirectory {
  let path: String

  init() throws {
    // Prefer memory-backed /dev/shm where there is one: the replicas sync to disk on every
    // commit, and the property tests make thousands of them.
    var isDirectory: ObjCBool = false
    let shm = "/dev/shm"
    let base =
      FileManager.default.fileExists(atPath: shm, isDirectory: &isDirectory)
        && isDirectory.boolValue && FileManager.default.isWritableFile(atPath: shm)
      ? shm : FileManager.default.temporaryDirectory.path
    path = base + "/folio-merge-tests-" + UUID().uuidString.lowercased()
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String { path + "/" + name }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What a test compares to tell whether two replicas (or one, before and after) are the same.
struct ReplicaSnapshot: Equatable {
  var export: Data
  var changeCount: Int
  var vector: VersionVector
  var conflicts: [ConflictSummary]
  var log: [Change]

  init(_ replica: Replica) throws {
    export = try canonicalExport(replica)
    changeCount = try replica.changeCount()
    vector = try replica.versionVector()
    conflicts = try replica.conflicts().map(ConflictSummary.init)
    log = try replica.changes(notCoveredBy: VersionVector())
  }
}

/// A conflict as two replicas must agree on it: id, field, kind and the versions' dots.
struct ConflictSummary: Hashable, CustomStringConvertible {
  var id: String
  var field: String
  var kind: Conflict.Kind
  var versions: [Dot]
  var base: Dot?

  init(_ view: ConflictView) {
    id = view.conflict.id
    field = view.conflict.field
    kind = view.conflict.kind
    versions = view.conflict.versions.map(\.dot)
    base = view.conflict.base?.dot
  }

  var description: String {
    "\(id) \(field) \(kind.rawValue) [\(versions.map(\.description).joined(separator: ", "))]"
  }
}

/// What an automatic merge shows, for comparing replicas.
struct MergeSummary: Hashable, CustomStringConvertible {
  var entity: EntityRef
  var field: String
  var base: Dot
  var versions: [Dot]
  var value: String

  init(_ view: MergeView) {
    entity = view.merge.entity
    field = view.merge.field
    base = view.merge.base.dot
    versions = view.merge.versions.map(\.dot)
    value = view.merge.value
  }

  var description: String { "\(entity) \(field) base \(base) \(versions): \(value)" }
}

/// The replica's export as JSON with sorted keys: equal bytes mean equal state.
func canonicalExport(_ replica: Replica) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  return try encoder.encode(try replica.export())
}

/// Sends `destination` what `source` has and it lacks.
@discardableResult
func sync(_ source: Replica, to destination: Replica) throws -> ApplyReport {
  try destination.applyRemote(source.changes(notCoveredBy: destination.versionVector()))
}

/// An article built in code; `variant` changes its summary and insights.
func sampleArticle(_ title: String, variant: Int = 0, tags: [String] = []) -> Article {
  Article(
    title: title,
    summary: "\(title): what happened (version \(variant)).",
    background: "Background of \(title).",
    insights: [
      Insight(question: "Why does \(title) matter?", points: ["Point \(variant)", "Another point"])
    ],
    tags: tags)
}
