import FolioSQLite

/// The replica's tables, tracked in `PRAGMA user_version`.
///
/// Version 2 keeps the op log in chunks and the merge state of each record in its row;
/// version 1 kept one JSON row per change and rebuilt records from the log. Version 3 (this
/// one) has the same tables and merges concurrent text edits (`TextMerge`): the `conflicts`
/// table also lists automatic merges (kind `merged`). Older files are upgraded in place when
/// they are opened (`Replica+Upgrade`).
enum ReplicaSchema {
  static let latestVersion = 3

  static let tables = """
    -- Every site the replica knows, with a small key, and the highest seq up to which it
    -- holds all of that site's changes (the version vector).
    CREATE TABLE sites (
      key INTEGER PRIMARY KEY,
      site TEXT NOT NULL UNIQUE,
      contiguous INTEGER NOT NULL DEFAULT 0
    );
    -- Changes held beyond a gap in a site's seqs.
    CREATE TABLE ahead (site_key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (site_key, seq))
      WITHOUT ROWID;
    -- The op log in chunks of consecutive changes of one site: id = site key << 40 | first seq.
    CREATE TABLE log (id INTEGER PRIMARY KEY, count INTEGER NOT NULL, data BLOB NOT NULL);
    -- One row per record: its merge state and the values it shows. A record that is deleted,
    -- or whose first change has not arrived yet, keeps its row with visible = 0.
    CREATE TABLE articles (
      key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      visible INTEGER NOT NULL,
      title TEXT,
      source_url TEXT,
      published TEXT,
      summary TEXT,
      background TEXT,
      insights TEXT,
      tags TEXT NOT NULL,
      state BLOB NOT NULL
    );
    CREATE INDEX articles_by_title ON articles (title COLLATE NOCASE, id) WHERE visible;
    CREATE TABLE annotations (
      key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      visible INTEGER NOT NULL,
      article_id TEXT,
      kind TEXT,
      selector TEXT,
      note TEXT,
      color TEXT,
      tags TEXT NOT NULL,
      author TEXT,
      created INTEGER,
      state BLOB NOT NULL
    );
    CREATE INDEX annotations_by_article ON annotations (article_id) WHERE visible;
    CREATE TABLE conflicts (
      entity_kind TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      field TEXT NOT NULL,
      id TEXT NOT NULL,
      kind TEXT NOT NULL,
      PRIMARY KEY (entity_kind, entity_id, field)
    ) WITHOUT ROWID;
    -- Full-text search over the rows above (external content: the text is stored once).
    CREATE VIEW article_text AS
      SELECT key, title, summary, background,
        (SELECT group_concat(value, char(10)) FROM json_tree(articles.insights)
          WHERE type = 'text') AS insights
      FROM articles;
    CREATE VIRTUAL TABLE article_search USING fts5(
      title, summary, background, insights, content = 'article_text', content_rowid = 'key',
      tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE VIEW annotation_text AS
      SELECT key, json_extract(selector, '$.exact') AS quote, note FROM annotations;
    CREATE VIRTUAL TABLE annotation_search USING fts5(
      quote, note, content = 'annotation_text', content_rowid = 'key',
      tokenize = 'unicode61 remove_diacritics 2'
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

  /// Creates the latest schema in an empty database, inside the caller's transaction.
  static func create(_ connection: Connection) throws {
    try connection.execute(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    try connection.execute(tables)
    try connection.execute("PRAGMA user_version = \(latestVersion)")
  }
}
