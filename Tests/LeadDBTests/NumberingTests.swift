import Foundation
import LeadDB
import LeadSQLite
import Testing

/// In a BEFORE INSERT trigger a row SQLite numbers reads as id -1. A row a careless script stored with id
/// -1 must not make every later insert of its table look like a replace of it: reps, captures (and so
/// every capture), staged imports and the rest go on being numbered.
@Suite struct NumberingTests {
    @Test(arguments: Writer.allCases)
    func aRowNumberedMinusOneBlocksNothing(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO reps(id, name) VALUES (-1, 'Minus')")
        try f.db.execute("INSERT INTO reps(name) VALUES ('Ana')")
        try f.db.execute("INSERT INTO nurture_sequences(id, name) VALUES (-1, 'minus')")
        try f.db.execute("INSERT INTO nurture_sequences(name) VALUES ('second')")
        try f.db.execute("INSERT INTO captures(id, lead_id, outcome, captured_at) VALUES (-1, NULL, 'created', '2026-11-24T09:00:00.000Z')")
        let id = try f.capture(["email": "ada@example.com"])
        try f.log(id, "demo_request")
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('bob@example.com')")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 2)
        // (SQLite numbers the row after -1 as 0)
        #expect(try f.int("SELECT id FROM reps WHERE name = 'Ana'") == 0)
        #expect(try f.int("SELECT count(*) FROM assignments WHERE rep_id IS NOT NULL") == 2)
        // A replace of a row is still a replace.
        #expect(f.violation { try f.db.execute("INSERT OR REPLACE INTO reps(id, name) VALUES (0, 'Other')") }?.code == "already_exists")
    }
}
