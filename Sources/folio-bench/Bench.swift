import FolioArticles
import FolioReplica
import Foundation

/// One run of the benchmark: runs the phases in order in a work folder and collects the
/// figures.
final class Bench {
  struct Settings {
    let workload: Workload
    let phases: [Phase]
    /// Where the replicas, bundles and server data go.
    let folder: String
    /// The folder holding the `folio` and `folio-server` executables.
    let binaries: String
    /// Runs of each whole-process measurement (after one warm-up run).
    let runs: Int
    /// Articles authored with one transaction per action.
    let perActionArticles: Int
  }

  let settings: Settings
  private(set) var results: BenchResults
  private var baseline: BaselineResult?
  /// Highlights the concurrent phase rewrites, chosen evenly over the workload.
  private var chosenHighlights: [String] = []
  private var phasePeak = 0
  /// What checking the bundle's signatures cost (bundle phase), reused to estimate pull's.
  private var verification: VerificationResult?

  private var workload: Workload { settings.workload }
  private func path(_ name: String) -> String { settings.folder + "/" + name }
  private var replicaA: String { path("alice.sqlite") }
  private var replicaB: String { path("bob.sqlite") }
  private var bundlePath: String { path("all.bundle") }
  private var folio: String { settings.binaries + "/folio" }
  private var server: String { settings.binaries + "/folio-server" }

  /// Highlights rewritten on both sides in the concurrent phase: 1,000, or all when fewer.
  static func concurrentHighlights(_ workload: Workload) -> Int {
    min(1_000, workload.highlightCount)
  }

  init(_ settings: Settings) {
    self.settings = settings
    #if DEBUG
      let build = "debug"
    #else
      let build = "release"
    #endif
    results = BenchResults(
      build: build, n: settings.workload.count, seed: settings.workload.seed,
      phases: settings.phases.map(\.rawValue),
      workload: WorkloadInfo(
        articles: settings.workload.count, highlights: settings.workload.highlightCount,
        fieldWritesPerArticle: Workload.fieldWritesPerArticle,
        fieldWrites: settings.workload.fieldWrites,
        perActionArticles: min(settings.perActionArticles, settings.workload.count),
        concurrentHighlights: Bench.concurrentHighlights(settings.workload)))
  }

  /// Runs every phase and returns the results.
  func run() async throws -> BenchResults {
    for phase in settings.phases {
      Bench.progress("\(phase.rawValue)…")
      phasePeak = 0
      let start = MonotonicClock.now()
      let meter = MemoryMeter()
      switch phase {
      case .baseline: try runBaseline()
      case .authoring: try runAuthoring()
      case .size: try runSize()
      case .bundle: try runBundle()
      case .latency: try runLatency()
      case .sync: try await runSync()
      case .concurrent: try runConcurrent()
      case .history: try runHistory()
      case .load: try await runLoad()
      case .anchoring: runAnchoring()
      }
      let seconds = Double(MonotonicClock.now() - start) / 1e9
      // Measurements inside the phase reset the peak; each noted its own.
      notePeak(meter.peakBytes)
      results.phaseSummaries.append(
        PhaseSummary(name: phase.rawValue, seconds: seconds, peakResidentBytes: phasePeak))
      Bench.progress("\(phase.rawValue) done in \(Report.format(seconds)) s")
    }
    return results
  }

  /// A line of progress on standard error.
  static func progress(_ message: String) {
    FileHandle.standardError.write(Data("folio-bench: \(message)\n".utf8))
  }

  // MARK: Phases

