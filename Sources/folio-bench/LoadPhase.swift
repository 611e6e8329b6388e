import FolioModel
import FolioReplica
import FolioSync
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What many clients at once got from one store.
struct LoadStoreResult {
  /// "sqlite" or "postgres".
  let store: String
  let clients: Int
  /// Changes accepted by pushes during the write stretch.
  let pushed: Int
  /// Changes received by pulls during the write stretch.
  let pulled: Int
  let writeSeconds: Double
  /// Latencies of pulls with nothing new (a no-change sync's one round trip), in seconds.
  let noChangeLatencies: [Double]
  let requests: Int
  /// Requests that failed: an error, or a status other than 200.
  let failures: Int
}

/// Bytes on the wire to pull the whole workload, uncompressed and gzip-compressed.
struct TransferResult {
  let changes: Int
  let identityBytes: Int
  let gzipBytes: Int
}

/// The load phase: a real `folio-server` per store (SQLite, then PostgreSQL when
/// `FOLIO_BENCH_POSTGRES_URL` names an empty database), and `clients` concurrent HTTP clients
/// in this process on 127.0.0.1. For `seconds`, each client pushes batches of new changes on
/// its own site and pulls everything new; then, for `seconds` more with no writes, each
/// measures pulls with nothing new. Bounded in clients, time and requests.
///
/// Before that, on the SQLite server, replica A's whole workload is pushed and pulled back
/// twice, once uncompressed and once with gzip, to measure bytes per change.
enum LoadPhase {
  static let space = "load"
  static let clients = 50
  static let batch = 20

  static func run(
    replica pathA: String, server executable: String, folder: String, seconds: Double,
    postgresURL: String?
  ) async throws -> (transfer: TransferResult, stores: [LoadStoreResult]) {
    var stores: [LoadStoreResult] = []
    let sqlite = ServerProcess(executable: executable, folder: folder + "/load-sqlite")
    try FileManager.default.createDirectory(
      atPath: sqlite.folder, withIntermediateDirectories: true)
    defer { sqlite.stop() }
    let (transfer, token) = try await prepare(sqlite, replica: pathA)
    stores.append(
      try await load(sqlite, store: "sqlite", space: space, token: token, seconds: seconds))
    sqlite.stop()
    if let postgresURL {
      let postgres = ServerProcess(
        executable: executable, folder: folder + "/load-postgres", database: postgresURL)
      try FileManager.default.createDirectory(
        atPath: postgres.folder, withIntermediateDirectories: true)
      defer { postgres.stop() }
      // A space of its own, so the same database serves several runs.
      let runSpace = "load-\(UInt32.random(in: 0...UInt32.max))"
      try postgres.admin(["space", "create", runSpace])
      let token = try postgres.createToken(space: runSpace, user: "load")
      try postgres.start()
      stores.append(
        try await load(postgres, store: "postgres", space: runSpace, token: token, seconds: seconds)
      )
    }
    return (transfer, stores)
  }

  /// Creates the space, pushes replica A's workload and measures pulling it back.
  private static func prepare(_ server: ServerProcess, replica pathA: String) async throws
    -> (TransferResult, String)
  {
    try server.admin(["space", "create", space])
    let pusher = try server.createToken(space: space, user: "alice")
    let token = try server.createToken(space: space, user: "load")
    try server.start()
    let replica = try Replica.open(at: pathA)
    try? replica.removeRemote(name: space)
    try replica.addRemote(name: space, url: server.url, space: space, token: pusher)
    let pushed = try await SyncClient().sync(replica, remote: space).pushed
    let client = LoadClient(base: server.url, space: space, token: token, session: .shared)
    var transfer = TransferResult(changes: 0, identityBytes: 0, gzipBytes: 0)
    for gzip in [false, true] {
      var cursor = 0
      var changes = 0
      var bytes = 0
      while true {
        let (page, wire) = try await client.pull(after: cursor, gzip: gzip)
        changes += page.changes.count
        bytes += wire
        guard page.more else { break }
        cursor = page.cursor
      }
      guard changes == pushed else {
        throw ProcessFailure(description: "pulled \(changes) changes of \(pushed) pushed")
      }
      transfer =
        gzip
        ? TransferResult(changes: changes, identityBytes: transfer.identityBytes, gzipBytes: bytes)
        : TransferResult(changes: changes, identityBytes: bytes, gzipBytes: 0)
    }
    return (transfer, token)
  }

