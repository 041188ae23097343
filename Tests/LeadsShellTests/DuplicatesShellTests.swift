import Foundation
import LeadTestSupport
import Testing

/// `dups`, `merge` and `unmerge` on the trade-show sample (Schema/89_merges.sql), as a sales manager
/// runs them: the sample's look-alikes found, one person merged with history and an exact score.
@Suite struct DuplicatesShellTests {
    @Test func dupsFindsTheSamplesLookAlikesAndMergeCombinesThem() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("t.db")
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let csv = dir.file("tradeshow-leads.csv")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("tradeshow-leads.csv").path, toPath: csv)
        // The booth's leads, then the same two people again from a webinar: Fatima's phone spelt another
        // way under another email, and Ana's Gmail address with a dot and a +tag.
        let setup = ShellRun(["--db", db, "--create", "-c", ".clock 2026-11-25T09:00:00Z", "-c", ".import \(csv) --no-rejects", "-c", """
            INSERT INTO lead_intake(email, first_name, last_name, phone, company, source)
            VALUES ('fatima@initech.com', 'Fatima', 'van der Berg', '(555) 126-3657', 'Initech', 'webinar'),
                   ('ana.schmidt.44+webinar@gmail.com', 'Ana', 'Schmidt', NULL, 'Vandelay Industries', 'webinar')
            """])
        #expect(setup.out.contains("281 created, 11 merged, 6 rejected"), "\(setup.err)")
        let dups = ShellRun(["--db", db, "-c", "dups"])
        #expect(dups.out == """
            47|283|99%|one mailbox, same name and company|Ana Schmidt, ana.schmidt44@gmail.com, Vandelay Industries|Ana Schmidt, ana.schmidt.44+webinar@gmail.com, Vandelay Industries
            2|282|98%|same phone, same name and company|Fatima van der Berg, fatima.vanderberg1@proton.me, Initech|Fatima van der Berg, fatima@initech.com, Initech
            22|281|80%|same name and company|Aoife Al-Sayed, aoife.alsayed21@starkindustries.com, Stark Industries|Aoife Al-Sayed, +49301234567, Stark Industries
            30|143|80%|same name and company|Björn Patel, björn.patel29@starkindustries.com, Stark Industries|Björn Patel, björn.patel137@starkindustries.com, Stark Industries
            89|278|80%|same name and company|Björn Smith, björn.smith84@umbrellabiolabs.com, Umbrella "Bio" Labs|Björn Smith, björn.smith277@gmail.com, Umbrella "Bio" Labs
            100|208|80%|same name and company|Björn Patel, björn.patel94@piedpiper.com, Pied Piper|Björn Patel, björn.patel203@piedpiper.com, Pied Piper
            merge 47 283 keeps lead 47 and folds lead 283 into it; notdup 47 283 says they are two people.

            """)
        let before = ShellRun(["--db", db, "-c", "SELECT score FROM leads WHERE id IN (2, 282) ORDER BY id"]).out
        #expect(before == "35.0\n10.0\n")
        let merge = ShellRun(["--db", db, "-c", "merge 2 282"])
        #expect(merge.out == """
            Merged lead 282 (Fatima van der Berg) into lead 2 (Fatima van der Berg) as merge 1: 1 activity, 0 tasks, 0 deals moved.
              score: 35.0 -> 45.0
            unmerge 282 undoes it while lead 2 is untouched.

            """, "\(merge.err)")
        // The webinar's form submission is on Fatima's lead now beside her two from the booth, with its
        // time; a capture of the webinar email lands there too (and its points make her an mql).
        #expect(ShellRun(["--db", db, "-c", "SELECT count(*), max(source) FROM activity_log WHERE lead_id = 2"]).out == "3|webinar\n")
        #expect(ShellRun(["--db", db, "-c", "INSERT INTO lead_intake(email) VALUES ('FATIMA@initech.com')", "-c", "SELECT count(*), stage FROM leads JOIN activity_log ON lead_id = leads.id WHERE leads.id = 2"]).out == "4|mql\n")
        #expect(ShellRun(["--db", db, "-c", "show fatima@initech.com"]).out.hasPrefix("Lead 2: Fatima van der Berg <fatima.vanderberg1@proton.me>\n"))
        #expect(ShellRun(["--db", db, "-c", "unmerge 282"]).err.contains("not_undoable: lead 2 is mql now and was new before merge 1; a merge that moved a lead, or a lead moved since, is not undone"))
        // Ana's two addresses: merged, then undone while nothing else has touched her lead.
        #expect(ShellRun(["--db", db, "-c", "merge 47 283"]).status == 0)
        #expect(ShellRun(["--db", db, "-c", "unmerge 283"]).out
            == "Undid merge 2: lead 283 is its own lead again, and lead 47 is as it was before the merge.\n")
        #expect(ShellRun(["--db", db, "check"]).status == 0)
    }
}
