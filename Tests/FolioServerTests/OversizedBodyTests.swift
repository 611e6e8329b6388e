import FolioModel
import FolioServer
import FolioTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A body over 8 MiB is answered at once and the connection closed, on a real socket: a
/// client still sending must not wait for an answer that never comes.
@Suite("Oversized bodies on a live server", .serialized)
struct OversizedBodyTests {
  static let nineMebibytes = 9 * 1024 * 1024

  @Test func aDeclaredNineMebibyteBodyGetsItsAnswerAndTheConnectionCloses() async throws {
    try await withLiveServer { port, fixture in
      let socket = try RawSocket(port: port)
      let head =
        "POST /v2/spaces/team/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(Self.nineMebibytes)\r\n\r\n"
      let reading = await Self.exchange(on: socket, head: head, chunked: false)
      Self.expectRefusedAndClosed(reading)
    }
  }

  @Test func anUndeclaredNineMebibyteBodyIsCutOffAtTheLimit() async throws {
    try await withLiveServer { port, fixture in
      let socket = try RawSocket(port: port)
      let head =
        "POST /v2/spaces/team/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
      let reading = await Self.exchange(on: socket, head: head, chunked: true)
      Self.expectRefusedAndClosed(reading)
    }
  }

  @Test func aBodyWithinTheLimitStillWorks() async throws {
    try await withLiveServer { port, fixture in
      let socket = try RawSocket(port: port)
      let body = PushRequest.signed(makeChanges(site: TestSites.make(), count: 2)).encoded()
      let request =
        "POST /v2/spaces/team/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer \(fixture.alice)\r\nContent-Length: \(body.count)\r\n"
        + "Connection: close\r\n\r\n"
      let reading = await Self.exchange(on: socket, head: request, body: body)
      #expect(reading.text.hasPrefix("HTTP/1.1 200"), "\(reading.text)")
      #expect(reading.text.contains(#""accepted":2"#))
    }
  }

  /// Sends `head` then the body (`body`, or 9 MiB in 64 KiB pieces, chunk-framed when
  /// `chunked`, until done or the server closes) on one thread while another reads the answer
  /// until the server closes. Threads, not tasks: the blocking socket calls must not hold the
  /// threads the server's handlers run on.
  static func exchange(
    on socket: RawSocket, head: String, body: [UInt8]? = nil, chunked: Bool = false
  ) async -> RawSocket.Reading {
    let start = Date()
    let sender = Thread {
      guard socket.send(Array(head.utf8)) else { return }
      if let body {
        socket.send(body)
        return
      }
      let piece = [UInt8](repeating: UInt8(ascii: " "), count: 65_536)
      let framed = chunked ? Array("10000\r\n".utf8) + piece + Array("\r\n".utf8) : piece
      var sent = 0
      while sent < nineMebibytes {
        guard socket.send(framed) else { return }
        sent += piece.count
      }
      if chunked { socket.send(Array("0\r\n\r\n".utf8)) }
    }
    sender.start()
    return await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: socket.readUntilClosed(since: start)) }.start()
    }
  }

  static func expectRefusedAndClosed(
    _ reading: RawSocket.Reading, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      reading.text.hasPrefix("HTTP/1.1 413"), "\(reading.text.prefix(200))",
      sourceLocation: sourceLocation)
    #expect(reading.text.contains(#""code":"body-too-large""#), sourceLocation: sourceLocation)
    #expect(reading.text.lowercased().contains("connection: close"), sourceLocation: sourceLocation)
    #expect(reading.closed, "the server must close the connection", sourceLocation: sourceLocation)
    // Alone this takes well under a second (0.05–0.07 s); inside the parallel suite, blocking
    // end-to-end tests can hold the small cooperative pool for a moment, so the bound here
    // only says "never hangs". The one-second figure is measured with the test on its own.
    #expect(
      (reading.closedAfter ?? .infinity) < 10, "closed after \(reading.closedAfter ?? -1) s",
      sourceLocation: sourceLocation)
  }
}

/// Runs `body` against a real server with `limits`, listening on an ephemeral port of
/// 127.0.0.1.
func withLiveServer(
  limits: ServerLimits = .standard,
  _ body: @Sendable (_ port: Int, ServerFixture) async throws -> Void
) async throws {
  // The server's handlers run on a thread of their own: queued behind the suite's
  // synchronous tests on the shared pool, a 413 once took longer than the test allows.
  try await DedicatedExecutor.run(label: "live-server") {
    try await ServerFixture.with(.sqlite) { fixture in
      let app = buildApplication(
        store: fixture.store,
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0, limits: limits))
      try await app.test(.live) { client in
        let port = try #require(client.port)
        try await body(port, fixture)
      }
    }
  }
}
