import FolioArticles
import FolioModel
import FolioReplica
import Foundation
import Testing

/// Property: whatever replicas do offline and however their changes travel (any subset, any
/// order, duplicated), once everyone has everything they all show the same library and the
/// same conflicts, and nothing anyone made is lost.
///
/// Each case is drawn from a seed. A failure names the case and its seed; rerun just that
/// case with `FOLIO_CONVERGENCE_CASE=N swift test --filter ConvergenceTests`. (Site and
/// annotation ids are drawn by the replicas themselves, so a rerun replays the same
/// schedule of actions with other ids.)
@Suite("Convergence")
struct ConvergenceTests {
  /// Random cases in every run of the suite.
  static let caseCount = 1_000
  /// The cases are spread over this many test cases, which Swift Testing runs in parallel.
  static let shardCount = 8
  static let baseSeed: UInt64 = 0x466F_6C69_6F4D_6572

  static func seed(ofCase number: Int) -> UInt64 {
    var generator = SplitMix64(seed: baseSeed ^ UInt64(number))
    return generator.next()
  }

  @Test(arguments: 0..<shardCount)
  func replicasConverge(shard: Int) throws {
    let only = ProcessInfo.processInfo.environment["FOLIO_CONVERGENCE_CASE"].flatMap { Int($0) }
    var merged = 0
    for number in stride(from: shard, to: Self.caseCount, by: Self.shardCount) {
      if let only, only != number { continue }
      let seed = Self.seed(ofCase: number)
      let run = try ConvergenceCase(number: number, seed: seed)
      defer { run.directory.remove() }
      do {
        try run.play()
      } catch {
        run.fail("threw \(error)")
      }
      if run.endsWithMerges { merged += 1 }
    }
    if only == nil {
      // Concurrent text edits must end merged in some cases, not only in conflicts.
      #expect(merged >= 3, "only \(merged) cases of shard \(shard) end with automatic merges")
    }
  }
}

/// One random case: a few replicas, a few actions, then everything exchanged and compared.
final class ConvergenceCase {
  let number: Int
  let seed: UInt64
  let directory: TemporaryDirectory
  private var generator: SplitMix64
  private var replicas: [Replica] = []
  private var clocks: [ManualClock] = []
  /// Annotation ids in the order they were made, so that choices do not depend on ids.
  private var annotationIDs: [String] = []
  /// Every change any replica made, by dot.
  private var made: [Dot: Change] = [:]
  private var actions: [String] = []
  /// True when the replicas, once converged, show automatic merges.
  private(set) var endsWithMerges = false

  static let titles = ["Tariffs rise again", "Chip exports curbed", "Central bank holds rates"]
  static let tags = ["trade", "policy", "urgent"]
  static let notes = [
    "check this figure against the source", "agreed", "source? the ministry denies it",
    "follow up with the central bank next week",
  ]
  /// Words that text edits put in.
  static let words = ["not", "sharply", "60%", "Tuesday", "—", "très", "央行"]
  static let colors = ["yellow", "green", "blue"]
  static let authors = ["alice", "bob", "carol", "dave", "erin"]

  init(number: Int, seed: UInt64) throws {
    self.number = number
    self.seed = seed
    generator = SplitMix64(seed: seed)
    directory = try TemporaryDirectory()
    let base: UInt64 = 1_700_000_000_000
    let count = Int.random(in: 3...5, using: &generator)
    for index in 0..<count {
      // Some replicas share a wall clock (equal clock readings, site breaks the tie), others
      // run a little ahead or behind.
      let skew = [0, 0, 1_500, 2_500, 700][index]
      let clock = ManualClock(base - 1_000 + UInt64(skew))
      clocks.append(clock)
      replicas.append(
        try Replica.create(
          at: directory.file("r\(index).sqlite"), author: Self.authors[index],
          wallClock: clock.wallClock))
    }
  }

  /// Records a failure naming the case, its seed and what happened.
  func fail(_ message: String) {
    let replay = "FOLIO_CONVERGENCE_CASE=\(number) swift test --filter ConvergenceTests"
    Issue.record(
      """
      convergence case \(number) (seed 0x\(String(seed, radix: 16))), \(replicas.count) \
      replicas: \(message)
      replay: \(replay)
      actions:
        \(actions.joined(separator: "\n  "))
      """)
  }

