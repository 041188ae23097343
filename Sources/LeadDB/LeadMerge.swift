import Foundation
import LeadSQLite

/// A merge of one lead into another (`merges`; Schema/README.md, "Duplicates and merges"): what moved,
/// which of the kept lead's fields it filled, and whether it was undone.
public struct LeadMerge: Sendable, Hashable {
    public let id: Int64
    public let keptID: Int64
    public let mergedID: Int64
    public let mergedBy: String?
    public let mergedAt: Date?
    public let undoneAt: Date?
    /// How many of the merged lead's activities, tasks and deals moved to the kept lead.
    public let activities: Int
    public let tasks: Int
    public let deals: Int

    init(row: Row) throws {
        id = try row.get("id")
        keptID = try row.get("kept_id")
        mergedID = try row.get("merged_id")
        mergedBy = try row.get("merged_by")
        mergedAt = try row.get("merged_at")
        undoneAt = try row.get("undone_at")
        activities = try row.get("activities")
        tasks = try row.get("tasks")
        deals = try row.get("deals")
    }

    static let select = """
        SELECT id, kept_id, merged_id, merged_by, merged_at, undone_at,
               json_array_length(moved, '$.activities') AS activities, json_array_length(moved, '$.tasks') AS tasks,
               json_array_length(moved, '$.deals') AS deals
          FROM merges
        """
}

extension LeadStore {
    /// Merges `merged` into `kept`: the kept lead's empty fields filled, the merged lead's activities,
    /// tasks, deals and history moved to it, its score recomputed; the merged lead kept as a tombstone.
    /// Returns the merge and the kept lead's field changes.
    @discardableResult
    public func merge(kept: Int64, merged: Int64, by: String?) throws -> (merge: LeadMerge, filled: [FieldChange]) {
        try write { db in
            let before = try db.scalar("SELECT coalesce(max(id), 0) FROM field_history", as: Int64.self) ?? 0
            try db.execute("INSERT INTO merges(kept_id, merged_id, merged_by) VALUES (?, ?, ?)", [kept, merged, by])
            let merge = try db.query(LeadMerge.select + " WHERE id = (SELECT max(id) FROM merges)").map(LeadMerge.init(row:))[0]
            let filled = try db.query("""
                SELECT field, CAST(old_value AS TEXT) AS old_text, CAST(new_value AS TEXT) AS new_text, changed_at, changed_by
                  FROM field_history WHERE lead_id = ? AND id > ? ORDER BY id
                """, [kept, before]).map(FieldChange.init(row:))
            return (merge, filled)
        }
    }

    /// Undoes a merge while nothing else has touched its kept lead (else `not_undoable`).
    @discardableResult
    public func undoMerge(_ id: Int64, by: String?) throws -> LeadMerge {
        try write { db in
            try db.execute("INSERT INTO merge_undos(merge_id, undone_by) VALUES (?, ?)", [id, by])
            return try db.query(LeadMerge.select + " WHERE id = ?", [id]).map(LeadMerge.init(row:))[0]
        }
    }

    /// The merges a lead took part in, kept or merged, newest first.
    public func merges(lead: Int64) throws -> [LeadMerge] {
        try read { db in
            try db.query(LeadMerge.select + " WHERE kept_id = ? OR merged_id = ? ORDER BY id DESC", [lead, lead]).map(LeadMerge.init(row:))
        }
    }
}
