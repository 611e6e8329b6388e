import Foundation
import Testing

@testable import FolioCLI

@Suite struct RemoteSecurityTests {
  @Test func theTokenComesFromTheEnvironmentOrStandardInput() throws {
    #expect(
      try RemoteSecurity.token(flag: nil, environment: ["FOLIO_TOKEN": "fol_env"], input: { nil })
        == "fol_env")
    #expect(
      try RemoteSecurity.token(flag: nil, environment: [:], input: { "fol_stdin\n" })
        == "fol_stdin")
    #expect(
      try RemoteSecurity.token(flag: "fol_flag", environment: ["FOLIO_TOKEN": "x"], input: { nil })
        == "fol_flag")
    #expect(throws: CLIError.self) {
      try RemoteSecurity.token(flag: nil, environment: [:], input: { "  " })
    }
  }

  @Test func clearTextHTTPIsForLoopbackOnly() throws {
    for url in [
      "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.1.2.3",
      "https://folio.example.org", "https://10.0.0.5:8443",
    ] {
      try RemoteSecurity.checkURL(url, insecure: false)
    }
    for url in ["http://folio.example.org:8080", "http://10.0.0.5", "http://127.0.0.1.evil.org"] {
      #expect(throws: CLIError.self, "\(url)") { try RemoteSecurity.checkURL(url, insecure: false) }
      try RemoteSecurity.checkURL(url, insecure: true)
    }
    #expect(throws: CLIError.self) { try RemoteSecurity.checkURL("ftp://x", insecure: true) }
  }

  @Test func remoteAddRefusesHTTPToAnotherHostAndChangesNothing() async throws {
    let workspace = try CLIWorkspace()
    try await workspace.succeed(["init", "--author", "alice"])
    let before = try dumpReplica(at: workspace.path("replica.sqlite"))
    let refused = await workspace.run([
      "remote", "add", "team", "http://folio.example.org:8080", "--space", "newsroom",
      "--token", "fol_x",
    ])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("--insecure"))
    #expect(try dumpReplica(at: workspace.path("replica.sqlite")) == before)
    let allowed = try await workspace.succeed([
      "remote", "add", "team", "http://folio.example.org:8080", "--space", "newsroom",
      "--token", "fol_x", "--insecure", "--json",
    ])
    #expect(allowed.contains("\"name\" : \"team\""))
  }
}
