#ifndef FOLIO_CSQLITE_SHIM_H
#define FOLIO_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex around every allocation
/// (2% of a bundle apply's merge). Folio reads none of them. `sqlite3_config` is variadic,
/// which Swift cannot call, hence this wrapper; it only takes effect before SQLite is
/// initialized (the first connection opened).
static inline int folio_sqlite_disable_memory_statistics(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