  private func runBaseline() throws {
    let result = try Baseline.run(workload, path: path("baseline.sqlite"))
    baseline = result
    let phase = "baseline"
    add(phase, "rows inserted", Double(result.articles + result.annotations), "rows")
    add(phase, "field writes", Double(result.fieldWrites), "writes")
    add(phase, "time", result.seconds, "s")
    add(phase, "field writes per second", result.fieldWritesPerSecond, "writes/s")
    add(phase, "file size", megabytes(result.fileBytes), "MB")
    add(phase, "peak resident memory", megabytes(result.peakBytes), "MB")
    notePeak(result.peakBytes)
    let storage = try SizePhase.measure(path("baseline.sqlite"))
    results.storage["baseline"] = StorageInfo(
      fileBytes: storage.fileBytes, fullTextBytes: storage.fullTextBytes,
      objects: storage.objects)
  }

  private func runAuthoring() throws {
    let sample = min(settings.perActionArticles, workload.count)
    if sample > 0 {
      let perAction = try Authoring.run(
        workload, articles: sample, path: path("per-action.sqlite"), author: "alice",
        mode: .perAction)
      let phase = "authoring (per action)"
      add(phase, "articles (a sample)", Double(perAction.articles), "articles")
      add(phase, "changes", Double(perAction.changes), "changes")
      add(phase, "time", perAction.seconds, "s")
      add(
        phase, "changes per second", perAction.changesPerSecond, "changes/s",
        ratio: throughputRatio(perAction.changesPerSecond))
      add(phase, "peak resident memory", megabytes(perAction.peakBytes), "MB")
      notePeak(perAction.peakBytes)
      removeDatabase(path("per-action.sqlite"))
    }

    let total = workload.highlightCount
    let wanted = Bench.concurrentHighlights(workload)
    let chosen = (0..<wanted).map { $0 * total / max(wanted, 1) }
    let batched = try Authoring.run(
      workload, articles: workload.count, path: replicaA, author: "alice", mode: .batched,
      choosing: chosen)
    chosenHighlights = batched.chosenHighlights
    results.counts.authored = batched.changes
    let phase = "authoring (batched)"
    add(phase, "changes", Double(batched.changes), "changes")
    add(phase, "time", batched.seconds, "s")
    let ratio = throughputRatio(batched.changesPerSecond)
    add(
      phase, "changes per second", batched.changesPerSecond, "changes/s", ratio: ratio,
      target: ">= 0.40x baseline", met: ratio.map { $0 >= 0.40 })
    add(phase, "peak resident memory", megabytes(batched.peakBytes), "MB")
    notePeak(batched.peakBytes)
  }

  private func runSize() throws {
    // A merge leaves indexing to the next search: the file is measured with its index whole.
    let (indexed, indexSeconds) = try MonotonicClock.time {
      try Replica.open(at: replicaA).updateSearchIndex()
    }
    let storage = try SizePhase.measure(replicaA)
    results.storage["replica"] = StorageInfo(
      fileBytes: storage.fileBytes, fullTextBytes: storage.fullTextBytes,
      objects: storage.objects)
    let phase = "size"
    add(
      phase, "replica file", megabytes(storage.fileBytes), "MB",
      ratio: sizeRatio(storage.fileBytes))
    add(phase, "full-text index in it", megabytes(storage.fullTextBytes), "MB")
    add(
      phase, "indexing the authored records first (\(indexed), as a first search does)",
      indexSeconds, "s")
    let ratio = sizeRatio(storage.withoutFullTextBytes)
    add(
      phase, "replica without full-text index", megabytes(storage.withoutFullTextBytes), "MB",
      ratio: ratio, target: "<= 2.00x baseline", met: ratio.map { $0 <= 2.0 })
  }

