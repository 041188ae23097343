import Foundation
import LeadSQLite

/// `leads report --html FILE`: one self-contained HTML page (inline CSS and SVG; no script, font or
/// image from anywhere) with the reports a manager looks at, read from the views of
/// Schema/97_reports.sql in one read transaction. It prints to PDF as it shows.
enum HTMLReport {
    /// The page for `db`, named after `path`.
    static func page(_ db: Database, path: String) throws -> String {
        try db.transaction(.deferred) {
            let now = try db.scalar("SELECT now FROM clock", as: String.self) ?? ""
            let totals = try db.query("""
                SELECT count(*), sum(l.closed_at IS NULL AND l.erased_at IS NULL), sum(s.outcome IS 'won'),
                       coalesce(sum(CASE WHEN s.outcome IS 'won' THEN l.amount END), 0)
                  FROM lead_records AS l JOIN stages AS s ON s.name = l.stage
                """)[0].values
            var body = "<header><h1>Leads report</h1><p>\(escape(path)) · as of \(escape(String(now.prefix(16)).replacingOccurrences(of: "T", with: " "))) UTC</p>"
            body += "<div class=\"kpis\">"
            for (label, value) in zip(["leads", "open", "won", "revenue won"], totals) {
                body += "<div><b>\(escape(number(value)))</b><span>\(label)</span></div>"
            }
            body += "</div></header>"
            body += try funnel(db) + sources(db) + sla(db) + cohorts(db) + attribution(db) + forecast(db) + calibration(db) + velocity(db)
            return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Leads report</title>
                <style>\(style)</style></head>
                <body>\(body)</body></html>

                """
        }
    }

    // MARK: - Sections

    static func funnel(_ db: Database) throws -> String {
        let rows = try db.query("""
            SELECT stage, sum(entered), round(100.0 * sum(reached_next) / sum(entered), 1), round(100.0 * sum(won) / sum(entered), 1)
              FROM funnel_conversion GROUP BY stage ORDER BY min(position)
            """)
        let bars = rows.map { (label: text($0[0]), value: double($0[1]), note: "\(number($0[1])) · \(number($0[2]))% went on · \(number($0[3]))% won") }
        return section("Funnel", "Entries into each stage, the share that went on to a later stage, and the share won.", barChart(bars))
    }

    static func sources(_ db: Database) throws -> String {
        let rows = try db.query("SELECT source, campaign, leads, mql_percent, sql_percent, won, revenue, median_days_to_win, cost_per_won FROM source_performance")
        let bars = rows.prefix(12).map { (label: "\(text($0[0])) / \(text($0[1]))", value: double($0[6]), note: number($0[6])) }
        let table = self.table(["source", "campaign", "leads", "MQL %", "SQL %", "won", "revenue", "days to win", "cost per won"], rows.map(\.values))
        let caption = "Where good leads come from: revenue won by source and campaign"
            + (rows.count > 12 ? " (the chart shows the top 12 of \(rows.count); the table has them all)." : ".")
        return section("Sources", caption, barChart(Array(bars)) + table)
    }

    static func sla(_ db: Database) throws -> String {
        let weeks = try db.query("SELECT week, round(100.0 * sum(met) / sum(due), 1), sum(due) FROM sla_compliance GROUP BY week ORDER BY week")
        let columns = weeks.map { (label: String(text($0[0]).suffix(5)), value: double($0[1]), note: "\(number($0[1]))%") }
        let reps = try db.query("SELECT rep, team, assigned, open, response_median_minutes, response_p90_minutes, sla_met_percent, won, win_percent, revenue FROM rep_performance")
        let table = self.table(["rep", "team", "assigned", "open", "first response (median min)", "p90 min", "SLA met %", "won", "win %", "revenue"], reps.map(\.values))
        return section("Response SLAs", "The share of response deadlines met, by week, and each rep's record.", columnChart(columns, maximum: 100) + table)
    }

    static func cohorts(_ db: Database) throws -> String {
        let rows = try db.query("SELECT month, leads, won_30_percent, won_60_percent, won_90_percent FROM cohorts")
        var html = "<table class=\"grid\"><tr><th>captured</th><th>leads</th><th>won in 30 days</th><th>60 days</th><th>90 days</th></tr>"
        for row in rows {
            html += "<tr><td>\(escape(text(row[0])))</td><td class=\"n\">\(escape(number(row[1])))</td>"
            for value in row.values.dropFirst(2) {
                if value.isNull {
                    html += "<td class=\"n dim\">not yet</td>"
                } else {
                    let share = min(1, max(0, double(value) / 100))
                    html += "<td class=\"n\" style=\"background: rgba(37, 99, 235, \(String(format: "%.2f", 0.08 + 0.6 * share)))\">\(escape(number(value)))%</td>"
                }
            }
            html += "</tr>"
        }
        return section("Cohorts", "Leads by the month they were captured, and the share won within 30, 60 and 90 days.", html + "</table>")
    }

    static func attribution(_ db: Database) throws -> String {
        let rows = try db.query("SELECT campaign, first_touch, last_touch, linear, u_shaped, won_leads FROM attribution")
        let bars = rows.map { (label: text($0[0]), value: double($0[3]), note: number($0[3])) }
        let table = self.table(["campaign", "first touch", "last touch", "linear", "U-shaped", "won leads"], rows.map(\.values))
        return section("Attribution", "Won revenue credited to campaigns under four models (bars: linear).", barChart(bars) + table)
    }

    static func forecast(_ db: Database) throws -> String {
        let rows = try db.query("SELECT month, deals, amount, weighted_amount FROM pipeline_forecast")
        let columns = rows.map { (label: text($0[0]), value: double($0[3]), note: number($0[3])) }
        let table = self.table(["expected close", "deals", "amount", "weighted by win probability"], rows.map(\.values))
        return section("Forecast", "Open deals by the month they are expected to close, weighted by each one's win probability.",
                       columnChart(columns, maximum: nil) + table)
    }

    static func calibration(_ db: Database) throws -> String {
        let rows = try db.query("SELECT decile, leads, predicted, actual FROM win_calibration")
        let bars = rows.map { row -> (label: String, value: Double, note: String) in
            (label: "group \(number(row[0])) (\(number(row[1])))", value: double(row[3]) * 100,
             note: "won \(Int((double(row[3]) * 100).rounded()))% · predicted \(Int((double(row[2]) * 100).rounded()))%")
        }
        return section("Win probability calibration",
                       "Closed leads, each predicted without itself, in groups of rising probability: the share won beside the mean prediction.",
                       barChart(bars))
    }

    static func velocity(_ db: Database) throws -> String {
        let rows = try db.query("SELECT stage, stays, median_days, p90_days FROM stage_velocity")
        let bars = rows.map { (label: text($0[0]), value: double($0[2]), note: "median \(number($0[2])) d · p90 \(number($0[3])) d") }
        return section("Stage velocity", "Days leads stay in each stage (median; the 90th percentile beside it).", barChart(bars))
    }

    // MARK: - Pieces

    static func section(_ title: String, _ caption: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"caption\">\(escape(caption))</p>\(content.isEmpty ? "<p class=\"dim\">Nothing yet.</p>" : content)</section>"
    }

    /// Horizontal bars, one a row: the label on the left, the bar, its note on the right.
    static func barChart(_ rows: [(label: String, value: Double, note: String)]) -> String {
        guard !rows.isEmpty else { return "" }
        let most = max(rows.map(\.value).max() ?? 0, 1e-9)
        let height = rows.count * 26 + 8
        var svg = "<svg class=\"chart\" viewBox=\"0 0 760 \(height)\" width=\"760\" height=\"\(height)\" role=\"img\">"
        for (index, row) in rows.enumerated() {
            let y = 4 + index * 26
            let width = max(0, row.value) / most * 400
            svg += "<text x=\"150\" y=\"\(y + 17)\" text-anchor=\"end\">\(escape(clip(row.label, 24)))</text>"
            svg += "<rect x=\"160\" y=\"\(y + 4)\" width=\"\(String(format: "%.1f", width))\" height=\"18\" rx=\"3\"/>"
            svg += "<text class=\"note\" x=\"\(String(format: "%.1f", 166 + width))\" y=\"\(y + 17)\">\(escape(row.note))</text>"
        }
        return svg + "</svg>"
    }

    /// Columns over time, one a label, with the value above each.
    static func columnChart(_ columns: [(label: String, value: Double, note: String)], maximum: Double?) -> String {
        guard !columns.isEmpty else { return "" }
        let most = max(maximum ?? columns.map(\.value).max() ?? 0, 1e-9)
        let step = min(80.0, 700.0 / Double(columns.count))
        // (many columns: every label would overlap; a label every few columns, values on hover only)
        let labelEvery = max(1, Int((Double(columns.count) / 12).rounded(.up)))
        let notes = columns.count <= 16
        var svg = "<svg class=\"chart\" viewBox=\"0 0 760 220\" width=\"760\" height=\"220\" role=\"img\"><line x1=\"40\" y1=\"190\" x2=\"750\" y2=\"190\"/>"
        for (index, column) in columns.enumerated() {
            let x = 50 + Double(index) * step
            let height = max(0, column.value) / most * 160
            svg += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", 190 - height))\" width=\"\(String(format: "%.1f", step * 0.7))\" height=\"\(String(format: "%.1f", height))\" rx=\"2\"/>"
            svg += "<title>\(escape(column.label)): \(escape(column.note))</title>"
            if notes {
                svg += "<text class=\"note\" x=\"\(String(format: "%.1f", x + step * 0.35))\" y=\"\(String(format: "%.1f", 185 - height))\" text-anchor=\"middle\">\(escape(column.note))</text>"
            }
            if index % labelEvery == 0 {
                svg += "<text x=\"\(String(format: "%.1f", x + step * 0.35))\" y=\"208\" text-anchor=\"middle\">\(escape(clip(column.label, 10)))</text>"
            }
        }
        return svg + "</svg>"
    }

    static func table(_ headers: [String], _ rows: [[DatabaseValue]]) -> String {
        guard !rows.isEmpty else { return "" }
        var html = "<table><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        for row in rows {
            html += "<tr>" + row.map { value in
                switch value {
                case .null: "<td class=\"dim\">–</td>"
                case .integer, .real: "<td class=\"n\">\(escape(number(value)))</td>"
                default: "<td>\(escape(text(value)))</td>"
                }
            }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    static let style = """
        body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2937; margin: 32px auto; max-width: 820px; padding: 0 16px; }
        header h1 { font-size: 26px; margin: 0; } header p { color: #6b7280; margin: 2px 0 16px; }
        .kpis { display: flex; gap: 12px; } .kpis div { flex: 1; background: #f3f4f6; border-radius: 8px; padding: 10px 14px; }
        .kpis b { display: block; font-size: 22px; } .kpis span { color: #6b7280; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        section { margin-top: 28px; } h2 { font-size: 18px; margin: 0; border-bottom: 2px solid #e5e7eb; padding-bottom: 4px; }
        .caption { color: #6b7280; margin: 4px 0 8px; }
        .chart { display: block; max-width: 100%; height: auto; } .chart rect { fill: #2563eb; } .chart line { stroke: #9ca3af; }
        .chart text { font-size: 12px; fill: #374151; } .chart text.note { fill: #6b7280; font-size: 11px; }
        table { border-collapse: collapse; width: 100%; margin-top: 8px; font-size: 12.5px; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #e5e7eb; text-align: left; } th { color: #6b7280; font-weight: 600; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; } .dim { color: #9ca3af; }
        table.grid td { border: 2px solid #fff; }
        @media print { body { margin: 0; max-width: none; } h2, .caption { break-after: avoid; } .chart, tr, .kpis { break-inside: avoid; } }
        """

    // MARK: - Values

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // (control characters, terminal escapes among them, shown as the replacement character)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += "&#xFFFD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func clip(_ text: String, _ count: Int) -> String { text.count > count ? String(text.prefix(count - 1)) + "…" : text }

    static func text(_ value: DatabaseValue) -> String {
        switch value {
        case .null: "(none)"
        case .text(let text): text
        default: number(value)
        }
    }

    static func double(_ value: DatabaseValue) -> Double {
        switch value {
        case .integer(let n): Double(n)
        case .real(let x): x
        default: 0
        }
    }

    /// A number as a person reads it: thousands grouped, at most two decimals; "–" for none.
    static func number(_ value: DatabaseValue) -> String {
        switch value {
        case .null: return "–"
        case .integer(let n): return grouped(Double(n), decimals: 0)
        case .real(let x): return grouped(x, decimals: x.rounded() == x ? 0 : (abs(x * 10).rounded() == abs(x * 10) ? 1 : 2))
        case .text(let text): return text
        case .blob: return "–"
        }
    }

    static func grouped(_ x: Double, decimals: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = ","
        formatter.minimumFractionDigits = decimals
        formatter.maximumFractionDigits = decimals
        return formatter.string(from: NSNumber(value: x)) ?? String(x)
    }
}
