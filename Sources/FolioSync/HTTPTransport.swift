import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One HTTP exchange's result.
struct HTTPReply: Sendable {
  let status: Int
  let body: Data
  /// The server's `Date` header: its clock, to the second.
  var date: String? = nil
}

/// Sends requests to a sync server and counts the bytes on the wire: `http://` over a plain
/// socket (`PlainHTTP`), `https://` with AsyncHTTPClient.
struct HTTPTransport: Sendable {
  let token: String
  /// Seconds before a request is abandoned.
  let timeout: Double
  /// When bodies are gzip-compressed (asked for with `Accept-Encoding`, sent with
  /// `Content-Encoding`); a gzip answer is inflated whatever was asked.
  var compression = HTTPCompression.beyondThisMachine
  /// Sends `http://` requests through AsyncHTTPClient too (the tests, so that its path stays
  /// covered without a TLS server).
  var alwaysAsyncHTTPClient = false

  /// The process's one HTTP client. It lives as long as the process, so it is never shut
  /// down. It follows no redirect: the token and body must not go to another origin, and a
  /// moved server is the user's to re-point (`folio remote`).
  static let client = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(connect: .seconds(10)),
      decompression: .disabled))

  /// The largest response body read into memory; a server's pull pages are far smaller.
  static let maximumResponseBytes = 512 * 1024 * 1024

  func send(
    _ method: String, _ url: URL, body: Data?, summary: inout SyncSummary
  ) async throws(SyncError) -> HTTPReply {
    let compresses = compression.applies(to: url)
    // Uncompressed exchanges send no Accept-Encoding at all: a no-change sync must stay
    // under 1 KB, and a gzip answer is inflated anyway.
    var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
    if compresses { headers.append(("Accept-Encoding", "gzip")) }
    var sentBody = body
    if let body {
      headers.append(("Content-Type", "application/json"))
      if compresses, body.count >= Self.minimumCompressedBytes,
        let compressed = Gzip.compress(body)
      {
        sentBody = compressed
        headers.append(("Content-Encoding", "gzip"))
      }
    }
    let reply =
      if url.scheme == "http", !alwaysAsyncHTTPClient {
        try await sendPlain(method, url, headers: headers, body: sentBody)
      } else {
        try await sendWithClient(method, url, headers: headers, body: sentBody)
      }
    if (300..<400).contains(reply.status) {
      throw .redirected(
        from: Self.origin(url) + url.path, to: reply.headers["location"] ?? "(no Location)")
    }
    var plain = Data(reply.body)
    if (reply.headers["content-encoding"] ?? "").lowercased() == "gzip" {
      guard let inflated = Gzip.decompress(plain) else {
        throw .badResponse("a gzip body from the server is corrupt")
      }
      plain = inflated
    }
    summary.requests += 1
    summary.bytesSent += reply.bytesSent
    summary.bytesReceived += reply.bytesReceived
    return HTTPReply(status: reply.status, body: plain, date: reply.headers["date"])
  }

  /// An answer as it came over either path, before `send` reads it.
  private struct WireReply {
    let status: Int
    /// Header names in lowercase.
    let headers: [String: String]
    /// The body as sent (still compressed if it was).
    let body: [UInt8]
    let bytesSent: Int
    let bytesReceived: Int
  }

  private func sendPlain(
    _ method: String, _ url: URL, headers: [(String, String)], body: Data?
  ) async throws(SyncError) -> WireReply {
    let request = PlainHTTP.request(
      method, url, headers: headers, body: body.map { [UInt8]($0) }, timeout: timeout)
    let response: PlainHTTP.Response
    do {
      response = try await PlainHTTP.exchange(
        request, maximumBodyBytes: Self.maximumResponseBytes)
    } catch {
      throw .unreachable(url: Self.origin(url), reason: error.reason)
    }
    return WireReply(
      status: response.status, headers: response.headers, body: response.body,
      bytesSent: request.bytes.count, bytesReceived: response.wireBytes)
  }

  private func sendWithClient(
    _ method: String, _ url: URL, headers: [(String, String)], body: Data?
  ) async throws(SyncError) -> WireReply {
    var request = HTTPClientRequest(url: url.absoluteString)
    request.method = HTTPMethod(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    try Self.checkHostResolves(url)
    let response: HTTPClientResponse
    var received: ByteBuffer
    do {
      response = try await Self.client.execute(
        request, timeout: .milliseconds(Int64(timeout * 1000)))
      received = try await response.body.collect(upTo: Self.maximumResponseBytes)
    } catch {
      throw .unreachable(url: Self.origin(url), reason: Self.reason(error))
    }
    let wire = received.readBytes(length: received.readableBytes) ?? []
    return WireReply(
      status: Int(response.status.code),
      headers: Dictionary(
        response.headers.map { ($0.name.lowercased(), $0.value) },
        uniquingKeysWith: { first, _ in first }),
      body: wire, bytesSent: Self.headerBytes(request, url: url) + (body?.count ?? 0),
      bytesReceived: Self.headerBytes(response) + wire.count)
  }

  /// Hosts already found to resolve in this process.
  private static let resolvedHosts = Mutex<Set<String>>([])

  /// Fails at once for a host name that does not resolve: the HTTP client would retry it
  /// until its connect timeout, 10 s for a typo.
  private static func checkHostResolves(_ url: URL) throws(SyncError) {
    guard let host = url.host, !resolvedHosts.withLock({ $0.contains(host) }) else { return }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &result)
    if let result { freeaddrinfo(result) }
    guard status == 0 else { throw .unreachable(url: origin(url), reason: "unknown host") }
    _ = resolvedHosts.withLock { $0.insert(host) }
  }

  /// Request bodies smaller than this go uncompressed.
  static let minimumCompressedBytes = 1_024

  private static func origin(_ url: URL) -> String {
    "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")"
  }

  private static func reason(_ error: any Error) -> String {
    if let error = error as? HTTPClientError {
      switch error {
      case .connectTimeout, .deadlineExceeded, .readTimeout: return "timed out"
      case .remoteConnectionClosed: return "the server closed the connection"
      default: return "\(error)"
      }
    }
    if let error = error as? NIOConnectionError {
      return error.connectionErrors.isEmpty
        ? "unknown host" : "connection refused (is the server running?)"
    }
    if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
      return "connection refused (is the server running?)"
    }
    if error is NIOTooManyBytesError {
      return "the answer is larger than \(maximumResponseBytes) bytes"
    }
    let text = "\(error)"
    if text.contains("connectionRefused") || text.contains("Connection refused") {
      return "connection refused (is the server running?)"
    }
    return text
  }

  /// The request's header on the wire: request line, the headers sent, blank line.
  private static func headerBytes(_ request: HTTPClientRequest, url: URL) -> Int {
    var size =
      request.method.rawValue.utf8.count + 1 + max(1, url.path.utf8.count)
      + (url.query.map { $0.utf8.count + 1 } ?? 0) + " HTTP/1.1\r\n".utf8.count
    size += "Host: \(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\r\n".utf8.count
    for header in request.headers {
      size += header.name.utf8.count + 2 + header.value.utf8.count + 2
    }
    if case .some = request.body { size += "Content-Length: 0000\r\n".utf8.count }
    return size + 2
  }

  /// The response's header on the wire: status line, the headers received, blank line.
  private static func headerBytes(_ response: HTTPClientResponse) -> Int {
    var size = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8.count
    for header in response.headers {
      size += header.name.utf8.count + 2 + header.value.utf8.count + 2
    }
    return size + 2
  }
}
