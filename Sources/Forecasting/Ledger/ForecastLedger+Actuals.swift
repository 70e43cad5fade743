import Foundation
import GRDB

extension ForecastLedger {
    /// Loads realized results per rep and period (a history: the same columns), in one transaction.
    ///
    /// A value already in the ledger is left alone; a changed value replaces it and the old one is kept in
    /// `actual_revisions` with the time of the change, so loading the same file twice changes nothing.
    @discardableResult
    public func loadActuals(_ history: SalesHistory, response: String, loadedAt: Date = Date()) throws -> ActualsLoad {
        guard let panel = history.panel, let layout = history.layout else { throw ForecastError.noPeriods(source: history.sourceName) }
        let values = try history.data.numbers(response)
        var teams: TextColumn?
        if let group = layout.group, case .text(let names) = try history.data.column(group) { teams = names }
        let now = Self.timestamp(loadedAt)
        return try write { db in
            var load = ActualsLoad(added: 0, revised: 0, unchanged: 0)
            for row in 0..<values.count where panel.entities[row] >= 0 && !values[row].isNaN {
                let rep = panel.entityNames[Int(panel.entities[row])]
                let period = panel.periods[row]
                let value = values[row]
                let existing = try Double.fetchOne(db, sql: "SELECT value FROM actuals WHERE response = ? AND rep = ? AND period = ?",
                                                   arguments: [response, rep, period.description])
                if let existing {
                    if existing == value { load.unchanged += 1; continue }
                    try db.execute(sql: """
                        INSERT INTO actual_revisions (response, rep, period, previous, value, revised_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [response, rep, period.description, existing, value, now])
                    try db.execute(sql: "UPDATE actuals SET value = ?, loaded_at = ?, team = ? WHERE response = ? AND rep = ? AND period = ?",
                                   arguments: [value, now, teams?[row], response, rep, period.description])
                    load.revised += 1
                } else {
                    try db.execute(sql: """
                        INSERT INTO actuals (response, rep, period, quarter_index, team, value, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [response, rep, period.description, period.quarter.index, teams?[row], value, now])
                    load.added += 1
                }
            }
            return load
        }
    }

    /// Revisions of actuals: the previous value, the new one and when it changed.
    public func actualRevisions() throws -> [(rep: String, period: String, previous: Double, value: Double, revisedAt: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT rep, period, previous, value, revised_at FROM actual_revisions ORDER BY rowid").map {
                (rep: $0["rep"], period: $0["period"], previous: $0["previous"], value: $0["value"], revisedAt: $0["revised_at"])
            }
        }
    }
}
