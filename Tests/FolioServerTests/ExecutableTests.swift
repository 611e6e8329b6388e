import FolioModel
import FolioServer
import FolioTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The built `folio-server` binary, driven as a person or a script would.
@Suite("folio-server executable", .serialized)
struct ExecutableTests {
  /// `folio-server` beside the test binary, in the same build folder.
  static var binary: URL? {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("folio-server")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    return nil
  }

  struct Output {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-server-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Output {
    let binary = try #require(Self.binary, "folio-server was not built beside the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  @Test(arguments: StoreKind.allCases) func adminCommandsManageSpacesAndTokens(store: StoreKind)
    throws
  {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var data = ["--data", folder.appendingPathComponent("server.sqlite").path]
    if store == .postgres {
      guard let url = try TestPostgres.createDatabase() else {
        print(TestPostgres.skipReason)
        return
      }
      data = ["--database", url]
    }
    defer { if store == .postgres, let url = data.last { TestPostgres.dropDatabase(url: url) } }

    let created = try run(["space", "create", "team"] + data)
    #expect(created.status == 0)
    #expect(created.stdout == "created space team\n")
    let again = try run(["space", "create", "team"] + data)
    #expect(again.status == 1)
    #expect(again.stderr.contains("space 'team' already exists"))
    let badName = try run(["space", "create", "a b"] + data)
    #expect(badName.status != 0)
    #expect(badName.stderr.contains("invalid space name 'a b'"))

    let token = try run(["token", "create", "--space", "team", "--user", "alice"] + data)
    #expect(token.status == 0)
    #expect(
      token.stdout.wholeMatch(of: /token for alice on team \(read-write\): fol_[0-9a-f]{64}\n/)
        != nil, "\(token.stdout)")
    let secret = String(token.stdout.split(separator: " ").last ?? "").trimmingCharacters(
      in: .whitespacesAndNewlines)
    let readOnly = try run(
      ["token", "create", "--space", "team", "--user", "bob", "--read-only"] + data)
    #expect(readOnly.stdout.hasPrefix("token for bob on team (read-only): fol_"))
    let unknownSpace = try run(["token", "create", "--space", "nope", "--user", "alice"] + data)
    #expect(unknownSpace.status != 0)
    #expect(unknownSpace.stderr.contains("no space named 'nope'"))

    let listed = try run(["token", "list", "--space", "team"] + data)
    #expect(listed.status == 0)
    let id = String(TokenGenerator.hash(secret).prefix(12))
    #expect(listed.stdout.contains(id))
    #expect(listed.stdout.contains("read-only"))
    #expect(!listed.stdout.contains(secret))
    #expect(!listed.stdout.contains("fol_"))

    let revoked = try run(["token", "revoke", id] + data)
    #expect(revoked.status == 0)
    #expect(revoked.stdout == "revoked token \(id) for alice on team\n")
    let listedAfter = try run(["token", "list"] + data)
    let aliceLine = listedAfter.stdout.split(separator: "\n").first { $0.hasPrefix(id) }
    #expect(aliceLine?.hasSuffix("Z") == true, "revoked time shown: \(listedAfter.stdout)")
    let unknownToken = try run(["token", "revoke", "ffffffff"] + data)
    #expect(unknownToken.status != 0)
  }

  @Test func theDatabaseIsChosenByOptionOrEnvironmentAndBadOnesAreNamed() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("server.sqlite").path
    let both = try run(["space", "list", "--data", file, "--database", "postgres://a@b/c"])
    #expect(both.status != 0)
    #expect(both.stderr.contains("either --data PATH or --database URL"))
    let invalid = try run(["space", "list", "--database", "mysql://a@b/c"])
    #expect(invalid.status == 1)
    #expect(invalid.stderr.contains("invalid database URL"))
    // Nothing listens on port 1: the command fails at once, naming the database but not
    // the password.
    let started = Date()
    let unreachable = try run([
      "space", "list", "--database", "postgres://folio:secret@127.0.0.1:1/folio",
    ])
    #expect(unreachable.status == 1)
    #expect(unreachable.stderr.contains("cannot open postgres://folio:***@127.0.0.1:1/folio"))
    #expect(!unreachable.stderr.contains("secret"))
    #expect(Date().timeIntervalSince(started) < 10)

