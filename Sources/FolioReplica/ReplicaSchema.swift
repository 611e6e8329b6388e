import FolioSQLite

/// The replica's tables, created and upgraded by numbered migrations tracked in
/// `PRAGMA user_version`.
enum ReplicaSchema {
  /// Each entry upgrades the schema by one version; never edit a released one.
  static let migrations: [String] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    -- The op log: every change this replica knows, in canonical JSON, keyed by its dot.
    CREATE TABLE changes (
      site TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hlc INTEGER NOT NULL,
      entity_kind TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      json BLOB NOT NULL,
      PRIMARY KEY (site, seq)
    );
    CREATE INDEX changes_by_entity ON changes (entity_id, entity_kind);
    -- Highest contiguous seq per site: the replica's version vector.
    CREATE TABLE vector (site TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
    -- Materialized state, rebuilt per record from the log.
    CREATE TABLE articles (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      source_url TEXT,
      published TEXT,
      -- The long fields are not copied here: each column names the change in the log
      -- whose value is shown ("site:seq"), so the text is stored once and a listing
      -- reads only short rows.
      summary_change TEXT,
      background_change TEXT,
      insights_change TEXT,
      tags TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX articles_by_title ON articles (title COLLATE NOCASE, id);
    CREATE TABLE annotations (
      id TEXT PRIMARY KEY,
      article_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      selector TEXT,
      note TEXT,
      color TEXT,
      tags TEXT NOT NULL,
      author TEXT NOT NULL,
      created INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX annotations_by_article ON annotations (article_id);
    CREATE TABLE tags (entity_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (tag, entity_id))
      WITHOUT ROWID;
    CREATE INDEX tags_by_entity ON tags (entity_id);
    -- Conflict ids are short and may collide; the record and field identify a conflict.
    CREATE TABLE conflicts (
      entity_id TEXT NOT NULL,
      entity_kind TEXT NOT NULL,
      field TEXT NOT NULL,
      id TEXT NOT NULL,
      kind TEXT NOT NULL,
      PRIMARY KEY (entity_id, entity_kind, field)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE search USING fts5(
      entity_id UNINDEXED, article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE remotes (
      name TEXT PRIMARY KEY,
      url TEXT NOT NULL,
      space TEXT NOT NULL,
      token TEXT NOT NULL,
      cursor INTEGER NOT NULL DEFAULT 0,
      pushed INTEGER NOT NULL DEFAULT 0,
      last_sync INTEGER
    ) WITHOUT ROWID;
    """
  ]

  static var latestVersion: Int { migrations.count }

  /// Brings `connection` to the latest schema inside the caller's transaction.
  static func migrate(_ connection: Connection) throws {
    let current = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
    guard current < migrations.count else { return }
    for version in current..<migrations.count {
      try connection.execute(migrations[version])
    }
    try connection.execute("PRAGMA user_version = \(migrations.count)")
  }
}
