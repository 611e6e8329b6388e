import FolioModel
import Hummingbird

/// Answers every request under `/v1` with 410 `upgrade-required`, whatever its token or body:
/// protocol 1's changes were not signed, so a client that speaks it can neither push nor
/// verify what it pulls, and fails at once with a reason rather than half-working. A method
/// protocol 1's endpoint never had (TRACE, PUT…) gets 405 with `Allow`, as under `/v2`.
struct RetiredVersionMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    let retired = SyncProtocol.retiredPathPrefix
    guard path == retired || path.hasPrefix(retired + "/") else {
      return try await next(request, context)
    }
    if let allowed = MethodNotAllowedMiddleware<Context>.methods(of: path, prefix: retired),
      !allowed.contains(request.method)
    {
      return try MethodNotAllowedMiddleware<Context>.response(
        method: request.method, allowed: allowed)
    }
    throw SyncError.upgradeRequired
  }
}
