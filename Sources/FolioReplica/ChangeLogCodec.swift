import FolioModel

/// The binary form of changes in the op log. A chunk holds consecutive changes of one site,
/// so the site and the seqs are in the chunk's key, not in each change; sites named in
/// `pred` and `context` are stored as the replica's small site keys.
///
/// Values are kept as their canonical JSON text, so a change read back encodes to the same
/// bytes it arrived as.
///
/// Two layouts exist (the `log.format` column says which):
/// - `plain` (format 0, replicas of schema version 2): each change spells out its clock as
///   8 bytes and its author, record id and field as strings.
/// - `interned` (format 1, written since version 3): the clock is the zigzag varint of its
///   difference from the previous change's, and author, record id and field are each a
///   varint into a table the chunk builds as it goes (0 = a new string follows). A chunk
///   mostly holds runs of one record's fields by one author, so this saves about 40 bytes a
///   change, a tenth of the log.
enum ChangeLogCodec {
  enum Format: Int {
    case plain = 0
    case interned = 1
  }

  private static let hasValue: UInt8 = 1
  private static let hasContext: UInt8 = 2

  /// Writes the changes of one chunk in the current (`interned`) layout.
  ///
  /// - Parameters:
  ///   - changes: The chunk's changes, in seq order.
  ///   - values: Their values' canonical JSON where the caller has it (as the changes
  ///     arrived), stored as it is; a value not there is written from the change.
  ///   - siteKey: The replica's small key of a site.
  /// - Returns: The chunk's bytes.
  static func encode(
    _ changes: [Change], values: ValueBytes = ValueBytes(), siteKey: (SiteID) throws -> Int
  ) rethrows -> [UInt8] {
    var writer = BinaryWriter(capacity: 384 * changes.count)
    // Strings are told apart by their bytes, not by `String`'s `==`, which takes "é" and
    // "e" + U+0301 as equal: an author spelled both ways in one chunk must read back as
    // spelled, or the change would no longer encode to the bytes it was signed as.
    var strings: [ExactString: Int] = [:]
    // The index each slot (author, record id, field) wrote last: a chunk mostly repeats
    // them from one change to the next, and a comparison is cheaper than hashing.
    var last: [(string: ExactString, index: Int)?] = [nil, nil, nil]
    func interned(_ text: String, slot: Int) {
      let string = ExactString(text)
      if let (previous, index) = last[slot], previous == string {
        writer.varint(index)
      } else if let index = strings[string] {
        writer.varint(index)
        last[slot] = (string, index)
      } else {
        writer.varint(0)
        writer.string(text)
        strings[string] = strings.count + 1
        last[slot] = (string, strings.count)
      }
    }
    var previousClock: UInt64 = 0
    for index in changes.indices {
      let change = changes[index]
      writer.varint(zigzag(change.hlc.rawValue &- previousClock))
      previousClock = change.hlc.rawValue
      interned(change.author, slot: 0)
      writer.byte(flags(of: change))
      interned(change.entity.id, slot: 1)
      interned(change.field, slot: 2)
      try appendBody(change, value: values[index], to: &writer, siteKey: siteKey)
    }
    return writer.bytes
  }

  /// Appends `change` in the `plain` layout (kept to test reading version 2 chunks).
  static func appendPlain(
    _ change: Change, to writer: inout BinaryWriter, siteKey: (SiteID) throws -> Int
  ) rethrows {
    writer.word(change.hlc.rawValue)
    writer.string(change.author)
    writer.byte(flags(of: change))
    writer.string(change.entity.id)
    writer.string(change.field)
    try appendBody(change, value: nil, to: &writer, siteKey: siteKey)
  }

  private static func flags(of change: Change) -> UInt8 {
    var flags: UInt8 = change.entity.kind == .annotation ? 0x80 : 0
    if change.value != nil { flags |= hasValue }
    if change.context != nil { flags |= hasContext }
    return flags
  }

  /// What follows the field in both layouts: op, value, pred and context.
  private static func appendBody(
    _ change: Change, value valueBytes: ArraySlice<UInt8>?, to writer: inout BinaryWriter,
    siteKey: (SiteID) throws -> Int
  ) rethrows {
    writer.byte(opCode(change.op))
    if let valueBytes, change.value != nil {
      writer.data(valueBytes)
    } else if let value = change.value {
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

  private static func zigzag(_ delta: UInt64) -> Int {
    let signed = Int64(bitPattern: delta)
    return Int(bitPattern: UInt((signed << 1) ^ (signed >> 63)))
  }

  private static func unzigzag(_ value: Int) -> UInt64 {
    let raw = UInt64(UInt(bitPattern: value))
    return (raw >> 1) ^ (0 &- (raw & 1))
  }

  /// Decodes every change of a chunk.
  ///
  /// - Parameters:
  ///   - bytes: The chunk.
  ///   - format: Its layout.
  ///   - site: The site whose changes it holds.
  ///   - firstSeq: The seq of its first change.
  ///   - siteForKey: Maps stored site keys back to sites.
  ///   - wanted: Decodes fully only the changes of records it accepts (others are skipped).
  /// - Returns: The changes, in seq order.
  /// - Throws: `StoredDataDamaged` when the chunk does not decode.
  static func decode(
    _ bytes: [UInt8], format: Format, site: SiteID, firstSeq: Int,
    siteForKey: (Int) -> SiteID?,
    wanted: (EntityKind, Substring) -> Bool = { _, _ in true }
  ) throws -> [Change] {
    var reader = BinaryReader(bytes)
    var changes: [Change] = []
    var seq = firstSeq
    var strings: [String] = []
    var previousClock: UInt64 = 0
    func string() throws -> String {
      guard format == .interned else { return try reader.string() }
      let index = try reader.varint()
      guard index != 0 else {
        let string = try reader.string()
        strings.append(string)
        return string
      }
      guard index > 0, index <= strings.count else { throw StoredDataDamaged() }
      return strings[index - 1]
    }
    while !reader.isAtEnd {
      defer { seq += 1 }
      let hlc: HybridTimestamp
      switch format {
      case .plain: hlc = HybridTimestamp(rawValue: try reader.word())
      case .interned:
        previousClock = previousClock &+ unzigzag(try reader.varint())
        hlc = HybridTimestamp(rawValue: previousClock)
      }
      let author = try string()
      let flags = try reader.byte()
      let kind: EntityKind = flags & 0x80 != 0 ? .annotation : .article
      let id = try string()
      let field = try string()
      guard wanted(kind, id[...]) else {
        _ = try reader.byte()
        if flags & hasValue != 0 { try reader.skipData() }
        for _ in 0..<(try reader.varint()) { _ = (try reader.varint(), try reader.varint()) }
        if flags & hasContext != 0 {
          for _ in 0..<(try reader.varint()) { _ = (try reader.varint(), try reader.varint()) }
        }
        continue
      }
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
          site: site, seq: seq, hlc: hlc, author: author,
          entity: EntityRef(kind: kind, id: id), field: field, op: op, value: value,
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

/// A string compared and hashed by its UTF-8 bytes (`String` compares by canonical
/// equivalence).
private struct ExactString: Hashable {
  let text: String

  init(_ text: String) { self.text = text }

  static func == (lhs: ExactString, rhs: ExactString) -> Bool {
    lhs.text.hasSameBytes(as: rhs.text)
  }

  func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}
