import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The server's resource bounds on a live socket: a client going slow is cut off (idle,
/// header and body timeouts) while an answer the server takes its time over is not; a pull
/// page is bounded in bytes and paging still delivers everything; names are checked.
@Suite("Resource bounds", .serialized)
struct ResourceBoundTests {
  /// Short timeouts so each refusal takes about a second.
  static let timeouts: ServerLimits.Timeouts = {
    var timeouts = ServerLimits.Timeouts()
    timeouts.idle = .seconds(2)
    timeouts.header = .seconds(1)
    timeouts.body = .seconds(1)
    return timeouts
  }()

  @Test func aHeadSentAByteAtATimeIsCutOffAfterTheHeaderTimeout() async throws {
    try await withTimedServer { port, fixture in
      let socket = try RawSocket(port: port, timeout: 10)
      let head = Array(
        "GET /v2/spaces/team/vector HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.alice)\r\nX-Slow: \(String(repeating: "a", count: 200))\r\n\r\n"
          .utf8)
      let reading = await Self.trickle(head, on: socket, every: 0.1)
      // The loris would need 25 s for its head: the server closes at about 1 s.
      #expect(reading.closed)
      #expect((reading.closedAfter ?? 99) < 4, "closed after \(reading.closedAfter ?? -1) s")
      #expect((reading.closedAfter ?? 0) >= 0.9)
      #expect(reading.bytes.isEmpty, "no answer to a head never finished: \(reading.text)")
    }
  }

  @Test func aBodySentSlowlyIsCutOffAfterTheBodyTimeoutThoughBytesKeepComing() async throws {
    try await withTimedServer { port, fixture in
      let socket = try RawSocket(port: port, timeout: 10)
      let head =
        "POST /v2/spaces/team/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nContent-Type: application/json\r\n"
        + "Content-Length: 300\r\n\r\n"
      #expect(socket.send(Array(head.utf8)))
      let reading = await Self.trickle(
        [UInt8](repeating: UInt8(ascii: " "), count: 300), on: socket, every: 0.05)
      #expect(reading.closed)
      #expect((reading.closedAfter ?? 99) < 4, "closed after \(reading.closedAfter ?? -1) s")
      #expect((reading.closedAfter ?? 0) >= 0.9)
    }
  }