  private func runBundle() throws {
    let created = try BundlePhase.create(from: replicaA, to: bundlePath)
    results.counts.bundled = created.changes
    var phase = "bundle create"
    add(phase, "changes", Double(created.changes), "changes")
    add(phase, "bundle size", megabytes(created.bytes), "MB")
    add(phase, "time", created.seconds, "s")
    add(phase, "changes per second", Double(created.changes) / created.seconds, "changes/s")
    add(phase, "peak resident memory", megabytes(created.peakBytes), "MB")
    notePeak(created.peakBytes)

    let applied = try BundlePhase.apply(bundlePath, intoNew: replicaB, author: "bob")
    results.counts.applied = applied.added
    phase = "bundle apply"
    add(phase, "changes applied", Double(applied.added), "changes")
    add(phase, "time", applied.seconds, "s")
    let ratio = throughputRatio(applied.changesPerSecond)
    add(
      phase, "changes per second", applied.changesPerSecond, "changes/s", ratio: ratio,
      target: ">= 0.35x baseline", met: ratio.map { $0 >= 0.35 })
    add(phase, "conflicts found", Double(applied.conflicts), "conflicts")
    // The apply leaves indexing to the first search afterwards: its cost, and the speed with it.
    let (indexed, indexSeconds) = try MonotonicClock.time {
      try Replica.open(at: replicaB).updateSearchIndex()
    }
    add(phase, "first search afterwards: indexing \(indexed) records", indexSeconds, "s")
    let withIndexing = Double(applied.added) / max(applied.seconds + indexSeconds, 1e-9)
    add(
      phase, "changes per second, with that indexing", withIndexing, "changes/s",
      ratio: throughputRatio(withIndexing))
    let verification = try VerificationPhase.verify(bundle: bundlePath)
    let share = verification.seconds / applied.seconds
    add(
      phase, "of which signature verification (\(verification.heads) heads)",
      verification.seconds, "s")
    add(
      phase, "verification's share of the apply", share * 100, "%", target: "<= 10%",
      met: share <= 0.10)
    self.verification = verification
    add(phase, "resident memory at start", megabytes(applied.startBytes), "MB")
    add(phase, "peak resident memory", megabytes(applied.peakBytes), "MB")
    notePeak(applied.peakBytes)

    let process = try BundlePhase.applyAsProcess(
      bundlePath, folio: folio, replicaPath: path("process-apply.sqlite"),
      scratch: path("process-apply"))
    phase = "bundle apply (folio process)"
    add(phase, "time", process.seconds, "s")
    add(
      phase, "changes per second", Double(created.changes) / process.seconds, "changes/s",
      ratio: throughputRatio(Double(created.changes) / process.seconds))
    let peak = megabytes(process.peakBytes)
    add(
      phase, "peak resident memory", peak, "MB", target: "< 100 MB",
      met: peak < 100)
  }

  private func runLatency() throws {
    let article = workload.article(workload.count / 2).article.id
    let result = try LatencyPhase.run(
      replica: replicaA, folio: folio, article: article, searchWord: workload.searchWord,
      runs: settings.runs, folder: settings.folder)
    let phase = "latency (whole process)"
    add(phase, "folio --help (start-up)", milliseconds(result.start), "ms")
    let list = milliseconds(result.list)
    add(phase, "folio list", list, "ms", target: "< 20 ms", met: list < 20)
    let show = milliseconds(result.show)
    add(phase, "folio show (10 highlights)", show, "ms", target: "< 20 ms", met: show < 20)
    add(phase, "folio search \(result.searchWord)", milliseconds(result.search), "ms")
    add(phase, "records matching the search", Double(result.searchMatches), "records")
    add(
      phase, "folio list peak resident memory",
      megabytes(result.list.map(\.peakBytes).max() ?? 0), "MB")
    add(
      phase, "process memory measurement floor", megabytes(result.memoryFloorBytes), "MB")
  }

