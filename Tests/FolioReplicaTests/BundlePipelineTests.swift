import FolioArticles
import FolioModel
import Foundation
import Synchronization
import Testing

@testable import FolioReplica

/// A bundle is read and decoded on a thread of its own while the merge takes the pieces
/// before: its elements arrive in order, a consumer that stops early stops the producer,
/// and a refusal deep in a large bundle still leaves nothing behind.
@Suite struct BundlePipelineTests {
  @Test func elementsArriveInOrderAndTheProducerEnds() {
    let pieces = ProducerThread<Int>(depth: 2) { emit in
      for number in 0..<1_000 where !emit(number) { return }
    }
    var received: [Int] = []
    while let number = pieces.next() { received.append(number) }
    pieces.stop()
    #expect(received == Array(0..<1_000))
  }

  /// Elements handed back are released on the producer's thread (all but those handed back
  /// after its last emit), not the consumer's.
  @Test func handedBackElementsAreReleasedByTheProducer() {
    let releasedOn = Mutex<[Bool]>([])
    let consumer = pthread_self()
    let pieces = ProducerThread<Released>(depth: 2) { emit in
      for _ in 0..<50 {
        let element = Released {
          let onConsumer = pthread_equal(pthread_self(), consumer) != 0
          releasedOn.withLock { $0.append(onConsumer) }
        }
        guard emit(element) else { return }
      }
    }
    var taken = 0
    while let element = pieces.next() {
      taken += 1
      // Consumed: the consumer keeps no reference that could be the last one.
      pieces.handBack(consume element)
    }
    pieces.stop()
    #expect(taken == 50)
    let onConsumer = releasedOn.withLock { $0.filter { $0 }.count }
    // The producer releases what was handed back before each emit, so all but the last
    // few (handed back after its last emit, released with the ProducerThread).
    #expect(releasedOn.withLock { $0.count } >= 40)
    #expect(onConsumer == 0, "released on the consumer's thread: \(onConsumer)")
  }

  @Test func aConsumerThatStopsEarlyStopsTheProducer() {
    let produced = Mutex(0)
    let refused = Mutex(false)
    let pieces = ProducerThread<Int>(depth: 2) { emit in
      for number in 0..<1_000_000 {
        guard emit(number) else {
          refused.withLock { $0 = true }
          return
        }
        produced.withLock { $0 += 1 }
      }
    }
    #expect(pieces.next() == 0)
    #expect(pieces.next() == 1)
    pieces.stop()
    // `stop` returns once the thread has ended, so what it saw is final.
    #expect(refused.withLock { $0 })
    #expect(produced.withLock { $0 } <= 5, "the producer runs at most `depth` ahead")
    #expect(pieces.next() == nil)
  }

  @Test func aRefusalInALaterPieceLeavesNothingBehind() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Replica.create(at: directory.file("alice.sqlite"), author: "alice")
    _ = try alice.importArticles((0..<1_200).map { sampleArticle("alice \($0)", variant: $0) })
    let bob = try Replica.create(at: directory.file("bob.sqlite"), author: "bob")
    let path = directory.file("a.bundle")
    let summary = try alice.createBundle(at: path, for: nil)
    #expect(summary.changes > 4_500, "the bundle spans three pieces of 2,000 changes")

    var lines = try SigningReplicaTests.lines(path)
    lines[4_500] = Array("{\"not\":\"a change\"}".utf8)
    try SigningReplicaTests.write(
      header: lines[0], changes: Array(lines[1..<(lines.count - 1)]), to: path)
    do {
      _ = try bob.applyBundle(at: path)
      Issue.record("a bundle with a broken line was applied")
    } catch let error as BundleError {
      #expect(error.code == .invalidChange, "\(error)")
      #expect(error.description.contains("line 4501"), "\(error)")
    }
    #expect(try bob.changeCount() == 0)
    #expect(try bob.listArticles(ArticleListRequest(limit: 0)).total == 0)

    // The same bundle, mended, applies whole.
    _ = try alice.createBundle(at: path, for: nil)
    let report = try bob.applyBundle(at: path)
    #expect(report.added == summary.changes)
    #expect(try bob.changeCount() == summary.changes)
  }

  /// Values with quotes, escapes, control characters and text not in NFC go through a
  /// bundle, the reader thread and the log: after a reopening, every change reads back and
  /// encodes to the very bytes its author wrote.
  @Test func valuesSurviveABundleByteForByte() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Replica.create(at: directory.file("alice.sqlite"), author: "alice")
    let awkward = [
      "a \"quoted\" word", "back\\slash", "tab\there\nnew line", "\u{1}\u{1f}\u{7f}",
      "Köln 🌧️ “river”", "e\u{301} not NFC", "\u{2028}", "</script>",
    ]
    let articles = awkward.enumerated().map { index, text in
      Article(
        title: "Title \(index): \(text)", summary: "Summary \(text).", background: text,
        insights: [Insight(question: "Why \(text)?", points: [text, "plain"])], tags: [text])
    }
    _ = try alice.importArticles(articles)
    for article in try alice.allArticles() {
      _ = try alice.addNote(articleID: article.id, text: "Note: \(article.background)")
    }
    let path = directory.file("a.bundle")
    _ = try alice.createBundle(at: path, for: nil)
    let bobPath = directory.file("bob.sqlite")
    _ = try Replica.create(at: bobPath, author: "bob").applyBundle(at: path)

    let written = try alice.changes(notCoveredBy: VersionVector()).map(ChangeJSON.encode)
    let readBack = try Replica.open(at: bobPath).changes(notCoveredBy: VersionVector())
    #expect(readBack.map(ChangeJSON.encode) == written)
    #expect(Set(try SigningReplicaTests.lines(path).dropFirst().dropLast()) == Set(written))
  }
}

/// Runs `onRelease` when the last reference goes.
private final class Released: Sendable {
  let onRelease: @Sendable () -> Void
  init(_ onRelease: @escaping @Sendable () -> Void) { self.onRelease = onRelease }
  deinit { onRelease() }
}
