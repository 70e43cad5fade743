import Testing
@testable import Forecasting
@testable import ForecastingCore

@Suite("Split-conformal intervals")
struct ConformalTests {
    @Test("The half-width is the ⌈(n+1)(1−α)⌉-th smallest absolute error, unbounded when that rank exceeds n")
    func quantileRule() {
        let errors = [-3.0, 1, 7, -2, 5, 0.5, -4, 6, 2.5]  // |e| sorted: 0.5 1 2 2.5 3 4 5 6 7 (n = 9)
        // ⌈10·0.8⌉ = 8 → 6; ⌈10·0.5⌉ = 5 → 3; ⌈10·0.9⌉ = 9 → 7; ⌈10·0.95⌉ = 10 > 9 → unbounded.
        #expect(ConformalQuantile.halfWidth(errors, level: 0.8) == 6)
        #expect(ConformalQuantile.halfWidth(errors, level: 0.5) == 3)
        #expect(ConformalQuantile.halfWidth(errors, level: 0.9) == 7)
        #expect(ConformalQuantile.halfWidth(errors, level: 0.95) == .infinity)
        #expect(ConformalQuantile.halfWidth([], level: 0.8) == .infinity)
        // 19 errors are the fewest with a bounded 95% interval: ⌈20·0.95⌉ = 19, the largest.
        #expect(ConformalQuantile.halfWidth((1...19).map(Double.init), level: 0.95) == 19)
    }

    @Test("Backtest conformal intervals use only earlier quarters' errors of the rep's team")
    func rollingCalibration() {
        func item(_ quarter: Int, _ team: String, actual: Double, forecast: Double) -> BacktestForecast {
            BacktestForecast(quarter: Period(frequency: .quarter, index: quarter), rep: "r", team: team, actual: actual, forecasts: ["m": forecast],
                             intervals80: [:], intervals95: [:])
        }
        // Team A's errors in quarter 1: 1, -2, 3, -4 (|e| sorted 1 2 3 4): ⌈5·0.8⌉ = 4 → 4. Team B has none before quarter 2.
        let items = [item(1, "A", actual: 11, forecast: 10), item(1, "A", actual: 8, forecast: 10), item(1, "A", actual: 13, forecast: 10),
                     item(1, "A", actual: 6, forecast: 10), item(2, "A", actual: 100, forecast: 90), item(2, "B", actual: 5, forecast: 5)]
        let (result, unbounded) = BacktestReport.conformalized(items, methods: ["m"])
        #expect(result[4].intervals80["m"] == Interval(lower: 86, upper: 94))
        #expect(result[4].intervals95["m"] == nil)  // ⌈5·0.95⌉ = 5 > 4
        #expect(result[5].intervals80["m"] == nil)  // no earlier errors in team B
        #expect(result.prefix(4).allSatisfy { $0.intervals80["m"] == nil })
        #expect(unbounded == 6)
    }
}
