#ifndef LEADDB_CSQLITE_SHIM_H
#define LEADDB_CSQLITE_SHIM_H

#include <sqlite3.h>
#if defined(__linux__)
#include <malloc.h>
#endif

// SQLITE_TRANSIENT is a cast macro Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_db_config is variadic; Swift cannot call it directly.
static inline int csqlite_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

// sqlite3_config is variadic too. It only works before the first connection opens (SQLITE_MISUSE after).
static inline int csqlite_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}

// glibc's trim and mmap thresholds (malloc.h is not part of Swift's Glibc module); 0 elsewhere.
static inline int csqlite_keep_freed_memory(int trim_threshold, int mmap_threshold) {
#if defined(__linux__)
    return mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1 && mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
#else
    return 0;
#endif
}

#endif
