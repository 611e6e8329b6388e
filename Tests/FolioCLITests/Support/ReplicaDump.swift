import FolioSQLite

/// Every row of every table of a replica file as text: two equal dumps mean the op log and
/// the materialized tables are identical.
func dumpReplica(at path: String) throws -> String {
  let db = try Connection(path: path, readOnly: true)
  let tables = try db.rows(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_%' ORDER BY name"
  ) { $0.string(0) }
  var lines: [String] = []
  for table in tables {
    lines.append("## \(table)")
    lines += try db.rows("SELECT * FROM \"\(table)\" ORDER BY 1, 2") { row in
      (0..<row.count).map { "\(row.value($0))" }.joined(separator: " | ")
    }
  }
  return lines.joined(separator: "\n")
}
