import ArgumentParser
import FolioReplica

struct RekeyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rekey",
    abstract: "Give a copied replica file (or one made by an older Folio) its own key and site id.",
    discussion: """
      Two replica files with one site id (a file copied to a second machine) make different
      changes under the same ids; a sync or bundle then stops with a message saying so. Run
      this on one of the copies: it gets a new key pair and so a new site id (derived from the
      key), its changes not yet pushed are made again under it (nothing is lost), and its next
      sync reads the server from the start.

      A replica made by a Folio before changes were signed has a site id no key derives, so
      it cannot sign: 'folio sync' and 'folio bundle create' refuse until it is rekeyed once.
      All its changes then move to the new site id.

      Examples:
        folio rekey
        folio --store ~/laptop-copy.sqlite rekey
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    let report = try Replica.rekey(at: global.storePath)
    if global.json {
      try JSONOutput.print(
        RekeyRecord(
          oldSite: report.oldSite.rawValue, site: report.newSite.rawValue,
          movedChanges: report.movedChanges))
      return
    }
    Console.current.out(
      "This replica now has site \(report.newSite.short) (was \(report.oldSite.short));"
        + " \(report.movedChanges) change\(report.movedChanges == 1 ? "" : "s") not yet pushed"
        + " kept under it. Run 'folio sync' to share them.")
  }
}

/// `folio rekey --json`.
private struct RekeyRecord: Encodable {
  let oldSite: String
  let site: String
  let movedChanges: Int
}
