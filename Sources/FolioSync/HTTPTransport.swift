import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP exchange's result.
struct HTTPReply {
  let status: Int
  let body: Data
}

/// Sends requests to a sync server with URLSession and counts the bytes on the wire.
///
/// Every request carries the remote's token (and a push its changes), so a redirect is never
/// followed: the server's 3xx is an error naming where it pointed (see `refusingRedirects`).
struct HTTPTransport {
  let session: URLSession
  let token: String
  /// Seconds before a request is abandoned.
  let timeout: Double

  func send(
    _ method: String, _ url: URL, body: Data?, summary: inout SyncSummary
  ) async throws(SyncError) -> HTTPReply {
    var request = URLRequest(url: url, timeoutInterval: timeout)
    request.httpMethod = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    request.setValue("gzip", forHTTPHeaderField: "Accept-Encoding")
    var sentBody = body
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      if body.count >= Self.minimumCompressedBytes, let compressed = Gzip.compress(body) {
        sentBody = compressed
        request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
      }
      request.httpBody = sentBody
    }
    let data: Data
    let response: URLResponse
    do {
      (data, response) = try await session.data(for: request)
    } catch {
      throw .unreachable(url: Self.origin(url), reason: Self.reason(error))
    }
    guard let http = response as? HTTPURLResponse else { throw .badResponse("not HTTP") }
    if (300..<400).contains(http.statusCode) {
      throw .redirected(
        from: Self.origin(url) + url.path,
        to: http.value(forHTTPHeaderField: "Location") ?? "(no Location)")
    }
    let gzipped = (http.value(forHTTPHeaderField: "Content-Encoding") ?? "").lowercased() == "gzip"
    var plain = data
    // URLSession may or may not have inflated the body already: gzip starts 1f 8b, JSON never.
    if gzipped, data.starts(with: [0x1f, 0x8b]) {
      guard let inflated = Gzip.decompress(data) else {
        throw .badResponse("a gzip body from the server is corrupt")
      }
      plain = inflated
    }
    let wireBytes =
      gzipped
      ? (http.value(forHTTPHeaderField: "Content-Length").flatMap(Int.init) ?? data.count)
      : data.count
    summary.requests += 1
    summary.bytesSent += Self.requestHeaderBytes(request) + (sentBody?.count ?? 0)
    summary.bytesReceived += Self.responseHeaderBytes(http) + wireBytes
    return HTTPReply(status: http.statusCode, body: plain)
  }

  /// A session whose requests never follow a redirect: the 3xx itself is the answer.
  ///
  /// It must be the session's delegate that refuses: on Linux, FoundationNetworking follows
  /// redirects of `data(for:)` without asking a per-task delegate, re-sending the
  /// `Authorization` header and the body to whatever origin `Location` names.
  static let refusingRedirects = URLSession(
    configuration: .default, delegate: RedirectRefusal(), delegateQueue: nil)

  /// `scheme://host:port` of `url`.
  private static func origin(_ url: URL) -> String {
    "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")"
  }

  /// Request bodies smaller than this go uncompressed.
  static let minimumCompressedBytes = 1_024

  private static func reason(_ error: any Error) -> String {
    let nsError = error as NSError
    switch nsError.code {
    case NSURLErrorCannotConnectToHost: return "connection refused (is the server running?)"
    case NSURLErrorTimedOut: return "timed out"
    case NSURLErrorCannotFindHost: return "unknown host"
    default: return nsError.localizedDescription
    }
  }

  /// The request's size on the wire: request line, headers URLSession sends, blank line.
  private static func requestHeaderBytes(_ request: URLRequest) -> Int {
    let url = request.url
    var size =
      (request.httpMethod ?? "GET").utf8.count + (url?.path.utf8.count ?? 0)
      + (url?.query.map { $0.utf8.count + 1 } ?? 0) + " HTTP/1.1\r\n".utf8.count
    size += "Host: \(url?.host ?? ""):\(url?.port ?? 80)\r\n".utf8.count
    for (name, value) in request.allHTTPHeaderFields ?? [:] {
      size += name.utf8.count + 2 + value.utf8.count + 2
    }
    if let body = request.httpBody { size += "Content-Length: \(body.count)\r\n".utf8.count }
    return size + 2
  }

  private static func responseHeaderBytes(_ response: HTTPURLResponse) -> Int {
    var size = "HTTP/1.1 \(response.statusCode) OK\r\n".utf8.count
    for (name, value) in response.allHeaderFields {
      size += "\(name)".utf8.count + 2 + "\(value)".utf8.count + 2
    }
    return size + 2
  }
}

/// Answers every redirect with "do not follow" (see `HTTPTransport.refusingRedirects`).
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }
}
