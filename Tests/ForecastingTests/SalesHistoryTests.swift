import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// The history as the entry point: the layout given once, the model doing the rest, and the
/// refusals that keep a forecast honest.
@Suite("Sales history and planning")
struct SalesHistoryTests {
    static let path = Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path
    static let formula = "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"

    @Test("The quarterly run through the history equals the free functions it replaced")
    func quarterlyRun() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.path))
        #expect(history.layout == PanelLayout(period: "period", entity: "rep", group: "team"))
        let model = try history.fit(Self.formula, covariance: .cluster(["rep"]))
        let forecast = try model.forecast("2026-Q4")
        // The same computation with the layout given by hand.
        let data = try CSVReader.read(path: Self.path)
        let layout = PanelLayout(period: "period", entity: "rep", group: "team")
        let direct = try forecastQuarter(history: data, formula: Self.formula, options: RegressionOptions(covariance: .cluster(["rep"])),
                                         request: ForecastRequest(horizon: try Period(quarter: "2026-Q4"), layout: layout))
        #expect(forecast.total.rollUp.mean == direct.total.rollUp.mean)
        // Cluster sums are added in a dictionary's order, so the last bit may differ between two fits.
        #expect(abs(forecast.total.rollUp.observationSE - direct.total.rollUp.observationSE) <= 1e-13 * direct.total.rollUp.observationSE)
        #expect(try model.nextQuarter() == Period(quarter: "2026-Q4"))
        let outcome = try model.whatIf(["demos=+20%"], in: "2026-Q4")
        #expect(outcome.difference > 0 && outcome.differenceInterval.lower < outcome.difference)
    }

    @Test("The response on both sides is refused")
    func responseOnBothSides() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.path))
        #expect(throws: RegressionError.responseOnBothSides("revenue")) { try history.fit("revenue ~ revenue") }
        #expect(throws: RegressionError.responseOnBothSides("revenue")) { try history.fit("revenue ~ demos + revenue") }
    }

    @Test("A plan without an activity the model needs is refused by name, or projected when asked and said so")
    func planMissingColumn() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.path))
        let model = try history.fit("revenue ~ demos + proposals")
        let plan = try Dataset([("period", .text(TextColumn(["2026-10"]))), ("rep", .text(TextColumn(["Owen Murphy"]))),
                                ("proposals", .numeric([5]))], source: DataSource(name: "plan.csv"))
        #expect(throws: ForecastError.planMissingActivity("demos", source: "plan.csv")) { try model.forecast("2026-Q4", plan: plan) }
        #expect("\(ForecastError.planMissingActivity("demos", source: "plan.csv"))"
                == "plan.csv: the plan has no column 'demos', which the model needs; add the column, or have it projected from history")
        let projected = try model.forecast("2026-Q4", plan: plan, projectMissingPlanColumns: true)
        #expect(projected.warnings.contains { $0.contains("'demos'") && $0.contains("projected") })
    }

    @Test("A plan naming a level the model never saw is reported at the plan's file and line")
    func unseenLevelInPlan() throws {
        let history = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.path))
        let model = try history.fit("revenue ~ demos + C(team)")
        let plan = try Dataset([("period", .text(TextColumn(["2026-10", "2026-11"]))),
                                ("rep", .text(TextColumn(["Owen Murphy", "Ann New"]))),
                                ("team", .text(TextColumn(["Enterprise", "Partners"]))), ("demos", .numeric([5, 6]))],
                               source: DataSource(name: "plan.csv"))
        let error = #expect(throws: ForecastError.self) { try model.forecast("2026-Q4", plan: plan) }
        guard case let .unseenLevel(term, level, source, line, _) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(term == "C(team)" && level == "Partners" && source == "plan.csv" && line == 3)
    }

    @Test("A horizon far past the history is forecast with a warning")
    func farHorizon() throws {
        let model = try SalesHistory(contentsOf: URL(fileURLWithPath: Self.path)).fit("revenue ~ demos + proposals")
        #expect(try model.forecast("2026-Q4").warnings.allSatisfy { !$0.contains("more than a year after") })
        #expect(try model.forecast("2029-Q4").warnings.contains { $0.contains("more than a year after") })
    }

    @Test("A history without periods fits, and says what a forecast needs")
    func plainTable() throws {
        let data = try CSVReader.read(path: Fixtures.path("nist/Longley.csv"))
        let history = try SalesHistory(data)
        #expect(history.layout == nil)
        let model = try history.fit("y ~ x1 + x2")
        #expect(throws: ForecastError.self) { try model.forecast("2026-Q4") }
        #expect(throws: TimeError.self) { try history.fit("y ~ lag(x1, 1)") }
    }

    @Test("A large file is fitted a block at a time only when the model allows it: never a mixed model")
    func blockFittingLeavesMixedModelsWhole() throws {
        // A sparse file over the threshold: only its size is read.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("blocks-\(UUID().uuidString).csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("rep,x1,y\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(SalesHistory.blockFittingThreshold + 1))
        try handle.close()
        #expect(SalesHistory.fitsInBlocks(csvPath: path, formula: try Formula("y ~ x1"), options: RegressionOptions()))
        #expect(!SalesHistory.fitsInBlocks(csvPath: path, formula: try Formula("y ~ x1 + (1 | rep)"), options: RegressionOptions()))
    }
}
