import FolioModel

/// The binary form of changes in the op log. A chunk holds consecutive changes of one site,
/// so the site and the seqs are in the chunk's key, not in each change; sites named in
/// `pred` and `context` are stored as the replica's small site keys.
///
/// Values are kept as their canonical JSON text, so a change read back encodes to the same
/// bytes it arrived as.
enum ChangeLogCodec {
  private static let hasValue: UInt8 = 1
  private static let hasContext: UInt8 = 2

  /// Appends `change` to a chunk being written.
  static func append(
    _ change: Change, to writer: inout BinaryWriter, siteKey: (SiteID) throws -> Int
  )
    rethrows
  {
    writer.word(change.hlc.rawValue)
    writer.string(change.author)
    var flags: UInt8 = change.entity.kind == .annotation ? 0x80 : 0
    if change.value != nil { flags |= hasValue }
    if change.context != nil { flags |= hasContext }
    writer.byte(flags)
    writer.string(change.entity.id)
    writer.string(change.field)
    writer.byte(opCode(change.op))
    if let value = change.value {
      var json = JSONWriter(capacity: 64)
      json.write(value)
      writer.data(json.bytes)
    }
    writer.varint(change.pred.count)
    for dot in change.pred {
      writer.varint(try siteKey(dot.site))
      writer.varint(dot.seq)
    }
    if let context = change.context {
      writer.varint(context.entries.count)
      for site in context.sites {
        writer.varint(try siteKey(site))
        writer.varint(context[site])
      }
    }
  }

  /// Decodes every change of a chunk.
  ///
  /// - Parameters:
  ///   - bytes: The chunk.
  ///   - site: The site whose changes it holds.
  ///   - firstSeq: The seq of its first change.
  ///   - siteForKey: Maps stored site keys back to sites.
  ///   - wanted: Decodes fully only the changes of records it accepts (others are skipped).
  /// - Returns: The changes, in seq order.
  /// - Throws: `StoredDataDamaged` when the chunk does not decode.
  static func decode(
    _ bytes: [UInt8], site: SiteID, firstSeq: Int, siteForKey: (Int) -> SiteID?,
    wanted: (EntityKind, Substring) -> Bool = { _, _ in true }
  ) throws -> [Change] {
    var reader = BinaryReader(bytes)
    var changes: [Change] = []
    var seq = firstSeq
    while !reader.isAtEnd {
      defer { seq += 1 }
      let hlc = HybridTimestamp(rawValue: try reader.word())
      let authorBytes = try reader.data()
      let flags = try reader.byte()
      let kind: EntityKind = flags & 0x80 != 0 ? .annotation : .article
      let idBytes = try reader.data()
      let id = Substring(decoding: idBytes, as: UTF8.self)
      guard wanted(kind, id) else {
        try reader.skipData()
        _ = try reader.byte()
        if flags & hasValue != 0 { try reader.skipData() }
        for _ in 0..<(try reader.varint()) { _ = (try reader.varint(), try reader.varint()) }
        if flags & hasContext != 0 {
          for _ in 0..<(try reader.varint()) { _ = (try reader.varint(), try reader.varint()) }
        }
        continue
      }
      let field = try reader.string()
      guard let op = op(try reader.byte()) else { throw StoredDataDamaged() }
      var value: JSONValue?
      if flags & hasValue != 0 { value = try JSONReader.parse(try reader.data()) }
      var pred: [Dot] = []
      for _ in 0..<(try reader.varint()) {
        let key = try reader.varint()
        let predSeq = try reader.varint()
        guard let predSite = siteForKey(key) else { throw StoredDataDamaged() }
        pred.append(Dot(site: predSite, seq: predSeq))
      }
      var context: VersionVector?
      if flags & hasContext != 0 {
        var vector = VersionVector()
        for _ in 0..<(try reader.varint()) {
          let key = try reader.varint()
          let contextSeq = try reader.varint()
          guard let contextSite = siteForKey(key) else { throw StoredDataDamaged() }
          vector[contextSite] = contextSeq
        }
        context = vector
      }
      changes.append(
        Change(
          site: site, seq: seq, hlc: hlc, author: String(decoding: authorBytes, as: UTF8.self),
          entity: EntityRef(kind: kind, id: String(id)), field: field, op: op, value: value,
          pred: pred, context: context))
    }
    return changes
  }

  private static func opCode(_ op: ChangeOp) -> UInt8 {
    switch op {
    case .set: return 0
    case .add: return 1
    case .remove: return 2
    }
  }

  private static func op(_ code: UInt8) -> ChangeOp? {
    switch code {
    case 0: return .set
    case 1: return .add
    case 2: return .remove
    default: return nil
    }
  }
}
