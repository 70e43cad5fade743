import Foundation
import GRDB

extension ForecastLedger {
    /// Every recorded run, oldest first.
    public func runs() throws -> [LedgerRun] {
        try read { db in
            let inputs = try Row.fetchAll(db, sql: "SELECT run_id, role, path, sha256 FROM run_inputs ORDER BY rowid")
            var inputsByRun: [String: [LedgerInput]] = [:]
            for row in inputs { inputsByRun[row["run_id"], default: []].append(LedgerInput(role: row["role"], path: row["path"], sha256: row["sha256"])) }
            return try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY ran_at, id").map { row in
                LedgerRun(id: row["id"], ranAt: row["ran_at"], asOf: row["as_of"], horizon: row["horizon"], leadPeriods: row["lead_periods"],
                          response: row["response"], formula: row["formula"], modelChoice: row["model_choice"], covariance: row["covariance"],
                          level: row["level"], periods: row["periods"], toolVersion: row["tool_version"], lines: row["line_count"],
                          inputs: inputsByRun[row["id"]] ?? [])
            }
        }
    }

    /// The lines of one run (by id, or a unique prefix of it), reps first, then teams and the total.
    public func run(_ id: String) throws -> (run: LedgerRun, lines: [LedgerLine]) {
        let matches = try runs().filter { $0.id.hasPrefix(id.lowercased()) }
        guard matches.count == 1, let run = matches.first else { throw LedgerError.unknownRun(id) }
        return (run, try lines(ofRun: run.id))
    }

    /// The lines of runs, by run id.
    func lines(ofRun id: String? = nil, kind: ForecastLine.Kind? = nil) throws -> [LedgerLine] {
        try linesByRun(id: id, kind: kind)[id ?? ""] ?? []
    }

    func linesByRun(id: String? = nil, kind: ForecastLine.Kind? = nil) throws -> [String: [LedgerLine]] {
        try read { db in
            var sql = "SELECT * FROM lines WHERE 1"
            var arguments: StatementArguments = []
            if let id { sql += " AND run_id = ?"; arguments += [id] }
            if let kind { sql += " AND kind = ?"; arguments += [kind.rawValue] }
            var result: [String: [LedgerLine]] = [:]
            for row in try Row.fetchAll(db, sql: sql + " ORDER BY run_id, position", arguments: arguments) {
                let line = LedgerLine(kind: ForecastLine.Kind(rawValue: row["kind"]) ?? .rep, name: row["name"], team: row["team"],
                                      mean: row["mean"], standardError: row["se"], lower: row["lower"], upper: row["upper"],
                                      quota: row["quota"], quotaProbability: row["p_quota"], naiveRunRate: row["naive_run_rate"],
                                      naiveLastYear: row["naive_last_year"], periodsForecast: row["periods"])
                let key: String = id == nil ? row["run_id"] : id!
                result[key, default: []].append(line)
            }
            return result
        }
    }

    /// Realized totals per rep for a quarter: the sum and how many periods had a value.
    func actualTotals(response: String) throws -> [Int: [String: (sum: Double, count: Int, team: String?)]] {
        try read { db in
            var result: [Int: [String: (sum: Double, count: Int, team: String?)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT quarter_index, rep, sum(value) AS total, count(*) AS n, max(team) AS team FROM actuals
                WHERE response = ? GROUP BY quarter_index, rep
                """, arguments: [response]) {
                result[row["quarter_index"], default: [:]][row["rep"]] = (row["total"], row["n"], row["team"])
            }
            return result
        }
    }
}

extension ForecastLedger {
    /// `PRAGMA integrity_check` and the runs whose recorded lines do not match their line count (none, in a sound ledger).
    public func check() throws -> (integrity: String, partialRuns: [String]) {
        let integrity = try integrityCheck()
        let partial = try read { db in
            try String.fetchAll(db, sql: """
                SELECT r.id FROM runs r LEFT JOIN (SELECT run_id, count(*) AS n FROM lines GROUP BY run_id) l ON l.run_id = r.id
                WHERE coalesce(l.n, 0) != r.line_count
                UNION SELECT DISTINCT run_id FROM lines WHERE run_id NOT IN (SELECT id FROM runs)
                """)
        }
        return (integrity, partial)
    }
}
