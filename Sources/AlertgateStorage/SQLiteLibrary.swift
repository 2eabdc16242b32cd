import CSQLiteSettings
import GRDBSQLite

/// Settings of the SQLite library for the whole process, as against a connection's pragmas.
package enum SQLiteLibrary {
    /// Turns off SQLite's count of the memory it holds (`SQLITE_CONFIG_MEMSTATUS`), which the
    /// system library keeps by default. While it counts, every allocation and free SQLite makes
    /// takes one process-wide mutex to update the count: at a hundred alerts per POST, 3.7 % of
    /// the server's CPU samples were in `pthread_mutex_lock` and `unlock`, and 0.1 % after
    /// (`perf record`, BENCHMARKS.md, the notes of 2026-12-05 evening). Nothing in alertgate reads
    /// the count (`sqlite3_memory_used`, `sqlite3_status64`, the heap limits, which need it).
    ///
    /// It takes effect only before SQLite is initialized, that is before the process opens its
    /// first database, and `sqlite3_config` must not run while another thread uses SQLite: call
    /// it first in a process's entry point (`alertgate serve`, `alertgate-ceiling --store`).
    /// Returns false, changing nothing, once SQLite is initialized.
    @discardableResult
    package static func stopCountingMemory() -> Bool {
        alertgate_sqlite3_config_memstatus(0) == SQLITE_OK
    }
}
