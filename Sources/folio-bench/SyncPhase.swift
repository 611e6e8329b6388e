import FolioReplica
import FolioSync
import Foundation

/// What one in-process sync did.
struct SyncMeasurement {
  let summary: SyncSummary
  let seconds: Double
  let peakBytes: Int
  /// Bytes the client sent and received at its socket, as its transport counted them (what
  /// it wrote, and what it read: status lines, headers, framing and bodies), or as
  /// `ByteCountingRelay` counted them when the sync went through the relay.
  var wireSent = 0
  var wireReceived = 0
}

/// What syncing over loopback through a real folio-server took.
struct SyncResult {
  /// Replica A pushing everything to an empty server.
  let push: SyncMeasurement
  /// A fresh replica pulling everything (uncompressed: the server is on this machine).
  let pull: SyncMeasurement
  /// Another fresh replica pulling everything gzip-compressed, as it would from a server on
  /// another machine.
  let gzipPull: SyncMeasurement
  /// The same replica syncing again with nothing new, in this process, through the relay.
  let noChange: SyncMeasurement
  /// The bytes the client's transport counted in that sync, sent and received: the relay's
  /// counts check them.
  let noChangeCountedByClient: (sent: Int, received: Int)
  /// `folio sync` with nothing new, as whole processes.
  let processRuns: [ProcessRun]
}

/// The sync phase: a `folio-server` child process with a space and a token per user;
/// replica A pushes all, a fresh replica pulls all, then a sync with nothing new is
/// measured in this process (requests, bytes) and as `folio sync` processes (wall time).
enum SyncPhase {
  static let space = "bench"
  static let remote = "bench"

  static func run(
    replica pathA: String, pulledReplica pathC: String, server serverExecutable: String,
    folio: String, folder: String, runs: Int
  ) async throws -> SyncResult {
    let server = ServerProcess(executable: serverExecutable, folder: folder)
    defer { server.stop() }
    try server.admin(["space", "create", space])
    let tokenA = try server.createToken(space: space, user: "alice")
    let tokenC = try server.createToken(space: space, user: "carol")
    try server.start()
    // Push and pulls go to the server directly, their bytes counted by the client at its
    // socket: a relay in this process copies every byte once more, on the same two cores
    // (pulls through it ran at 37,557 and 39,019 changes/s, without it at 41,467 to 41,569,
    // in runs minutes apart). The no-change sync goes through a relay that counts the bytes
    // itself, which checks the client's counts.
    let push = try await sync(pathA, creating: nil, url: server.url, token: tokenA)
    let pull = try await sync(pathC, creating: "carol", url: server.url, token: tokenC)
    let pathD = folder + "/dave.sqlite"
    let tokenD = try server.createToken(space: space, user: "dave")
    let gzipPull = try await sync(
      pathD, creating: "dave", url: server.url, token: tokenD, compression: .always)
    try? FileManager.default.removeItem(atPath: pathD)

    guard let serverPort = server.url.split(separator: ":").last.flatMap({ UInt16($0) }) else {
      throw ProcessFailure(description: "folio-server gave no port: \(server.url)")
    }
    let relay = try ByteCountingRelay(forwardingTo: serverPort)
    defer { relay.stop() }
    try pointRemote(of: pathC, at: "http://127.0.0.1:\(relay.port)")
    var noChange = try await sync(pathC, creating: nil, url: nil, token: nil)
    let countedByClient = (noChange.wireSent, noChange.wireReceived)
    (noChange.wireSent, noChange.wireReceived) = relay.counts

    // The processes talk to the server itself: the relay only counts bytes, and timing
    // through it would add its own hop to each request. The remote keeps its cursor.
    try pointRemote(of: pathC, at: server.url)
    var processRuns: [ProcessRun] = []
    let errorPath = folder + "/folio-sync.err"
    for attempt in 0...runs {
      let run = try ChildProcess.runMeasured(
        folio, ["--store", pathC, "sync", "--json"], stderr: errorPath)
      guard run.status == 0 else {
        throw ProcessFailure(
          description: "folio sync failed (status \(run.status)): \(readFile(errorPath) ?? "")")
      }
      // The first run warms the page cache and is not counted.
      if attempt > 0 { processRuns.append(run) }
    }
    return SyncResult(
      push: push, pull: pull, gzipPull: gzipPull, noChange: noChange,
      noChangeCountedByClient: countedByClient, processRuns: processRuns)
  }

  /// Points the bench's remote at `url`, the same server behind another address: the remote
  /// keeps its cursor, and there is nothing to relay.
  private static func pointRemote(of path: String, at url: String) throws {
    let replica = try Replica.open(at: path)
    try replica.setRemoteURL(name: remote, url: url)
    try replica.clearRelayPending(remote: remote)
  }

  /// Opens (or creates, with that author) a replica, adds the remote when `url` is given,
  /// and syncs once. Opening, syncing and closing are timed.
  private static func sync(
    _ path: String, creating author: String?, url: String?, token: String?,
    compression: HTTPCompression = .beyondThisMachine
  ) async throws -> SyncMeasurement {
    let meter = MemoryMeter()
    let start = MonotonicClock.now()
    let summary = try await syncOnce(
      path, creating: author, url: url, token: token, compression: compression)
    let seconds = Double(MonotonicClock.now() - start) / 1e9
    return SyncMeasurement(
      summary: summary, seconds: seconds, peakBytes: meter.peakBytes,
      wireSent: summary.bytesSent, wireReceived: summary.bytesReceived)
  }

  /// The replica is released (closed) when this returns.
  private static func syncOnce(
    _ path: String, creating author: String?, url: String?, token: String?,
    compression: HTTPCompression
  ) async throws -> SyncSummary {
    let replica =
      try author.map { try Replica.create(at: path, author: $0) } ?? Replica.open(at: path)
    if let url, let token {
      try replica.addRemote(name: remote, url: url, space: space, token: token)
    }
    var client = SyncClient()
    client.compression = compression
    return try await client.sync(replica, remote: remote)
  }
}
