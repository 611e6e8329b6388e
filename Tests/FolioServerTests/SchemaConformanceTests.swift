import FolioModel
import FolioServer
import FolioTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import ProtocolVectors
import Testing

/// The server's answers and the model's messages follow `Protocol/schemas`.
@Suite("Schema conformance")
struct SchemaConformanceTests {
  /// Checks `json` against the schema file: its `required` keys one by one, then the whole
  /// value with `SchemaCheck`.
  func expectConforms(
    _ json: JSONValue, to schemaName: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let schema = try SchemaCheck.load(schemaName)
    #expect(!schema.required.isEmpty, sourceLocation: sourceLocation)
    for key in schema.required {
      #expect(json.objectValue?[key] != nil, "missing \(key)", sourceLocation: sourceLocation)
    }
    #expect(try schema.problems(in: json) == [], sourceLocation: sourceLocation)
  }

  @Test(arguments: StoreKind.allCases) func responsesFollowTheirSchemas(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 3)
      let push = try await client.push(Array(changes[0..<2]), token: fixture.alice)
      try expectConforms(try push.json(), to: "push-response.schema.json")
      _ = try await client.push([changes[2]], token: fixture.alice)
      let pull = try await client.pull(limit: 2, token: fixture.alice)
      try expectConforms(try pull.json(), to: "pull-response.schema.json")
      let pulled = try #require(try pull.json().objectValue?["changes"]?.arrayValue)
      #expect(pulled.count == 2)
      for change in pulled { try expectConforms(change, to: "change.schema.json") }
      let empty = try await client.pull(after: 3, token: fixture.alice)
      try expectConforms(try empty.json(), to: "pull-response.schema.json")
      let vector = try await client.vector(token: fixture.alice)
      try expectConforms(try vector.json(), to: "vector-response.schema.json")
      let afterGap = makeChanges(site: site, from: 4, count: 6)
      let gap = try await client.push([afterGap[5]], token: fixture.alice)
      #expect(try gap.decode(ErrorResponse.self).error.code == .gap)
      try expectConforms(try gap.json(), to: "error.schema.json")
      let error = try #require(try gap.json().objectValue?["error"])
      let errorSchema = try SchemaCheck.load("error.schema.json")
      let detailRequired =
        errorSchema.document.objectValue?["properties"]?.objectValue?["error"]?
        .objectValue?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
      #expect(detailRequired == ["code", "message"])
      for key in detailRequired { #expect(error.objectValue?[key] != nil) }
    }
  }

  @Test func everyKindOfChangeFollowsTheChangeSchema() throws {
    let site = TestSites.make()
    let other = TestSites.make()
    let hlc = HybridTimestamp(milliseconds: nowMilliseconds(), counter: 0)
    let changes = [
      Change(
        site: site, seq: 1, hlc: hlc, author: "alice", entity: .article("a1"), field: "title",
        op: .set, value: .string("A/B")),
      Change(
        site: site, seq: 2, hlc: hlc, author: "alice", entity: .annotation("n-1"), field: "note",
        op: .set, value: .object(["text": .string("x"), "n": .int(2)]),
        pred: [Dot(site: other, seq: 4)]),
      Change(
        site: site, seq: 3, hlc: hlc, author: "alice", entity: .article("a1"), field: "tags",
        op: .add, value: "ai"),
      Change(
        site: site, seq: 4, hlc: hlc, author: "alice", entity: .article("a1"), field: "tags",
        op: .remove, pred: [Dot(site: site, seq: 3)]),
      Change(
        site: site, seq: 5, hlc: hlc, author: "alice", entity: .annotation("n-1"),
        field: Field.deleted, op: .set, value: .bool(true),
        context: VersionVector([site: 4, other: 4])),
    ]
    TestSites.record(changes)
    for change in changes {
      try change.validate()
      let json = try JSONDecoder().decode(JSONValue.self, from: Data(ChangeJSON.encode(change)))
      try expectConforms(json, to: "change.schema.json")
    }
    let request = try JSONDecoder().decode(
      JSONValue.self, from: Data(PushRequest.signed(changes).encoded()))
    try expectConforms(request, to: "push-request.schema.json")
  }

  @Test func theCheckerFindsBrokenShapes() throws {
    let schema = try SchemaCheck.load("pull-response.schema.json")
    let broken: JSONValue = .object([
      "changes": .array([.object(["site": .string("XYZ"), "seq": .int(0)])]),
      "more": .string("no"),
    ])
    let problems = try schema.problems(in: broken)
    #expect(problems.contains("$: missing required key cursor"))
    #expect(problems.contains { $0.hasPrefix("$.more: expected boolean") })
    #expect(problems.contains { $0.hasPrefix("$.changes[0].site:") })
    #expect(problems.contains { $0.hasPrefix("$.changes[0].seq:") })
    #expect(problems.contains("$.changes[0]: missing required key hlc"))
  }
}

/// `change.schema.json` agrees with the validator wherever JSON Schema can say it.
@Suite("The change schema agrees with the change vectors")
struct ChangeSchemaVectorTests {
  /// Refusals JSON Schema cannot express: byte sizes and the canonical bytes (J, K, C7,
  /// C8), and a pred holding the change's own dot.
  static let notExpressible: Set<String> = [
    "author-201-bytes", "author-150-e-acute", "pred-own-dot",
  ]

  @Test func acceptedVectorsFollowTheSchemaAndRefusedOnesBreakIt() throws {
    let schema = try SchemaCheck.load("change.schema.json")
    var checked = 0
    for item in try ChangeVectorCase.all() {
      switch item.expect {
      case .accept:
        let value = try JSONReader.parse(item.bytes)
        #expect(try schema.problems(in: value) == [], "\(item)")
      case .refuse(_, let rule):
        guard rule.hasPrefix("S") || rule.hasPrefix("C"), !["C7", "C8"].contains(rule),
          !Self.notExpressible.contains(item.name),
          let value = try? JSONReader.parse(item.bytes)
        else { continue }
        checked += 1
        #expect(try !schema.problems(in: value).isEmpty, "\(item) (\(rule)) passes the schema")
      }
    }
    #expect(checked >= 30)
  }
}