  private func runSync() async throws {
    let result = try await SyncPhase.run(
      replica: replicaA, pulledReplica: path("carol.sqlite"), server: server, folio: folio,
      folder: settings.folder, runs: settings.runs)
    results.counts.pushed = result.push.summary.pushed
    results.counts.pulled = result.pull.summary.pulled
    results.counts.noChangeRequests = result.noChange.summary.requests

    var phase = "sync push (all)"
    let push = result.push
    add(phase, "changes pushed", Double(push.summary.pushed), "changes")
    add(phase, "time", push.seconds, "s")
    add(phase, "changes per second", Double(push.summary.pushed) / push.seconds, "changes/s")
    add(phase, "requests", Double(push.summary.requests), "requests")
    add(phase, "bytes sent (at the socket)", megabytes(push.wireSent), "MB")
    add(phase, "peak resident memory", megabytes(push.peakBytes), "MB")
    notePeak(push.peakBytes)

    phase = "sync pull (all, fresh replica)"
    let pull = result.pull
    let pullRate = Double(pull.summary.pulled) / pull.seconds
    add(phase, "changes pulled", Double(pull.summary.pulled), "changes")
    add(phase, "time", pull.seconds, "s")
    add(
      phase, "changes per second", pullRate, "changes/s", ratio: throughputRatio(pullRate),
      target: ">= 100,000/s", met: pullRate >= 100_000)
    add(phase, "requests", Double(pull.summary.requests), "requests")
    if let verification {
      // Each page carries a head per site in it: one here, the space has one writer.
      let cost = verification.estimate(
        changes: pull.summary.pulled, messages: pull.summary.requests)
      add(
        phase, "signature verification's share (estimated)", cost / pull.seconds * 100, "%",
        target: "<= 10%", met: cost / pull.seconds <= 0.10)
    }
    add(phase, "bytes received (at the socket)", megabytes(pull.wireReceived), "MB")
    add(
      phase, "bytes received per change",
      Double(pull.wireReceived) / Double(max(pull.summary.pulled, 1)), "bytes")
    add(phase, "peak resident memory", megabytes(pull.peakBytes), "MB")
    notePeak(pull.peakBytes)

    phase = "sync pull (gzip, as from another machine)"
    let gzipPull = result.gzipPull
    let gzipRate = Double(gzipPull.summary.pulled) / gzipPull.seconds
    add(phase, "changes pulled", Double(gzipPull.summary.pulled), "changes")
    add(phase, "time", gzipPull.seconds, "s")
    add(phase, "changes per second", gzipRate, "changes/s", ratio: throughputRatio(gzipRate))
    add(phase, "bytes received (at the socket)", megabytes(gzipPull.wireReceived), "MB")
    add(
      phase, "bytes received per change",
      Double(gzipPull.wireReceived) / Double(max(gzipPull.summary.pulled, 1)), "bytes")
    notePeak(gzipPull.peakBytes)

    phase = "sync with no change"
    let quiet = result.noChange.summary
    add(
      phase, "round trips", Double(quiet.requests), "requests", target: "1",
      met: quiet.requests == 1)
    let wire = result.noChange.wireSent + result.noChange.wireReceived
    add(
      phase, "bytes on the wire (both ways, at the socket)", Double(wire), "bytes",
      target: "< 1,024 bytes", met: wire < 1_024)
    add(phase, "bytes sent", Double(result.noChange.wireSent), "bytes")
    add(phase, "bytes received", Double(result.noChange.wireReceived), "bytes")
    // Push and pull report the client's own counts; here the relay's must agree with them.
    let counted = result.noChangeCountedByClient
    add(
      phase, "bytes the client counted (both ways)", Double(counted.sent + counted.received),
      "bytes", target: "= the relay's",
      met: counted == (result.noChange.wireSent, result.noChange.wireReceived))
    add(phase, "time in process", result.noChange.seconds * 1000, "ms")
    let whole = milliseconds(result.processRuns)
    add(phase, "folio sync (whole process)", whole, "ms", target: "< 20 ms", met: whole < 20)
    add(
      phase, "folio sync fastest run", (result.processRuns.map(\.seconds).min() ?? 0) * 1000,
      "ms")
    add(
      phase, "folio sync peak resident memory",
      megabytes(result.processRuns.map(\.peakBytes).max() ?? 0), "MB")
  }

