import FolioArticles
import FolioModel
import FolioSQLite

/// What went wrong in a replica operation. Every case leaves the replica unchanged.
public enum ReplicaError: Error, Sendable, CustomStringConvertible {
  /// No replica at the path: `folio init` has not been run.
  case notInitialized(path: String)
  /// `folio init` on a path that already holds a replica.
  case alreadyInitialized(path: String)
  /// The file is not a Folio replica, or was made by a newer Folio.
  case incompatible(path: String, reason: String)
  /// No article, annotation or conflict has an id starting with the prefix.
  case unknownID(String)
  /// Several records share the prefix.
  case ambiguousID(String, candidates: [String])
  /// The record exists but the operation does not apply to it.
  case invalidOperation(String)
  /// A change from elsewhere cannot be accepted.
  case rejectedChange(String)
  /// A change from elsewhere has this replica's own site id but other content than this
  /// replica's change of that seq: another copy of this replica file made it.
  case sharedSite(Dot)
  /// This replica's site id was made before Folio signed changes (protocol 1): it is not
  /// derived from its key, so it cannot sign, and no peer would take its changes.
  case cannotSign(site: SiteID)
  /// Changes from elsewhere whose signed heads do not hold (`Protocol/signing.md` §4).
  case unverifiedChanges(InvalidHead)
  /// The underlying database failed.
  case database(SQLiteError)

  public var description: String {
    switch self {
    case .notInitialized(let path):
      return "no Folio replica at \(path): run 'folio init' first"
    case .alreadyInitialized(let path): return "a Folio replica already exists at \(path)"
    case .incompatible(let path, let reason): return "\(path) is not usable: \(reason)"
    case .unknownID(let prefix): return "no record has an id starting with '\(prefix)'"
    case .ambiguousID(let prefix, let candidates):
      return
        "id '\(prefix)' is ambiguous: it matches \(candidates.prefix(5).joined(separator: ", "))"
        + (candidates.count > 5 ? " and \(candidates.count - 5) more" : "")
    case .invalidOperation(let reason): return reason
    case .rejectedChange(let reason): return reason
    case .sharedSite(let dot):
      return "change \(dot) was made by another copy of this replica file (a copied file shares"
        + " its site id \(dot.site)): run 'folio rekey' here to give this copy its own id;"
        + " its changes not yet pushed are kept"
    case .cannotSign(let site):
      return "this replica's site id \(site.short) was made by an older Folio, before changes"
        + " were signed, so it cannot sign its changes and no peer would take them: run"
        + " 'folio rekey' once to give it a key of its own (its changes are kept)"
    case .unverifiedChanges(let invalid):
      return "the changes' signatures do not hold: \(invalid)"
    case .database(let error): return "database error: \(error)"
    }
  }
}
