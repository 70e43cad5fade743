import Foundation
import Testing
import TestSupport

@Suite("salesforecast backtest")
struct BacktestCommandTests {
    @Test("JSON: the model and both naive methods on the same rep-quarters; the naive scores recomputed; the model beats run-rate")
    func modelBeatsNaive() throws {
        let history = try History.load()
        // The backtest runs once (it is the slowest command); the small formula of its --help.
        let run = try runSucceeding(["backtest", "--history", Example.history, "--format", "json", "--quiet",
                                     "--formula", "revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')"])
        let document = try jsonObject(run.stdout)
        #expect(document["format"] as? String == "salesforecast.backtest")

        // Quarters: after the first four quarters of history, up to the last.
        func quarterName(_ q: Int) -> String { "\(q / 4)-Q\(q % 4 + 1)" }
        let firstQuarter = history.rows.map(\.month).min()! / 3, lastQuarter = history.lastMonth / 3
        let quarters = Array(firstQuarter + 4...lastQuarter)
        #expect(document["quarters"] as? [String] == quarters.map(quarterName))

        // The naive forecasts, computed here: a rep-quarter counts when the rep has the quarter's three months,
        // the month before it, and the same quarter a year earlier.
        var revenue: [String: [Int: Double]] = [:]
        for row in history.rows { revenue[row.rep, default: [:]][row.month] = row.values["revenue"]! }
        var n = 0, actualSum = 0.0, runRateError = 0.0, lastYearError = 0.0
        for quarter in quarters {
            let months = [3 * quarter, 3 * quarter + 1, 3 * quarter + 2]
            for (_, byMonth) in revenue {
                guard months.allSatisfy({ byMonth[$0] != nil }), let before = byMonth[months[0] - 1],
                      months.allSatisfy({ byMonth[$0 - 12] != nil }) else { continue }
                let actual = months.map { byMonth[$0]! }.reduce(0, +)
                n += 1
                actualSum += actual
                runRateError += abs(actual - 3 * before)
                lastYearError += abs(actual - months.map { byMonth[$0 - 12]! }.reduce(0, +))
            }
        }
        let methods = try #require(document["methods"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: methods.map { ($0["method"] as? String ?? "", $0) })
        let names = ["model (known activities)", "model (projected activities)",
                     "naive: last period × periods in quarter", "naive: same quarter last year"]
        #expect(Set(byName.keys) == Set(names))
        for name in names { #expect(int(byName[name]?["n"]) == n, "\(name)") }
        let runRate = try #require(double(byName[names[2]]?["wape_percent"]))
        let lastYear = try #require(double(byName[names[3]]?["wape_percent"]))
        #expect(relativelyClose(runRate, 100 * runRateError / actualSum, 1e-9), "run-rate WAPE \(runRate)")
        #expect(relativelyClose(lastYear, 100 * lastYearError / actualSum, 1e-9), "last-year WAPE \(lastYear)")
        for name in names.prefix(2) {
            let wape = try #require(double(byName[name]?["wape_percent"]))
            #expect(wape < runRate, "\(name): WAPE \(wape) is not below the naive run-rate's \(runRate)")
            for key in ["coverage_80", "coverage_95"] {
                let coverage = try #require(double(byName[name]?[key]))
                #expect((0...1).contains(coverage), "\(name) \(key)")
            }
            #expect(try #require(double(byName[name]?["coverage_80"])) <= (try #require(double(byName[name]?["coverage_95"]))))
        }
        let byQuarter = try #require(document["wape_by_quarter"] as? [[String: Any]])
        #expect(byQuarter.compactMap { $0["quarter"] as? String } == quarters.map(quarterName))
    }
}
