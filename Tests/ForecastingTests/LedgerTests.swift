import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

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
}