    guard let url = try TestPostgres.createDatabase() else {
      print(TestPostgres.skipReason)
      return
    }
    defer { TestPostgres.dropDatabase(url: url) }
    var environment = ProcessInfo.processInfo.environment
    environment["FOLIO_DATABASE_URL"] = url
    #expect(try run(["space", "create", "newsroom"], environment: environment).status == 0)
    #expect(try run(["space", "list", "--database", url]).stdout == "newsroom\n")
    // --data wins over the environment.
    #expect(try run(["space", "list", "--data", file], environment: environment).stdout == "")
  }

  @Test func theDefaultDataPathFollowsXDG() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_DATA_HOME"] = folder.appendingPathComponent("xdg").path
    #expect(try run(["space", "create", "team"], environment: environment).status == 0)
    let expected = folder.appendingPathComponent("xdg/folio-server/server.sqlite").path
    #expect(FileManager.default.fileExists(atPath: expected))

    environment["XDG_DATA_HOME"] = nil
    environment["HOME"] = folder.appendingPathComponent("home").path
    #expect(try run(["space", "create", "team"], environment: environment).status == 0)
    let fallback = folder.appendingPathComponent("home/.local/share/folio-server/server.sqlite")
    #expect(FileManager.default.fileExists(atPath: fallback.path))
  }

  @Test func serveReportsItsPortServesAndStopsOnSIGTERM() async throws {
    let binary = try #require(Self.binary, "folio-server was not built beside the tests")
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = ["--data", folder.appendingPathComponent("server.sqlite").path]
    #expect(try run(["space", "create", "team"] + data).status == 0)
    let created = try run(["token", "create", "--space", "team", "--user", "alice"] + data)
    let token = String(created.stdout.split(separator: " ").last ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)

    let stdoutFile = folder.appendingPathComponent("stdout.txt")
    let stderrFile = folder.appendingPathComponent("stderr.txt")
    for file in [stdoutFile, stderrFile] {
      #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["serve", "--port", "0"] + data
    process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
    process.standardError = try FileHandle(forWritingTo: stderrFile)
    try process.run()
    defer { if process.isRunning { process.terminate() } }

    // Wait (at most 30 s) for the line naming the port.
    var port: Int?
    for _ in 0..<600 where port == nil {
      let text = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
      if let match = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)\n/) {
        port = Int(match.1)
      } else {
        try await Task.sleep(for: .milliseconds(50))
      }
    }
    let logsSoFar = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    let boundPort = try #require(port, "no port line; stderr: \(logsSoFar)")
    #expect(boundPort > 0)

    let changes = makeChanges(site: TestSites.make(), count: 2)
    try await TestClient.withClient(host: "127.0.0.1", port: boundPort) { client in
      let health = try await client.get("/v2/health")
      #expect(health.status == .ok)
      let push = try await client.post(
        "/v2/spaces/team/changes", headers: bearer(token),
        body: ByteBuffer(bytes: PushRequest.signed(changes).encoded()))
      #expect(push.status == .ok)
      let pull = try await client.get("/v2/spaces/team/changes?after=0", headers: bearer(token))
      let body = try #require(pull.body)
      let page = try PullResponse.decode(Array(body.readableBytesView))
      #expect(page.changes == changes)
      let metrics = try await client.get("/metrics")
      let text = metrics.body.map { String(buffer: $0) } ?? ""
      #expect(text.contains("folio_changes_pushed_total 2"), "\(text)")
      #expect(try await client.get("/readyz").status == .ok)
    }

    process.terminate()  // SIGTERM
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    let logs = try String(contentsOf: stderrFile, encoding: .utf8)
    #expect(logs.contains("push stored"))
    #expect(!logs.contains(token))
    #expect(!logs.contains(String(token.dropFirst(4))))
  }
}
