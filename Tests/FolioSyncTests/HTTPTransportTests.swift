import FolioTestSupport
import Foundation
import Testing

@testable import FolioSync

/// `HTTPTransport` against a server that answers raw bytes: both of its paths (the plain
/// socket for `http://`, AsyncHTTPClient for `https://`, forced here over http) must read
/// every framing the same way, and the plain one must reuse, retry and fail as it says.
@Suite struct HTTPTransportTests {
  static let date = "Mon, 30 Nov 2026 10:00:00 GMT"

  static func answer(_ status: String, _ headers: [String], _ body: [UInt8]) -> [UInt8] {
    Array(("HTTP/1.1 \(status)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n").utf8) + body
  }

  static func transport(
    plain: Bool, timeout: Double = 5, compression: HTTPCompression = .beyondThisMachine
  ) -> HTTPTransport {
    HTTPTransport(
      token: "fol_secret", timeout: timeout, compression: compression,
      alwaysAsyncHTTPClient: !plain)
  }

  static func get(
    _ server: CannedHTTPServer, plain: Bool, path: String = "/v2/spaces/team/changes?after=0",
    timeout: Double = 5
  ) async throws(SyncError) -> (HTTPReply, SyncSummary) {
    var summary = SyncSummary()
    let url = URL(string: server.url + path) ?? URL(fileURLWithPath: "/")
    let reply = try await transport(plain: plain, timeout: timeout).send(
      "GET", url, body: nil, summary: &summary)
    return (reply, summary)
  }

