import FolioModel
import Foundation

/// Push bodies of protocol 2 built by hand, for tests that send raw changes to the server.
enum SignedPush {
  /// `{"changes":[…],"heads":[…]}` around `lines` (canonical changes of `key`'s site, seqs
  /// 1 … n in order), with a head `key` signs as `author`.
  static func body(_ lines: [[UInt8]], author: String, key: SiteKey) -> Data {
    let chain = lines.reduce(SiteChain.empty) { $0.appending($1) }
    let head = SignedHead(signing: chain, author: author, with: key).encoded()
    return body(lines, heads: [head])
  }

  /// `{"changes":[…],"heads":[…]}` around `lines` and `heads`, as they are.
  static func body(_ lines: [[UInt8]], heads: [[UInt8]] = []) -> Data {
    Data(
      Array(#"{"changes":["#.utf8) + Array(lines.joined(separator: [0x2C]))
        + Array(#"],"heads":["#.utf8) + Array(heads.joined(separator: [0x2C]))
        + Array("]}".utf8))
  }
}