  @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
    try await withTimedServer { port, fixture in
      let socket = try RawSocket(port: port, timeout: 10)
      // One whole request first: the idle time counts from its answer.
      let request =
        "GET /v2/spaces/team/vector HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\n\r\n"
      #expect(socket.send(Array(request.utf8)))
      let reading = await Self.read(socket)
      #expect(reading.text.hasPrefix("HTTP/1.1 200"), "\(reading.text)")
      #expect(reading.closed)
      #expect((reading.closedAfter ?? 99) < 5, "closed after \(reading.closedAfter ?? -1) s")
      #expect((reading.closedAfter ?? 0) >= 1.9)
    }
  }

  @Test func aLongPollOutlastsEveryTimeout() async throws {
    try await withTimedServer { port, fixture in
      let socket = try RawSocket(port: port, timeout: 10)
      let request =
        "GET /v2/spaces/team/changes?wait=3 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nConnection: close\r\n\r\n"
      #expect(socket.send(Array(request.utf8)))
      let reading = await Self.read(socket)
      #expect(reading.text.hasPrefix("HTTP/1.1 200"), "\(reading.text)")
      #expect((reading.firstBytesAfter ?? 0) >= 2.9)
    }
  }

  @Test(arguments: StoreKind.allCases)
  func pagesOfLargeValuesStayWithinTheByteBoundAndPagingGetsEverything(store kind: StoreKind)
    async throws
  {
    try await ServerFixture.with(kind) { fixture in
      // 30 values of 200 KiB (6 MB) against a 1 MiB bound: 5 per page, each page one push
      // (a page cut inside a push would run to its end, where the heads are).
      let site = TestSites.make()
      let big = String(repeating: "x", count: 200 * 1024)
      let changes = makeChanges(site: site, count: 30).map { change in
        var change = change
        change.value = .string(big)
        return change
      }
      TestSites.record(changes)
      for start in stride(from: 0, to: 30, by: 5) {
        let push = Array(changes[start..<start + 5])
        _ = try await fixture.store.append(
          push.map(IncomingChange.init), heads: TestSites.heads(for: push), to: "team",
          by: "alice")
      }
      var cursor = 0
      var received: [[UInt8]] = []
      var pages = 0
      while true {
        let page = try await fixture.store.changes(
          in: "team", after: cursor, limit: 5_000, maximumBytes: 1024 * 1024)
        #expect(page.changes.reduce(0) { $0 + $1.count } <= 1024 * 1024)
        #expect(!page.changes.isEmpty)
        received += page.changes
        pages += 1
        cursor = page.cursor
        if !page.more { break }
      }
      #expect(received == changes.map { ChangeJSON.encode($0) })
      #expect(pages == 6)
      // A change larger than the bound still comes, with the rest of its push (up to the
      // head that signs it).
      let alone = try await fixture.store.changes(
        in: "team", after: 0, limit: 5_000, maximumBytes: 1_000)
      #expect(alone.changes.count == 5 && alone.more && alone.cursor == 5)
      #expect(alone.heads.count == 1)
    }
  }

  @Test func aPullPageOverHTTPStaysWithinFourMebibytes() async throws {
    try await withTimedServer { port, fixture in
      let site = TestSites.make()
      let big = String(repeating: "y", count: 250 * 1024)
      let changes = makeChanges(site: site, count: 24).map { change in
        var change = change
        change.value = .string(big)
        return change
      }
      TestSites.record(changes)
      for start in stride(from: 0, to: 24, by: 8) {
        let push = Array(changes[start..<start + 8])
        _ = try await fixture.store.append(
          push.map(IncomingChange.init), heads: TestSites.heads(for: push), to: "team",
          by: "alice")
      }
      let socket = try RawSocket(port: port, timeout: 10)
      let request =
        "GET /v2/spaces/team/changes?limit=5000 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nConnection: close\r\n\r\n"
      #expect(socket.send(Array(request.utf8)))
      let reading = await Self.read(socket)
      let body = reading.text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
      let page = try PullResponse.decode(Array(body.utf8))
      #expect(body.utf8.count <= SyncProtocol.maximumPageBytes + 64 * 1024)
      #expect(page.changes.count == 16)
      #expect(page.more)
    }
  }

  @Test func undeclaredMethodsAre405AndOversizedLimitsAreLowered() async throws {
    try await withTimedServer { port, fixture in
      func exchange(_ line: String) async throws -> String {
        let socket = try RawSocket(port: port, timeout: 10)
        let request =
          "\(line) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.alice)\r\n"
          + "Connection: close\r\n\r\n"
        #expect(socket.send(Array(request.utf8)))
        return await Self.read(socket).text
      }
      let trace = try await exchange("TRACE /v2/spaces/team/changes")
      #expect(trace.hasPrefix("HTTP/1.1 405"), "\(trace)")
      #expect(trace.lowercased().contains("allow: get, post"))
      #expect(trace.contains(#""code":"method-not-allowed""#))
      let query = try await exchange("QUERY /v2/health")
      #expect(query.hasPrefix("HTTP/1.1 405") && query.lowercased().contains("allow: get"))
      let put = try await exchange("PUT /v2/spaces/team/vector")
      #expect(put.hasPrefix("HTTP/1.1 405"), "\(put)")
      let nowhere = try await exchange("GET /v2/spaces/team/nothing")
      #expect(nowhere.hasPrefix("HTTP/1.1 404"), "\(nowhere)")
      let huge = try await exchange("GET /v2/spaces/team/changes?limit=16900348194412331008")
      #expect(huge.hasPrefix("HTTP/1.1 200"), "\(huge)")
      let beyond = try await exchange("GET /v2/spaces/team/changes?after=9007199254740992")
      #expect(beyond.hasPrefix("HTTP/1.1 400"), "\(beyond)")
    }
  }

  @Test func namesStartingWithADotOrHoldingControlCharactersAreRefused() async throws {
    try await ServerFixture.with(.sqlite) { fixture in
      for name in [".", "..", ".hidden", "a/b", "a\\b", "a\u{1}b", "a\nb", ""] {
        await #expect(throws: StoreError.self, "\(name.debugDescription)") {
          try await fixture.store.createSpace(named: name)
        }
      }
      do {
        try await fixture.store.createSpace(named: "..")
      } catch let error as StoreError {
        #expect(error.description.contains("may not start with '.'"), "\(error)")
      }
      do {
        try await fixture.store.createSpace(named: "a\u{1B}[2Jb")
      } catch let error as StoreError {
        #expect(error.description.contains(#"a\u{1B}[2Jb"#), "\(error)")
      }
      try await fixture.store.createSpace(named: "a.b_c-1")
      #expect(try await fixture.store.spaceNames().contains("a.b_c-1"))
      #expect(!(try await fixture.store.spaceNames().contains { $0.hasPrefix(".") }))
    }
  }

  /// Reads until the server closes, on a thread of its own: a blocking read must not hold
  /// one of the few threads the server's handlers run on.
  static func read(_ socket: RawSocket) async -> RawSocket.Reading {
    let start = Date()
    return await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: socket.readUntilClosed(since: start)) }.start()
    }
  }

  /// Sends `bytes` one at a time, `every` seconds apart, on one thread until done or the
  /// server closes, while another reads until the server closes.
  static func trickle(
    _ bytes: [UInt8], on socket: RawSocket, every interval: Double
  ) async -> RawSocket.Reading {
    let start = Date()
    Thread {
      for byte in bytes {
        guard socket.send([byte]) else { return }
        Thread.sleep(forTimeInterval: interval)
      }
    }.start()
    return await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: socket.readUntilClosed(since: start)) }.start()
    }
  }
}

/// A live server on 127.0.0.1 with `ResourceBoundTests.timeouts`.
func withTimedServer(
  _ body: @Sendable (_ port: Int, ServerFixture) async throws -> Void
) async throws {
  var limits = ServerLimits.standard
  limits.timeouts = ResourceBoundTests.timeouts
  try await withLiveServer(limits: limits, body)
}
