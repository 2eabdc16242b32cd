#ifndef ALERTGATE_CSQLITESETTINGS_H
#define ALERTGATE_CSQLITESETTINGS_H

/// SQLite's process-wide settings, which only `sqlite3_config` changes: a C variadic function,
/// which Swift cannot call. Each returns SQLite's result code: SQLITE_OK (0), or SQLITE_MISUSE
/// (21) once SQLite is initialized (its first database opened), when the setting no longer
/// changes. `sqlite3_config` is not thread-safe: call these before any thread uses SQLite.

/// SQLITE_CONFIG_MEMSTATUS: whether SQLite counts the memory it holds (1, its default) or not (0).
int alertgate_sqlite3_config_memstatus(int enabled);

#endif
