import Foundation
import Testing
import TestSupport

// Shared by the <Command>CommandTests files: the example data's paths, a reader of the example history
// (so expected values are derived from the data independently of the library), a small CSV parser for
// the tool's CSV output, and JSON helpers.

/// The bundled example data and the README's formula.
enum Example {
    static let history = Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path
    static let quotas = Fixtures.root.appendingPathComponent("examples/data/quotas.csv").path
    static let scenarios = Fixtures.root.appendingPathComponent("examples/scenarios.json").path
    static let truth = Fixtures.root.appendingPathComponent("examples/data/truth.json").path
    static let readmeFormula =
        "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"
    static let readmeTerms = [
        "Intercept", "season(period, 'quarter')[T.Q2]", "season(period, 'quarter')[T.Q3]",
        "season(period, 'quarter')[T.Q4]", "lag(demos, 1)", "lag(meetings, 2)", "proposals", "calls", "emails",
    ]
}

/// Months since year 0 for "YYYY-MM" (and back).
func monthIndex(_ period: String) -> Int? {
    let parts = period.split(separator: "-")
    guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
    return year * 12 + month - 1
}

func monthString(_ index: Int) -> String {
    String(format: "%04d-%02d", index / 12, index % 12 + 1)
}

/// The example history, read directly (it has no quoted cells), one entry per data row.
struct History: Sendable {
    struct Row: Sendable {
        var line: Int          // line in the file (header is line 1)
        var text: String       // the row as written
        var month: Int
        var rep: String
        var team: String
        var values: [String: Double]
    }

    var headerText: String
    var header: [String]
    var rows: [Row]

    static func load(_ path: String = Example.history) throws -> History {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let headerText = try #require(lines.first)
        let header = headerText.split(separator: ",").map(String.init)
        var rows: [Row] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            try #require(!line.contains("\""), "the example history is expected to have no quoted cells")
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try #require(cells.count == header.count)
            var values: [String: Double] = [:]
            for (name, cell) in zip(header, cells) { if let value = Double(cell) { values[name] = value } }
            let record = Dictionary(uniqueKeysWithValues: zip(header, cells))
            rows.append(Row(line: offset + 2, text: line, month: try #require(monthIndex(record["period"] ?? "")),
                            rep: record["rep"] ?? "", team: record["team"] ?? "", values: values))
        }
        return History(headerText: headerText, header: header, rows: rows)
    }

    var firstMonth: [String: Int] { rows.reduce(into: [:]) { $0[$1.rep] = min($0[$1.rep] ?? .max, $1.month) } }
    var lastMonth: Int { rows.map(\.month).max() ?? 0 }
    /// Reps with a row in the last month (the ones a forecast covers).
    var activeReps: [String] { Array(Set(rows.filter { $0.month == lastMonth }.map(\.rep))).sorted() }
    var teamOf: [String: String] { rows.reduce(into: [:]) { $0[$1.rep] = $1.team } }

    /// Whether every rep has one row per month from its first to its last (so a lag of k periods is k rows back).
    var monthsAreContiguous: Bool {
        Dictionary(grouping: rows, by: \.rep).values.allSatisfy { rows in
            let months = rows.map(\.month).sorted()
            return months.last! - months.first! + 1 == months.count && Set(months).count == months.count
        }
    }

    /// Rows whose month is at least `k` months after the rep's first month.
    func rows(withHistory k: Int) -> [Row] {
        let first = firstMonth
        return rows.filter { $0.month >= first[$0.rep]! + k }
    }

    /// The run-rate projection: a rep's average of `column` over its last three rows.
    func runRate(_ column: String, rep: String) -> Double {
        let last = rows.filter { $0.rep == rep }.sorted { $0.month < $1.month }.suffix(3)
        return last.map { $0.values[column]! }.reduce(0, +) / Double(last.count)
    }

    /// A CSV of the header and these rows, as written in the file.
    func csv(_ subset: [Row]) -> String {
        ([headerText] + subset.map(\.text)).joined(separator: "\n") + "\n"
    }
}

/// A CSV table parsed with quoting (RFC 4180), for the tool's CSV output.
struct CSVTable {
    var header: [String]
    var rows: [[String]]

    init(_ text: String) {
        var records: [[String]] = [], record: [String] = [], field = ""
        var inQuotes = false, fieldStarted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" { inQuotes = true; fieldStarted = true
            } else if c == "," { record.append(field); field = ""; fieldStarted = true
            } else if c == "\n" || c == "\r\n" {
                if fieldStarted || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
                record = []; field = ""; fieldStarted = false
            } else { field.append(c); fieldStarted = true }
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    func column(_ name: String) -> [String]? {
        guard let index = header.firstIndex(of: name) else { return nil }
        return rows.map { index < $0.count ? $0[index] : "" }
    }

    func numbers(_ name: String) -> [Double]? { column(name)?.map { Double($0) ?? .nan } }
}

/// Runs the tool and requires exit status 0 (the failure names the command and its stderr).
func runSucceeding(_ arguments: [String], in directory: URL? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRunner.Run {
    let run = try CLIRunner.run(arguments, in: directory)
    try #require(run.status == 0, "salesforecast \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr)",
                 sourceLocation: sourceLocation)
    return run
}

func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(text.prefix(200))", sourceLocation: sourceLocation)
}

func jsonObject(file path: String) throws -> [String: Any] {
    try jsonObject(String(contentsOfFile: path, encoding: .utf8))
}

/// A JSON number as a Double (nil for null, text or absent).
func double(_ value: Any?) -> Double? {
    if value is NSNull { return nil }
    if let value = value as? Double { return value }
    if let value = value as? Int { return Double(value) }
    return (value as? NSNumber)?.doubleValue
}

func int(_ value: Any?) -> Int? {
    if let value = value as? Int { return value }
    return (value as? NSNumber)?.intValue
}

/// |a − b| ≤ tolerance·max(|a|, |b|).
func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    a.isFinite && b.isFinite && abs(a - b) <= tolerance * max(abs(a), abs(b))
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}
