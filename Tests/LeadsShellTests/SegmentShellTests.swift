import Foundation
import LeadTestSupport
import Testing

/// `list`, `tag`, `untag` and `segment` (Schema/36_segments.sql) as a manager runs them.
@Suite struct SegmentShellTests {
    @Test func listFiltersTagsAndSegmentsReadTheLeadsNow() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("q.db")
        let setup = ShellRun(["--db", db, "--create", "-c", ".clock 2026-11-25T09:00:00Z", "-c", "INSERT INTO reps(name, capacity) VALUES ('Ana', 50), ('Ben', 50)",
                              "-c", "capture email=kai@acme.de first=Kai country=Germany size=1200 source=webinar title=\"VP Sales\"",
                              "-c", "capture email=amy@globex.co.uk first=Amy country=UK size=40 source=ads",
                              "-c", "capture email=zoe@initech.com first=Zoe country=DE size=300 source=webinar", "-c", "log 3 demo_request"])
        #expect(setup.status == 0, "\(setup.err)")
        let run = ShellRun(["--db", db, "-c", "list country=Germany sort=-score", "-c", "list source=webinar|ads size>=100", "-c", "list owner=Ben",
                            "-c", "tag 2 VIP expo", "-c", "untag 2 expo gold", "-c", "list tag=vip", "-c", "list activities.demo_request/7>=1",
                            "-c", "list stage=customer", "-c", "segment",
                            "-c", "INSERT INTO segments(name) VALUES ('de-webinar')",
                            "-c", "INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('de-webinar', 'country', '=', 'Germany'), ('de-webinar', 'source', '=', 'webinar')",
                            "-c", "segment", "-c", "segment de-webinar"])
        #expect(run.out == """
            3|Zoe|zoe@initech.com||mql|Ana|55.0|webinar
            1|Kai|kai@acme.de||mql|Ana|50.0|webinar
            3|Zoe|zoe@initech.com||mql|Ana|55.0|webinar
            1|Kai|kai@acme.de||mql|Ana|50.0|webinar
            2|Amy|amy@globex.co.uk||new|Ben|15.0|ads
            Lead 2 (Amy): tagged vip, expo; tags: expo, vip.
            Lead 2 (Amy): untagged expo; tags: vip.
            2|Amy|amy@globex.co.uk||new|Ben|15.0|ads
            3|Zoe|zoe@initech.com||mql|Ana|55.0|webinar
            No lead meets those filters now.
            No segments yet: INSERT INTO segments(name) VALUES ('hot-webinar'); INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('hot-webinar', 'source', '=', 'webinar'), ('hot-webinar', 'score', '>=', 40)
            de-webinar|all|country = Germany; source = webinar|2
            3|Zoe|zoe@initech.com||mql|Ana|55.0|webinar
            1|Kai|kai@acme.de||mql|Ana|50.0|webinar

            """, "\(run.err)")
        let bad = ShellRun(["--db", db, "-c", "list score>=lots"])
        #expect(bad.err == "Error near line 1: filter 1: score >= takes a number; got 'lots'\nUsage: list [FIELD=V|FIELD!=V|FIELD>=N|FIELD<=N|FIELD~TEXT ...] [match=any] [sort=-score] [limit=50]\n")
        #expect(ShellRun(["--db", db, "-c", "segment nope"]).err.hasPrefix("Error near line 1: unknown_segment: no segment is named nope\n"))
    }
}
