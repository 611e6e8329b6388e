/// The phases of a run, in the order they run.
enum Phase: String, CaseIterable, Sendable {
  /// The same rows in plain tables through FolioSQLite: what SQLite itself gives.
  case baseline
  /// Local authoring, one transaction per action and batched.
  case authoring
  /// The authored replica's size, with the full-text index apart.
  case size
  /// Bundle create, and bundle apply into a fresh replica (in this process and as
  /// `folio bundle apply`).
  case bundle
  /// `folio list`, `show` and `search` as whole processes.
  case latency
  /// Push all, pull all and a sync with nothing new, through a real folio-server.
  case sync
  /// Two replicas rewrite the same notes concurrently, then exchange bundles.
  case concurrent
  /// One record edited 10,000 times: does a write, or a pulled page, cost more later?
  case history
  /// 50 concurrent clients against a real folio-server on each store; bytes per change
  /// pulled with and without gzip.
  case load
  /// Highlights re-anchored on edited 3,000-word articles: time per highlight.
  case anchoring

  /// The phases whose results this one uses.
  var needs: [Phase] {
    switch self {
    case .baseline, .history, .anchoring: return []
    case .authoring: return [.baseline]
    case .size, .bundle, .latency, .sync: return [.authoring]
    case .concurrent: return [.bundle]
    case .load: return [.authoring]
    }
  }

  /// Whether the phase runs `folio` or `folio-server` executables.
  var usesExecutables: Bool { [.bundle, .latency, .sync, .load].contains(self) }

  /// `selected` with every phase they need, in running order.
  static func withPrerequisites(_ selected: Set<Phase>) -> [Phase] {
    var all = selected
    var pending = Array(selected)
    while let phase = pending.popLast() {
      for need in phase.needs where all.insert(need).inserted { pending.append(need) }
    }
    return allCases.filter(all.contains)
  }
}
