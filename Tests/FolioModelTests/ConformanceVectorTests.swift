import FolioModel
import Foundation
import Testing

/// One file of `Protocol/vectors/`: changes in, merged state and conflicts out (the format is
/// described in `Protocol/merge-rules.md`).
struct ConformanceVector: Decodable {
  struct Expected: Decodable {
    var entities: [ExpectedEntity]
  }

  struct ExpectedEntity: Decodable {
    var entity: EntityRef
    var exists: Bool
    var deleted: Bool
    var values: [String: JSONValue]
    var tags: [String]
    var conflicts: [ExpectedConflict]
    /// Absent means none.
    var merges: [ExpectedMerge]?
  }

  struct ExpectedMerge: Decodable, Equatable, CustomStringConvertible {
    var field: String
    var base: Dot
    var versions: [Dot]

    var description: String {
      "\(field) base \(base) [\(versions.map(\.description).joined(separator: ", "))]"
    }
  }

  struct ExpectedConflict: Decodable, Equatable, CustomStringConvertible {
    var id: String
    var field: String
    var kind: Conflict.Kind
    var versions: [Dot]
    /// A value conflict's base; absent means none.
    var base: Dot?

    var description: String {
      let base = self.base.map { " base \($0)" } ?? ""
      return
        "\(id) \(field) \(kind.rawValue) [\(versions.map(\.description).joined(separator: ", "))]\(base)"
    }
  }

  var name: String
  var description: String
  var changes: [Change]
  var expected: Expected

  private enum CodingKeys: String, CodingKey { case name, description, changes, expected }

  /// Changes are not `Decodable` (one codec: `ChangeJSON`): each is read as JSON, written
  /// canonically and decoded by `ChangeJSON.decode`; the test then checks that the file holds
  /// exactly those canonical bytes.
  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    description = try container.decode(String.self, forKey: .description)
    expected = try container.decode(Expected.self, forKey: .expected)
    changes = try container.decode([JSONValue].self, forKey: .changes).map { value in
      var writer = JSONWriter()
      writer.write(value)
      return try ChangeJSON.decode(writer.bytes)
    }
  }
}

/// Where the vectors are, and reading them.
enum VectorFiles {
  /// `Protocol/vectors` of this package: up from this file to the package root.
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // FolioModelTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("Protocol")
    .appendingPathComponent("vectors")

  /// The names of every `*.json` file in the directory (not its subfolders), sorted; empty
  /// when it is missing.
  static var names: [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return entries.filter { $0.hasSuffix(".json") }.sorted()
  }

  static func text(of name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
  }

  static func load(_ name: String) throws -> ConformanceVector {
    try JSONDecoder().decode(ConformanceVector.self, from: Data(try text(of: name).utf8))
  }
}

@Suite("Conformance vectors")
struct ConformanceVectorTests {
  /// Guards against a suite that passes because it found nothing to run.
  @Test func atLeastTwelveVectors() {
    #expect(
      VectorFiles.names.count >= 12,
      "expected at least 12 vector files in \(VectorFiles.directory.path)")
  }

  @Test("Vector", arguments: VectorFiles.names)
  func vector(_ file: String) throws {
    let vector = try VectorFiles.load(file)
    #expect(!vector.name.isEmpty && !vector.description.isEmpty, "\(file): name and description")
    #expect(!vector.expected.entities.isEmpty, "\(file): expects no entity")
    try checkChangesAreValidAndCanonical(vector, file: file)

    var generator = SplitMix64(seed: seed(for: file))
    var orders: [(label: String, changes: [Change])] = [
      ("as given", vector.changes),
      ("reversed", vector.changes.reversed()),
    ]
    for round in 1...6 {
      orders.append(("shuffle \(round)", vector.changes.shuffled(using: &generator)))
    }
    for round in 1...3 {
      let repeats = (0..<vector.changes.count * 2).compactMap { _ in
        vector.changes.randomElement(using: &generator)
      }
      orders.append(
        ("with duplicates \(round)", (vector.changes + repeats).shuffled(using: &generator)))
    }
    orders.append(("every change twice", vector.changes + vector.changes.reversed()))

    for expected in vector.expected.entities {
      let reference = EntityState(entity: expected.entity, changes: vector.changes)
      for order in orders {
        let state = EntityState(entity: expected.entity, changes: order.changes)
        check(state, against: expected, context: "\(file) [\(order.label)] \(expected.entity)")
        #expect(
          state == reference,
          "\(file) [\(order.label)] \(expected.entity): state depends on the order of changes")
      }
    }
  }

  private func checkChangesAreValidAndCanonical(
    _ vector: ConformanceVector, file: String
  ) throws {
    let text = try VectorFiles.text(of: file)
    var seen: [Dot: Change] = [:]
    for change in vector.changes {
      do {
        try change.validate()
      } catch {
        Issue.record("\(file): change \(change.dot) is not valid: \(error)")
      }
      if let other = seen[change.dot] {
        #expect(other == change, "\(file): two different changes share the dot \(change.dot)")
      }
      seen[change.dot] = change
      let canonical = ChangeJSON.encode(change)
      #expect(
        text.contains(String(decoding: canonical, as: UTF8.self)),
        "\(file): change \(change.dot) is not written in its canonical JSON form")
      #expect(try ChangeJSON.decode(canonical) == change, "\(file): change \(change.dot)")
    }
  }

  private func check(
    _ state: EntityState, against expected: ConformanceVector.ExpectedEntity,
    context: String
  ) {
    #expect(state.exists == expected.exists, "\(context): exists")
    #expect(state.isDeleted == expected.deleted, "\(context): deleted")
    var values: [String: JSONValue] = [:]
    for field in state.registers.keys { values[field] = state.value(field) }
    #expect(values == expected.values, "\(context): values")
    #expect(state.tags == expected.tags, "\(context): tags")
    let conflicts = state.conflicts.map {
      ConformanceVector.ExpectedConflict(
        id: $0.id, field: $0.field, kind: $0.kind, versions: $0.versions.map(\.dot),
        base: $0.base?.dot)
    }
    #expect(conflicts == expected.conflicts, "\(context): conflicts")
    let merges =
      state.isDeleted
      ? []
      : state.automaticMerges.values.sorted { $0.field < $1.field }.map {
        ConformanceVector.ExpectedMerge(
          field: $0.field, base: $0.base.dot, versions: $0.versions.map(\.dot))
      }
    #expect(merges == expected.merges ?? [], "\(context): merges")
    for conflict in expected.conflicts {
      #expect(
        conflict.id == Conflict.id(entity: expected.entity, field: conflict.field),
        "\(context): the vector's conflict id for \(conflict.field)")
    }
  }

  /// A seed fixed per file, so each file's shuffles are the same on every run.
  private func seed(for file: String) -> UInt64 {
    file.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
  }
}
