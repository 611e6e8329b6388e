#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The offline bundle format (see `Protocol/bundle.md`): JSON Lines. The first line is a
/// `BundleHeader`, then one change per line in canonical JSON, then a `BundleTrailer`
/// with the count and a SHA-256 of the header and change lines, so that truncation and corruption
/// are detected before anything is applied.
public enum BundleFormat {
  public static let formatName = "folio-bundle"
  public static let currentVersion = 2
  /// Version 1 held unsigned changes (protocol 1); it is refused as made by an older Folio.
  public static let unsignedVersion = 1
}

/// The first line of a bundle.
public struct BundleHeader: Equatable, Sendable {
  public var format: String
  public var version: Int
  /// The replica that wrote the bundle.
  public var site: SiteID
  /// What that replica had when it wrote the bundle.
  public var vector: VersionVector
  /// Unix milliseconds when it was written.
  public var created: UInt64
  /// A signed head for each site with a change in the bundle, at its highest seq in it,
  /// sorted by site (`Protocol/signing.md` §6).
  public var heads: [SignedHead]

  public init(site: SiteID, vector: VersionVector, created: UInt64, heads: [SignedHead]) {
    self.format = BundleFormat.formatName
    self.version = BundleFormat.currentVersion
    self.site = site
    self.vector = vector
    self.created = created
    self.heads = heads.sorted { $0.site < $1.site }
  }

  /// The header line's canonical JSON, without its newline.
  public func encoded() -> [UInt8] {
    var writer = JSONWriter(capacity: 128 + vector.entries.count * 48 + heads.count * 400)
    writer.append("{\"created\":\(created),\"format\":")
    writer.write(format)
    writer.append(",\"heads\":[")
    for (index, head) in heads.enumerated() {
      if index > 0 { writer.append(",") }
      head.write(to: &writer)
    }
    writer.append("],\"site\":")
    writer.write(site.rawValue)
    writer.append(",\"vector\":")
    writer.write(vector)
    writer.append(",\"version\":\(version)}")
    return writer.bytes
  }

  /// Reads a header line (without its newline) by the rules of `Protocol/bundle.md`: a
  /// `folio-bundle` of version 2 with exactly `created`, `format`, `heads`, `site`, `vector`
  /// and `version`, in canonical form, each head checked by `SignedHead.decode` (H1–H3).
  /// Nothing is normalized.
  ///
  /// - Throws: `BundleError` saying what is wrong.
  public static func decode<Bytes: Collection<UInt8>>(_ line: Bytes) throws(BundleError) -> Self {
    let notABundle = BundleError(
      .notABundle, "not a Folio bundle (its first line is not a bundle header)")
    guard let members = (try? JSONReader.parse(line))?.objectValue,
      members["format"] == .string(BundleFormat.formatName)
    else { throw notABundle }
    guard let version = members["version"]?.intValue else {
      throw BundleError(.unsupportedVersion, "the bundle header's version must be an integer")
    }
    guard version != BundleFormat.unsignedVersion else {
      throw BundleError(
        .unsupportedVersion,
        "this bundle was made by an older Folio (bundle format 1, whose changes are not"
          + " signed): ask its sender to upgrade Folio and write it again")
    }
    guard version == BundleFormat.currentVersion else {
      throw BundleError(
        .unsupportedVersion, "bundle format version \(version) is not supported by this Folio")
    }
    for key in members.keys.sorted()
    where !["created", "format", "heads", "site", "vector", "version"].contains(key) {
      throw BundleError(.malformedHeader, "the bundle header has an unknown member '\(key)'")
    }
    guard let created = members["created"]?.intValue, created >= 0 else {
      throw BundleError(
        .malformedHeader, "the bundle header's created must be Unix milliseconds (0 or more)")
    }
    guard let site = members["site"]?.stringValue.flatMap(SiteID.init(rawValue:)) else {
      throw BundleError(
        .malformedHeader, "the bundle header's site must be 32 lowercase hex digits")
    }
    guard let vector = members["vector"].flatMap(VersionVector.init(json:)) else {
      throw BundleError(
        .malformedHeader, "the bundle header's vector must map sites to seqs of 1 or more")
    }
    guard let headValues = members["heads"]?.arrayValue else {
      throw BundleError(
        .malformedHeader, "the bundle header's heads must be a list of signed heads")
    }
    var heads: [SignedHead] = []
    for (index, value) in headValues.enumerated() {
      var writer = JSONWriter(capacity: 400)
      writer.write(value)
      do throws(InvalidHead) {
        heads.append(try SignedHead.decode(writer.bytes))
      } catch {
        throw BundleError(
          .invalidHead, "the bundle header's heads[\(index)]: \(error)", invalidHead: error)
      }
    }
    let header = BundleHeader(
      site: site, vector: vector, created: UInt64(created), heads: heads)
    guard header.encoded().elementsEqual(line) else {
      throw BundleError(
        .malformedHeader,
        "the bundle header is not in canonical form (sorted keys, no white space, \\n line end)")
    }
    return header
  }
}

/// The last line of a bundle.
public struct BundleTrailer: Equatable, Sendable {
  /// Always true; marks the line as the trailer.
  public var end: Bool
  /// Number of change lines.
  public var count: Int
  /// Lowercase hex SHA-256 over the header line and the change lines, each with its newline.
  public var sha256: String