  /// Why `exchange` did not reach the server: the reason of the `.unreachable` it threw, or
  /// nil (recorded as an issue) when it got an answer or failed otherwise.
  static func unreachableReason(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ exchange: () async throws(SyncError) -> Void
  ) async -> String? {
    do {
      try await exchange()
      Issue.record("the server answered", sourceLocation: sourceLocation)
    } catch {
      if case .unreachable(_, let reason) = error { return reason }
      Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }

  @Test(arguments: [true, false]) func readsABodyByItsLength(plain: Bool) async throws {
    let body = Array(#"{"changes":[]}"#.utf8)
    let answer = Self.answer(
      "200 OK",
      ["Content-Type: application/json", "Content-Length: \(body.count)", "Date: \(Self.date)"],
      body)
    let server = try CannedHTTPServer(answers: [.send(answer)])
    defer { server.stop() }
    let (reply, summary) = try await Self.get(server, plain: plain)
    #expect(reply.status == 200)
    #expect([UInt8](reply.body) == body)
    #expect(reply.date == Self.date)
    #expect(summary.requests == 1)
    let request = String(decoding: try #require(server.requests.first), as: UTF8.self)
    #expect(request.hasPrefix("GET /v2/spaces/team/changes?after=0 HTTP/1.1\r\n"))
    #expect(request.contains("Authorization: Bearer fol_secret\r\n"))
    #expect(request.lowercased().contains("host: 127.0.0.1:\(server.port)\r\n"))
    if plain {
      // The plain path counts exactly what crossed the socket.
      #expect(summary.bytesSent == server.requests[0].count)
      #expect(summary.bytesReceived == answer.count)
    }
  }

  @Test(arguments: [true, false]) func sendsThePathAndQueryAsWritten(plain: Bool) async throws {
    let server = try CannedHTTPServer(answers: [
      .send(Self.answer("200 OK", ["Content-Length: 0"], []))
    ])
    defer { server.stop() }
    _ = try await Self.get(server, plain: plain, path: "/v2/spaces/a%2Fb/changes?after=0&x=a%20b")
    let request = String(decoding: try #require(server.requests.first), as: UTF8.self)
    #expect(request.hasPrefix("GET /v2/spaces/a%2Fb/changes?after=0&x=a%20b HTTP/1.1\r\n"))
  }

  @Test(arguments: [true, false]) func readsAChunkedBody(plain: Bool) async throws {
    let chunked = Array("5\r\nhello\r\n7;note=x\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n".utf8)
    let server = try CannedHTTPServer(answers: [
      .send(Self.answer("200 OK", ["Transfer-Encoding: chunked"], chunked))
    ])
    defer { server.stop() }
    let (reply, _) = try await Self.get(server, plain: plain)
    #expect(String(decoding: reply.body, as: UTF8.self) == "hello, world")
  }

  @Test(arguments: [true, false]) func readsABodyThatRunsToTheClose(plain: Bool) async throws {
    let server = try CannedHTTPServer(answers: [
      .sendAndClose(Self.answer("200 OK", ["Connection: close"], Array("to the end".utf8)))
    ])
    defer { server.stop() }
    let (reply, _) = try await Self.get(server, plain: plain)
    #expect(String(decoding: reply.body, as: UTF8.self) == "to the end")
  }

  @Test(arguments: [true, false]) func inflatesAGzipBody(plain: Bool) async throws {
    let text = String(repeating: "folio ", count: 500)
    let compressed = try #require(Gzip.compress(Data(text.utf8)))
    let server = try CannedHTTPServer(answers: [
      .send(
        Self.answer(
          "200 OK", ["Content-Encoding: gzip", "Content-Length: \(compressed.count)"],
          [UInt8](compressed)))
    ])
    defer { server.stop() }
    let (reply, _) = try await Self.get(server, plain: plain)
    #expect(String(decoding: reply.body, as: UTF8.self) == text)
  }

  @Test(arguments: [true, false]) func sendsALargeBodyCompressed(plain: Bool) async throws {
    let body = Data(String(repeating: "{\"a\":1}", count: 400).utf8)
    let (head, sent) = try await Self.post(body, plain: plain, compression: .always)
    #expect(head.contains("Accept-Encoding: gzip\r\n"))
    #expect(head.contains("Content-Encoding: gzip\r\n"))
    #expect(Gzip.decompress(sent) == body)
  }

  /// Over loopback nothing is compressed by default: there is no bandwidth to save.
  @Test(arguments: [true, false]) func sendsPlainBodiesOnThisMachine(plain: Bool) async throws {
    let body = Data(String(repeating: "{\"a\":1}", count: 400).utf8)
    let (head, sent) = try await Self.post(body, plain: plain, compression: .beyondThisMachine)
    #expect(!head.lowercased().contains("accept-encoding"))
    #expect(!head.lowercased().contains("content-encoding"))
    #expect(sent == body)
  }

  /// Posts `body` to a canned server on 127.0.0.1 and returns the request's head and body
  /// as the server read them.
  static func post(
    _ body: Data, plain: Bool, compression: HTTPCompression
  ) async throws -> (head: String, body: Data) {
    let server = try CannedHTTPServer(answers: [
      .send(Self.answer("200 OK", ["Content-Length: 2"], Array("{}".utf8)))
    ])
    defer { server.stop() }
    var summary = SyncSummary()
    _ = try await Self.transport(plain: plain, compression: compression).send(
      "POST", try #require(URL(string: server.url + "/v2/spaces/team/changes")), body: body,
      summary: &summary)
    let request = try #require(server.requests.first)
    let text = String(decoding: request, as: UTF8.self)
    let separator = try #require(text.range(of: "\r\n\r\n"))
    let bodyStart = text.utf8.distance(from: text.startIndex, to: separator.upperBound)
    return (String(text[..<separator.lowerBound]) + "\r\n", Data(request[bodyStart...]))
  }

  @Test func compressionIsForOtherMachinesUnlessAlways() throws {
    for host in ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "folio.localhost", "[::1]"] {
      let url = try #require(URL(string: "http://\(host):8080/v2/health"))
      #expect(!HTTPCompression.beyondThisMachine.applies(to: url), "\(host)")
      #expect(HTTPCompression.always.applies(to: url), "\(host)")
    }
    for host in ["folio.example.org", "128.0.0.1", "10.0.0.127", "127.0.0.1.example.org", "[::2]"] {
      let url = try #require(URL(string: "https://\(host)/v2/health"))
      #expect(HTTPCompression.beyondThisMachine.applies(to: url), "\(host)")
    }
  }

  @Test func keepsTheConnectionForTheNextRequest() async throws {
    let ok = Self.answer("200 OK", ["Content-Length: 2"], Array("{}".utf8))
    let server = try CannedHTTPServer(answers: [.send(ok), .send(ok), .send(ok)])
    defer { server.stop() }
    for _ in 0..<3 { _ = try await Self.get(server, plain: true) }
    #expect(server.requests.count == 3)
    #expect(server.connections == 1)
  }

  @Test func sendsAgainWhenAKeptConnectionWasClosed() async throws {
    let ok = Self.answer("200 OK", ["Content-Length: 2"], Array("{}".utf8))
    // The first answer does not say the connection closes, as a server dropping an idle
    // connection does not: the transport keeps it, finds it closed, and opens another.
    let server = try CannedHTTPServer(answers: [.sendAndClose(ok), .send(ok)])
    defer { server.stop() }
    _ = try await Self.get(server, plain: true)
    try await Task.sleep(for: .milliseconds(50))
    let (reply, summary) = try await Self.get(server, plain: true)
    #expect(reply.status == 200)
    #expect(summary.requests == 1)
    #expect(server.connections == 2)
    #expect(server.requests.count == 2)
  }

  @Test(arguments: [true, false]) func namesARefusedConnection(plain: Bool) async throws {
    let server = try CannedHTTPServer(answers: [])
    let port = server.port
    server.stop()
    var summary = SyncSummary()
    let url = try #require(URL(string: "http://127.0.0.1:\(port)/v2/x"))
    let reason = await Self.unreachableReason { () async throws(SyncError) in
      _ = try await Self.transport(plain: plain).send("GET", url, body: nil, summary: &summary)
    }
    #expect(reason?.contains("connection refused") == true, "\(reason ?? "")")
    #expect(summary.requests == 0)
  }

  /// The server keeps the connection open and never answers: only the transport's timeout
  /// ends the wait (without it, this test would never end).
  @Test func givesUpOnASilentServer() async throws {
    let server = try CannedHTTPServer(answers: [.silence])
    defer { server.stop() }
    let reason = await Self.unreachableReason { () async throws(SyncError) in
      _ = try await Self.get(server, plain: true, timeout: 0.3)
    }
    #expect(reason == "timed out")
  }

  /// The deadline covers the whole exchange: a server that sends a byte now and then
  /// does not keep a request alive past it.
  @Test func givesUpOnAServerThatTricklesItsAnswer() async throws {
    let answer = Self.answer("200 OK", ["Content-Length: 40"], Array(repeating: 0x61, count: 40))
    let server = try CannedHTTPServer(answers: [.trickle(answer, interval: .milliseconds(50))])
    defer { server.stop() }
    let reason = await Self.unreachableReason { () async throws(SyncError) in
      _ = try await Self.get(server, plain: true, timeout: 0.5)
    }
    #expect(reason == "timed out")
  }

  /// Cancelling the task (Ctrl-C in `folio sync --watch`) ends a request in flight at once.
  @Test func cancellingEndsARequestInFlight() async throws {
    let server = try CannedHTTPServer(answers: [.silence])
    defer { server.stop() }
    // On a thread of its own: on the shared pool, behind the suite's synchronous tests, the
    // cancelled request once waited 186 s to run again.
    let executor = DedicatedExecutor(label: "cancelled-request")
    try await withTaskExecutorPreference(executor) {
      let start = ContinuousClock.now
      let request = Task(executorPreference: executor) {
        _ = try await Self.get(server, plain: true, timeout: 600)
      }
      try await Task.sleep(for: .milliseconds(200))
      request.cancel()
      let result = await request.result
      guard case .failure(let error) = result,
        case .unreachable(_, let reason)? = error as? SyncError
      else {
        Issue.record("unexpected \(result)")
        return
      }
      #expect(reason == "cancelled")
      // Alone it ends in about 0.3 s; far below the transport's own timeout (600 s).
      #expect(ContinuousClock.now - start < .seconds(30))
    }
  }

  @Test func skipsAnInterimAnswer() async throws {
    let final = Self.answer("200 OK", ["Content-Length: 2"], Array("{}".utf8))
    let server = try CannedHTTPServer(answers: [
      .send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8) + final)
    ])
    defer { server.stop() }
    let (reply, _) = try await Self.get(server, plain: true)
    #expect(reply.status == 200)
    #expect(String(decoding: reply.body, as: UTF8.self) == "{}")
  }

  /// Bytes that arrive after an answer's end are not taken for the next answer: the
  /// connection is not used again.
  @Test func leavesAConnectionWithStrayBytes() async throws {
    let ok = Self.answer("200 OK", ["Content-Length: 2"], Array("{}".utf8))
    let server = try CannedHTTPServer(answers: [
      .sendThenStray(ok, stray: Array("XYZ".utf8)), .send(ok),
    ])
    defer { server.stop() }
    _ = try await Self.get(server, plain: true)
    try await Task.sleep(for: .milliseconds(300))
    let (reply, _) = try await Self.get(server, plain: true)
    #expect(reply.status == 200)
    #expect(server.connections == 2)
  }

  @Test func acceptsARepeatedLengthThatAgrees() async throws {
    let server = try CannedHTTPServer(answers: [
      .send(Self.answer("200 OK", ["Content-Length: 2", "Content-Length: 2"], Array("{}".utf8)))
    ])
    defer { server.stop() }
    let (reply, _) = try await Self.get(server, plain: true)
    #expect(String(decoding: reply.body, as: UTF8.self) == "{}")
  }

  @Test(arguments: [
    ("a chunk size near Int.max", ["Transfer-Encoding: chunked"], "1\r\na\r\n7fffffffffffffff\r\n"),
    ("a transfer coding it does not read", ["Transfer-Encoding: gzip, chunked"], "0\r\n\r\n"),
    ("a space before a header's colon", ["Content-Length : 2"], "{}"),
    ("lengths that disagree", ["Content-Length: 2", "Content-Length: 3"], "{}"),
  ])
  func refusesAHostileAnswer(name: String, headers: [String], body: String) async throws {
    let server = try CannedHTTPServer(answers: [
      .sendAndClose(Self.answer("200 OK", headers, Array(body.utf8)))
    ])
    defer { server.stop() }
    let reason = await Self.unreachableReason { () async throws(SyncError) in
      _ = try await Self.get(server, plain: true, timeout: 5)
    }
    #expect(reason != nil && reason != "timed out", "\(name): \(reason ?? "")")
  }

  @Test func refusesAnAnswerThatIsNotHTTP() async throws {
    let server = try CannedHTTPServer(answers: [
      .sendAndClose(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8))
    ])
    defer { server.stop() }
    await #expect(throws: SyncError.self) { _ = try await Self.get(server, plain: true) }
  }

  @Test func refusesABrokenChunk() async throws {
    let server = try CannedHTTPServer(answers: [
      .sendAndClose(Self.answer("200 OK", ["Transfer-Encoding: chunked"], Array("zz\r\n".utf8)))
    ])
    defer { server.stop() }
    let reason = await Self.unreachableReason { () async throws(SyncError) in
      _ = try await Self.get(server, plain: true)
    }
    #expect(reason?.contains("malformed chunk") == true, "\(reason ?? "")")
  }

  @Test(arguments: [true, false]) func reportsARedirectWithoutFollowingIt(plain: Bool) async throws
  {
    let server = try CannedHTTPServer(answers: [
      .send(
        Self.answer(
          "307 Temporary Redirect", ["Location: http://elsewhere.example/x", "Content-Length: 0"],
          []))
    ])
    defer { server.stop() }
    do {
      _ = try await Self.get(server, plain: plain)
      Issue.record("the redirect was not reported")
    } catch {
      guard case .redirected(_, let target) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(target == "http://elsewhere.example/x")
    }
    #expect(server.requests.count == 1)
  }
}
