import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Default model")
struct DefaultModelTests {
    @Test("Without a formula: the generator's lags, the quarterly season it put in, and rep effects")
    func chosen() throws {
        let history = try SalesHistory(contentsOf: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv"))
        let choice = try history.defaultModel()
        // examples/data/truth.json: revenue trails demos by 1 month, meetings by 2, proposals by 0, with a quarterly season.
        #expect(choice.formula.hasPrefix("revenue ~ "))
        for term in ["lag(demos, 1)", "lag(meetings, 2)", "proposals", "season(period, 'quarter')", "(1 | rep)"] {
            #expect(choice.formula.contains(term), "\(term) in \(choice.formula)")
        }
        #expect(!choice.formula.contains("deals_won") && !choice.formula.contains("tenure"))
        #expect(choice.reasons.count >= 4)
        let model = try history.fit(choice.formula)
        #expect(model.mixedEffects != nil)
    }

    @Test("A response or activities the history lacks are named")
    func missing() throws {
        let history = try SalesHistory(contentsOf: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv"))
        #expect(throws: DataError.self) { try history.defaultModel(activities: ["visits"]) }
        #expect(throws: DataError.self) { try history.defaultModel(response: "bookings") }
    }
}
