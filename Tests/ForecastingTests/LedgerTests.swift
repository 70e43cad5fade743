import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore
import GRDB

@Suite("The forecast ledger: recording, actuals, scores, and what it refuses")
struct LedgerTests {
    static let formula = "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')"
    static var examplePath: String { Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }

    @Test("Replay: one-quarter-ahead runs with known activities, scored, give the backtest's WAPE and coverage")
    func replayMatchesBacktest() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.examplePath))
        let report = try history.backtest(Self.formula, options: BacktestOptions(modes: [.known]))
        let quarters = Array(report.quarters.suffix(8))
        #expect(quarters.count == 8)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try ForecastLedger(path: dir.appendingPathComponent("ledger.sqlite").path)
        let panel = try #require(history.panel)
        for quarter in quarters {
            let training = try SalesHistory(history.data.selectingRows((0..<history.data.rowCount).filter { panel.periods[$0].quarter.index < quarter.index }),
                                            layout: history.layout)
            let plan = history.data.selectingRows((0..<history.data.rowCount).filter { panel.periods[$0].quarter.index == quarter.index })
            let model = try training.fit(Self.formula)
            let run = try model.forecast(quarter, plan: plan, level: 0.8, history: training)
            try ledger.record(run, history: training)
        }
        let load = try ledger.loadActuals(history, response: "revenue")
        #expect(load.added == history.data.rowCount && load.revised == 0)
        let again = try ledger.loadActuals(history, response: "revenue")
        #expect(again.added == 0 && again.revised == 0 && again.unchanged == load.added)

        let score = try ledger.score(level: .rep)
        let scored = report.forecasts.filter { quarters.contains($0.quarter) }
        let modelMethod = BacktestReport.modelMethod(.known)
        func wape(_ method: String, _ items: [BacktestForecast]) -> Double {
            items.map { abs($0.forecasts[method]! - $0.actual) }.reduce(0, +) / items.map { abs($0.actual) }.reduce(0, +)
        }
        let all = try #require(score.scores.first { $0.method == "model" && $0.horizon == "all" })
        #expect(all.n == scored.count)
        #expect(Self.close(all.wape, wape(modelMethod, scored)))
        let coverage = Double(scored.filter { $0.intervals80[modelMethod]!.contains($0.actual) }.count) / Double(scored.count)
        #expect(all.coverage == coverage)
        #expect(all.intervalLevel == 0.8)
        for (method, name) in [("naive-run-rate", BacktestReport.runRate), ("naive-last-year", BacktestReport.lastYear)] {
            let s = try #require(score.scores.first { $0.method == method && $0.horizon == "all" })
            #expect(s.n == scored.count && Self.close(s.wape, wape(name, scored)))
        }
        for q in report.wapeByQuarter where quarters.contains(q.quarter) {
            let s = try #require(score.scores.first { $0.method == "model" && $0.horizon == q.quarter.description })
            #expect(Self.close(s.wape * 100, q.wape[modelMethod]!))
        }
        #expect(score.runsScored == 8)
        #expect(try ledger.runs().count == 8)
        #expect(try ledger.integrityCheck() == "ok")
    }

    @Test("Actuals: loading twice changes nothing; a changed value is a revision with its time")
    func actualsRevisions() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try ForecastLedger(path: dir.appendingPathComponent("l.sqlite").path)
        let csv = "period,rep,team,revenue\n2026-01,Ann,A,100\n2026-02,Ann,A,110\n2026-01,Bo,B,50\n"
        let first = try SalesHistory(CSVReader.parse(csv))
        #expect(try ledger.loadActuals(first, response: "revenue") == ActualsLoad(added: 3, revised: 0, unchanged: 0))
        #expect(try ledger.loadActuals(first, response: "revenue") == ActualsLoad(added: 0, revised: 0, unchanged: 3))
        let changed = try SalesHistory(CSVReader.parse(csv.replacingOccurrences(of: "Ann,A,110", with: "Ann,A,120")))
        #expect(try ledger.loadActuals(changed, response: "revenue") == ActualsLoad(added: 0, revised: 1, unchanged: 2))
        let revisions = try ledger.actualRevisions()
        #expect(revisions.count == 1 && revisions[0].rep == "Ann" && revisions[0].period == "2026-02")
        #expect(revisions[0].previous == 110 && revisions[0].value == 120 && !revisions[0].revisedAt.isEmpty)
    }

    @Test("Team and total lines, --since, lead time, and what the ledger refuses")
    func levelsAndRefusals() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.examplePath))
        let panel = try #require(history.panel)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("l.sqlite").path
        let ledger = try ForecastLedger(path: path)
        let last = try #require(panel.span?.last)
        let training = try SalesHistory(history.data.selectingRows((0..<history.data.rowCount).filter { panel.periods[$0].quarter < last.quarter }),
                                        layout: history.layout)
        let run = try training.fit("revenue ~ proposals + demos").forecast(last.quarter, history: training)
        let id = try ledger.record(run, history: training, inputs: [LedgerInput(role: "history", path: Self.examplePath)])
        let (recorded, lines) = try ledger.run(String(id.prefix(6)))
        #expect(recorded.lines == run.reps.count + run.teams.count + 1 && lines.count == recorded.lines)
        #expect(recorded.leadPeriods == 3 && recorded.inputs.first?.sha256?.count == 64)
        #expect(lines.last?.kind == .total && lines.last?.naiveRunRate != nil && lines.last?.naiveLastYear != nil)
        try ledger.loadActuals(history, response: "revenue")
        let total = try ledger.score(level: .total)
        #expect(total.scores.first { $0.method == "model" && $0.horizon == "all" }?.n == 1)
        #expect(try ledger.score(level: .team).scores.first { $0.horizon == "all" }?.n == run.teams.count)
        #expect(try ledger.score(since: Period(quarter: "2030-Q1")).scores.isEmpty)
        #expect(try ledger.score().byLead.first?.leadPeriods == 3)

        // Refusals: a newer schema, a database that is not a ledger, a missing folder, a missing ledger.
        let newer = dir.appendingPathComponent("newer.sqlite").path
        try DatabaseQueue(path: newer).write { db in
            try db.execute(sql: "CREATE TABLE runs (id TEXT); PRAGMA application_id = \(LedgerSchema.applicationID); PRAGMA user_version = 2")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: newer))
        #expect(throws: LedgerError.newerSchema(path: newer, version: 2, supported: 1)) { try ForecastLedger(path: newer) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: newer)) == before)
        let other = dir.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE t (a)") }
        #expect(throws: LedgerError.notALedger(path: other)) { try ForecastLedger(path: other) }
        #expect(throws: LedgerError.missingDirectory(path: dir.appendingPathComponent("nope").path)) {
            try ForecastLedger(path: dir.appendingPathComponent("nope/l.sqlite").path)
        }
        #expect(throws: LedgerError.missingLedger(path: dir.appendingPathComponent("none.sqlite").path)) {
            try ForecastLedger(path: dir.appendingPathComponent("none.sqlite").path, create: false)
        }
    }
}
