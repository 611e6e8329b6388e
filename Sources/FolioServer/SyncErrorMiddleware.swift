import Hummingbird
import Logging

/// Turns every error into a `SyncError`, so that each error answer, including 404 and
/// failures deep in the store, carries the protocol's JSON error body. Unexpected errors are
/// logged here and answered with a bare 500, so their details never reach a client.
struct SyncErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  let limits: ServerLimits

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as SyncError {
      throw error
    } catch let error as any HTTPResponseError {
      switch error.status {
      case .notFound, .methodNotAllowed: throw SyncError.notFound
      case .contentTooLarge: throw SyncError.bodyTooLarge(limit: limits.maximumBodyBytes)
      case .badRequest: throw SyncError.badRequest("\(error)")
      default:
        context.logger.error("request failed", metadata: ["error": "\(error)"])
        throw SyncError.internalError
      }
    } catch {
      context.logger.error("request failed", metadata: ["error": "\(error)"])
      throw SyncError.internalError
    }
  }
}
