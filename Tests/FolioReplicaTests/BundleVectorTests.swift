import FolioModel
import FolioReplica
import Foundation
import ProtocolVectors
import Testing

/// `bundle apply` makes the reference reader's decision on every change vector, and the
/// header, line and trailer rules of `Protocol/bundle.md` are enforced, never repaired.
@Suite("Bundles: change vectors and line rules")
struct BundleVectorTests {
  @Test func everyChangeVectorInABundleGetsTheSameDecision() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.folio"), author: "reader")
    var checked = 0
    for item in try ChangeVectorCase.all() where !item.bytes.contains(0x0A) && !item.bytes.isEmpty {
      let path = directory.file("case.bundle")
      try Data(Self.bundle(lines: [item.bytes])).write(to: URL(fileURLWithPath: path))
      checked += 1
      switch item.expect {
      case .accept:
        // The line passes every change rule; it is then refused only because no signed
        // head covers it (the vectors' sites are not derived from keys).
        do {
          _ = try replica.applyBundle(at: path)
          Issue.record("\(item): applied without a signed head")
        } catch let error as BundleError {
          #expect(error.refusal == nil, "\(item): \(error)")
          #expect(error.invalidHead?.rule == .coverage, "\(item): \(error)")
        }
      case .refuse(let code, let rule):
        do {
          _ = try replica.applyBundle(at: path)
          Issue.record("\(item): applied; expected \(code) \(rule)")
        } catch let error as BundleError {
          #expect(error.refusal?.code.rawValue == code, "\(item): \(error)")
          #expect(error.refusal?.rule.rawValue == rule, "\(item): \(error)")
          #expect(error.description.contains("\(code) \(rule)"), "\(error)")
        }
      }
    }
    #expect(checked > 80)
    #expect(try replica.changeCount() == 0)
  }

  @Test("Bundle file", arguments: try BundleVectorCase.all())
  func bundleFile(_ item: BundleVectorCase) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.folio"), author: "reader")
    let path = directory.file("case.bundle")
    try Data(item.bytes).write(to: URL(fileURLWithPath: path))
    do {
      _ = try replica.applyBundle(at: path)
      #expect(item.code == nil, "applied; expected \(item.code ?? "") \(item.rule ?? "")")
    } catch let error as BundleError {
      #expect(error.code.rawValue == item.code, "\(error)")
      #expect(
        (error.refusal?.rule.rawValue ?? error.invalidHead?.rule.rawValue) == item.rule, "\(error)")
      #expect(try replica.changeCount() == 0, "nothing of a refused bundle is applied")
    }
  }

  @Test func headerRulesAreEnforced() throws {
    let site = String(repeating: "a", count: 32)
    let good =
      #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":2}"#
    let bad: [(String, String)] = [
      (
        #"{"created":1,"format":"folio-bundle","site":"\#(site)","vector":{},"version":1}"#,
        "made by an older Folio"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":3}"#,
        "version 3"
      ),
      (
        #"{"created":1,"format":"folio-bundle","site":"\#(site)","vector":{},"version":2}"#,
        "heads"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[{}],"site":"\#(site)","vector":{},"version":2}"#,
        "H1"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":"2"}"#,
        "version"
      ),
      (
        #"{"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":2}"#,
        "created"
      ),
      (
        #"{"created":-1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":2}"#,
        "created"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"AA","vector":{},"version":2}"#,
        "site"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{"\#(site)":0},"version":2}"#,
        "vector"
      ),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":[],"version":2}"#,
        "vector"
      ),
      (
        #"{"created":1,"extra":0,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":2}"#,
        "unknown member 'extra'"
      ),
      (
        #"{"format":"folio-bundle","created":1,"heads":[],"site":"\#(site)","vector":{},"version":2}"#,
        "canonical"
      ),
      (good.replacingOccurrences(of: ",", with: ", "), "canonical"),
      (good + "\r", "canonical"),
      (
        #"{"created":1,"format":"folio-bundle","heads":[],"site":"\#(site)","vector":{},"version":2.0}"#,
        "not a Folio bundle"
      ),
      ("", "not a Folio bundle"),
    ]
    #expect(throws: Never.self) { try BundleHeader.decode(Array(good.utf8)) }
    for (line, expected) in bad {
      do {
        _ = try BundleHeader.decode(Array(line.utf8))
        Issue.record("accepted header \(line)")
      } catch {
        #expect(error.reason.contains(expected), "\(line): \(error)")
      }
    }
  }

  @Test func linesAreRefusedNotRepaired() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.folio"), author: "reader")
    let key = SiteKey()
    let change = Change(
      site: key.site, seq: 1, hlc: HybridTimestamp(milliseconds: 1_700_000_000_000, counter: 0),
      author: "alice", entity: .article("a1"), field: Field.title, op: .set, value: .int(52))
    let line = ChangeJSON.encode(change)
    let path = directory.file("b.bundle")
    func apply(_ bytes: [UInt8]) throws -> ApplyReport {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      return try replica.applyBundle(at: path)
    }
    let cases: [([UInt8], String)] = [
      (Self.bundle(lines: [line + [0x0D]]), "ends with CR"),
      (Self.bundle(lines: [line, []]), "blank"),
      (
        Self.bundle(lines: [
          Array(
            String(decoding: line, as: UTF8.self).replacingOccurrences(of: "52", with: "52.0").utf8)
        ]), "J3"
      ),
      (
        Self.bundle(lines: [
          Array(
            String(decoding: line, as: UTF8.self).replacingOccurrences(of: ":", with: ": ").utf8)
        ]), "K1"
      ),
      (
        Self.bundle(
          lines: [line],
          trailer: { $0.replacingOccurrences(of: #""end":true"#, with: #""end":true,"x":1"#) }),
        "end marker is malformed"
      ),
      (
        Self.bundle(
          lines: [line],
          trailer: {
            $0.replacingOccurrences(of: #"{"count":1,"end":true"#, with: #"{"end":true,"count":1"#)
          }), "end marker is malformed"
      ),
    ]
    for (bytes, expected) in cases {
      do {
        _ = try apply(bytes)
        Issue.record("applied; expected \(expected)")
      } catch {
        #expect("\(error)".contains(expected), "\(error)")
      }
    }
    #expect(try replica.changeCount() == 0, "nothing of a refused bundle is applied")
    let head = SignedHead(signing: SiteChain.empty.appending(line), author: "alice", with: key)
    #expect(try apply(Self.bundle(lines: [line], heads: [head])).added == 1)
    #expect(try replica.changes(notCoveredBy: VersionVector()).map(ChangeJSON.encode) == [line])
  }

  /// A well-formed bundle around `lines` (header, the lines, trailer with the right count and
  /// checksum); `trailer` may spoil the trailer's text.
  static func bundle(
    lines: [[UInt8]], heads: [SignedHead] = [], trailer: (String) -> String = { $0 }
  ) -> [UInt8] {
    var hasher = SHA256Hasher()
    var bytes = BundleHeader(site: .random(), vector: VersionVector(), created: 0, heads: heads)
      .encoded()
    bytes.append(0x0A)
    hasher.update(bytes)
    for line in lines {
      hasher.update(line + [0x0A])
      bytes += line + [0x0A]
    }
    let end = BundleTrailer(count: lines.count, sha256: Hex.encode(hasher.finalize())).encoded()
    bytes += Array(trailer(String(decoding: end, as: UTF8.self)).utf8) + [0x0A]
    return bytes
  }
}
