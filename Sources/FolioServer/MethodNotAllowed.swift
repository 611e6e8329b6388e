import FolioModel
import Hummingbird

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Answers 405 `method-not-allowed`, with `Allow` naming the methods the endpoint has, when a
/// request reaches a protocol endpoint with another method (TRACE, PUT, QUERY…): the router
/// alone would say 404, "no such endpoint", about an endpoint that exists.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as any HTTPResponseError
      where error.status == .notFound || error.status == .methodNotAllowed
    {
      guard let allowed = Self.methods(of: request.uri.path),
        !allowed.contains(request.method)
      else { throw error }
      return try Self.response(method: request.method, allowed: allowed)
    }
  }

  /// The methods of the protocol endpoint at `path` (of the version whose paths start with
  /// `prefix`), or nil when it is none.
  static func methods(
    of path: String, prefix: String = SyncProtocol.pathPrefix
  ) -> [HTTPRequest.Method]? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 3, parts[0].isEmpty, "/\(parts[1])" == prefix else {
      return nil
    }
    switch (parts.count, parts[2], parts.last) {
    case (3, "health", _): return [.get]
    case (5, "spaces", "changes") where !parts[3].isEmpty: return [.get, .post]
    case (5, "spaces", "vector") where !parts[3].isEmpty: return [.get]
    default: return nil
    }
  }

  static func response(
    method: HTTPRequest.Method, allowed: [HTTPRequest.Method]
  ) throws -> Response {
    let allow = allowed.map(\.rawValue).joined(separator: ", ")
    let error = SyncError(
      .methodNotAllowed, code: .methodNotAllowed,
      message: "\(method.rawValue) is not a method of this endpoint; it has \(allow)")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Response(
      status: .methodNotAllowed,
      headers: [.contentType: "application/json; charset=utf-8", .allow: allow],
      body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(error.body))))
  }
}