  private func runConcurrent() throws {
    let result = try ConcurrentPhase.run(
      replicaA: replicaA, replicaB: replicaB, highlights: chosenHighlights,
      folder: settings.folder)
    results.counts.edited = result.edited
    results.counts.conflictsA = result.conflictsA
    results.counts.conflictsB = result.conflictsB
    let phase = "concurrent"
    let expected = Bench.concurrentHighlights(workload)
    add(phase, "notes rewritten on each side", Double(result.edited), "highlights")
    add(phase, "rewrite time on A (one batch)", result.editSecondsA, "s")
    add(phase, "changes exchanged (both ways)", Double(result.mergedChanges), "changes")
    add(phase, "bundle A to B", Double(result.bytesAToB) / 1000, "KB")
    add(phase, "merge time (apply on A + on B)", result.mergeSeconds, "s")
    let rate = Double(result.mergedChanges) / result.mergeSeconds
    add(phase, "merged changes per second", rate, "changes/s", ratio: throughputRatio(rate))
    add(
      phase, "conflicts found on A", Double(result.conflictsA), "conflicts",
      target: "= \(expected)", met: result.conflictsA == expected)
    add(
      phase, "conflicts found on B", Double(result.conflictsB), "conflicts",
      target: "= \(expected)", met: result.conflictsB == expected)
    add(phase, "peak resident memory", megabytes(result.peakBytes), "MB")
    notePeak(result.peakBytes)
  }

  private func runAnchoring() {
    // 1,000 highlights on 20 articles at the standard size; a small run does one article.
    let result = AnchoringPhase.run(
      articles: min(20, max(1, workload.count / 100)), highlightsPerArticle: 50,
      seed: workload.seed)
    let phase = "anchoring (\(result.wordsPerArticle)-word articles, corrected)"
    add(phase, "highlights re-anchored", Double(result.highlights), "highlights")
    add(
      phase, "mean per highlight", result.meanMilliseconds, "ms", target: "< 5 ms",
      met: result.meanMilliseconds < 5)
    add(
      phase, "slowest highlight", result.slowestMilliseconds, "ms", target: "< 50 ms",
      met: result.slowestMilliseconds < 50)
    for state in [AnchorState.exact, .moved, .fuzzy, .partial, .orphan] {
      add(phase, "landed \(state.rawValue)", Double(result.states[state, default: 0]), "highlights")
    }
  }

  private func runHistory() throws {
    let edits = min(10_000, 20 * workload.count)
    let item = workload.article(0)
    guard let spec = item.highlights.first else { return }
    let window = max(1, edits / 10)
    let result = try HistoryPhase.run(
      article: item.article, quote: spec.quote, section: spec.section, edits: edits,
      window: window, pageSize: 1_000, folder: settings.folder)
    results.counts.historyEdits = result.edits
    var phase = "history (one annotation's note)"
    add(phase, "successive edits", Double(result.edits), "edits")
    add(phase, "first \(window) edits", result.firstEditsSeconds, "s")
    add(phase, "last \(window) edits", result.lastEditsSeconds, "s")
    add(
      phase, "last over first", result.editGrowth, "x", target: "<= 1.20x",
      met: result.editGrowth <= 1.2)
    add(phase, "median edit, last over first", result.editMedianGrowth, "x")
    add(phase, "median edit, in turn with a fresh one", result.noteInTurn, "x")
    phase = "history (one article's tags)"
    add(phase, "successive tag adds and removes", Double(result.tagChanges), "changes")
    add(phase, "first \(window) changes", result.firstTagSeconds, "s")
    add(phase, "last \(window) changes", result.lastTagSeconds, "s")
    add(
      phase, "last over first", result.tagGrowth, "x", target: "<= 1.20x",
      met: result.tagGrowth <= 1.2)
    add(phase, "median change, last over first", result.tagMedianGrowth, "x")
    add(phase, "median change, in turn with a fresh one", result.tagsInTurn, "x")
    phase = "history (pulled in pages)"
    add(phase, "changes of the two records", Double(result.pulledChanges), "changes")
    add(phase, "page size", Double(result.pageSize), "changes")
    add(phase, "first pages", result.firstPageSeconds, "s")
    add(phase, "last full pages", result.lastPageSeconds, "s")
    add(
      phase, "last over first", result.pageGrowth, "x", target: "<= 1.20x (linear)",
      met: result.pageGrowth <= 1.2)
    add(phase, "median page, last quarter over first", result.pageMedianGrowth, "x")
  }

