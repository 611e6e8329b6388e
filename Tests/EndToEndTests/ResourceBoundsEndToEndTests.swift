import FolioModel
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Resource bounds seen from outside: pages of large values arrive whole through the byte
/// bound, a redirect is never followed with the token, bad space names are refused, and the
/// server's files are its user's alone.
@Suite(.serialized) struct ResourceBoundsEndToEndTests {
  @Test func largeValuesSyncInPagesWithinTheByteBound() throws {
    let team = try Team(users: ["alice", "bob"])
    // 24 articles with a 200 KiB summary each: about 4.8 MB of changes, more than a page.
    let articles = (1...24).map { index in
      [
        "title": "Article \(index)",
        "summary": String(repeating: "word\(index) ", count: 200 * 1024 / 7),
      ]
    }
    let file = team.folder.path("big.json")
    try JSONSerialization.data(withJSONObject: articles).write(to: URL(fileURLWithPath: file))
    try team["alice"].run(["import", file])
    try team["alice"].run(["sync"])

    let page = rawRequest(
      "GET", "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes?limit=5000",
      token: team.tokens["alice"])
    #expect(page.status == 200)
    #expect(page.body.utf8.count <= 4 * 1024 * 1024 + 64 * 1024, "\(page.body.utf8.count) bytes")
    #expect(page.body.hasSuffix(#""more":true}"#))

    try team["bob"].run(["sync"])
    let listed = try team["bob"].run(["list", "--json"])
    #expect(listed.components(separatedBy: "\"Article ").count - 1 == 24, "\(listed.prefix(500))")
    let export = try team["bob"].run(["export", "--format", "json"])
    #expect(export.contains("word24 word24"))
  }

  @Test func aRedirectToAnotherOriginIsNotFollowedAndTheUserIsTold() throws {
    let folder = try TestFolder()
    let elsewhere = try RecordingListener { _ in
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    }
    let redirecting = try RecordingListener { request in
      let path = request.split(separator: " ").dropFirst().first ?? "/"
      return
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(elsewhere.port)\(path)\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n"
    }
    let replica = ReplicaProcess(store: folder.path("alice.sqlite"))
    try replica.run(["init", "--author", "alice"])
    try replica.run(["import", Fixture.articlePath])
    try replica.run([
      "remote", "add", "team", "http://127.0.0.1:\(redirecting.port)", "--space", "newsroom",
      "--token", "fol_" + String(repeating: "ab", count: 32),
    ])
    let sync = try replica.attempt(["sync"])
    #expect(sync.status != 0)
    #expect(sync.errorOutput.contains("redirect"), "\(sync.errorOutput)")
    #expect(sync.errorOutput.contains("127.0.0.1:\(elsewhere.port)"), "\(sync.errorOutput)")
    #expect(redirecting.requests.count >= 1)
    #expect(redirecting.requests.allSatisfy { $0.contains("Bearer fol_abab") })
    #expect(elsewhere.requests.isEmpty, "followed: \(elsewhere.requests)")
  }

  @Test func spaceNamesThatAreDotsSeparatorsOrControlCharactersAreRefused() throws {
    let folder = try TestFolder()
    let server = try ServerProcess(folder: folder.url)
    for name in [".", "..", ".hidden", "a/b", "../etc", "a\u{7}b", "tab\tname"] {
      let result = try server.admin(["space", "create", name])
      #expect(result.status != 0, "\(name.debugDescription) was accepted")
      #expect(result.errorOutput.contains("invalid space name"), "\(result.errorOutput)")
      #expect(!result.errorOutput.contains("\u{7}"), "a control character is echoed raw")
    }
    let dots = try server.admin(["space", "create", ".."])
    #expect(dots.errorOutput.contains("may not start with '.'"), "\(dots.errorOutput)")
    let listed = try server.admin(["space", "list"])
    #expect(listed.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
  }

  @Test func theServersFilesAreItsUsersAlone() throws {
    let folder = try TestFolder()
    // A folder the server creates itself: XDG_DATA_HOME/folio-server.
    let home = folder.path("data")
    let data = home + "/folio-server/server.sqlite"
    let environment = ["XDG_DATA_HOME": home]
    #expect(
      try runProcess(Binaries.server, ["space", "create", "team"], environment: environment)
        .status == 0)
    let created = try runProcess(
      Binaries.server, ["token", "create", "--space", "team", "--user", "alice"],
      environment: environment)
    #expect(created.status == 0)
    let server = try ServerProcess(folder: folder.url)
    let serverData = server.dataPath
    // The explicit --data file in an existing folder, written through a push.
    #expect(try server.admin(["space", "create", "team"]).status == 0)
    let token = try server.createToken(space: "team", user: "alice")
    try server.start()
    let replica = ReplicaProcess(store: folder.path("alice.sqlite"))
    try replica.run(["init", "--author", "alice"])
    try replica.run(["import", Fixture.articlePath])
    try replica.run(["remote", "add", "team", server.url, "--space", "team", "--token", token])
    try replica.run(["sync"])

    #expect(try mode(of: home + "/folio-server") == 0o700)
    for file in [data, serverData, serverData + "-wal", serverData + "-shm"]
    where FileManager.default.fileExists(atPath: file) {
      #expect(try mode(of: file) == 0o600, "\(file)")
    }
    #expect(FileManager.default.fileExists(atPath: serverData + "-wal"))
    server.stop()
  }

  private func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
  }
}

/// A bare HTTP listener on 127.0.0.1 that records each request head and sends `answer`'s
/// reply, for what a sync server must never do (redirect) and where a client must never go.
final class RecordingListener: @unchecked Sendable {
  // @unchecked: `recorded` is only touched under `lock`; the descriptor is set once.
  let port: Int
  private let descriptor: Int32
  private let lock = NSLock()
  private var recorded: [String] = []

  init(answer: @escaping @Sendable (String) -> String) throws {
    let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    descriptor = listening
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listening, $0, length) == 0 && listen(listening, 8) == 0
          && getsockname(listening, $0, &length) == 0
      }
    }
    guard bound else { throw ListenerError() }
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread { [weak self] in
      while true {
        let connection = accept(listening, nil, nil)
        guard connection >= 0 else { return }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
          let count = recv(connection, &buffer, buffer.count, 0)
          guard count > 0 else { break }
          head += buffer[0..<count]
        }
        let request = String(decoding: head, as: UTF8.self)
        self?.record(request)
        let reply = Array(answer(request).utf8)
        _ = reply.withUnsafeBytes {
          send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        close(connection)
      }
    }.start()
  }

  /// The request heads received so far.
  var requests: [String] {
    lock.lock()
    defer { lock.unlock() }
    return recorded
  }

  private func record(_ request: String) {
    lock.lock()
    recorded.append(request)
    lock.unlock()
  }

  deinit {
    shutdown(descriptor, Int32(SHUT_RDWR))
    close(descriptor)
  }

  struct ListenerError: Error {}
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
  }
}
