import FolioModel
import Hummingbird

/// Answers every request under `/v1` with 410 `upgrade-required`, whatever its method, token
/// or body: protocol 1's changes were not signed, so a client that speaks it can neither push
/// nor verify what it pulls, and fails at once with a reason rather than half-working.
struct RetiredVersionMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    let retired = SyncProtocol.retiredPathPrefix
    guard path == retired || path.hasPrefix(retired + "/") else {
      return try await next(request, context)
    }
    throw SyncError.upgradeRequired
  }
}
