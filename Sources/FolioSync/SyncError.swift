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
  /// 403 `unregistered-site` for this replica's own site: the token's user is not the
  /// replica's author, so the server will not bind the site to it.
  case unregisteredSite(remote: String, author: String)
  /// 403 `site-owned` for this replica's own site: the server binds it to another user.
  case siteOwned(remote: String, author: String, message: String)
  /// 400 `invalid-head`: the server refused a signed head of a push.
  case invalidHead(remote: String, rule: String?, site: SiteID?, ownSite: Bool, message: String)
  /// 410 `upgrade-required` (or no endpoint of this protocol version at all): the server
  /// speaks another protocol version than this client.
  case upgradeRequired(remote: String, url: String, message: String)
  /// A pull page whose signed heads do not hold: nothing of it was applied.
  case unverifiedPage(remote: String, InvalidHead)
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
    case .unregisteredSite(let remote, let author):
      return "remote '\(remote)' refused this replica's changes: this replica writes as"
        + " '\(author)' but the token belongs to another user. The server binds a replica to"
        + " the user whose token first pushes it, and that user's name must be the replica's"
        + " author: use \(author)'s own token ('folio remote remove \(remote)', then 'folio"
        + " remote add' with it), or make your own replica ('folio init --author YOUR-NAME')."
        + " Nothing was pushed."
    case .siteOwned(let remote, let author, let message):
      return "remote '\(remote)' binds this replica's site to another user than '\(author)',"
        + " the name it writes as (was this file copied from another person's replica, or its"
        + " author renamed?): run 'folio rekey' to give it a site of its own, and sync with a"
        + " token of the user '\(author)'. Nothing was pushed. (server: \(message))"
    case .invalidHead(let remote, let rule, let site, let ownSite, let message):
      let whose =
        ownSite
        ? "this replica's signed head" : "the signed head of site \(site?.short ?? "?")"
      return "remote '\(remote)' refused \(whose) (invalid-head \(rule ?? "?")): \(message)."
        + (ownSite
          ? " The server holds other changes under this replica's site than this file does:"
            + " if this file was copied from another replica, run 'folio rekey' here."
          : "") + " Nothing was pushed."
    case .upgradeRequired(let remote, let url, let message):
      return "remote '\(remote)' (\(url)) speaks another version of the sync protocol than"
        + " this folio (protocol 2, signed changes): upgrade whichever is older, folio or"
        + " folio-server, so both speak the same version. (server: \(message))"
    case .unverifiedPage(let remote, let invalid):
      return "remote '\(remote)' sent changes whose signatures do not hold (\(invalid)):"
        + " nothing of that page was applied. The server, or something between it and this"
        + " machine, altered or invented changes; tell whoever runs the server"
    case .redirected(let from, let to):
      return
        "\(from) answered with a redirect to \(to); Folio does not follow redirects, which "
        + "would send your token and changes there: if the server has moved, remove the remote "
        + "and add it again with its new URL"
    }
  }
}
