import Foundation

/// Runs a producer on a thread of its own, a few elements ahead of the consumer: on a
/// machine with two cores, reading and decoding the next piece of work overlaps with
/// merging the current one.
///
/// The producer gets an `emit` function; it returns false once the consumer has stopped, and
/// the producer should then return. The consumer takes elements with `next` and must call
/// `stop` when it is done (or gives up), which waits for the thread to end: nothing runs on
/// once the consumer has returned.
final class ProducerThread<Element: Sendable>: @unchecked Sendable {
  // Every stored property below is read and written only while `condition` is locked.
  private let condition = NSCondition()
  private var queue: [Element] = []
  private var producerFinished = false
  private var consumerStopped = false
  private var handedBack: [Element] = []
  private let depth: Int

  /// Starts `produce` on a new thread; at most `depth` elements wait for the consumer.
  init(depth: Int, produce: @escaping @Sendable (_ emit: (Element) -> Bool) -> Void) {
    self.depth = depth
    Thread.detachNewThread { [self] in
      produce(emit)
      condition.lock()
      producerFinished = true
      condition.broadcast()
      condition.unlock()
    }
  }

  private func emit(_ element: Element) -> Bool {
    releaseHandedBack()
    condition.lock()
    defer { condition.unlock() }
    while queue.count >= depth, !consumerStopped { condition.wait() }
    guard !consumerStopped else { return false }
    queue.append(element)
    condition.broadcast()
    return true
  }

  /// The next element, waiting for it; nil once the producer has returned and every
  /// element it emitted was taken.
  func next() -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty, !producerFinished { condition.wait() }
    guard !queue.isEmpty else { return nil }
    let element = queue.removeFirst()
    condition.broadcast()
    return element
  }

  /// Hands an element the consumer is done with back, for the producer's thread to release
  /// when it emits its next one: releasing a large element (a bundle piece's thousands of
  /// changes) was a sixteenth of the consumer's time, and the producer has time to spare.
  /// The caller should give up its own reference (`handBack(consume element)`), or the
  /// release may still happen on its thread.
  func handBack(_ element: consuming Element) {
    condition.lock()
    defer { condition.unlock() }
    handedBack.append(element)
  }

  /// Releases what the consumer handed back, on the producer's thread and outside the lock.
  private func releaseHandedBack() {
    condition.lock()
    let released = handedBack
    handedBack = []
    condition.unlock()
    withExtendedLifetime(released) {}
  }

  /// Tells the producer to stop and waits until its thread has ended.
  func stop() {
    condition.lock()
    defer { condition.unlock() }
    consumerStopped = true
    queue.removeAll()
    condition.broadcast()
    while !producerFinished { condition.wait() }
  }
}
