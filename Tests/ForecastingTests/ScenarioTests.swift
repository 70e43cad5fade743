import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Scenarios, goal seek and drivers")
struct ScenarioTests {
    @Test("Changes read as written", arguments: [
        ("demos=+20%", "demos=+20%"), ("calls=-50", "calls=-50"), ("meetings=40", "meetings=40"),
        ("demos[team=SMB-East]=+5%", "demos[team=SMB-East]=+5%"), (" calls [rep=Ana Petrov] = -10% ", "calls[rep=Ana Petrov]=-10%"),
    ])
    func parse(_ text: String, _ canonical: String) throws {
        #expect(try ActivityChange(parsing: text).description == canonical)
    }

    @Test("Malformed changes are refused with a reason", arguments: ["demos", "demos=20%", "=5", "demos=abc", "demos[region=x]=1", "demos=-150%", "demos=-3x"])
    func refused(_ text: String) {
        #expect(throws: ScenarioError.self) { try ActivityChange(parsing: text) }
    }

    /// A plan of two reps over one quarter for a model without lags: differences are then exactly Δx·β.
    static func setting() throws -> (LinearModel, LinearModel, ForecastRequest) {
        let data = try CSVReader.read(path: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path)
        let results = try fit("revenue ~ demos + proposals + calls + C(team)", to: data)
        let model = results
        let plan = try Dataset([
            ("period", .text(TextColumn(["2026-10", "2026-11", "2026-12", "2026-10", "2026-11", "2026-12"]))),
            ("rep", .text(TextColumn(["A", "A", "A", "B", "B", "B"]))),
            ("team", .text(TextColumn(["Enterprise", "Enterprise", "Enterprise", "SMB-East", "SMB-East", "SMB-East"]))),
            ("demos", .numeric([10, 12, 8, 5, 6, 7])), ("proposals", .numeric([4, 5, 3, 2, 2, 3])), ("calls", .numeric([100, 120, 90, 200, 210, 190])),
        ])
        let request = ForecastRequest(horizon: try #require(Period("2026-Q4")), layout: PanelLayout(period: "period", entity: "rep", group: "team"),
                                      plan: plan, level: 0.9)
        return (model, results, request)
    }

    @Test("A scenario's difference is Δactivities·β, and its interval comes from the covariance directly")
    func differenceIsLinear() throws {
        let (model, results, request) = try Self.setting()
        let scenario = Scenario(name: "s", changes: [try ActivityChange(parsing: "demos=+20%"), try ActivityChange(parsing: "calls[team=SMB-East]=-50")])
        let report = try whatIf(history: nil, model: model, request: request, scenarios: [scenario])
        let outcome = try #require(report.outcomes.first)
        // Δdemos = 20% of (10+12+8+5+6+7) = 9.6; Δcalls = −50 × 3 rows of rep B.
        let names = results.columnNames
        let demos = try #require(names.firstIndex(of: "demos")), calls = try #require(names.firstIndex(of: "calls"))
        var d = [Double](repeating: 0, count: names.count)
        d[demos] = 9.6
        d[calls] = -150
        let expected = 9.6 * results.coefficients[demos] - 150 * results.coefficients[calls]
        #expect(abs(outcome.difference - expected) <= 1e-9 * abs(expected))
        var variance = 0.0
        for i in 0..<d.count { for j in 0..<d.count { variance += d[i] * results.covariance[i, j] * d[j] } }
        #expect(abs(outcome.differenceSE - variance.squareRoot()) <= 1e-9 * variance.squareRoot())
        let q = StudentTDistribution(degreesOfFreedom: results.dfResidual).quantile(0.95)
        #expect(abs(outcome.differenceInterval.upper - (expected + q * variance.squareRoot())) <= 1e-8 * abs(expected))
        // Team split: SMB-East carries the calls change and its share of demos.
        let east = try #require(outcome.teams.first { $0.team == "SMB-East" })
        #expect(abs(east.difference - (0.2 * 18 * results.coefficients[demos] - 150 * results.coefficients[calls])) < 1e-6)
        // Scaling to a level beyond history warns, with how far.
        let far = try whatIf(history: nil, model: model, request: request, scenarios: [Scenario(name: "far", changes: [try ActivityChange(parsing: "demos=400")])])
        #expect(far.outcomes[0].warnings.contains { $0.contains("demos") && $0.contains("above the history's maximum") && $0.contains("beyond") })
    }

    @Test("Goal seek lands on the target, and the confident level needs more")
    func goalSeekHitsTarget() throws {
        let (model, _, request) = try Self.setting()
        let baseline = try whatIf(history: nil, model: model, request: request, scenarios: []).baseline.mean
        let target = baseline * 1.1
        let result = try goalSeek(history: nil, model: model, request: request, activities: ["proposals"], target: target, confidence: 0.8)
        let check = try whatIf(history: nil, model: model, request: request, scenarios: [
            Scenario(name: "x", changes: [ActivityChange(activity: "proposals", operation: .percent((result.expectedScale - 1) * 100))])])
        #expect(abs(check.outcomes[0].scenario.mean - target) < 1e-6 * target)
        #expect(try #require(result.confidentScale) > result.expectedScale)
        #expect(throws: ScenarioError.self) {
            try goalSeek(history: nil, model: model, request: request, activities: ["nonsense"], target: target)
        }
    }

    @Test("Drivers on the example data recover the generator's truth")
    func driversRecoverTruth() throws {
        let root = Fixtures.root.appendingPathComponent("examples/data")
        let data = try CSVReader.read(path: root.appendingPathComponent("sales_history.csv").path)
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("truth.json"))) as? [String: Any])
        let report = try drivers(history: data, formula: "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')",
                                 layout: PanelLayout(period: "period", entity: "rep", group: "team"), funnel: ["meetings", "demos", "proposals", "deals_won"])
        let ineffective = try #require(truth["ineffective_activity"] as? String)
        let byName = Dictionary(uniqueKeysWithValues: report.activities.map { ($0.activity, $0) })
        #expect(byName[ineffective]?.addsNothing == true)
        for effective in ["demos", "meetings", "proposals"] {
            #expect(byName[effective]?.addsNothing == false)
            #expect((byName[effective]?.estimate ?? 0) > 0)
        }
        // The ineffective activity is ranked last; the true lags are the best lags of the scan.
        #expect(report.activities.last?.activity == ineffective)
        #expect(byName["demos"]?.bestLag == 1 && byName["meetings"]?.bestLag == 2 && byName["proposals"]?.bestLag == 0)
        let busy = Set((truth["busy_unproductive"] as? [[String: Any]] ?? []).compactMap { $0["rep"] as? String })
        #expect(busy.count == 3)
        let flagged = Set(report.reps.filter { $0.group == .busyNotProductive && $0.isClear }.map(\.rep))
        #expect(flagged == busy)
        let efficient = Set((truth["efficient"] as? [[String: Any]] ?? []).compactMap { $0["rep"] as? String })
        #expect(efficient.allSatisfy { name in report.reps.first { $0.rep == name }?.group == .efficient })
        #expect(report.funnel.count == 3 && report.funnel.allSatisfy { $0.overall > 0 })
    }
}
