import FolioSQLite

/// The replica's tables, tracked in `PRAGMA user_version`.
///
/// Version 7 (this one) indexes annotations by the first eight characters of their ids
/// (`RecordIDIndex`) instead of by whole ids twice (a UNIQUE index and one of visible ids).
/// Annotation ids are random, so each batch of new annotations lands all over those
/// indexes, and every commit wrote most of their pages again.
///
/// Version 6 keeps the search index out of the merge: a record whose text
/// changes is only listed in `search_pending`, and the index takes in the listed records in
/// one statement when it is next searched (`Replica+SearchIndex`).
///
/// Version 5 indexes what the read commands ask for, so that `folio list` and
/// `folio show` read index pages instead of whole rows: the visible ids of each table (id
/// abbreviations look up an id's neighbours) and, per article, its visible annotations with
/// their creation times (counts and latest activity in a listing). The `visible` column is in
/// each index although the index holds only visible rows: SQLite reads a partial index as
/// covering only when every column the query names is in it.
///
/// Version 4 adds signed authorship (`Protocol/signing.md`): the replica's
/// Ed25519 private key in `meta` (`key`), and per site where its hash chain stands and the
/// newest signed head this replica holds for it (`chains`). Version 3 keeps the op log in chunks, each saying its layout
/// (`ChangeLogCodec.Format`), and the merge state of each record in its row; it merges
/// concurrent text edits (`TextMerge`), and the `conflicts` table also lists automatic
/// merges (kind `merged`). Version 2 had the same tables with plain chunks only and kept
/// every concurrent text edit as a conflict; version 1 kept one JSON row per change and
/// rebuilt records from the log. Older files are upgraded in place when they are opened
/// (`Replica+Upgrade`).
enum ReplicaSchema {
  static let latestVersion = 7

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
    -- The op log in chunks of consecutive changes of one site: id = site key << 40 | first seq;
    -- format is the chunk's layout (ChangeLogCodec.Format; 0 for chunks of version 2 files).
    CREATE TABLE log (
      id INTEGER PRIMARY KEY, count INTEGER NOT NULL, data BLOB NOT NULL,
      format INTEGER NOT NULL DEFAULT 0
    );
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
    \(annotations)
    \(readIndexes)
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
    \(searchPending)
    \(annotationText)
    CREATE VIRTUAL TABLE annotation_search USING fts5(
      quote, note, content = 'annotation_text', content_rowid = 'key',
      tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Per site: where its hash chain stands (seq, 32-byte hash) and the newest signed head
    -- this replica holds for it (its canonical JSON, to relay and bundle the site's changes).
    -- The replica's own chain is brought up to date lazily, when it signs.
    CREATE TABLE chains (
      site_key INTEGER PRIMARY KEY,
      seq INTEGER NOT NULL,
      hash BLOB NOT NULL,
      head BLOB
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

  /// The records whose text the search index does not hold yet: kind 0 is an article,
  /// 1 an annotation; key is the record's row key. A row that shows and is not listed here
  /// is in the index with the text it shows now; one that is listed is not in it at all.
  static let searchPending = """
    CREATE TABLE IF NOT EXISTS search_pending (
      kind INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    """

  /// The annotations' table and its id index (version 7; `upgrade` rebuilds an older one).
  /// Ids are unique without a UNIQUE index: a row is only ever inserted for a record that
  /// `loadRow` found none for.
  static let annotations = """
    CREATE TABLE annotations (
      key INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
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
    CREATE INDEX annotations_by_id_prefix ON annotations (\(RecordIDIndex.annotationKey));
    """

  /// The annotations' text as their search table reads it.
  static let annotationText = """
    CREATE VIEW annotation_text AS
      SELECT key, json_extract(selector, '$.exact') AS quote, note FROM annotations;
    """

  /// The indexes the read commands use (version 5; `upgrade` makes them in older files).
  static let readIndexes = """
    CREATE INDEX IF NOT EXISTS articles_visible_ids ON articles (id, visible) WHERE visible;
    CREATE INDEX IF NOT EXISTS annotations_by_article
      ON annotations (article_id, visible, created) WHERE visible;
    """

  /// Creates the latest schema in an empty database, inside the caller's transaction.
  static func create(_ connection: Connection) throws {
    try connection.execute(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    try connection.execute(tables)
    try connection.execute("PRAGMA user_version = \(latestVersion)")
  }
}
