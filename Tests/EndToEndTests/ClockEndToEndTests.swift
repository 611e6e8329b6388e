import Foundation
import Testing

/// A machine's clock set wrong, through `faketime` (installed by `script/bootstrap`). The
/// `faketime` command, not a bare `LD_PRELOAD` of its library: under the latter a Swift
/// program does not see its arguments.
enum FakeClock {
  static let command = "/usr/bin/faketime"

  /// The launcher that runs a program `offset` from the real time ("+1d", "-10m").
  static func launcher(_ offset: String) -> [String] { [command, "-f", offset] }

  /// Runs `folio` on `replica` with its clock `offset` from the real time.
  @discardableResult
  static func folio(
    _ replica: ReplicaProcess, _ offset: String, _ arguments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try runProcess(
      command, ["-f", offset, Binaries.folio, "--store", replica.store] + arguments)
    #expect(
      result.status == 0,
      "folio \(arguments.joined(separator: " ")) at \(offset): \(result.errorOutput)",
      sourceLocation: sourceLocation)
    return result
  }
}

/// Issue 12's wedge 4: clocks. A change the server accepted is never refused by a replica,
/// no replica's clock is dragged beyond its own wall clock's tolerance, a clock put right
/// recovers by itself, and the warning names the machine whose clock is off.
@Suite(.serialized) struct ClockEndToEndTests {
  /// The clock, as Unix seconds, of the change in `folio log --json` whose value is `value`.
  static func changeTime(_ replica: ReplicaProcess, value: String) throws -> TimeInterval {
    let log = try replica.run(["log", "--json"])
    let entries = try #require(
      try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [[String: Any]])
    let entry = try #require(entries.first { $0["value"] as? String == value }, "\(log)")
    let text = try #require(entry["time"] as? String)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let date = try #require(formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text))
    return date.timeIntervalSince1970
  }

  @Test func aClockAheadThenFixedRecoversAndDragsNobody() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: FakeClock.command), "run script/bootstrap")
    let team = try Team(users: ["alice", "bob"])
    let article = String(
      try team["bob"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    try team["bob"].run(["sync"])
    // Alice's clock is a day ahead: her changes still sync, and she is told her clock is off.
    try FakeClock.folio(team["alice"], "+1d", ["sync"])
    try FakeClock.folio(team["alice"], "+1d", ["note", article, "from tomorrow"])
    let ahead = try FakeClock.folio(team["alice"], "+1d", ["sync"])
    #expect(ahead.errorOutput.contains("this machine's clock is 1 day ahead of the server's"))
    // Bob takes her change in without following her clock.
    let pulled = try team["bob"].run(["sync"])
    #expect(!pulled.contains("pulled 0"))
    try team["bob"].run(["note", article, "from today"])
    let now = Date().timeIntervalSince1970
    #expect(try Self.changeTime(team["bob"], value: "from tomorrow") > now + 3_600)
    #expect(try Self.changeTime(team["bob"], value: "from today") < now + 6 * 60)
    // Her clock is put right: her next change is stamped within the tolerance of now (not a
    // day ahead), and everything syncs.
    try team["alice"].run(["note", article, "fixed"])
    #expect(try Self.changeTime(team["alice"], value: "fixed") < now + 6 * 60)
    let fixed = try team["alice"].attempt(["sync"])
    #expect(fixed.status == 0, "\(fixed.errorOutput)")
    #expect(!fixed.errorOutput.contains("clock"))
    try team["bob"].run(["sync"])
    try team["alice"].run(["sync"])
    #expect(try team["alice"].run(["export"]) == (try team["bob"].run(["export"])))
    let log = try team["alice"].run(["log", "--json"])
    #expect(log.contains("fixed") && log.contains("from today"))
  }

  @Test func clocksBehindOrSlightlyOffNeverRefuseEachOther() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: FakeClock.command), "run script/bootstrap")
    let team = try Team(users: ["carol", "dave", "erin"])
    let article = String(
      try team["dave"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    // Dave is 4 minutes ahead and Erin 2 behind: both within the tolerance of the server.
    try FakeClock.folio(team["dave"], "+4m", ["sync"])
    try FakeClock.folio(team["erin"], "-2m", ["sync"])
    try FakeClock.folio(team["erin"], "-2m", ["tag", article, "+erin"])
    try FakeClock.folio(team["erin"], "-2m", ["sync"])
    try FakeClock.folio(team["dave"], "+4m", ["tag", article, "+dave"])
    try FakeClock.folio(team["dave"], "+4m", ["sync"])
    try FakeClock.folio(team["erin"], "-2m", ["sync"])
    // Carol is 10 minutes behind: she pulls everything and is told her clock is behind.
    let behind = try FakeClock.folio(team["carol"], "-10m", ["sync"])
    #expect(behind.errorOutput.contains("the server's clock is 10 minutes ahead of this machine's"))
    try FakeClock.folio(team["carol"], "-10m", ["note", article, "late"])
    try FakeClock.folio(team["carol"], "-10m", ["sync"])
    try FakeClock.folio(team["dave"], "+4m", ["sync"])
    try FakeClock.folio(team["erin"], "-2m", ["sync"])
    let exports = try ["carol", "dave", "erin"].map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1)
    #expect(
      exports[0].contains("late") && exports[0].contains("erin") && exports[0].contains("dave"))
  }

  @Test func aServerClockBrieflyADayAheadWedgesNoReplica() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: FakeClock.command), "run script/bootstrap")
    let team = try Team(users: ["alice", "bob"])
    let port = team.server.port
    team.server.stop()
    team.server.launcher = FakeClock.launcher("+1d")
    try team.server.start(port: port)
    // The server's clock is ahead: the warning names the server.
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let warned = try team["alice"].attempt(["sync"])
    #expect(warned.status == 0, "\(warned.errorOutput)")
    #expect(warned.errorOutput.contains("the server's clock is 1 day ahead of this machine's"))
    // A replica as far ahead as the server stamps its changes a day ahead; both are accepted.
    try FakeClock.folio(team["bob"], "+1d", ["sync"])
    try FakeClock.folio(team["bob"], "+1d", ["note", article, "tomorrow's note"])
    try FakeClock.folio(team["bob"], "+1d", ["sync"])
    // The server's clock is put right; a brand-new replica syncs, and so does everyone.
    team.server.stop()
    team.server.launcher = []
    try team.server.start(port: port)
    let newcomer = ReplicaProcess(store: team.folder.path("newcomer.sqlite"))
    try newcomer.run(["init", "--author", "newcomer"])
    try newcomer.run([
      "remote", "add", "team", team.server.url, "--space", team.space, "--token",
      try team.server.createToken(space: team.space, user: "newcomer"),
    ])
    let first = try newcomer.attempt(["sync"])
    #expect(first.status == 0, "\(first.errorOutput)")
    try newcomer.run(["note", article, "newcomer's note"])
    try newcomer.run(["sync"])
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    let exports = try [team["alice"], team["bob"], newcomer].map { try $0.run(["export"]) }
    #expect(Set(exports).count == 1)
    #expect(exports[0].contains("tomorrow's note") && exports[0].contains("newcomer's note"))
  }
}
