import Dispatch

/// A task executor with a thread of its own, for tests whose timing must not depend on the
/// concurrency pool.
///
/// The whole suite starts at once: every test is queued on the pool (two threads on two
/// cores), and a synchronous test keeps its thread until it ends. A live server's handler, or
/// a task waking from a sleep, queued behind them waited minutes in full runs, so a test
/// that allows a live server ten seconds failed under load and passed alone. Work run with
/// this executor as its preference (`withTaskExecutorPreference`, `Task(executorPreference:)`)
/// runs on a serial dispatch queue instead, which dispatch gives a thread outside the pool.
public final class DedicatedExecutor: TaskExecutor {
  private let queue: DispatchQueue

  /// An executor whose jobs run one at a time on a thread named after `label`.
  public init(label: String) {
    queue = DispatchQueue(label: "folio.tests.\(label)")
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }

  /// Runs `body` (and the child tasks it starts) on a new dedicated executor.
  public static func run<T>(label: String, _ body: () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(DedicatedExecutor(label: label)) { try await body() }
  }
}
