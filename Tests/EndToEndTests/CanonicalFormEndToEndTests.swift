import FolioModel
import Foundation
import Testing

/// The real server and the real `folio bundle apply` make the same decision about the same
/// bytes, with the same code and rule, and what is accepted comes back byte for byte.
@Suite(.serialized) struct CanonicalFormEndToEndTests {
  /// A canonical change of a fresh site, with `value` written as given.
  static func changeText(value: String, site: String = SiteID.random().rawValue) -> String {
    #"{"author":"alice","entity":{"id":"a1","kind":"article"},"field":"summary","hlc":"018bcfe568060000","op":"set","seq":1,"site":""#
      + site + #"","value":"# + value + "}"
  }

  /// A bundle holding `line` as its one change.
  static func bundle(_ line: [UInt8]) -> Data {
    var hasher = SHA256Hasher()
    var bytes = BundleHeader(site: .random(), vector: VersionVector(), created: 0, heads: [])
      .encoded()
    bytes.append(0x0A)
    hasher.update(bytes)
    hasher.update(line + [0x0A])
    bytes += line + [0x0A]
    bytes += BundleTrailer(count: 1, sha256: Hex.encode(hasher.finalize())).encoded() + [0x0A]
    return Data(bytes)
  }

  @Test func theServerAndBundleApplyRefuseTheSameBytesWithTheSameRule() throws {
    let team = try Team(users: ["alice"])
    let changes = "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes"
    let cases: [(name: String, text: String, rule: String)] = [
      ("1.0", Self.changeText(value: "[1.0]"), "J3"),
      ("1e2", Self.changeText(value: "[1e2]"), "J3"),
      ("-0", Self.changeText(value: "[-0]"), "J3"),
      ("2^63", Self.changeText(value: "[9223372036854775808]"), "J4"),
      (
        "duplicate key",
        Self.changeText(value: #""x""#).replacingOccurrences(
          of: #"{"author":"alice","#, with: #"{"author":"alice","author":"alice","#), "J6"
      ),
      ("unknown key", Self.changeText(value: #""x","zzz":1"#), "S1"),
      ("null", Self.changeText(value: "null"), "S10"),
      ("escaped é", Self.changeText(value: #""caf\u00e9""#), "K1"),
      ("space", Self.changeText(value: #" "x""#), "K1"),
    ]
    for item in cases {
      let pushed = rawRequest(
        "POST", changes, token: team.tokens["alice"],
        body: SignedPush.body([Array(item.text.utf8)]))
      #expect(pushed.status == 400, "\(item.name): \(pushed.body)")
      #expect(pushed.body.contains(#""code":"invalid-change""#), "\(item.name): \(pushed.body)")
      #expect(pushed.body.contains(#""rule":"\#(item.rule)""#), "\(item.name): \(pushed.body)")

      let path = team.folder.path("case.bundle")
      try Self.bundle(Array(item.text.utf8)).write(to: URL(fileURLWithPath: path))
      let applied = try team["alice"].attempt(["bundle", "apply", path])
      #expect(applied.status != 0, "\(item.name): applied")
      #expect(
        applied.errorOutput.contains("invalid-change \(item.rule)"),
        "\(item.name): \(applied.errorOutput)")
    }
    let page = rawRequest("GET", changes, token: team.tokens["alice"])
    #expect(page.body.hasPrefix(#"{"changes":[]"#), "nothing was stored: \(page.body)")
  }

  @Test func anAcceptedChangeComesBackByteForByteEverywhere() throws {
    let team = try Team(users: ["alice", "bob"])
    let changes = "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes"
    let value =
      #"{"A":[-9007199254740991,true,null,{}],"a":"tab\t \"q\" \\ \b\f\u0001\u001f\#u{7F} é 😀 \#u{2028} e\#u{301}"}"#
    let key = SiteKey()
    let text = Self.changeText(value: value, site: key.site.rawValue)
    let pushed = rawRequest(
      "POST", changes, token: team.tokens["alice"],
      body: SignedPush.body([Array(text.utf8)], author: "alice", key: key))
    #expect(pushed.status == 200, "\(pushed.body)")
    let page = rawRequest("GET", changes, token: team.tokens["alice"])
    #expect(page.body.contains(text), "the pull gives back the pushed bytes: \(page.body)")

    // Through a replica: pulled by bob, written into a bundle, applied by a third replica
    // and pulled again: the same bytes at every step.
    try team["bob"].run(["sync"])
    let bundlePath = team.folder.path("bob.bundle")
    try team["bob"].run(["bundle", "create", bundlePath])
    let bundleText = try String(contentsOfFile: bundlePath, encoding: .utf8)
    #expect(bundleText.contains("\n" + text + "\n"), "bundle create writes the same bytes")
    let carol = ReplicaProcess(store: team.folder.path("carol.sqlite"))
    try carol.run(["init", "--author", "carol"])
    try carol.run(["bundle", "apply", bundlePath])
    let again = team.folder.path("carol.bundle")
    try carol.run(["bundle", "create", again])
    #expect(try String(contentsOfFile: again, encoding: .utf8).contains("\n" + text + "\n"))
  }
}
