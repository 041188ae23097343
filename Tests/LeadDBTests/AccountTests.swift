import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Accounts (Schema/32_accounts.sql): companies keyed by their web domain, joined at capture, linked and
/// merged by hand, owning their leads' routing, scored together, and forgotten with their last person.
@Suite struct AccountTests {
    func team(_ f: LeadFixture) throws {
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10), (3, "Cy", "default", 10)])
    }

    @Test(arguments: Writer.allCases)
    func aCaptureJoinsItsDomainsAccountMadeOnFirstSight(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let jane = try f.capture(["email": "Jane@ACME.com", "name": "Jane Roe", "company": " Acme Inc ", "industry": "Software",
                                  "company_size": "1,200", "country": "Germany", "title": "VP Sales"])
        let bob = try f.capture(["email": "bob@acme.com", "name": "Bob Lee", "company": "Acme", "title": "Sales Engineer"])
        let sue = try f.capture(["email": "sue@www.acme.com", "name": "Sue Kim", "title": "Director of IT"])
        let pat = try f.capture(["email": "pat@gmail.com", "name": "Pat Gee", "company": "Acme"])
        let tess = try f.capture(["email": "tess@example.com", "name": "Tess Tee", "company": "Example"])
        let phone = try f.capture(["phone": "+49 30 1234567", "name": "Phil Phone", "company": "Acme"])

        let account = try #require(try f.db.query("SELECT * FROM accounts").first)
        #expect(try f.int("SELECT count(*) FROM accounts") == 1)
        #expect(try account.get("domain", as: String.self) == "acme.com")
        #expect(try account.get("name", as: String.self) == "Acme Inc")
        #expect(try account.get("industry", as: String.self) == "Software")
        #expect(try account.get("company_size", as: Int.self) == 1200)
        #expect(try account.get("country", as: String.self) == "DE")
        #expect(try account.get("created_at", as: String.self) == "2026-11-24T09:00:00.000Z")
        // The first lead's owner owns the account, and its later people go to them.
        #expect(try account.get("owner_id", as: Int.self) == 1)
        for lead in [jane, bob, sue] { #expect(try f.lead(lead).get("account_id", as: Int64?.self) == 1) }
        // Free-mail, reserved example domains and phone-only leads join none.
        for lead in [pat, tess, phone] { #expect(try f.lead(lead).get("account_id", as: Int64?.self) == nil) }
        #expect(try [f.owner(jane), f.owner(bob), f.owner(sue), f.owner(pat), f.owner(tess)] == [1, 1, 1, 2, 3])
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ?", [bob]) == "captured: account 1 is owned by Ana")
        #expect(try f.text("SELECT method FROM assignments WHERE lead_id = ?", [bob]) == "account")
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aLaterPersonFillsWhatTheAccountLacksAndOverwritesNothing(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.capture(["email": "a@initech.com", "company": "Initech"])
        try f.capture(["email": "b@initech.com", "company": "Initech Ltd", "industry": "Software", "country": "uk", "company_size": "50-200"])
        let row = try #require(try f.db.query("SELECT name, industry, country, company_size FROM accounts").first)
        #expect(try row.get("name", as: String.self) == "Initech")
        #expect(try row.get("industry", as: String.self) == "Software")
        #expect(try row.get("country", as: String.self) == "GB")
        #expect(try row.get("company_size", as: Int.self) == 50)
    }

    @Test(arguments: Writer.allCases)
    func accountsMadeByHandAreReadAndChecked(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        try f.db.execute("INSERT INTO accounts(domain, name, company_size, country, owner_id) VALUES ('https://WWW.Acme-Corp.com/about?x=1', ' Acme Corp ', '5000+', 'United States', 2)")
        let row = try #require(try f.db.query("SELECT * FROM accounts").first)
        #expect(try row.get("domain", as: String.self) == "acme-corp.com")
        #expect(try row.get("name", as: String.self) == "Acme Corp")
        #expect(try row.get("company_size", as: Int.self) == 5000)
        #expect(try row.get("country", as: String.self) == "US")
        #expect(try row.get("owner_id", as: Int.self) == 2)

        let refusals: [(String, String, String)] = [
            ("INSERT INTO accounts(domain) VALUES ('ACME-corp.com.')", "already_exists", "already_exists: account 1 has the domain acme-corp.com"),
            ("INSERT INTO accounts(domain) VALUES ('gmail.com')", "invalid_domain", "invalid_domain: the domain is a free-mail domain, which names no company"),
            ("INSERT INTO accounts(domain) VALUES ('example.org')", "invalid_domain", "invalid_domain: the domain is reserved for examples and tests (RFC 2606), which names no company"),
            ("INSERT INTO accounts(domain) VALUES ('not a domain')", "invalid_domain",
             "invalid_domain: the domain is not a web domain such as acme.com (letters, digits, dashes and dots; an international domain in its xn-- form)"),
            ("INSERT INTO accounts(domain) VALUES ('a..b.com')", "invalid_domain",
             "invalid_domain: the domain is not a web domain such as acme.com (letters, digits, dashes and dots; an international domain in its xn-- form)"),
            ("INSERT INTO accounts(domain) VALUES ('bad' || char(0) || '.com')", "invalid_domain", "invalid_domain: the domain contains a NUL byte"),
            ("INSERT INTO accounts(name) VALUES ('No Domain')", "invalid_domain", "invalid_domain: an account needs a domain such as acme.com"),
            ("INSERT INTO accounts(domain, company_size) VALUES ('big.com', 'lots')", "invalid_company_size",
             "invalid_company_size: 'lots' is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)"),
            ("INSERT INTO accounts(domain, company_size) VALUES ('huge.com', 1e30)", "invalid_company_size",
             "invalid_company_size: 1.0e+30 is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)"),
            ("INSERT INTO accounts(domain, name) VALUES ('esc.com', 'Evil' || char(27) || '[2J')", "invalid_text",
             "invalid_text: name contains a control character (U+001B) at character 5; text is one line of printable characters"),
            ("INSERT INTO accounts(domain, owner_id) VALUES ('owned.com', 99)", "unknown_rep", "unknown_rep: no rep has id 99 (the owner of account 2)"),
            ("UPDATE accounts SET domain = NULL", "invalid_domain", "invalid_domain: account 1 needs a domain such as acme.com"),
            ("UPDATE accounts SET created_at = '2020-01-01'", "maintained",
             "maintained: accounts.id, created_at, merged_into, erased_at and customer_since are kept by LeadDB (INSERT INTO account_merges merges, INSERT INTO erasures erases, a won deal makes a customer), and mql_at is a time"),
            ("UPDATE accounts SET erased_at = '2026-11-24T09:00:00.000Z'", "maintained",
             "maintained: accounts.id, created_at, merged_into, erased_at and customer_since are kept by LeadDB (INSERT INTO account_merges merges, INSERT INTO erasures erases, a won deal makes a customer), and mql_at is a time"),
            ("UPDATE accounts SET merged_into = 1", "maintained",
             "maintained: accounts.id, created_at, merged_into, erased_at and customer_since are kept by LeadDB (INSERT INTO account_merges merges, INSERT INTO erasures erases, a won deal makes a customer), and mql_at is a time"),
        ]
        for (sql, code, message) in refusals {
            let v = f.violation { try f.db.execute(sql) }
            #expect(v?.code == code, "\(sql)")
            #expect(v?.message == message, "\(sql)")
        }
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 3")
        let inactive = f.violation { try f.db.execute("UPDATE accounts SET owner_id = 3") }
        #expect(inactive?.message == "inactive_rep: rep 3 (Cy) is inactive; an account's owner is an active rep")
        // Nothing refused was stored.
        #expect(try f.int("SELECT count(*) FROM accounts") == 1)
        #expect(try f.text("SELECT domain || '|' || owner_id || '|' || created_at FROM accounts") == "acme-corp.com|2|2026-11-24T09:00:00.000Z")
        // A valid change is read as an insert is.
        try f.db.execute("UPDATE accounts SET domain = 'HTTP://acme.io/', country = 'fr', company_size = '250'")
        #expect(try f.text("SELECT domain || '|' || country || '|' || company_size FROM accounts") == "acme.io|FR|250")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func leadsAreLinkedByHandToLiveAccountsOnly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let jane = try f.capture(["email": "jane@acme.com"])
        let pat = try f.capture(["email": "pat@gmail.com"])
        try f.capture(["email": "gus@globex.com"])
        try f.db.execute("UPDATE leads SET account_id = 1 WHERE id = ?", [pat])
        #expect(try f.lead(pat).get("account_id", as: Int64?.self) == 1)
        let unknown = f.violation { try f.db.execute("UPDATE leads SET account_id = 77 WHERE id = ?", [pat]) }
        #expect(unknown?.code == "unknown_account")
        #expect(unknown?.message == "unknown_account: lead 2 cannot join account 77: no account has that id")
        let text = f.violation { try f.db.execute("UPDATE lead_records SET account_id = 'acme' WHERE id = ?", [pat]) }
        #expect(text?.message == "unknown_account: lead 2 cannot join account 'acme': no account has that id")
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 2)")
        let merged = f.violation { try f.db.execute("UPDATE leads SET account_id = 2 WHERE id = ?", [jane]) }
        #expect(merged?.code == "merged_account")
        #expect(merged?.message == "merged_account: account 2 was merged into account 1; link lead 1 to 1")
        // Unlinking is allowed; the lead keeps everything else.
        try f.db.execute("UPDATE leads SET account_id = NULL WHERE id = ?", [pat])
        #expect(try f.lead(pat).get("account_id", as: Int64?.self) == nil)
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE account_id = 1") == 2)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func mergingMovesEveryLeadAndACaptureOfEitherDomainJoinsTheKeptOne(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let a = try f.capture(["email": "a@acme.com", "company": "Acme"])
        let b = try f.capture(["email": "b@acme-corp.com", "industry": "Software", "country": "DE"])
        let c = try f.capture(["email": "c@acme-corp.com"])
        #expect(try [f.owner(a), f.owner(b), f.owner(c)] == [1, 2, 2])
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 2)")
        #expect(try f.text("SELECT kept_id || '|' || merged_id || '|' || leads || '|' || merged_at FROM account_merges") == "1|2|2|2026-11-24T09:00:00.000Z")
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE account_id = 1") == 3)
        let kept = try #require(try f.db.query("SELECT * FROM accounts WHERE id = 1").first)
        #expect(try kept.get("name", as: String.self) == "Acme")
        #expect(try kept.get("industry", as: String.self) == "Software")
        #expect(try kept.get("country", as: String.self) == "DE")
        #expect(try kept.get("owner_id", as: Int.self) == 1)
        #expect(try f.int("SELECT merged_into FROM accounts WHERE id = 2") == 1)
        // The leads keep their owners and history; a new person of the merged domain joins the kept account.
        #expect(try [f.owner(b), f.owner(c)] == [2, 2])
        let d = try f.capture(["email": "d@acme-corp.com"])
        #expect(try f.lead(d).get("account_id", as: Int64?.self) == 1)
        #expect(try f.owner(d) == 1)
        // A merge of a merge flattens: the first merged account points to the last kept one.
        try f.capture(["email": "e@acme.de"])
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (3, 1)")
        #expect(try f.db.query("SELECT merged_into FROM accounts WHERE id IN (1, 2) ORDER BY id").map { try $0.get(0, as: Int.self) } == [3, 3])
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE account_id = 3") == 5)

        let refusals: [(String, String)] = [
            ("INSERT INTO account_merges(kept_id, merged_id) VALUES (3, 3)", "invalid_merge: account 3 cannot be merged into itself"),
            ("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 3)", "merged_account: account 1 was merged into account 3; merge into 3"),
            ("INSERT INTO account_merges(kept_id, merged_id) VALUES (3, 2)", "merged_account: account 2 was already merged into account 3"),
            ("INSERT INTO account_merges(kept_id, merged_id) VALUES (3, 9)", "unknown_account: no account has id 9 (merged_id)"),
            ("INSERT INTO account_merges(kept_id, merged_id, leads) VALUES (3, 1, 5)", "maintained: account_merges.leads and merged_at are written by the merge"),
            ("INSERT INTO account_merges(id, kept_id, merged_id) VALUES (7, 3, 1)", "append_only: account merges are numbered in order by SQLite; a merge is INSERT INTO account_merges(kept_id, merged_id)"),
            ("UPDATE account_merges SET kept_id = 2", "append_only: account merges are history and cannot be changed"),
            ("DELETE FROM account_merges", "append_only: account merges are history and cannot be deleted"),
            ("DELETE FROM accounts WHERE id = 3",
             "account_in_use: account 3 has leads or merges; unlink its leads first (UPDATE leads SET account_id = NULL), or merge it into another"),
            ("UPDATE accounts SET merged_into = NULL WHERE id = 2",
             "maintained: accounts.id, created_at, merged_into, erased_at and customer_since are kept by LeadDB (INSERT INTO account_merges merges, INSERT INTO erasures erases, a won deal makes a customer), and mql_at is a time"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // An account nothing points to can be deleted.
        try f.db.execute("INSERT INTO accounts(domain) VALUES ('spare.com')")
        try f.db.execute("DELETE FROM accounts WHERE domain = 'spare.com'")
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func routingByAccountPassesAnOwnerWhoCannotTakeTheLeadAndCanBeTurnedOff(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 2), (2, "Ben", "default", 10)])
        let a = try f.capture(["email": "a@acme.com"])
        let b = try f.capture(["email": "b@acme.com"])
        #expect(try [f.owner(a), f.owner(b)] == [1, 1])
        // Ana is full: the next goes by the rules, and the reason says why.
        let c = try f.capture(["email": "c@acme.com"])
        #expect(try f.owner(c) == 2)
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ?", [c])
            == "captured: account 1 owner Ana is at capacity (2 of 2); no routing rule matched, team default; Ben was assigned least recently (never)")
        try f.db.execute("UPDATE reps SET capacity = 10 WHERE id = 1")
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        let d = try f.capture(["email": "d@acme.com"])
        #expect(try f.owner(d) == 2)
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ? ORDER BY id DESC LIMIT 1", [d])?.hasPrefix("captured: account 1 owner Ana is inactive; ") == true)
        try f.db.execute("UPDATE reps SET active = 1 WHERE id = 1")
        // Off: round robin as if there were no accounts.
        try f.db.execute("UPDATE settings SET value = 0 WHERE key = 'routing.by_account'")
        let e = try f.capture(["email": "e@acme.com"])
        let g = try f.capture(["email": "g@acme.com"])
        #expect(try f.db.query("SELECT method FROM assignments WHERE lead_id IN (?, ?) ORDER BY id", [e, g]).map { try $0.get(0, as: String.self) } == ["round_robin", "round_robin"])
        #expect(try Set([f.owner(e), f.owner(g)]) == [1, 2])
        let bad = f.violation { try f.db.execute("UPDATE settings SET value = 'yes' WHERE key = 'routing.by_account'") }
        #expect(bad?.code == "invalid_setting")
        #expect(bad?.message == "invalid_setting: routing.by_account must be 1 (a lead of an account goes to its owner) or 0; got yes")
        let gone = f.violation { try f.db.execute("DELETE FROM settings WHERE key = 'account.mql_threshold'") }
        #expect(gone?.code == "required_setting")
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func theAccountScoreReachingItsThresholdNotifiesTheOwnerOnceUntilItFallsBelow(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        try f.db.execute("UPDATE settings SET value = 100 WHERE key = 'account.mql_threshold'")
        let a = try f.capture(["email": "a@acme.com", "title": "CEO"])  // fit 20 (title) + 10 (form)
        let b = try f.capture(["email": "b@acme.com"])                      // + 10 (form)
        #expect(try f.double("SELECT score FROM account_scores WHERE account_id = 1") == 40)
        #expect(try f.int("SELECT people FROM account_scores WHERE account_id = 1") == 2)
        try f.log(a, "demo_request")  // + 30: 70
        try f.log(b, "demo_request")  // + 30: 100, reached
        #expect(try f.double("SELECT score FROM account_scores WHERE account_id = 1") == 100)
        let notices = try f.db.query("SELECT lead_id, rep_id, payload FROM outbox WHERE kind = 'account_mql'")
        #expect(notices.count == 1)
        #expect(try notices.first?.get("rep_id", as: Int.self) == 1)
        #expect(try notices.first?.get("payload", as: String.self) == #"{"account_id":1,"score":100.0,"lead_id":2}"#)
        #expect(try f.text("SELECT mql_at FROM accounts") == "2026-11-24T09:00:00.000Z")
        // More points while above: no second notice.
        try f.log(b, "pricing_page_view")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 1)
        // Two half-lives later the engagement is a quarter; points that bring it back notify again.
        try f.setClock("2027-01-23T09:00:00Z")
        let decayed = try f.double("SELECT score FROM account_scores WHERE account_id = 1")
        #expect(close(decayed, 20 + 0.25 * 90))
        try f.log(a, "demo_request")  // 72.5
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 1)
        try f.log(a, "demo_request")  // 102.5: reached again
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 2)
        #expect(try f.text("SELECT mql_at FROM accounts") == "2027-01-23T09:00:00.000Z")
        // Outbound touches add nothing and check nothing.
        try f.log(a, "call")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 2)
        let bad = f.violation { try f.db.execute("UPDATE settings SET value = 'high' WHERE key = 'account.mql_threshold'") }
        #expect(bad?.message == "invalid_setting: account.mql_threshold must be a number from -1000000 to 1000000; got high")
    }

    @Test(arguments: Writer.allCases)
    func theOverviewAndTheBuyingCommitteeSayWhoIsThereAndWhoIsMissing(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let jane = try f.capture(["email": "jane@acme.com", "name": "Jane Roe", "title": "Chief Revenue Officer", "company": "Acme"])
        let bob = try f.capture(["email": "bob@acme.com", "name": "Bob Lee", "title": "Sales-Engineer"])
        try f.capture(["email": "sue@acme.com", "name": "Sue Kim", "title": "Head of Ops"])
        try f.capture(["email": "al@acme.com", "name": "Al Bo", "title": "Internal Auditor"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [bob])
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, jane]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 5000 WHERE id = ?", [jane])
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [jane])
        let overview = try #require(try f.db.query("SELECT * FROM account_overview").first)
        #expect(try overview.get("domain", as: String.self) == "acme.com")
        #expect(try overview.get("owner", as: String.self) == "Ana")
        #expect(try overview.get("people", as: Int.self) == 4)
        #expect(try overview.get("stages", as: String.self) == #"{"new":2,"contacted":1,"customer":1}"#)
        #expect(try overview.get("open_leads", as: Int.self) == 3)
        #expect(try overview.get("won_leads", as: Int.self) == 1)
        #expect(try overview.get("won_revenue", as: Double.self) == 5000)
        #expect(try overview.get("last_activity_at", as: String.self) == "2026-11-24T09:00:00.000Z")
        let committee = try f.db.query("SELECT role, lead_id, name, missing FROM buying_committee WHERE account_id = 1 ORDER BY coalesce(position, 99), lead_id")
            .map { "\(try $0.get(0, as: String?.self) ?? "-") \(try $0.get(1, as: Int?.self).map(String.init) ?? "-") \(try $0.get(2, as: String?.self) ?? "-") \(try $0.get(3, as: Int.self))" }
        // "Internal Auditor" is no intern (whole words only), and nobody is a user yet.
        #expect(committee == ["decision_maker 1 Jane Roe 0", "champion 3 Sue Kim 0", "influencer 2 Bob Lee 0", "user - - 1", "- 4 Al Bo 0"])
        // Title rules are data: a user's rule for auditors makes Al an influencer.
        try f.db.execute("INSERT INTO committee_rules(role, words, priority) VALUES ('influencer', 'auditor', 5)")
        #expect(try f.text("SELECT role FROM buying_committee WHERE lead_id = 4") == "influencer")
        let refusals: [(String, String)] = [
            ("INSERT INTO committee_rules(role, words) VALUES ('buyer', 'cfo')",
             "invalid_config: committee rule 6 names role 'buyer', which is not in committee_roles (roles: decision_maker, champion, influencer, user)"),
            ("INSERT INTO committee_rules(role, words) VALUES ('user', '[]')",
             "invalid_config: committee_rules.words of rule 6 must be a word or phrase, or a JSON array of them; got '[]'"),
            ("UPDATE committee_rules SET priority = 'first' WHERE id = 1",
             "invalid_config: committee_rules.priority of rule 1 must be a whole number; got 'first'"),
            ("DELETE FROM committee_roles WHERE role = 'user'", "invalid_config: committee role user has title rules; delete or change them first"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // A role renamed keeps its rules.
        try f.db.execute("UPDATE committee_roles SET role = 'economic_buyer' WHERE role = 'decision_maker'")
        #expect(try f.text("SELECT role FROM buying_committee WHERE lead_id = ?", [jane]) == "economic_buyer")
    }

    @Test(arguments: Writer.allCases)
    func erasingAnAccountsLastPersonForgetsItsDomainAndName(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let a = try f.capture(["email": "jo@jo-smith-consulting.com", "name": "Jo Smith", "company": "Jo Smith Consulting", "industry": "Consulting"])
        let b = try f.capture(["email": "kai@jo-smith-consulting.com", "name": "Kai Lu"])
        try f.capture(["email": "jo@smith-jo.com"])
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 2)")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [a])
        // Someone is left: the company stays.
        #expect(try f.text("SELECT domain FROM accounts WHERE id = 1") == "jo-smith-consulting.com")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [b])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (3)")
        let rows = try f.db.query("SELECT id, domain, name, industry, owner_id, erased_at FROM accounts ORDER BY id")
        #expect(try rows.map { try $0.get("domain", as: String?.self) } == [nil, nil])
        #expect(try rows.map { try $0.get("name", as: String?.self) } == [nil, nil])
        #expect(try rows[0].get("industry", as: String.self) == "Consulting")
        #expect(try rows[0].get("owner_id", as: Int.self) == 1)
        #expect(try rows.map { try $0.get("erased_at", as: String?.self) } == ["2026-11-24T09:00:00.000Z", "2026-11-24T09:00:00.000Z"])
        #expect(try f.int("SELECT count(*) FROM account_overview") == 0)
        // Nothing writes them back, nothing joins them, and the domain makes a new account.
        let back = f.violation { try f.db.execute("UPDATE accounts SET name = 'Jo Smith Consulting' WHERE id = 1") }
        #expect(back?.code == "erased_account")
        #expect(back?.message == "erased_account: account 1 was erased at 2026-11-24T09:00:00.000Z; no domain or name is written to it")
        let pat = try f.capture(["email": "pat@gmail.com"])
        #expect(f.violation { try f.db.execute("UPDATE leads SET account_id = 1 WHERE id = ?", [pat]) }?.message
            == "erased_account: account 1 was erased at 2026-11-24T09:00:00.000Z; lead 4 cannot join it")
        let merge = f.violation { try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 2)") }
        #expect(merge?.code == "merged_account")
        try f.capture(["email": "new@jo-smith-consulting.com"])
        #expect(try f.text("SELECT domain FROM accounts WHERE id = 3") == "jo-smith-consulting.com")
        try f.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func anImportJoinsAccountsAsCapturesDo(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        try f.db.execute("UPDATE settings SET value = 40 WHERE key = 'account.mql_threshold'")
        for (i, domain) in ["acme.com", "acme.com", "globex.com", "gmail.com", "acme.com", "globex.com"].enumerated() {
            try f.db.execute("INSERT INTO lead_imports(email, title) VALUES (?, 'CEO')", ["p\(i)@\(domain)"])
        }
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.db.query("SELECT domain FROM accounts ORDER BY id").map { try $0.get(0, as: String.self) } == ["acme.com", "globex.com"])
        #expect(try f.db.query("SELECT coalesce(account_id, 0) || ':' || owner_id FROM leads ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["1:1", "1:1", "2:2", "0:3", "1:1", "2:2"])
        // 20 fit and 10 engagement a person: acme and globex reach 40 at their second person, as one capture
        // after another would find them.
        #expect(try f.db.query("SELECT lead_id FROM outbox WHERE kind = 'account_mql' ORDER BY id").map { try $0.get(0, as: Int.self) } == [2, 6])
    }

    /// A capture gives its new lead the account as it writes it; a lead written around the capture joins
    /// only a live account, and a domain that became a free-mail one joins nobody new.
    @Test(arguments: Writer.allCases)
    func aLeadIsWrittenWithALiveAccountOnly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        let jane = try f.capture(["email": "jane@acme.com", "company": "Acme"])
        try f.capture(["email": "kim@acme.de"])
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (1, 2)")
        #expect(try f.lead(jane).get("account_id", as: Int64?.self) == 1)
        // Around the capture: a capture row first, then the lead with an account of its own choosing.
        let now = "2026-11-24T09:00:00.000Z"
        for (account, message) in [(99, "unknown_account: lead new cannot join account 99: no account has that id"),
                                   (2, "merged_account: account 2 was merged into account 1; link lead new to 1")] {
            try f.db.execute("SAVEPOINT around")
            try f.db.execute("INSERT INTO captures(lead_id, outcome, captured_at) VALUES (NULL, 'created', ?)", [now])
            let refused = f.violation {
                try f.db.execute("INSERT INTO lead_records(email, created_at, updated_at, account_id) VALUES ('x@y.com', ?, ?, ?)", [now, now, account])
            }
            #expect(refused?.message == message)
            try f.db.execute("ROLLBACK TO around")
            try f.db.execute("RELEASE around")
        }
        // A capture of the merged domain joins the kept account.
        #expect(try f.lead(try f.capture(["email": "lee@acme.de"])).get("account_id", as: Int64?.self) == 1)
        // acme.com declared a free-mail domain: its next person joins no account; the people it has stay.
        try f.db.execute("INSERT INTO free_email_domains(domain) VALUES ('acme.com')")
        #expect(try f.lead(try f.capture(["email": "bob@acme.com"])).get("account_id", as: Int64?.self) == nil)
        #expect(try f.lead(jane).get("account_id", as: Int64?.self) == 1)
        #expect(try f.int("SELECT count(*) FROM accounts") == 2)
        try f.checkIntegrity()
    }

    /// From the attack on accounts: what a careless or hostile writer did, refused or made harmless.
    @Test(arguments: Writer.allCases)
    func accountGuardsHoldAgainstWhatTheAttackTried(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        // An id below 1 is refused (an account -1 would have refused every new account: -1 is the id a
        // BEFORE trigger sees for a row SQLite numbers).
        #expect(f.violation { try f.db.execute("INSERT INTO accounts(id, domain) VALUES (-1, 'minus.com')") }?.message
            == "maintained: accounts are numbered in order by SQLite; leave out the id (got -1)")
        #expect(f.violation { try f.db.execute("INSERT INTO accounts(id, domain) VALUES (9223372036854775807, 'max.com')") }?.code == "maintained")
        // Domains a capture can give are read as an account reads them, and never fail the capture.
        for email in ["a@www.www.foo.com", "b@www.www.gmail.com", "c@mail.gmail.com", "d@10.0.0.1", "e@acme.co-", "f@a.b", "g@host.localdomain"] {
            let id = try f.capture(["email": email])
            #expect(try f.lead(id).get("account_id", as: Int64?.self) == nil, "\(email)")
        }
        #expect(try f.int("SELECT count(*) FROM accounts") == 0)
        #expect(f.violation { try f.db.execute("INSERT INTO accounts(domain) VALUES ('www.www.foo.com')") }?.code == "invalid_domain")
        try f.db.execute("INSERT INTO accounts(domain) VALUES ('example.cem')")
        // A capture dated in the past makes its account then.
        let old = try f.capture(["email": "old@oldco.com", "captured_at": "2020-01-02T03:04:05Z"])
        #expect(try f.text("SELECT a.created_at FROM accounts AS a JOIN leads AS l ON l.account_id = a.id WHERE l.id = ?", [old]) == "2020-01-02T03:04:05.000Z")
        // Values a careless script gives an account.
        let refusals: [(String, String)] = [
            ("INSERT INTO accounts(domain, country) VALUES ('n.com', 'Narnia' || char(0) || 'x')", "invalid_text: country of account 3 contains a NUL byte"),
            ("UPDATE accounts SET country = 'Narnia' || char(0) || 'x' WHERE id = 1", "invalid_text: country of account 1 contains a NUL byte"),
            ("INSERT INTO accounts(domain, mql_at) VALUES ('m.com', 'garbage')", "invalid_time: the mql_at of account 3 is not a time such as 2026-11-24T09:30:00Z"),
            ("INSERT INTO accounts(domain, created_at) VALUES ('f.com', '2099-01-01')",
             "invalid_time: the created_at of account 3 is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)"),
            ("INSERT INTO committee_roles(role, position) VALUES ('   ', 5)",
             "invalid_config: a committee role is lower-case letters, digits and _ (starting with a letter), with a whole-number position and a label of one printable line; got '   ', 5, NULL"),
            ("INSERT INTO committee_roles(role, position, label) VALUES ('blocker', 5, 'Block' || char(27) || '[2J')",
             "invalid_config: a committee role is lower-case letters, digits and _ (starting with a letter), with a whole-number position and a label of one printable line; got 'blocker', 5, 'Block\u{1B}[2J'"),
            (#"INSERT INTO committee_rules(role, words) VALUES ('user', '{"a": "b"}')"#,
             #"invalid_config: committee_rules.words of rule 5 must be a word or phrase, or a JSON array of them; got '{"a": "b"}'"#),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // A rep who owns an account is not deleted; routing never writes an empty reason.
        try f.db.execute("INSERT INTO reps(id, name) VALUES (4, 'Dee')")
        try f.db.execute("UPDATE accounts SET owner_id = 4 WHERE domain = 'example.cem'")
        #expect(f.violation { try f.db.execute("DELETE FROM reps WHERE id = 4") }?.message
            == "rep_in_use: rep 4 (Dee) owns accounts; give them another owner first (UPDATE accounts SET owner_id = ... WHERE owner_id = 4)")
        // An account is erased only with its people: not by hand.
        #expect(f.violation { try f.db.execute("UPDATE accounts SET domain = NULL, name = NULL, erased_at = (SELECT now FROM clock) WHERE id = 1") }?.code == "maintained")
        // The clock's two settings together must give a time.
        try f.db.execute("UPDATE settings SET value = '9999-12-31T23:59:59Z' WHERE key = 'clock.now'")
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = '+2 days' WHERE key = 'clock.shift'") }?.message
            == "invalid_setting: clock.now 9999-12-31T23:59:59Z moved by clock.shift +2 days is no time (years 0000 to 9999)")
        #expect(try LeadDatabase.check(f.db).isEmpty)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func anErasedAccountLeavesNoDomainInHistoryAndItsNoticesFollowItsOwner(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        try f.db.execute("UPDATE settings SET value = 30 WHERE key = 'account.mql_threshold'")
        let jo = try f.capture(["email": "jo@jozzsolo.com", "name": "Jo Solo", "company": "Jozzsolo Studio"])
        let max = try f.capture(["email": "max@jozzsolo.com", "name": "Max"])
        try f.log(max, "demo_request")
        // The owner left: the notice went to the lead's owner; the next owner takes what is undelivered.
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'account_mql'") == 1)
        try f.db.execute("UPDATE accounts SET owner_id = 2")
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'account_mql'") == 2)
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        try f.log(jo, "demo_request")
        try f.setClock("2027-06-01T09:00:00Z")
        try f.log(jo, "demo_request")
        try f.log(jo, "demo_request")
        let last = try f.int("SELECT rep_id FROM outbox WHERE kind = 'account_mql' ORDER BY id DESC LIMIT 1")
        #expect(try last == f.owner(jo))
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 2)
        // Max leaves the account; Jo is erased: the account, with only an erased person, forgets itself.
        // (another program turns secure_delete on before erasing, as Schema/README.md asks)
        try f.db.execute("PRAGMA secure_delete = ON")
        try f.db.execute("UPDATE leads SET account_id = NULL WHERE id = ?", [max])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [jo])
        #expect(try f.text("SELECT coalesce(domain, name, 'forgotten') FROM accounts") == "forgotten")
        try f.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let dump = try f.db.query("SELECT group_concat(coalesce(reason, ''), ' ') FROM assignments").first?.get(0, as: String?.self) ?? ""
            + (try f.db.query("SELECT group_concat(coalesce(payload, ''), ' ') FROM outbox").first?.get(0, as: String?.self) ?? "")
        #expect(!dump.contains("jozzsolo"))
        // (Max, who left, keeps his own address: the account's name and domain are gone)
        let file = try Data(contentsOf: URL(fileURLWithPath: f.dir.file("leads.db")))
        #expect(file.range(of: Data("Jozzsolo Studio".utf8)) == nil)
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE email LIKE '%jozzsolo%'") == 1)
    }

    /// The account's score is kept on the account: every event leaves it equal to what its people add
    /// up to, and an activity's check costs the same at 5 people as at 300 (VM steps, counted by SQLite).
    @Test(arguments: Writer.allCases)
    func theKeptScoreFollowsEveryEventAndCostsTheSameAtAnySize(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try team(f)
        func kept() throws -> Double {
            try f.double("""
                SELECT kept_fit + kept_engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(kept_at))
                       / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')) FROM accounts WHERE id = 1
                """)
        }
        func people() throws -> Double { try f.double("SELECT score FROM account_scores WHERE account_id = 1") }
        for i in 0..<5 { try f.capture(["email": "p\(i)@acme.com", "title": i == 0 ? "CEO" : "Engineer"]) }
        try f.log(2, "demo_request")
        #expect(close(try kept(), try people()))
        #expect(try people() == 20 + 50 + 30)
        // Events the check cannot follow point by point set it back; the next check adds it up again.
        try f.db.execute("UPDATE leads SET account_id = NULL WHERE id = 2")
        #expect(try f.text("SELECT kept_at FROM accounts WHERE id = 1") == nil)
        try f.log(3, "pricing_page_view")
        #expect(close(try kept(), try people()))
        #expect(try people() == 20 + 40 + 10)
        try f.setClock("2026-12-24T09:00:00Z")
        try f.log(3, "unsubscribe")
        #expect(close(try kept(), try people()))
        try f.db.execute("UPDATE settings SET value = 10 WHERE key = 'score.half_life_days'")
        try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (1000)")
        try f.log(4, "demo_request")
        #expect(close(try kept(), try people()))
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('title', 'word', 'engineer', 25)")
        try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (1000)")
        try f.log(4, "email_click")
        #expect(close(try kept(), try people()))
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        try f.log(5, "email_click")
        #expect(close(try kept(), try people()))
        #expect(try LeadDatabase.check(f.db).isEmpty)

        // The same activity at 300 people and at 600: the same work.
        func steps(_ lead: Int64) throws -> Int {
            let statement = try f.db.prepare("INSERT INTO activities(lead_id, kind) VALUES (?, 'email_click')")
            try statement.bind([lead])
            while try statement.step() {}
            return Int(statement.work.vmSteps)
        }
        try f.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) INSERT INTO lead_imports(email) SELECT 'b' || i || '@big.com' FROM n")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        let big = Int64(try f.int("SELECT min(id) FROM leads WHERE email LIKE '%@big.com'"))
        #expect(try f.int("SELECT people FROM account_scores WHERE account_id = (SELECT account_id FROM leads WHERE id = ?)", [big]) == 300)
        _ = try steps(big)
        let at300 = try steps(big)
        try f.db.execute("WITH RECURSIVE n(i) AS (SELECT 301 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO lead_imports(email) SELECT 'b' || i || '@big.com' FROM n")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.int("SELECT people FROM account_scores WHERE account_id = (SELECT account_id FROM leads WHERE id = ?)", [big]) == 600)
        _ = try steps(big)
        let at600 = try steps(big)
        #expect(abs(at600 - at300) <= 10, "\(at300) steps at 300 people, \(at600) at 600")
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }
}
