import Logging

/// What the upgrade to schema 2 (protocol 2, signed changes) set aside: the unsigned changes
/// of protocol 1, per space. Every store moves them to a table nothing serves and says so
/// once, after the upgrade committed.
struct UnsignedChangesSetAside: Sendable {
  /// The number of changes set aside per space, by space name.
  let perSpace: [(space: String, count: Int)]

  /// Tells the operator what the upgrade of `store` (a path or a redacted URL) did.
  func log(store: String, schema: Int, to logger: Logger) {
    let total = perSpace.reduce(0) { $0 + $1.count }
    logger.notice(
      """
      upgraded \(store) to schema \(schema) (protocol 2, signed changes): spaces and tokens \
      kept; \(total) unsigned changes of protocol 1 moved aside into table \
      v1_unsigned_changes and no longer served (no protocol 2 replica could verify them); \
      protocol 1 clients are answered 410 upgrade-required
      """,
      metadata: [
        "unsignedChanges": "\(total)",
        "spaces": "\(perSpace.map { "\($0.space): \($0.count)" }.joined(separator: ", "))",
      ])
  }
}
