import Testing

@testable import FolioModel

@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func matchesTheStandardVectors(input: String, digest: String) {
    #expect(SHA256.hexDigest(input) == digest)
  }

  @Test func aMillionAs() {
    let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    #expect(
      Hex.encode(SHA256.digest(bytes))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func piecesGiveTheSameDigestAsTheWhole() {
    var generator = SplitMix64(seed: 7)
    let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    for pieceSize in [1, 3, 63, 64, 65, 1000] {
      var hasher = SHA256Hasher()
      var start = 0
      while start < bytes.count {
        let end = min(bytes.count, start + pieceSize)
        hasher.update(bytes[start..<end])
        start = end
      }
      #expect(hasher.finalize() == SHA256.digest(bytes), "pieces of \(pieceSize)")
    }
  }
}