  /// The write stretch, then the quiet stretch, with `clients` clients.
  private static func load(
    _ server: ServerProcess, store: String, space: String, token: String, seconds: Double
  ) async throws -> LoadStoreResult {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = clients * 2
    configuration.timeoutIntervalForRequest = 30
    let session = URLSession(configuration: configuration)
    let client = LoadClient(base: server.url, space: space, token: token, session: session)
    let head = try await client.head()

    let writeStart = MonotonicClock.now()
    let writeEnd = writeStart + UInt64(seconds * 1e9)
    let writers = await withTaskGroup(of: ClientTally.self) { group in
      for _ in 0..<clients {
        group.addTask { await writeLoop(client, from: head, until: writeEnd) }
      }
      return await group.reduce(into: ClientTally()) { $0.add($1) }
    }
    let writeSeconds = Double(MonotonicClock.now() - writeStart) / 1e9

    // Every client is caught up to the head: each pull finds nothing new. Timed over raw
    // keep-alive connections, one thread each (see RawHTTPConnection).
    let quietHead = try await client.head()
    let port = Int(server.url.split(separator: ":").last ?? "") ?? 0
    let quietEnd = MonotonicClock.now() + UInt64(seconds * 1e9)
    let path = "/v2/spaces/\(space)/changes?after=\(quietHead)"
    let headers = ["Authorization": "Bearer \(token)", "Accept-Encoding": "gzip"]
    let readers = await quietStretch(port: port, path: path, headers: headers, until: quietEnd)
    session.invalidateAndCancel()
    return LoadStoreResult(
      store: store, clients: clients, pushed: writers.pushed, pulled: writers.pulled,
      writeSeconds: writeSeconds, noChangeLatencies: readers.latencies,
      requests: writers.requests + readers.requests,
      failures: writers.failures + readers.failures)
  }

  /// Pushes a batch on a new site of its own, then pulls everything new, until `end`.
  private static func writeLoop(_ client: LoadClient, from head: Int, until end: UInt64) async
    -> ClientTally
  {
    var tally = ClientTally()
    let key = SiteKey()
    let site = key.site
    var chain = SiteChain.empty
    var seq = 0
    var cursor = head
    while MonotonicClock.now() < end {
      let changes = (seq + 1...seq + batch).map { seq in
        Change(
          site: site, seq: seq,
          hlc: HybridTimestamp(
            milliseconds: UInt64(Date().timeIntervalSince1970 * 1_000), counter: 0),
          author: "load", entity: .article("load-\(site.rawValue)"), field: Field.title,
          op: .set, value: .string("title \(seq)"))
      }
      let signed = changes.reduce(chain) { $0.appending(ChangeJSON.encode($1)) }
      let head = SignedHead(signing: signed, author: "load", with: key)
      tally.requests += 1
      do {
        tally.pushed += try await client.push(changes, head: head)
        seq += batch
        chain = signed
      } catch {
        tally.failures += 1
        continue
      }
      while MonotonicClock.now() < end {
        tally.requests += 1
        do {
          let page = try await client.pull(after: cursor, gzip: true).page
          tally.pulled += page.changes.count
          cursor = page.cursor
          if !page.more { break }
        } catch {
          tally.failures += 1
          break
        }
      }
    }
    return tally
  }

  /// `clients` threads each time pulls of `path` (after the head: nothing new) until `end`.
  private static func quietStretch(
    port: Int, path: String, headers: [String: String], until end: UInt64
  ) async -> ClientTally {
    await withCheckedContinuation { continuation in
      let total = Locked(ClientTally())
      let group = DispatchGroup()
      for _ in 0..<clients {
        group.enter()
        Thread.detachNewThread {
          defer { group.leave() }
          let tally = quietLoop(port: port, path: path, headers: headers, until: end)
          total.withLock { $0.add(tally) }
        }
      }
      group.notify(queue: .global()) { continuation.resume(returning: total.withLock { $0 }) }
    }
  }

