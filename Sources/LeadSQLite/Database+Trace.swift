import CSQLite

extension Database {
    /// Calls `handler` with each statement this connection starts, its parameters expanded
    /// (`sqlite3_expanded_sql`); statements run by triggers arrive as `-- TRIGGER name` lines. nil stops
    /// tracing. See <https://sqlite.org/c3ref/trace_v2.html>.
    ///
    ///     db.trace { print("ran:", $0) }
    public func trace(_ handler: ((String) -> Void)?) {
        traceBox = handler.map(TraceBox.init)
        // (a remote database's statements are traced as they are sent; what runs on the copy of its
        // schema is this connection's own work)
        if remote != nil { return }
        guard let box = traceBox else {
            sqlite3_trace_v2(handle, 0, nil, nil)
            return
        }
        let context = Unmanaged.passUnretained(box).toOpaque()
        sqlite3_trace_v2(handle, UInt32(SQLITE_TRACE_STMT), { _, context, statement, text in
            guard let context, let statement else { return 0 }
            let box = Unmanaged<TraceBox>.fromOpaque(context).takeUnretainedValue()
            // For a statement run by a trigger, the text is "-- TRIGGER name" and the statement is the outer one.
            if let text, let first = text.assumingMemoryBound(to: CChar.self).pointee as CChar?, first == 45 /* - */ {
                box.handler(String(cString: text.assumingMemoryBound(to: CChar.self)))
                return 0
            }
            let pointer = OpaquePointer(statement)
            if let expanded = sqlite3_expanded_sql(pointer) {
                box.handler(String(cString: expanded))
                sqlite3_free(expanded)
            } else if let sql = sqlite3_sql(pointer) {
                box.handler(String(cString: sql))
            }
            return 0
        }, context)
    }
}