  func play() throws {
    if Int.random(in: 0..<5, using: &generator) < 3 {
      // Start from a shared article and note, so that edits collide more often.
      try local(0, "import + note") { replica in
        _ = try replica.importArticles([self.article(0, variant: 0)])
        let note = try replica.addNote(articleID: self.articleID(0), text: "shared")
        self.annotationIDs.append(note.id)
      }
      for index in 1..<replicas.count { try sync(replicas[0], to: replicas[index]) }
      actions.append("sync r0 → all")
    } else {
      try importArticles(Int.random(in: 0..<replicas.count, using: &generator))
    }
    for _ in 0..<Int.random(in: 4...12, using: &generator) {
      try step(resolving: false)
    }
    if Bool.random(using: &generator) {
      // Everyone sees the conflicts, then several people settle them at once.
      try exchangeUntilQuiescent()
      actions.append("sync all")
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        try step(resolving: true)
      }
    }
    if Bool.random(using: &generator) {
      // A last burst of concurrent text edits: several people edit one note or summary.
      let summary = Bool.random(using: &generator)
      for index in replicas.indices where Int.random(in: 0..<3, using: &generator) > 0 {
        try summary || annotationIDs.isEmpty ? editSummary(index) : edit(index, noteOnly: 0)
      }
    }
    try exchangeUntilQuiescent()
    try compare()
  }

  // MARK: Actions

  private func step(resolving: Bool) throws {
    let delta = UInt64.random(in: 0...3, using: &generator)
    for clock in clocks { clock.advance(by: delta) }
    let index = Int.random(in: 0..<replicas.count, using: &generator)
    if resolving, Int.random(in: 0..<3, using: &generator) > 0 { return try resolve(index) }
    switch Int.random(in: 0..<16, using: &generator) {
    case 0..<2: try importArticles(index)
    case 2..<4: try addNote(index)
    case 4..<6: try edit(index)
    case 6:
      try editSummary(index, article: Int.random(in: 0..<Self.titles.count, using: &generator))
    case 7..<9: try tag(index)
    case 9: try delete(index)
    case 10..<12: try resolve(index)
    default: try exchangeSubset(to: index)
    }
  }

  private func importArticles(_ index: Int) throws {
    var articles: [Article] = []
    for _ in 0..<Int.random(in: 1...2, using: &generator) {
      let which = Int.random(in: 0..<Self.titles.count, using: &generator)
      let variant = Int.random(in: 0...3, using: &generator) == 0 ? 1 : 0
      articles.append(article(which, variant: variant))
    }
    let titles = articles.map(\.title).joined(separator: ", ")
    try local(index, "import \(titles)") { replica in _ = try replica.importArticles(articles) }
  }

  private func addNote(_ index: Int) throws {
    let which = Int.random(in: 0..<Self.titles.count, using: &generator)
    let text = pick(Self.notes)
    try local(index, "note on article \(which): \(text)") { replica in
      let note = try replica.addNote(articleID: self.articleID(which), text: text)
      self.annotationIDs.append(note.id)
    }
  }

  /// Edits an annotation's note or colour, or with `noteOnly`, that annotation's note.
  private func edit(_ index: Int, noteOnly: Int? = nil) throws {
    guard let which = noteOnly ?? pickAnnotation() else { return try addNote(index) }
    let current = try replicas[index].annotation(id: annotationIDs[which])?.note
    let note: String? =
      noteOnly != nil || Bool.random(using: &generator) ? editedText(current) : nil
    let color: String? =
      noteOnly == nil && (note == nil || Bool.random(using: &generator)) ? pick(Self.colors) : nil
    try local(index, "edit annotation \(which): \(note ?? "-") \(color ?? "-")") { replica in
      try replica.editAnnotation(id: self.annotationIDs[which], note: note, color: color)
    }
  }

  /// Re-imports an article with one word of its summary edited (an import writes only the
  /// fields that changed, naming their current values in pred).
  private func editSummary(_ index: Int, article which: Int = 0) throws {
    guard var article = try replicas[index].article(id: articleID(which)) else {
      return try importArticles(index)
    }
    article.summary = editedText(article.summary)
    let summary = article.summary
    try local(index, "edit summary of article \(which): \(summary)") { replica in
      _ = try replica.importArticles([article])
    }
  }

  /// Mostly one word edit of `text` (replace, insert, delete, or widen a space), sometimes
  /// a new text: concurrent edits then merge or collide.
  private func editedText(_ text: String?) -> String {
    guard let text, !text.isEmpty, Int.random(in: 0..<6, using: &generator) > 0 else {
      return pick(Self.notes)
    }
    var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    let index = Int.random(in: 0..<words.count, using: &generator)
    let word = pick(Self.words)
    switch Int.random(in: 0..<4, using: &generator) {
    case 0: words[index] = word
    case 1: words.insert(word, at: index)
    case 2: if words.count > 1 { words.remove(at: index) } else { words[index] = word }
    default: words[index] += " "
    }
    return words.joined(separator: " ")
  }

  private func tag(_ index: Int) throws {
    let entity: EntityRef
    let label: String
    if let which = pickAnnotation(), Bool.random(using: &generator) {
      entity = .annotation(annotationIDs[which])
      label = "annotation \(which)"
    } else {
      let which = Int.random(in: 0..<Self.titles.count, using: &generator)
      entity = .article(articleID(which))
      label = "article \(which)"
    }
    let replica = replicas[index]
    let present: [String]
    switch entity.kind {
    case .article: present = try replica.article(id: entity.id)?.tags ?? []
    case .annotation: present = try replica.annotation(id: entity.id)?.tags ?? []
    }
    if !present.isEmpty, Bool.random(using: &generator) {
      let tag = pick(present)
      try local(index, "untag \(label) -\(tag)") { replica in
        try replica.tag(entity, adding: [], removing: [tag])
      }
    } else {
      let tag = pick(Self.tags)
      try local(index, "tag \(label) +\(tag)") { replica in
        try replica.tag(entity, adding: [tag], removing: [])
      }
    }
  }

  private func delete(_ index: Int) throws {
    guard let which = pickAnnotation() else { return }
    try local(index, "delete annotation \(which)") { replica in
      try replica.deleteAnnotation(id: self.annotationIDs[which])
    }
  }

  private func resolve(_ index: Int) throws {
    let open = try replicas[index].conflicts().sorted {
      order($0).lexicographicallyPrecedes(order($1))
    }
    guard !open.isEmpty else { return try edit(index) }
    let conflict = pick(open).conflict
    let resolution: Resolution
    switch conflict.kind {
    case .value:
      switch Int.random(in: 0..<3, using: &generator) {
      case 0: resolution = .pick(Int.random(in: 1...conflict.versions.count, using: &generator))
      case 1: resolution = .author(pick(conflict.versions.map(\.author)))
      default: resolution = .value(pick(Self.notes))
      }
    case .delete:
      resolution = Bool.random(using: &generator) ? .restore : .confirmDelete
    }
    try local(index, "resolve \(conflict.entity) \(conflict.field) with \(resolution)") {
      replica in
      try replica.resolve(conflict: conflict.id, with: resolution)
    }
  }

  /// Sends a random subset of one replica's changes, shuffled, some of them twice.
  private func exchangeSubset(to index: Int) throws {
    let source = (index + Int.random(in: 1..<replicas.count, using: &generator)) % replicas.count
    let all = try replicas[source].changes(notCoveredBy: VersionVector())
    let keep = Int.random(in: 0...3, using: &generator)
    var batch = all.filter { _ in keep == 3 || Int.random(in: 0..<3, using: &generator) < keep }
    for _ in 0..<Int.random(in: 0...3, using: &generator) {
      if let repeated = batch.randomElement(using: &generator) { batch.append(repeated) }
    }
    batch.shuffle(using: &generator)
    _ = try replicas[index].applyRemote(batch)
    actions.append("r\(source) → r\(index): \(batch.count) of \(all.count) changes")
  }

  /// Runs a local action. A refused action (unknown or deleted record, nothing to change, a
  /// resolution that does not apply) must leave the replica unchanged.
  private func local(
    _ index: Int, _ description: String, _ body: (Replica) throws -> Void
  ) throws {
    let replica = replicas[index]
    let before = try replica.versionVector()[replica.site]
    let count = try replica.changeCount()
    do {
      try body(replica)
      actions.append("r\(index) \(description)")
    } catch let error as ReplicaError {
      actions.append("r\(index) \(description) (refused: \(error))")
      if try replica.changeCount() != count { fail("a refused action changed the log") }
    }
    let new = try replica.changes(
      notCoveredBy: VersionVector([replica.site: before]), site: replica.site)
    for change in new { made[change.dot] = change }
  }

  // MARK: Checks

  private func exchangeUntilQuiescent() throws {
    var rounds = 0
    var added = 0
    repeat {
      added = 0
      for source in replicas {
        for destination in replicas where destination !== source {
          added += try sync(source, to: destination).added
        }
      }
      rounds += 1
    } while added > 0 && rounds < 4
    if added > 0 { fail("still exchanging changes after \(rounds) rounds") }
  }

  private func compare() throws {
    let reference = replicas[0]
    let export = try canonicalExport(reference)
    let conflicts = try reference.conflicts().map(ConflictSummary.init)
    let merges = try reference.automaticMerges().map(MergeSummary.init)
    endsWithMerges = !merges.isEmpty
    let vector = try reference.versionVector()
    var expectedVector = VersionVector()
    for dot in made.keys { expectedVector[dot.site] = max(expectedVector[dot.site], dot.seq) }
    if vector != expectedVector {
      fail("replica 0 has vector \(vector), expected \(expectedVector)")
    }

    for (index, replica) in replicas.enumerated() {
      let name = "replica \(index) (\(replica.author))"
      let other = try canonicalExport(replica)
      if other != export {
        fail(
          """
          \(name)'s export differs from replica 0's:
          \(String(decoding: other, as: UTF8.self))
          replica 0:
          \(String(decoding: export, as: UTF8.self))
          """)
      }
      let otherMerges = try replica.automaticMerges().map(MergeSummary.init)
      if otherMerges != merges {
        fail("\(name)'s automatic merges \(otherMerges) differ from replica 0's \(merges)")
      }
      let otherConflicts = try replica.conflicts().map(ConflictSummary.init)
      if otherConflicts != conflicts {
        fail("\(name)'s conflicts \(otherConflicts) differ from replica 0's \(conflicts)")
      }
      if try replica.conflictCount() != otherConflicts.count {
        fail("\(name): conflictCount disagrees with conflicts()")
      }
      if try replica.versionVector() != vector { fail("\(name)'s vector differs from replica 0's") }
      var log: [Dot: Change] = [:]
      for change in try replica.changes(notCoveredBy: VersionVector()) { log[change.dot] = change }
      if log != made {
        let lost = Set(made.keys).subtracting(log.keys).sorted()
        let extra = Set(log.keys).subtracting(made.keys).sorted()
        fail("\(name)'s log differs from the changes made: lost \(lost), unexpected \(extra)")
      }
    }

    let scratch = try Replica.create(
      at: directory.file("scratch.sqlite"), author: "scratch", wallClock: clocks[0].wallClock)
    var everything = Array(made.values)
    everything.sort { $0.dot < $1.dot }
    everything.shuffle(using: &generator)
    _ = try scratch.applyRemote(everything)
    let scratchExport = try canonicalExport(scratch)
    if scratchExport != export {
      fail(
        """
        a replica given every change at once exports differently:
        \(String(decoding: scratchExport, as: UTF8.self))
        replica 0:
        \(String(decoding: export, as: UTF8.self))
        """)
    }
    if try scratch.conflicts().map(ConflictSummary.init) != conflicts {
      fail("a replica given every change at once lists other conflicts")
    }
    if try scratch.automaticMerges().map(MergeSummary.init) != merges {
      fail("a replica given every change at once lists other automatic merges")
    }
  }

  // MARK: Helpers

  private func article(_ index: Int, variant: Int) -> Article {
    let tags = Self.tags.prefix(2).filter { _ in Bool.random(using: &generator) }
    return sampleArticle(Self.titles[index], variant: variant, tags: Array(tags))
  }

  private func articleID(_ index: Int) -> String {
    Article.id(sourceURL: nil, title: Self.titles[index])
  }

  private func pickAnnotation() -> Int? {
    annotationIDs.isEmpty ? nil : Int.random(in: 0..<annotationIDs.count, using: &generator)
  }

  private func pick<T>(_ values: [T]) -> T {
    values[Int.random(in: 0..<values.count, using: &generator)]
  }

  /// A conflict's place in choices: by record as this case made them, then field.
  private func order(_ view: ConflictView) -> [Int] {
    let entity = view.conflict.entity
    let rank: Int
    switch entity.kind {
    case .article: rank = Self.titles.indices.first { articleID($0) == entity.id } ?? 99
    case .annotation: rank = 100 + (annotationIDs.firstIndex(of: entity.id) ?? 99)
    }
    return [rank, view.conflict.field == Field.deleted ? 1 : 0]
      + view.conflict.field.unicodeScalars
      .map { Int($0.value) }
  }
}
