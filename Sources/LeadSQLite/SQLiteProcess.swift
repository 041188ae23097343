import CSQLite

/// Process-wide settings that make SQLite's trigger-heavy writes cheaper. They change the whole process
/// (every SQLite connection in it, and the C allocator), so a library never applies them on its own: a
/// program calls ``tune()`` once, first thing in `main`, as `leads` and `leads-bench` do.
///
///     SQLiteProcess.tune()
public enum SQLiteProcess {
    /// What ``tune()`` managed to set.
    public struct Tuning: Sendable, Equatable {
        /// SQLite's memory statistics are off: no global mutex taken on every allocation.
        public var memoryStatisticsOff: Bool
        /// glibc keeps freed memory instead of returning it to the kernel after every write.
        public var allocatorKeepsMemory: Bool
    }

    /// Turns off SQLite's memory statistics (`SQLITE_CONFIG_MEMSTATUS`: every allocation otherwise takes
    /// a global mutex to count bytes; `sqlite3_memory_used()` then reads 0) and raises glibc's trim
    /// threshold to 64 MB: each trigger firing allocates its frame (tens of KB for LeadDB's larger
    /// triggers), and with the default threshold glibc hands the freed memory back to the kernel after
    /// every capture, only to fault it in again on the next one. Call it before the first connection
    /// opens: SQLite refuses the first setting after that (``Tuning/memoryStatisticsOff`` is then false).
    @discardableResult
    public static func tune() -> Tuning {
        let memstatus = csqlite_config_memstatus(0) == SQLITE_OK
        let trim = csqlite_keep_freed_memory(64 << 20, 4 << 20) == 1
        return Tuning(memoryStatisticsOff: memstatus, allocatorKeepsMemory: trim)
    }
}
