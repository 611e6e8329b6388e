import FolioModel

extension RecordState {
  /// Version 2 adds the merged fields after the conflicted ones; version 1 (written before
  /// text merges) is still read, with no merged field.
  private static let formatVersion: UInt8 = 2

  /// The compact binary form stored in the record's row; sites are written as site keys.
  func encoded(siteKey: (SiteID) throws -> Int) rethrows -> [UInt8] {
    var writer = BinaryWriter(capacity: 96)
    func dot(_ dot: Dot) throws {
      writer.varint(try siteKey(dot.site))
      writer.varint(dot.seq)
    }
    func dots(_ list: some Collection<Dot>) throws {
      writer.varint(list.count)
      for element in list.sorted() { try dot(element) }
    }
    writer.byte(RecordState.formatVersion)
    writer.varint(registers.count)
    for field in registers.keys.sorted() {
      let heads = registers[field] ?? []
      writer.string(field)
      writer.varint(heads.count)
      for head in heads {
        try dot(head.dot)
        writer.word(head.hlc.rawValue)
        writer.byte(head.isDelete ? 1 : 0)
      }
    }
    writer.varint(conflictedFields.count)
    for field in conflictedFields.sorted() { writer.string(field) }
    writer.varint(mergedFields.count)
    for field in mergedFields.sorted() { writer.string(field) }
    writer.varint(tagAdditions.count)
    for tag in tagAdditions.keys.sorted() {
      writer.string(tag)
      try dots(tagAdditions[tag] ?? [])
    }
    try dots(pendingSuperseded)
    writer.varint(latestSeqs.count)
    for site in latestSeqs.keys.sorted() { try dot(Dot(site: site, seq: latestSeqs[site] ?? 0)) }
    if let deleteContext {
      writer.byte(1)
      writer.varint(deleteContext.entries.count)
      for site in deleteContext.sites { try dot(Dot(site: site, seq: deleteContext[site])) }
    } else {
      writer.byte(0)
    }
    try dots(editsConcurrentWithDelete)
    return writer.bytes
  }

  /// Decodes what `encoded` wrote.
  init(stored bytes: [UInt8], site: (Int) -> SiteID?) throws(StoredDataDamaged) {
    var reader = BinaryReader(bytes)
    func dot() throws(StoredDataDamaged) -> Dot {
      guard let site = site(try reader.varint()) else { throw StoredDataDamaged() }
      return Dot(site: site, seq: try reader.varint())
    }
    func dots() throws(StoredDataDamaged) -> [Dot] {
      var result: [Dot] = []
      for _ in 0..<(try reader.varint()) { result.append(try dot()) }
      return result
    }
    let version = try reader.byte()
    guard version == 1 || version == RecordState.formatVersion else { throw StoredDataDamaged() }
    self.init()
    for _ in 0..<(try reader.varint()) {
      let field = try reader.string()
      var heads: [Head] = []
      for _ in 0..<(try reader.varint()) {
        let headDot = try dot()
        let hlc = HybridTimestamp(rawValue: try reader.word())
        heads.append(Head(dot: headDot, hlc: hlc, isDelete: try reader.byte() == 1))
      }
      registers[field] = heads
    }
    for _ in 0..<(try reader.varint()) { conflictedFields.insert(try reader.string()) }
    if version >= 2 {
      for _ in 0..<(try reader.varint()) { mergedFields.insert(try reader.string()) }
    }
    for _ in 0..<(try reader.varint()) {
      let tag = try reader.string()
      tagAdditions[tag] = try dots()
    }
    pendingSuperseded = Set(try dots())
    for _ in 0..<(try reader.varint()) {
      let latest = try dot()
      latestSeqs[latest.site] = latest.seq
    }
    if try reader.byte() == 1 {
      var context = VersionVector()
      for _ in 0..<(try reader.varint()) {
        let entry = try dot()
        context[entry.site] = entry.seq
      }
      deleteContext = context
    }
    editsConcurrentWithDelete = Set(try dots())
  }
}
