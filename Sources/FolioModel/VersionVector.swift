/// What a replica has: for each site, the highest sequence number up to which it holds
/// every change of that site with no gap.
public struct VersionVector: Hashable, Codable, Sendable {
  public private(set) var entries: [SiteID: Int]

  public init(_ entries: [SiteID: Int] = [:]) {
    self.entries = entries.filter { $0.value > 0 }
  }

  public subscript(site: SiteID) -> Int {
    get { entries[site] ?? 0 }
    set { entries[site] = newValue > 0 ? newValue : nil }
  }

  /// True when the change `dot` is included.
  public func covers(_ dot: Dot) -> Bool { self[dot.site] >= dot.seq }

  /// The pointwise maximum of both vectors.
  public func merged(with other: VersionVector) -> VersionVector {
    var result = self
    for (site, seq) in other.entries where seq > result[site] { result[site] = seq }
    return result
  }

  /// True when this vector includes everything `other` does.
  public func dominates(_ other: VersionVector) -> Bool {
    other.entries.allSatisfy { self[$0.key] >= $0.value }
  }

  /// Sites in a stable order.
  public var sites: [SiteID] { entries.keys.sorted() }

  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode([String: Int].self)
    var entries: [SiteID: Int] = [:]
    for (key, seq) in raw {
      guard let site = SiteID(rawValue: key), seq >= 0 else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: decoder.codingPath, debugDescription: "bad version vector entry \(key)")
        )
      }
      entries[site] = seq
    }
    self.init(entries)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(
      Dictionary(uniqueKeysWithValues: entries.map { ($0.key.rawValue, $0.value) }))
  }
}
