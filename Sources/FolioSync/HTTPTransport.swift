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
struct HTTPTransport {
  let session: URLSession
  let token: String

  func send(
    _ method: String, _ url: URL, body: Data?, summary: inout SyncSummary
  ) async throws(SyncError) -> HTTPReply {
    var request = URLRequest(url: url, timeoutInterval: 60)
    request.httpMethod = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    if let body {
      request.httpBody = body
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let data: Data
    let response: URLResponse
    do {
      (data, response) = try await session.data(for: request)
    } catch {
      throw .unreachable(
        url: "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")",
        reason: Self.reason(error))
    }
    guard let http = response as? HTTPURLResponse else { throw .badResponse("not HTTP") }
    summary.requests += 1
    summary.bytesSent += Self.requestHeaderBytes(request) + (body?.count ?? 0)
    summary.bytesReceived += Self.responseHeaderBytes(http) + data.count
    return HTTPReply(status: http.statusCode, body: data)
  }

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
