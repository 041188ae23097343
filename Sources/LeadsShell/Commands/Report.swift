import Foundation
import LeadSQLite

/// One report of the shell's `report NAME`: a query over a view of Schema/97_reports.sql, the filters
/// it takes, and the column its bar chart draws. The views own what each number means; a report only
/// picks its columns, applies the filters, and (for a period of the funnel) adds up monthly counts.
struct Report: Sendable {
    let name: String
    let summary: String
    /// The filters it takes: since, until, rep, team.
    let filters: Set<String>
    /// The column drawn as bars in table and box modes.
    let chart: String?
    let query: @Sendable (ReportFilter) -> (sql: String, arguments: [any DatabaseValueConvertible])
    /// Whether since and until are months (the report's rows are months).
    var byMonth: Bool { ["funnel", "sources", "cohorts", "forecast"].contains(name) }
    /// The rows shown at most (the view has them all), or nil for every row.
    var limit: Int? { ["stalled": 50, "win": 20][name] }

    static let all: [Report] = [
        Report(name: "funnel", summary: "conversion through the stages: entries, the share that went further, the share won (since/until: months entered)",
               filters: ["since", "until"], chart: "entered") { f in
            ("""
             SELECT stage, sum(entered) AS entered, sum(reached_next) AS reached_next,
                    round(100.0 * sum(reached_next) / sum(entered), 1) AS next_percent, sum(won) AS won,
                    round(100.0 * sum(won) / sum(entered), 1) AS won_percent
               FROM funnel_conversion WHERE month >= ? AND month <= ? GROUP BY stage ORDER BY min(position)
             """, [f.sinceMonth, f.untilMonth])
        },
        Report(name: "velocity", summary: "days leads stay in each stage: median and 90th percentile (all time)", filters: [], chart: "median_days") { _ in
            ("SELECT stage, stays, median_days, p90_days FROM stage_velocity", [])
        },
        Report(name: "stalled", summary: "open leads idle in their stage past its limit (stall_limits), the 50 idle longest", filters: ["rep", "team"], chart: "idle_days") { f in
            ("""
             SELECT s.lead_id, s.stage, s.owner, s.idle_days, s.limit_days, s.last_activity_at FROM stalled_leads AS s
              WHERE (?1 IS NULL OR s.owner_id = ?1) AND (?2 IS NULL OR s.owner_id IN (SELECT id FROM reps WHERE team = ?2))
             """, [f.rep, f.team])
        },
        Report(name: "sources", summary: "by source and campaign: leads, MQL and SQL rates, won, revenue, days to win, cost per won (since/until: months captured)",
               filters: ["since", "until"], chart: "revenue") { f in
            guard f.since != nil || f.until != nil else { return ("SELECT * FROM source_performance", []) }
            // (a period adds up its months; days to win and cost are over all time, in the report without one)
            return ("""
             SELECT source, campaign, sum(leads) AS leads, round(100.0 * sum(mql) / sum(leads), 1) AS mql_percent,
                    round(100.0 * sum(sql) / sum(leads), 1) AS sql_percent, sum(won) AS won, total(revenue) AS revenue
               FROM source_months WHERE month >= ? AND month <= ?
              GROUP BY source, campaign
              ORDER BY revenue DESC, won DESC, leads DESC
             """, [f.sinceMonth, f.untilMonth])
        },
        Report(name: "reps", summary: "per rep: assigned, open, first response, SLA met, win rate, revenue (all time)", filters: ["rep", "team"],
               chart: "sla_met_percent") { f in
            ("""
             SELECT rep, team, assigned, open, response_median_minutes, response_p90_minutes, sla_met_percent, won, win_percent, revenue
               FROM rep_performance WHERE (?1 IS NULL OR rep_id = ?1) AND (?2 IS NULL OR team = ?2)
             """, [f.rep, f.team])
        },
        Report(name: "sla", summary: "response SLAs met and missed by week and rep (since/until: weeks)", filters: ["since", "until", "rep", "team"],
               chart: "met_percent") { f in
            ("""
             SELECT week, rep, due, met, missed, met_percent FROM sla_compliance
              WHERE (?1 = '' OR week >= date(?1, '-6 days', 'weekday 1')) AND week <= ?2
                AND (?3 IS NULL OR rep_id = ?3) AND (?4 IS NULL OR rep_id IN (SELECT id FROM reps WHERE team = ?4))
             """, [f.sinceDay, f.untilDay, f.rep, f.team])
        },
        Report(name: "cohorts", summary: "leads by capture month and the share won within 30, 60 and 90 days (since/until: months)",
               filters: ["since", "until"], chart: "won_90_percent") { f in
            ("SELECT * FROM cohorts WHERE month >= ? AND month <= ?", [f.sinceMonth, f.untilMonth])
        },
        Report(name: "attribution", summary: "won revenue credited to campaigns: first touch, last touch, linear, U-shaped (all time)",
               filters: [], chart: "linear") { _ in
            ("SELECT * FROM attribution", [])
        },
        Report(name: "forecast", summary: "open deals by expected close month: amount and amount weighted by win probability",
               filters: ["since", "until"], chart: "weighted_amount") { f in
            ("SELECT * FROM pipeline_forecast WHERE month >= ? AND month <= ?", [f.sinceMonth, f.untilMonth])
        },
        Report(name: "win", summary: "the 20 open leads most likely to be won, with what each attribute says (naive Bayes)",
               filters: ["rep", "team"], chart: "probability") { f in
            ("""
             SELECT p.lead_id, l.company, l.stage, l.amount, p.probability, p.source_factor, p.industry_factor, p.country_factor,
                    p.size_factor, p.seniority_factor
               FROM lead_win_probability AS p JOIN leads AS l ON l.id = p.lead_id
              WHERE (?1 IS NULL OR l.owner_id = ?1) AND (?2 IS NULL OR l.owner_id IN (SELECT id FROM reps WHERE team = ?2))
              ORDER BY p.probability DESC, p.lead_id
             """, [f.rep, f.team])
        },
        Report(name: "calibration", summary: "the win probability checked on closed leads: predicted against won, in ten groups",
               filters: [], chart: "actual") { _ in
            ("SELECT * FROM win_calibration", [])
        },
        Report(name: "scores", summary: "win rate of closed leads by score band and by fit rule (all time)", filters: [], chart: "win_percent") { _ in
            ("SELECT * FROM score_outcomes", [])
        },
    ]

    static func named(_ name: String) -> Report? { all.first { $0.name == name.lowercased() } }
}
