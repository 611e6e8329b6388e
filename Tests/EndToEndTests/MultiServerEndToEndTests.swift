import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// Two `folio-server` processes on one PostgreSQL database, and a replica per user, each
/// talking to one of the two servers.
final class SharedDatabaseTeam {
  let folder: TestFolder
  let databaseURL: String
  let servers: [ServerProcess]
  let space = "newsroom"
  var replicas: [String: ReplicaProcess] = [:]
  var tokens: [String: String] = [:]

  /// A team whose users talk to servers A, B, A, B…; nil (saying why) with no test cluster.
  static func make(users: [String]) throws -> SharedDatabaseTeam? {
    guard let url = try TestPostgres.createDatabase() else {
      print(TestPostgres.skipReason)
      return nil
    }
    return try SharedDatabaseTeam(users: users, databaseURL: url)
  }

  private init(users: [String], databaseURL: String) throws {
    let folder = try TestFolder()
    self.folder = folder
    self.databaseURL = databaseURL
    servers = try ["server-a", "server-b"].map {
      try ServerProcess(folder: folder.url, databaseURL: databaseURL, name: $0)
    }
    try servers[0].createSpace(space)
    for user in users {
      tokens[user] = try servers[1].createToken(space: space, user: user)
    }
    for server in servers { try server.start() }
    for (index, user) in users.enumerated() {
      let replica = ReplicaProcess(store: folder.path("\(user).sqlite"))
      try replica.run(["init", "--author", user])
      try replica.run([
        "remote", "add", "team", servers[index % 2].url, "--space", space, "--token",
        tokens[user] ?? "",
      ])
      replicas[user] = replica
    }
  }

  subscript(user: String) -> ReplicaProcess {
    replicas[user] ?? ReplicaProcess(store: folder.path("missing.sqlite"))
  }