  private func runLoad() async throws {
    let environment = ProcessInfo.processInfo.environment
    let postgres = environment["FOLIO_BENCH_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    // Long enough to be steady, short enough to keep the run bounded; tiny runs are smoke.
    let seconds = workload.count >= 1_000 ? 5.0 : 1.0
    let result = try await LoadPhase.run(
      replica: replicaA, server: server, folder: settings.folder, seconds: seconds,
      postgresURL: postgres)
    let transfer = result.transfer
    var phase = "load: pull all, bytes per change"
    let before = Double(transfer.identityBytes) / Double(max(transfer.changes, 1))
    let after = Double(transfer.gzipBytes) / Double(max(transfer.changes, 1))
    add(phase, "changes", Double(transfer.changes), "changes")
    add(phase, "uncompressed", before, "bytes/change")
    add(
      phase, "gzip", after, "bytes/change", target: "<= 1/3 of uncompressed",
      met: after * 3 <= before)
    if postgres == nil {
      Bench.progress("load: PostgreSQL skipped (set FOLIO_BENCH_POSTGRES_URL to an empty database)")
    }
    for store in result.stores {
      phase = "load (\(store.clients) clients, \(store.store))"
      let rate = Double(store.pushed) / store.writeSeconds
      add(phase, "changes pushed per second", rate, "changes/s")
      add(
        phase, "changes pulled per second", Double(store.pulled) / store.writeSeconds, "changes/s")
      add(phase, "requests", Double(store.requests), "requests")
      add(
        phase, "failed requests", Double(store.failures), "requests", target: "0",
        met: store.failures == 0)
      let sorted = store.noChangeLatencies.sorted()
      let p50 = percentile(sorted, 0.50) * 1000
      let p99 = percentile(sorted, 0.99) * 1000
      add(phase, "no-change syncs timed", Double(sorted.count), "requests")
      add(phase, "no-change sync p50", p50, "ms")
      if store.store == "sqlite" {
        add(phase, "no-change sync p99", p99, "ms", target: "< 50 ms", met: p99 < 50)
      } else {
        add(phase, "no-change sync p99", p99, "ms")
      }
    }
  }

  /// The value below which `fraction` of `sorted` lies (nearest rank).
  private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
  }

  // MARK: Helpers

  private func add(
    _ phase: String, _ name: String, _ value: Double, _ unit: String, ratio: Double? = nil,
    target: String? = nil, met: Bool? = nil
  ) {
    results.figures.append(
      Figure(
        phase: phase, name: name, value: value, unit: unit, ratio: ratio, target: target,
        met: met))
  }

  /// A throughput over the baseline's field writes per second.
  private func throughputRatio(_ perSecond: Double) -> Double? {
    baseline.map { perSecond / $0.fieldWritesPerSecond }
  }

  /// A size over the baseline's file size.
  private func sizeRatio(_ bytes: Int) -> Double? {
    baseline.map { Double(bytes) / Double(max($0.fileBytes, 1)) }
  }

  private func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1e6 }

  /// The median wall time of process runs, in milliseconds.
  private func milliseconds(_ runs: [ProcessRun]) -> Double {
    median(runs.map(\.seconds)) * 1000
  }

  private func notePeak(_ bytes: Int) { phasePeak = max(phasePeak, bytes) }

  private func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
  }
}
