import LeadSQLite

/// An output mode: its name, what it is for, and how it renders a result. Modes are data: `.mode`
/// lists and selects from `OutputMode.all`, and no printer switches on the mode name.
struct OutputMode: Sendable {
    let name: String
    let summary: String
    /// Whether this mode prints headers unless told otherwise.
    let headersByDefault: Bool
    /// Whether a report adds its bar chart as a column (for people; the data modes get the numbers only).
    var drawsCharts = false
    let render: @Sendable (ResultSet, RenderOptions) -> String

    init(name: String, summary: String, headersByDefault: Bool, drawsCharts: Bool = false,
         render: @escaping @Sendable (ResultSet, RenderOptions) -> String) {
        (self.name, self.summary, self.headersByDefault, self.drawsCharts, self.render) = (name, summary, headersByDefault, drawsCharts, render)
    }

    static let all: [OutputMode] = [
        OutputMode(name: "table", summary: "aligned columns in an ASCII grid", headersByDefault: true, drawsCharts: true) {
            renderGrid($0, $1, ascii)
        },
        OutputMode(name: "box", summary: "aligned columns in a box-drawing grid", headersByDefault: true, drawsCharts: true) {
            renderGrid($0, $1, box)
        },
        OutputMode(name: "list", summary: "values separated by |", headersByDefault: false) { result, options in
            var out = ""
            if options.headers { out += result.columns.joined(separator: "|") + "\n" }
            for row in result.rows { out += row.map { plain($0, options) }.joined(separator: "|") + "\n" }
            return out
        },
        OutputMode(name: "csv", summary: "comma-separated values (RFC 4180)", headersByDefault: true) { result, options in
            renderSeparated(result, options, separator: ",")
        },
        OutputMode(name: "tsv", summary: "tab-separated values", headersByDefault: true) { result, options in
            renderSeparated(result, options, separator: "\t")
        },
        OutputMode(name: "json", summary: "a JSON array of objects", headersByDefault: true) { result, _ in
            guard !result.rows.isEmpty else { return "" }
            return "[" + result.rows.map { jsonObject(result.columns, $0) }.joined(separator: ",\n") + "]\n"
        },
        OutputMode(name: "jsonl", summary: "one JSON object per line", headersByDefault: true) { result, _ in
            result.rows.map { jsonObject(result.columns, $0) + "\n" }.joined()
        },
        OutputMode(name: "line", summary: "one value per line: column = value", headersByDefault: true) { result, options in
            let width = result.columns.map(displayWidth).max() ?? 0
            return result.rows.map { row in
                zip(result.columns, row).map { pad($0, width, right: true) + " = " + plain($1, options) + "\n" }.joined()
            }.joined(separator: "\n")
        },
        OutputMode(name: "markdown", summary: "a Markdown table", headersByDefault: true) { result, options in
            let cells = result.rows.map { $0.map { plain($0, options).replacingOccurrences(of: "|", with: "\\|") } }
            let widths = columnWidths(result.columns, cells)
            var out = "| " + zip(result.columns, widths).map { pad($0, $1) }.joined(separator: " | ") + " |\n"
            out += "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|\n"
            for row in cells { out += "| " + zip(row, widths).map { pad($0, $1) }.joined(separator: " | ") + " |\n" }
            return out
        },
    ]

    static func named(_ name: String) -> OutputMode? { all.first { $0.name == name.lowercased() } }
}

// MARK: - Rendering helpers

private struct GridStyle: Sendable {
    let top: (String, String, String, String)  // left, fill, join, right
    let middle: (String, String, String, String)
    let bottom: (String, String, String, String)
    let vertical: String
}

private let ascii = GridStyle(
    top: ("+", "-", "+", "+"), middle: ("+", "-", "+", "+"), bottom: ("+", "-", "+", "+"), vertical: "|")
private let box = GridStyle(
    top: ("┌", "─", "┬", "┐"), middle: ("├", "─", "┼", "┤"), bottom: ("└", "─", "┴", "┘"), vertical: "│")

private func renderGrid(_ result: ResultSet, _ options: RenderOptions, _ style: GridStyle) -> String {
    guard !result.columns.isEmpty else { return "" }
    let cells = result.rows.map { $0.map { display($0, options) } }
    let headerCells = result.columns.map { display(.text($0), options) }
    let widths = columnWidths(options.headers ? headerCells : result.columns.map { _ in "" }, cells)
    func rule(_ parts: (String, String, String, String)) -> String {
        parts.0 + widths.map { String(repeating: parts.1, count: $0 + 2) }.joined(separator: parts.2) + parts.3 + "\n"
    }
    func line(_ values: [String], numeric: [Bool]) -> String {
        style.vertical + " " + zip(values, widths).enumerated().map { index, pair in
            pad(pair.0, pair.1, right: numeric[index])
        }.joined(separator: " " + style.vertical + " ") + " " + style.vertical + "\n"
    }
    var out = rule(style.top)
    if options.headers {
        out += line(headerCells, numeric: result.columns.map { _ in false })
        out += rule(style.middle)
    }
    for (row, values) in zip(cells, result.rows) {
        out += line(row, numeric: values.map(isNumber))
    }
    out += rule(style.bottom)
    return out
}

private func renderSeparated(_ result: ResultSet, _ options: RenderOptions, separator: String) -> String {
    func field(_ text: String) -> String {
        let special = text.contains(separator) || text.contains("\"") || text.contains("\n") || text.contains("\r")
        return special ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    var out = ""
    if options.headers { out += result.columns.map(field).joined(separator: separator) + "\r\n" }
    for row in result.rows {
        out += row.map { field($0.isNull ? options.nullValue : plain($0, options)) }.joined(separator: separator) + "\r\n"
    }
    return out
}

private func columnWidths(_ headers: [String], _ rows: [[String]]) -> [Int] {
    var widths = headers.map(displayWidth)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
    }
    return widths
}

private func isNumber(_ value: DatabaseValue) -> Bool {
    switch value {
    case .integer, .real: true
    default: false
    }
}

/// A value as plain text: NULL as the null value, blobs as hex, control characters other than line
/// breaks and tabs escaped (a value never acts on the terminal).
func plain(_ value: DatabaseValue, _ options: RenderOptions) -> String {
    switch value {
    case .null: options.nullValue
    case .integer(let v): String(v)
    case .real(let v): formatReal(v)
    case .text(let v): escapingControls(v, keepingLineBreaks: true)
    case .blob(let v): "x'" + v.map { String(format: "%02x", $0) }.joined() + "'"
    }
}

/// A value for a grid cell: like `plain`, but NULL is visible and control characters are escaped so
/// one cell stays on one line.
private func display(_ value: DatabaseValue, _ options: RenderOptions) -> String {
    if value.isNull { return options.nullValue.isEmpty ? "NULL" : options.nullValue }
    return escapingControls(plain(value, options).replacingOccurrences(of: "\r\n", with: "\n"))
}

func formatReal(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(format: "%.1f", value) }
    return String(value)
}

private func jsonObject(_ columns: [String], _ row: [DatabaseValue]) -> String {
    "{" + zip(columns, row).map { JSONText.quoted($0) + ":" + jsonValue($1) }.joined(separator: ",") + "}"
}

private func jsonValue(_ value: DatabaseValue) -> String {
    switch value {
    case .null: "null"
    case .integer(let v): String(v)
    case .real(let v): v.isFinite ? String(v) : "null"
    case .text(let v): JSONText.quoted(v)
    case .blob(let v): JSONText.quoted(v.map { String(format: "%02x", $0) }.joined())
    }
}

