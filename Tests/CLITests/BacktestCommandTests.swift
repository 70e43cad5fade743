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

    @Test("Calibration: coverage overall and per team, and quota probabilities scored (Brier, reliability bins) against --quota or, said so, last year's quarter")
    func calibration() throws {
        let formula = "revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')"
        let base = ["backtest", "--history", Example.history, "--formula", formula, "--activity-mode", "projected", "--quiet"]
        let document = try jsonObject(runSucceeding(base + ["--format", "json"]).stdout)
        let calibration = try #require(document["quota_calibration"] as? [String: Any])
        #expect((calibration["target"] as? String)?.contains("no quota file given") == true)
        let methods = try #require(calibration["methods"] as? [[String: Any]])
        #expect(methods.count == 1 && methods[0]["method"] as? String == "model (projected activities)")
        let bins = try #require(methods[0]["bins"] as? [[String: Any]])
        #expect(bins.count == 10)
        let n = try #require(int(methods[0]["n"]))
        #expect(bins.compactMap { int($0["n"]) }.reduce(0, +) == n)
        let brier = try #require(double(methods[0]["brier"]))
        #expect(brier > 0 && brier < 0.25)
        // Each filled bin's mean predicted probability lies in the bin.
        for bin in bins where int(bin["n"]) ?? 0 > 0 {
            let mean = try #require(double(bin["mean_predicted"]))
            let lower = try #require(double(bin["lower"])), upper = try #require(double(bin["upper"]))
            #expect(mean >= lower && mean <= upper)
        }
        let teams = try #require(document["coverage_by_team"] as? [[String: Any]])
        #expect(Set(teams.compactMap { $0["team"] as? String }) == ["Enterprise", "Mid-Market", "SMB-East", "SMB-West"])
        #expect(teams.allSatisfy { double($0["coverage_80"]) != nil && double($0["coverage_95"]) != nil })

        let text = try runSucceeding(base + ["--quota", Example.quotas]).stdout
        #expect(text.contains("Quota probabilities against outcomes (target: each rep's quota from"))
        #expect(text.contains("Brier score"))

        // Quotas by quarter: only rep-quarters with a quota for their own quarter are scored.
        try withTemporaryDirectory { directory in
            let quotas = directory.appendingPathComponent("quarterly.csv")
            try write("rep,quarter,quota\nAaliyah Brooks,2025-Q2,150000\nAaliyah Brooks,2026-Q2,170000\nBen Okafor,2026-Q2,200000\n", to: quotas)
            let scored = try jsonObject(runSucceeding(base + ["--quota", quotas.path, "--format", "json"]).stdout)
            let target = try #require(scored["quota_calibration"] as? [String: Any])
            #expect((target["target"] as? String)?.contains("for the quarter forecast") == true)
            let scoredMethods = try #require(target["methods"] as? [[String: Any]])
            #expect(int(scoredMethods.first?["n"]) == 3)
        }
    }

    @Test("--family negbin: the count model's coverage (whole-number intervals, said to hold at least their level) and WAPE, consistent across teams; the count model beats the naive forecasts")
    func countModel() throws {
        let base = ["backtest", "--history", Example.history, "--formula", "deals_won ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')",
                    "--family", "negbin", "--activity-mode", "projected", "--quiet"]
        let document = try jsonObject(runSucceeding(base + ["--format", "json"]).stdout)
        #expect(document["family"] as? String == "negbin")
        #expect(document["integer_bands"] as? Bool == true)
        let methods = try #require(document["methods"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: methods.map { ($0["method"] as? String ?? "", $0) })
        let model = try #require(byName["model (projected activities)"])
        let c80 = try #require(double(model["coverage_80"])), c95 = try #require(double(model["coverage_95"]))
        #expect(c80 > 0.7 && c80 <= c95 && c95 <= 1, "coverage \(c80), \(c95)")
        // The model's WAPE (of the expected count) beats both naive forecasts on the same rep-quarters.
        let wape = try #require(double(model["wape_percent"]))
        for naive in ["naive: last period × periods in quarter", "naive: same quarter last year"] {
            #expect(wape < (try #require(double(byName[naive]?["wape_percent"]))), "\(naive)")
            #expect(int(byName[naive]?["n"]) == int(model["n"]))
        }
        // Overall coverage is the rep-quarter-weighted mean of the teams'.
        let teams = try #require(document["coverage_by_team"] as? [[String: Any]])
        let n = try teams.map { Double(try #require(int($0["n"]))) }
        #expect(Int(n.reduce(0, +)) == int(model["n"]))
        let pooled = try zip(teams, n).map { try #require(double($0.0["coverage_80"])) * $0.1 }.reduce(0, +) / n.reduce(0, +)
        #expect(abs(pooled - c80) < 1e-12)
        let text = try runSucceeding(base).stdout
        #expect(text.contains("Negative Binomial count model: whole-number intervals"))
        #expect(text.contains("coverage above nominal is expected"))
    }
}
