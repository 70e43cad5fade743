import Foundation

/// The panel built from CRM exports: one row per rep and period of employment, with a count column
/// per activity type, the deals won and their revenue (and the tenure when the roster gives start dates).
///
/// ```swift
/// let panel = try ActivityPanel(activities: "activities.csv", deals: "deals.csv", roster: "roster.csv")
/// try AtomicFile.write(panel.csv(), to: "panel.csv")
/// print(panel.note)                                   // what was counted, dropped and why
/// let history = try panel.history()                   // straight into fitting and forecasting
/// ```
public struct ActivityPanel: Sendable {
    /// One row: a rep in a period.
    public struct Row: Sendable, Equatable {
        /// The period.
        public var period: Period
        /// The rep.
        public var rep: String
        /// The rep's team in the period, or `nil` when neither a roster nor the exports give teams.
        public var team: String?
        /// The activity counts, parallel to ``ActivityPanel/activityColumns``.
        public var counts: [Int]
        /// Won deals closed in the period.
        public var dealsWon: Int
        /// The sum of their amounts, exact to the cent.
        public var revenue: CentAmount
        /// Months since the rep's start month at the period's last day (1 in the start month), or
        /// `nil` without start dates.
        public var tenureMonths: Int?
    }

    /// The period's frequency.
    public let frequency: PeriodFrequency
    /// The count columns, in order: the type map's columns first (in its order), then the others alphabetically.
    public let activityColumns: [String]
    /// The rows, sorted by period, then rep.
    public let rows: [Row]
    /// Whether rows carry a team.
    public let hasTeam: Bool
    /// Whether rows carry a tenure.
    public let hasTenure: Bool
    /// What was read, counted and dropped.
    public let note: ActivityPanelNote

    /// The panel's column names: `period, rep[, team], <counts>, deals_won, revenue[, tenure_months]`.
    public var columnNames: [String] {
        ["period", "rep"] + (hasTeam ? ["team"] : []) + activityColumns + ["deals_won", "revenue"] + (hasTenure ? ["tenure_months"] : [])
    }

    /// The names the panel uses for its own columns, which an activity type cannot take.
    public static let reservedColumnNames: Set<String> = ["period", "rep", "team", "deals_won", "revenue", "tenure_months"]

    /// The panel as CSV text, with a header; periods are written as the other commands read them
    /// (`2026-03`, `2026-W07`, `2026-Q1`) and revenue with two decimals.
    public func csv() -> String {
        var text = columnNames.map(Self.csvField).joined(separator: ",") + "\n"
        text.reserveCapacity(rows.count * (40 + 6 * activityColumns.count))
        for row in rows {
            text += row.period.description
            text += ","
            text += Self.csvField(row.rep)
            if hasTeam { text += "," + Self.csvField(row.team ?? "") }
            for count in row.counts { text += "," + String(count) }
            text += "," + String(row.dealsWon) + "," + row.revenue.description
            if hasTenure { text += "," + (row.tenureMonths.map(String.init) ?? "") }
            text += "\n"
        }
        return text
    }

    /// The panel as a ``Dataset`` (periods as text, counts and revenue as numbers).
    public var dataset: Dataset {
        get throws {
            var columns: [(name: String, column: Column)] = [
                ("period", .text(TextColumn(rows.map { $0.period.description }))),
                ("rep", .text(TextColumn(rows.map { $0.rep }))),
            ]
            if hasTeam { columns.append(("team", .text(TextColumn(rows.map { $0.team })))) }
            for (index, name) in activityColumns.enumerated() {
                columns.append((name, .numeric(rows.map { Double($0.counts[index]) })))
            }
            columns.append(("deals_won", .numeric(rows.map { Double($0.dealsWon) })))
            columns.append(("revenue", .numeric(rows.map { $0.revenue.doubleValue })))
            if hasTenure { columns.append(("tenure_months", .numeric(rows.map { $0.tenureMonths.map(Double.init) ?? .nan }))) }
            return try Dataset(columns, source: DataSource(name: note.activityPath))
        }
    }

    /// The panel as a history laid out by `period`, `rep` and (when there is one) `team`.
    public func history() throws -> SalesHistory {
        try SalesHistory(dataset, period: "period", rep: "rep", team: hasTeam ? "team" : nil)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") || text.hasSuffix(" ") else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
