import FolioModel
import Testing

@testable import FolioReplica

/// Both chunk layouts give back exactly the changes written, and a damaged chunk is an
/// error, never a wrong change.
@Suite struct ChangeLogCodecTests {
  static let sites = (1...3).compactMap { index in
    SiteID(rawValue: String(repeating: String(index), count: 32))
  }
  static func key(_ site: SiteID) -> Int { (sites.firstIndex(of: site) ?? -1) + 1 }
  static func site(_ key: Int) -> SiteID? { (1...sites.count).contains(key) ? sites[key - 1] : nil }

  /// A chunk's worth of changes of site 1: runs of one record's fields, a second author,
  /// a clock that jumps back (a fixed machine clock), a delete with a context, tags.
  static func sampleChanges() -> [Change] {
    var generator = SplitMix64(seed: 7)
    var changes: [Change] = []
    var clock: UInt64 = 1_796_000_000_000 << 16
    for seq in 1...300 {
      let record = seq / 7
      let kind: EntityKind = record % 2 == 0 ? .article : .annotation
      clock =
        seq == 150
        ? clock - (5_000 << 16) : clock + UInt64.random(in: 1...90_000, using: &generator)
      let pred = seq % 3 == 0 ? [Dot(site: sites[seq % 3], seq: seq / 2)] : []
      let context: VersionVector? =
        seq % 50 == 0 ? VersionVector([sites[0]: seq - 1, sites[2]: 4]) : nil
      changes.append(
        Change(
          site: sites[0], seq: seq, hlc: HybridTimestamp(rawValue: clock),
          author: seq % 11 == 0 ? "bob" : "alice",
          entity: EntityRef(kind: kind, id: "record-\(record)"),
          field: seq % 5 == 0 ? "tags" : "field-\(seq % 7)",
          op: seq % 5 == 0 ? .add : .set,
          value: context == nil ? .string("value \(seq) «ü» \"quoted\"") : nil,
          pred: pred, context: context))
    }
    return changes
  }

  @Test func bothLayoutsRoundTrip() throws {
    let changes = Self.sampleChanges()
    let interned = ChangeLogCodec.encode(changes, siteKey: Self.key)
    var plainWriter = BinaryWriter(capacity: 0)
    for change in changes {
      ChangeLogCodec.appendPlain(change, to: &plainWriter, siteKey: Self.key)
    }
    for (bytes, format) in [
      (interned, ChangeLogCodec.Format.interned), (plainWriter.bytes, .plain),
    ] {
      let decoded = try ChangeLogCodec.decode(
        bytes, format: format, site: Self.sites[0], firstSeq: 1, siteForKey: Self.site)
      #expect(decoded == changes, "\(format)")
      let one = try ChangeLogCodec.decode(
        bytes, format: format, site: Self.sites[0], firstSeq: 1, siteForKey: Self.site,
        wanted: { $0 == .annotation && $1 == "record-7" })
      #expect(one == changes.filter { $0.entity == EntityRef(kind: .annotation, id: "record-7") })
    }
    #expect(interned.count * 10 < plainWriter.bytes.count * 9)
  }

  /// Values handed over as the bytes they arrived in are stored as those bytes: the chunk is
  /// the one written from the changes alone.
  @Test func valuesGivenAsBytesMakeTheSameChunk() throws {
    let changes = Self.sampleChanges()
    var values = ValueBytes()
    for (index, change) in changes.enumerated() {
      // Every third value is left to the codec to write, as when a piece mixes both.
      guard let value = change.value, index % 3 != 0 else {
        values.append(nil)
        continue
      }
      var writer = JSONWriter()
      writer.write(value)
      values.append(writer.bytes[...])
    }
    let fromBytes = ChangeLogCodec.encode(changes, values: values, siteKey: Self.key)
    #expect(fromBytes == ChangeLogCodec.encode(changes, siteKey: Self.key))
    let decoded = try ChangeLogCodec.decode(
      fromBytes, format: .interned, site: Self.sites[0], firstSeq: 1, siteForKey: Self.site)
    #expect(decoded == changes)
  }

  /// Two spellings of one name (composed and decomposed) in one chunk read back as each was
  /// written: the log tells strings apart by their bytes.
  @Test func canonicallyEquivalentSpellingsStayApart() throws {
    var changes = Self.sampleChanges()
    changes[3].author = "Jos\u{E9}"
    changes[4].author = "Jose\u{301}"
    changes[5].author = "Jos\u{E9}"
    let bytes = ChangeLogCodec.encode(changes, siteKey: Self.key)
    let decoded = try ChangeLogCodec.decode(
      bytes, format: .interned, site: Self.sites[0], firstSeq: 1, siteForKey: Self.site)
    #expect(decoded.map { Array($0.author.utf8) } == changes.map { Array($0.author.utf8) })
    #expect(decoded.map(ChangeJSON.encode) == changes.map(ChangeJSON.encode))
  }

  @Test func aDamagedChunkIsAnErrorNotAWrongChange() {
    let bytes = ChangeLogCodec.encode(Self.sampleChanges(), siteKey: Self.key)
    for cut in [1, 9, bytes.count / 2, bytes.count - 1] {
      #expect(throws: StoredDataDamaged.self) {
        _ = try ChangeLogCodec.decode(
          Array(bytes.prefix(cut)), format: .interned, site: Self.sites[0], firstSeq: 1,
          siteForKey: Self.site)
      }
    }
    // A string reference past the chunk's table.
    var forged = BinaryWriter(capacity: 0)
    forged.varint(0)
    forged.varint(9)
    #expect(throws: StoredDataDamaged.self) {
      _ = try ChangeLogCodec.decode(
        forged.bytes, format: .interned, site: Self.sites[0], firstSeq: 1, siteForKey: Self.site)
    }
  }
}