  /// Starts `folio sync` for each user at once and waits for all of them; returns the exit
  /// statuses.
  func syncAtOnce(_ users: [String]) throws -> [Int32] {
    let processes = try users.map { user in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Binaries.folio)
      process.arguments = ["--store", self[user].store, "sync"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    return processes.map { process in
      process.waitUntilExit()
      return process.terminationStatus
    }
  }

  /// The user's replica status as JSON.
  func status(_ user: String) throws -> [String: Any] {
    let text = try self[user].run(["status", "--json"])
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  deinit {
    for server in servers { server.stop(kill: true) }
    TestPostgres.dropDatabase(url: databaseURL)
  }
}

@Suite(.serialized) struct MultiServerEndToEndTests {
  @Test func threeReplicasOnTwoServersPushAndPullAtOnceAndConverge() throws {
    guard let team = try SharedDatabaseTeam.make(users: ["alice", "bob", "carol"]) else { return }
    for (seed, user) in ["alice", "bob", "carol"].enumerated() {
      let generated = team.folder.path("\(user).json")
      try writeGeneratedArticles(count: 150, seed: seed + 10, to: generated)
      try team[user].run(["import", generated])
    }
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    for round in 0..<3 {
      #expect(try team.syncAtOnce(["alice", "bob", "carol"]) == [0, 0, 0])
      // Edits between rounds, on every replica that has the article by now.
      for user in ["alice", "bob", "carol"] {
        let result = try team[user].attempt(["tag", article, "+\(user)\(round)"])
        if round > 0 { #expect(result.status == 0, "\(user): \(result.errorOutput)") }
      }
    }
    for user in ["alice", "bob", "carol", "alice", "bob"] { try team[user].run(["sync"]) }
    let exports = try ["alice", "bob", "carol"].map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1)
    #expect(exports[0].contains("carol2") && exports[0].contains("alice1"))
    // Both servers hold the same changes.
    let token = team.tokens["alice"] ?? ""
    let vectors = team.servers.map { serverVector(url: $0.url, space: team.space, token: token) }
    #expect(vectors[0] != nil && vectors[0] == vectors[1])
    #expect(try team["carol"].run(["sync"]).contains("pulled 0, pushed 0"))
  }

  @Test func killingOneServerMidPushLosesNothingAcknowledged() throws {
    guard let team = try SharedDatabaseTeam.make(users: ["alice", "bob"]) else { return }
    let generated = team.folder.path("many.json")
    try writeGeneratedArticles(count: 4_000, seed: 3, to: generated)
    try team["alice"].run(["import", generated])
    let before = try team.status("alice")
    let site = try #require(before["site"] as? String)
    let total = try #require(before["changes"] as? Int)
    let token = team.tokens["alice"] ?? ""

    let sync = Process()
    sync.executableURL = URL(fileURLWithPath: Binaries.folio)
    sync.arguments = ["--store", team["alice"].store, "sync"]
    sync.standardOutput = FileHandle.nullDevice
    sync.standardError = FileHandle.nullDevice
    try sync.run()
    // Alice pushes through server A; watch through server B, and kill A once pushes land.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline, sync.isRunning {
      let pushed = serverVector(url: team.servers[1].url, space: team.space, token: token)?[site]
      if (pushed ?? 0) > 0 { break }
      usleep(20_000)
    }
    let port = team.servers[0].port
    team.servers[0].stop(kill: true)
    sync.waitUntilExit()

    // Everything alice's replica saw acknowledged is in the database, read through B.
    let remote = try #require((try team.status("alice")["remotes"] as? [[String: Any]])?.first)
    let acknowledged = total - (remote["unpushed"] as? Int ?? total)
    let stored = serverVector(url: team.servers[1].url, space: team.space, token: token)?[site]
    #expect((stored ?? 0) >= acknowledged)
    if acknowledged == total { print("note: server A was killed after the push had completed") }

    try team.servers[0].start(port: port)
    #expect(try team["alice"].run(["sync"]).contains("Synced"))
    try team["bob"].run(["sync"])
    #expect(try team["alice"].run(["export"]) == (try team["bob"].run(["export"])))
    #expect(serverVector(url: team.servers[1].url, space: team.space, token: token)?[site] == total)
  }

  @Test func aWatchOnServerBSeesPushesThroughServerAWithinASecondAndSurvivesARestart() throws {
    guard let team = try SharedDatabaseTeam.make(users: ["alice", "bob"]) else { return }
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    try team["alice"].run(["sync"])
    let watch = try WatchProcess(store: team["bob"].store)
    // The first round pulls the article.
    var seen = try #require(watch.waitForLine(containing: "pulled", timeout: 20)).index

    var latencies: [TimeInterval] = []
    for round in 0..<20 {
      try team["alice"].run(["tag", article, "+round\(round)"])
      let started = Date()
      try team["alice"].run(["sync"])
      guard let line = watch.waitForLine(containing: "pulled 1", after: seen + 1) else {
        Issue.record("round \(round): the watch did not apply the change; \(watch.errorOutput)")
        break
      }
      seen = line.index
      latencies.append(line.at.timeIntervalSince(started))
    }
    let median = latencies.sorted()[latencies.count / 2]
    print(
      "watch latency through another server process: median \(median) s over \(latencies.count)")
    #expect(latencies.count == 20)
    #expect(median < 1)

    // Server B goes away and comes back; the watch reconnects by itself.
    let port = team.servers[1].port
    team.servers[1].stop()
    try team["alice"].run(["tag", article, "+while-down"])
    try team["alice"].run(["sync"])
    try team.servers[1].start(port: port)
    #expect(watch.waitForLine(containing: "pulled 1", after: seen + 1, timeout: 20) != nil)
    #expect(try team["bob"].run(["show", article, "--json"]).contains("while-down"))

    #expect(watch.interrupt() == 0)
    #expect(watch.waitForLine(containing: "Stopped watching", timeout: 1) != nil)
  }
}
