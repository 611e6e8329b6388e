import FolioReplica
import Foundation
import Testing

/// `folio remote set-url`: a moved server keeps the remote's space, token and cursor; a
/// refused URL or an unknown remote changes nothing.
@Suite struct RemoteSetURLTests {
  /// A replica with remote `team` at http://127.0.0.1:9 whose cursor is at 7.
  func workspaceWithRemote() async throws -> CLIWorkspace {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    try await workspace.succeed([
      "remote", "add", "team", "http://127.0.0.1:9", "--space", "newsroom", "--token", "fol_t",
    ])
    let replica = try Replica.open(at: workspace.path("replica.sqlite"))
    _ = try replica.applyPulled([], heads: [], remote: "team", cursor: 7)
    try replica.clearRelayPending(remote: "team")
    return workspace
  }

  @Test func keepsTheSpaceTheTokenAndTheCursor() async throws {
    let workspace = try await workspaceWithRemote()
    let output = try await workspace.succeed([
      "remote", "set-url", "team", "https://folio2.example.org/",
    ])
    #expect(output.contains("now points at https://folio2.example.org"))
    let replica = try Replica.open(at: workspace.path("replica.sqlite"))
    let remote = try #require(try replica.remote(named: "team"))
    #expect(remote.url == "https://folio2.example.org")
    #expect(remote.space == "newsroom")
    #expect(remote.token == "fol_t")
    #expect(remote.cursor == 7)
    // The next sync offers the server the other sites' changes, should it be another one.
    #expect(try replica.relayPending(remote: "team"))
  }

  @Test func refusalsChangeNothing() async throws {
    let workspace = try await workspaceWithRemote()
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let refusals: [([String], String)] = [
      (["remote", "set-url", "other", "https://folio2.example.org"], "no remote named 'other'"),
      (["remote", "set-url", "team", "http://folio2.example.org"], "--insecure"),
      (["remote", "set-url", "team", "ftp://folio2.example.org"], "not a server URL"),
      (["remote", "set-url", "team"], "Missing expected argument"),
    ]
    for (arguments, message) in refusals {
      let result = await workspace.run(arguments)
      #expect(result.status != 0, "\(arguments)")
      #expect(result.errorOutput.contains(message), "\(arguments): \(result.errorOutput)")
      #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before, "\(arguments)")
    }
    try await workspace.succeed([
      "remote", "set-url", "team", "http://folio2.example.org", "--insecure",
    ])
    let replica = try Replica.open(at: workspace.path("replica.sqlite"))
    #expect(try replica.remote(named: "team")?.url == "http://folio2.example.org")
  }
}
