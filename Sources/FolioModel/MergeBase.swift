/// The common base of a register's concurrent values (`Protocol/merge-rules.md` §4.7.3): the
/// one latest change that every current value supersedes, directly or through other changes.
public enum MergeBase {
  /// The base of `heads` (two or more current `set` changes of one field of one record), or
  /// nil when there is none: no common ancestor, several latest ones that do not merge, or a
  /// walk that meets a `pred` it cannot follow. Several latest common ancestors whose text
  /// merges (the field showed them as an automatic merge) give their merged text, carried
  /// by a copy of the greatest of them.
  ///
  /// The walk goes back from the heads through `pred`, one change at a time, always taking
  /// the greatest (hlc, site, seq) not yet taken, so a change is taken after every change
  /// that names it (clocks grow along `pred`). Each change carries the heads it is reached
  /// from; the first one reached from all heads is a common ancestor, and what lies behind it
  /// is marked stale. The walk stops when only stale changes are left to take. It gives no
  /// base when a taken change names in `pred` a change that `change(_:)` does not give, that
  /// is not a `set` of the same record and field, or whose clock is not smaller: then the
  /// ancestry is not known well enough to choose a base (until the missing change arrives).
  ///
  /// - Parameters:
  ///   - heads: The current changes of the field.
  ///   - change: The change with a dot, or nil when it is not known (has not arrived).
  /// - Returns: The base, or nil when there is none.
  public static func find(
    of heads: [Change], change: (Dot) throws -> Change?
  ) rethrows -> Change? {
    guard let first = heads.first, heads.count > 1 else { return nil }
    var reached: [Dot: Set<Int>] = [:]
    var stale = Set<Dot>()
    var waiting: [Dot: Change] = [:]
    for (index, head) in heads.enumerated() {
      reached[head.dot, default: []].insert(index)
      waiting[head.dot] = head
    }
    var found: [Change] = []
    while waiting.keys.contains(where: { !stale.contains($0) }) {
      guard let next = waiting.values.max(by: Change.precedes) else { break }
      waiting[next.dot] = nil
      let from = reached[next.dot] ?? []
      if from.count == heads.count, !stale.contains(next.dot) {
        found.append(next)
        stale.insert(next.dot)
      }
      for dot in next.pred {
        guard let parent = try change(dot), parent.entity == first.entity,
          parent.field == first.field, parent.op == .set, parent.hlc < next.hlc
        else { return nil }
        reached[dot, default: []].formUnion(from)
        if stale.contains(next.dot) { stale.insert(dot) }
        waiting[dot] = parent
      }
    }
    if found.count == 1 { return found[0] }
    return try mergedBase(of: found, change: change)
  }

  /// Several latest common ancestors: the heads were written on a field that showed them
  /// merged (an automatic merge), so their base is that merged text, in the place of the
  /// greatest of them. Nil when they did not merge (e.g. two concurrent resolutions of one
  /// conflict).
  private static func mergedBase(
    of ancestors: [Change], change: (Dot) throws -> Change?
  ) rethrows -> Change? {
    guard ancestors.count > 1 else { return nil }
    let greatestFirst = ancestors.sorted { Change.precedes($1, $0) }
    let inner = try find(of: greatestFirst, change: change)
    guard let merge = AutomaticMerge.merging(heads: greatestFirst, base: inner) else {
      return nil
    }
    var base = greatestFirst[0]
    base.value = .string(merge.value)
    return base
  }
}
