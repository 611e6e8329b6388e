import FolioArticles
import FolioModel

/// Why a sync failed. A failed sync keeps everything it had already pulled and pushed;
/// running it again continues.
public enum SyncError: Error, Sendable, CustomStringConvertible {
  /// No remote with that name.
  case unknownRemote(String)
  /// `folio sync` with no name and not exactly one remote.
  case chooseRemote([String])
  /// The server could not be reached.
  case unreachable(url: String, reason: String)
  /// The server refused the token (401).
  case unauthorized(remote: String)
  /// The token does not allow this (403): another space, read-only, or another user's site.
  case forbidden(remote: String, message: String)
  /// The server refused the request for another reason.
  case refused(status: Int, code: String, message: String)
  /// The server answered something that is not the protocol.
  case badResponse(String)
  /// The server answered with a redirect, which the client never follows: the request
  /// carries the token (and a push its changes) and must not go where the server points.
  case redirected(from: String, to: String)

  public var description: String {
    switch self {
    case .unknownRemote(let name):
      return
        "no remote named '\(name)': add one with 'folio remote add NAME URL --space S --token T'"
    case .chooseRemote(let names):
      return names.isEmpty
        ? "no remote configured: add one with 'folio remote add NAME URL --space S --token T'"
        : "several remotes (\(names.joined(separator: ", "))): say which, e.g. 'folio sync \(names[0])'"
    case .unreachable(let url, let reason): return "cannot reach \(url): \(reason)"
    case .unauthorized(let remote):
      return
        "the server refused the token of remote '\(remote)' (wrong or revoked): ask for a new one"
    case .forbidden(let remote, let message):
      return "remote '\(remote)' does not allow this: \(message)"
    case .refused(let status, let code, let message):
      return "the server refused the request (\(status) \(code)): \(message)"
    case .badResponse(let reason): return "the server's answer is not understood: \(reason)"
    case .redirected(let from, let to):
      return
        "\(from) answered with a redirect to \(to); Folio does not follow redirects, which "
        + "would send your token and changes there: if the server has moved, remove the remote "
        + "and add it again with its new URL"
    }
  }
}