  public init(count: Int, sha256: String) {
    self.end = true
    self.count = count
    self.sha256 = sha256
  }

  /// Whether a line is meant as the trailer (it starts as one does) rather than a change.
  public static func isTrailer<Bytes: Collection<UInt8>>(_ line: Bytes) -> Bool {
    line.starts(with: #"{"count""#.utf8) || line.starts(with: #"{"end""#.utf8)
  }

  /// The trailer line's canonical JSON, without its newline.
  public func encoded() -> [UInt8] {
    var writer = JSONWriter(capacity: 112)
    writer.append("{\"count\":\(count),\"end\":\(end),\"sha256\":")
    writer.write(sha256)
    writer.append("}")
    return writer.bytes
  }

  /// Reads a trailer line (without its newline): exactly `count`, `end` (true) and
  /// `sha256` (64 lowercase hex digits), in canonical form.
  public static func decode<Bytes: Collection<UInt8>>(_ line: Bytes) throws(BundleError) -> Self {
    let malformed = BundleError(
      .malformedTrailer,
      "the bundle's end marker is malformed (it must be {\"count\":N,\"end\":true,\"sha256\":\"…\"})"
    )
    guard let members = (try? JSONReader.parse(line))?.objectValue, members.count == 3,
      let count = members["count"]?.intValue, count >= 0, members["end"] == .bool(true),
      let sha256 = members["sha256"]?.stringValue, sha256.utf8.count == 64,
      sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
    else { throw malformed }
    let trailer = BundleTrailer(count: count, sha256: sha256)
    guard trailer.encoded().elementsEqual(line) else { throw malformed }
    return trailer
  }
}

/// The refusals of `Protocol/bundle.md` (B1–B11), each with the stable name that
/// `folio bundle apply` reports, in the order a reader checks them.
public enum BundleRefusalCode: String, Sendable, CaseIterable, CustomStringConvertible {
  /// B1: a line (the header included) is longer than the longest change.
  case lineTooLong = "line-too-long"
  /// B2: the file is empty, or its first line is not a bundle header.
  case notABundle = "not-a-bundle"
  /// B3: the header's version is not one this reader knows.
  case unsupportedVersion = "unsupported-version"
  /// B4: the header breaks a rule of its table or is not in canonical form.
  case malformedHeader = "malformed-header"
  /// B5: a line follows the trailer.
  case dataAfterTrailer = "data-after-trailer"
  /// B6: the last line is cut off, or there is no trailer.
  case truncated = "truncated"
  /// B7: a line is blank or ends with CR.
  case malformedLine = "malformed-line"
  /// B8: the trailer is not exactly its three members in canonical form.
  case malformedTrailer = "malformed-trailer"
  /// B9: a change line breaks a rule of `canonical-json.md` (the refusal names it).
  case invalidChange = "invalid-change"
  /// B10: the trailer's count or checksum does not match the lines.
  case checksumMismatch = "checksum-mismatch"
  /// B11: a change has the dot of a change held (or an earlier line) but other bytes.
  case conflictingChange = "conflicting-change"
  /// B12: a head breaks a rule of `Protocol/signing.md` §4 (the error names it).
  case invalidHead = "invalid-head"
  /// B13: a site's new changes do not continue what the reader holds of it.
  case missingChanges = "missing-changes"

  public var description: String { rawValue }
}

/// Why a bundle was refused. Nothing of a refused bundle is applied.
public struct BundleError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The refusal's stable name (`Protocol/bundle.md`).
  public let code: BundleRefusalCode
  public let reason: String
  /// When a change line was refused: why, naming the rule (the same refusal the server
  /// gives the same bytes in a push).
  public let refusal: InvalidChange?
  /// When a signed head failed: why, naming the rule and the site.
  public let invalidHead: InvalidHead?

  public init(
    _ code: BundleRefusalCode, _ reason: String, refusal: InvalidChange? = nil,
    invalidHead: InvalidHead? = nil
  ) {
    self.code = code
    self.reason = reason
    self.refusal = refusal
    self.invalidHead = invalidHead
  }

  /// The reason, then the code (an `invalid-change` reason names it with its rule already).
  public var description: String {
    if let invalidHead { return "\(reason) (\(code) \(invalidHead.rule))" }
    return refusal == nil ? "\(reason) (\(code))" : reason
  }
}

extension JSONWriter {
  /// Writes a version vector as `{"<site>":seq,…}`, sites in order.
  public mutating func write(_ vector: VersionVector) {
    beginObject()
    for site in vector.sites {
      writeKey(site.rawValue)
      write(vector[site])
      comma()
    }
    endObject()
  }
}

extension VersionVector {
  /// A vector from its JSON form, an object of site → seq ≥ 1; nil when it is not one.
  public init?(json: JSONValue) {
    guard let members = json.objectValue else { return nil }
    var entries: [SiteID: Int] = [:]
    for (key, value) in members {
      guard let site = SiteID(rawValue: key), let seq = value.intValue, seq >= 1 else {
        return nil
      }
      entries[site] = seq
    }
    self.init(entries)
  }
}