  private static func quietLoop(
    port: Int, path: String, headers: [String: String], until end: UInt64
  ) -> ClientTally {
    var tally = ClientTally()
    var connection: RawHTTPConnection?
    while MonotonicClock.now() < end {
      tally.requests += 1
      do {
        let open = try connection ?? RawHTTPConnection(port: port)
        connection = open
        let start = MonotonicClock.now()
        let (status, body) = try open.get(path, headers: headers)
        tally.latencies.append(Double(MonotonicClock.now() - start) / 1e9)
        let page = try PullResponse.decode([UInt8](body))
        if status != 200 || !page.changes.isEmpty { tally.failures += 1 }
      } catch {
        tally.failures += 1
        connection = nil
      }
    }
    return tally
  }
}

/// A value shared between threads, used under a lock.
private final class Locked<Value>: @unchecked Sendable {
  // @unchecked: `value` is only touched inside `withLock`.
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func withLock<T>(_ body: (inout Value) -> T) -> T {
    lock.withLock { body(&value) }
  }
}

/// What clients counted.
private struct ClientTally: Sendable {
  var pushed = 0
  var pulled = 0
  var requests = 0
  var failures = 0
  var latencies: [Double] = []

  mutating func add(_ other: ClientTally) {
    pushed += other.pushed
    pulled += other.pulled
    requests += other.requests
    failures += other.failures
    latencies += other.latencies
  }
}

/// Raw protocol requests with one token.
private struct LoadClient: Sendable {
  let base: String
  let space: String
  let token: String
  let session: URLSession

  struct Failed: Error {
    let reason: String
  }

  /// A pull page and its body's size on the wire.
  func pull(after cursor: Int, gzip: Bool, limit: Int = 1_000) async throws -> (
    page: PullResponse, wireBytes: Int
  ) {
    guard let url = URL(string: "\(base)/v2/spaces/\(space)/changes?after=\(cursor)&limit=\(limit)")
    else { throw Failed(reason: "bad URL") }
    var request = URLRequest(url: url)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue(gzip ? "gzip" : "identity", forHTTPHeaderField: "Accept-Encoding")
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
      throw Failed(reason: "status \((response as? HTTPURLResponse)?.statusCode ?? 0)")
    }
    let compressed = http.value(forHTTPHeaderField: "Content-Encoding") == "gzip"
    var body = data
    if compressed, data.starts(with: [0x1f, 0x8b]) {
      guard let plain = Gzip.decompress(data) else { throw Failed(reason: "bad gzip") }
      body = plain
    }
    let wire = http.value(forHTTPHeaderField: "Content-Length").flatMap(Int.init) ?? data.count
    return (try PullResponse.decode([UInt8](body)), wire)
  }

  /// The space's latest server sequence number.
  func head() async throws -> Int {
    guard let url = URL(string: "\(base)/v2/spaces/\(space)/vector") else {
      throw Failed(reason: "bad URL")
    }
    var request = URLRequest(url: url)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
      throw Failed(reason: "status \((response as? HTTPURLResponse)?.statusCode ?? 0)")
    }
    return try JSONDecoder().decode(VectorResponse.self, from: data).cursor
  }

  /// Pushes `changes` and returns how many the server accepted.
  func push(_ changes: [Change], head: SignedHead) async throws -> Int {
    guard let url = URL(string: "\(base)/v2/spaces/\(space)/changes") else {
      throw Failed(reason: "bad URL")
    }
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(PushRequest(changes: changes, heads: [head]).encoded())
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
      throw Failed(reason: "status \((response as? HTTPURLResponse)?.statusCode ?? 0)")
    }
    return try JSONDecoder().decode(PushResponse.self, from: data).accepted
  }
}
