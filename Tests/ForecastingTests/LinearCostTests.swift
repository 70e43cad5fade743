import Foundation
import Testing
@testable import Forecasting
@testable import ForecastingCore

/// Work that must grow linearly with the reps: the panel index, lags, future rows, a what-if's scenario
/// rows, the backtest's per-quarter matching and the drivers' per-team pass count the rows and lines they visit in a
/// `WorkMeter`. Doubling the reps must at most a little more than double each count; a scan of every
/// row per rep (what made 10× the reps cost 22–34× the time) would about quadruple it. The times
/// themselves are in Benchmarks/RESULTS.md, not here.
@Suite("Linear cost in the reps")
struct LinearCostTests {
    /// A history of `reps` reps × 18 months in four teams; a tenth of the reps join in month 7.
    static func history(reps: Int) throws -> SalesHistory {
        var text = "period,rep,team,calls,demos,proposals,revenue\n"
        var random = SplitMix(state: 20261130)
        for month in 0..<18 {
            let period = String(format: "%04d-%02d", 2025 + month / 12, month % 12 + 1)
            for rep in 0..<reps where rep % 10 != 3 || month >= 6 {
                let calls = 100 + random.next() % 80, demos = 2 + random.next() % 8, proposals = 1 + random.next() % 5
                let revenue = 900 * Double(demos) + 1500 * Double(proposals) + 4 * Double(calls) + Double(random.next() % 3000)
                text += "\(period),rep\(rep),team\(rep % 4),\(calls),\(demos),\(proposals),\(revenue)\n"
            }
        }
        return try SalesHistory(CSVReader.parse(text), period: "period", rep: "rep", team: "team")
    }

    struct SplitMix {
        var state: UInt64
        mutating func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) >> 33)
        }
    }

    /// The meter's counts after a forecast, a backtest, drivers and a what-if on `reps` reps.
    static func work(reps: Int) throws -> [String: Int] {
        let past = try history(reps: reps)
        let formula = "revenue ~ lag(demos, 1) + proposals + calls + C(team)"
        let meter = WorkMeter()
        try WorkMeter.$current.withValue(meter) {
            let model = try past.fit(formula)
            let quarter = try model.nextQuarter(history: past)
            _ = try model.forecast(quarter, history: past)
            // Changes for everyone, a team and a rep, a rep removed and one added: every path of a scenario.
            _ = try model.whatIf([Scenario(name: "More demos", changes: [ActivityChange(parsing: "demos=+20%")]),
                                  Scenario(name: "Mixed", changes: [ActivityChange(parsing: "calls[team=team1]=-10%"),
                                                                    ActivityChange(parsing: "proposals[rep=rep5]=+2")],
                                           headcount: [.remove(rep: "rep7"), .add(count: 1, team: "team2")])],
                                 in: quarter, history: past)
            _ = try past.backtest(formula, options: BacktestOptions(minimumTrainingQuarters: 4))
            _ = try past.drivers(formula)
        }
        return meter.byArea
    }

    @Test("Doubling the reps at most a little more than doubles the rows and lines visited")
    func doublingTheReps() throws {
        let small = try Self.work(reps: 200), large = try Self.work(reps: 400)
        for area in ["panel index", "panel rows", "lag", "future rows", "scenario rows", "backtest quarter", "drivers"] {
            let a = small[area] ?? 0, b = large[area] ?? 0
            #expect(a > 0, "\(area): nothing counted")
            #expect(Double(b) <= 2.2 * Double(a), "\(area): \(a) → \(b) units for twice the reps")
        }
        let total = { (counts: [String: Int]) in counts.values.reduce(0, +) }
        #expect(Double(total(large)) <= 2.2 * Double(total(small)), "in all: \(total(small)) → \(total(large))")
    }

    @Test("The panel index finds every row and no other")
    func panelIndex() throws {
        // Rows out of period order within a rep, a gap, and a row without a rep.
        let text = """
            period,rep,revenue
            2026-03,b,1
            2026-01,a,2
            2026-01,b,3
            2026-04,a,4
            2026-02,b,5
            2026-02,,6
            """
        let data = try CSVReader.parse(text)
        let panel = try Panel(data: data, layout: PanelLayout(period: "period", entity: "rep"))
        let a = try #require(panel.entityNames.firstIndex(of: "a")), b = try #require(panel.entityNames.firstIndex(of: "b"))
        #expect(Array(panel.rows(of: Int32(a))) == [1, 3])
        #expect(Array(panel.rows(of: Int32(b))) == [2, 4, 0])
        let january = try #require(Period("2026-01")).index
        #expect(panel.row(entity: Int32(a), period: january) == 1)
        #expect(panel.row(entity: Int32(a), period: january + 3) == 3)
        #expect(panel.row(entity: Int32(a), period: january + 1) == nil)
        #expect(panel.row(entity: Int32(b), period: january + 2) == 0)
        #expect(panel.row(entity: Int32(b), period: january + 3) == nil)
        #expect(panel.row(entity: -1, period: january + 1) == nil)
        // The same row k periods back, as a pass in file order asks for it.
        #expect(panel.row(0, lag: 1) == 4 && panel.row(0, lag: 2) == 2 && panel.row(0, lag: 3) == nil)
        #expect(panel.row(3, lag: 3) == 1 && panel.row(3, lag: 1) == nil && panel.row(3, lag: 2) == nil)
        #expect(panel.row(2, lag: 1) == nil && panel.row(5, lag: 1) == nil && panel.row(4, lag: 0) == 4)
        #expect(panel.row(2, lag: -2) == 0)
        #expect(panel.gaps.map(\.entity) == ["a"])
        #expect(panel.gaps.first?.missing.map(\.description) == ["2026-02", "2026-03"])
        #expect(panel.span?.first.description == "2026-01" && panel.span?.last.description == "2026-04")
    }

    @Test("Two rows for one rep and period name the first pair in the file")
    func duplicateRows() throws {
        let text = """
            period,rep,revenue
            2026-02,a,1
            2026-01,b,2
            2026-01,b,3
            2026-02,a,4
            """
        // a comes first in the index, but b's second row comes first in the file: that pair is named, as a scan of the file would.
        let data = try CSVReader.parse(text)
        #expect(throws: TimeError.duplicateRow(source: data.source.name, entity: "b", period: "2026-01", firstLine: 3, secondLine: 4)) {
            _ = try Panel(data: data, layout: PanelLayout(period: "period", entity: "rep"))
        }
    }
}
