import Foundation
import Testing
import TestSupport

@Suite("salesforecast whatif")
struct WhatifCommandTests {
    /// The README model's coefficients (estimate, t) by term, from `fit --format json`.
    static func coefficients() throws -> [String: (estimate: Double, t: Double)] {
        let fit = try jsonObject(runSucceeding(["fit", Example.history, "--formula", Example.readmeFormula, "--format", "json"]).stdout)
        var result: [String: (Double, Double)] = [:]
        for c in try #require(fit["coefficients"] as? [[String: Any]]) {
            result[c["term"] as? String ?? ""] = (try #require(double(c["estimate"])), try #require(double(c["t_statistic"])))
        }
        return result
    }

    static func scenario(_ change: String) throws -> (document: [String: Any], scenario: [String: Any]) {
        let run = try runSucceeding(["whatif", "--history", Example.history, "--formula", Example.readmeFormula,
                                     "--set", change, "--format", "json"])
        let document = try jsonObject(run.stdout)
        #expect(document["format"] as? String == "salesforecast.whatif")
        let scenarios = try #require(document["scenarios"] as? [[String: Any]])
        try #require(scenarios.count == 1)
        #expect(scenarios[0]["changes"] as? String == change)
        return (document, scenarios[0])
    }

    /// Checks shared by both scenarios: the difference is the mean minus the baseline, teams add up to it.
    static func checkConsistency(_ document: [String: Any], _ scenario: [String: Any]) throws {
        let baseline = try #require(double((document["baseline"] as? [String: Any])?["mean"]))
        let mean = try #require(double(scenario["mean"])), difference = try #require(double(scenario["difference"]))
        #expect(relativelyClose(mean - baseline, difference, 1e-6))
        let teams = try #require(scenario["teams"] as? [[String: Any]])
        let teamSum = try teams.map { try #require(double($0["difference"])) }.reduce(0, +)
        #expect(relativelyClose(teamSum, difference, 1e-6), "teams add to \(teamSum), total \(difference)")
    }

    @Test("demos=+20% raises revenue by β(lag demos)·20% of the demos the lag sees in the quarter, an interval above 0")
    func moreDemos() throws {
        let history = try History.load()
        let beta = try Self.coefficients()
        let (document, scenario) = try Self.scenario("demos=+20%")
        try Self.checkConsistency(document, scenario)
        let difference = try #require(double(scenario["difference"]))
        let lower = try #require(double(scenario["difference_ci_lower"]))
        #expect(difference > 0)
        #expect(lower > 0, "the 80% interval of the change reaches \(lower)")
        // lag(demos, 1) in 2026-11 and 2026-12 sees the projected (run-rate) demos of 2026-10 and 11; in 2026-10
        // it sees 2026-09's, which happened and is not changed.
        let demosSeen = history.activeReps.map { 2 * history.runRate("demos", rep: $0) }.reduce(0, +)
        let demos = try #require(beta["lag(demos, 1)"])
        #expect(relativelyClose(difference, demos.estimate * 0.2 * demosSeen, 1e-6), "difference \(difference)")
        // Only one coefficient is involved, so difference / (the estimates' part of se) is that coefficient's t statistic;
        // the rest is the projected demos' error that +20% scales.
        let se = try #require(double(scenario["difference_se"]))
        let projection = try #require(double(scenario["difference_projection_variance"]))
        #expect(projection > 0)
        let estimatesSE = (se * se - projection).squareRoot()
        #expect(relativelyClose(difference / estimatesSE, demos.t, 1e-6), "difference/se \(difference / estimatesSE), t \(demos.t)")
    }

    @Test("emails=+50% changes nothing for sure: the interval of the difference contains 0 (emails do nothing in the generator)")
    func moreEmails() throws {
        let truth = try #require(try jsonObject(file: Example.truth)["coefficients"] as? [String: [String: Any]])
        #expect(double(truth["emails"]?["revenue_per_unit"]) == 0)
        let history = try History.load()
        let beta = try Self.coefficients()
        let (document, scenario) = try Self.scenario("emails=+50%")
        try Self.checkConsistency(document, scenario)
        let lower = try #require(double(scenario["difference_ci_lower"]))
        let upper = try #require(double(scenario["difference_ci_upper"]))
        #expect(lower < 0 && 0 < upper, "interval \(lower) to \(upper)")
        let emailsSent = history.activeReps.map { 3 * history.runRate("emails", rep: $0) }.reduce(0, +)
        let difference = try #require(double(scenario["difference"]))
        #expect(relativelyClose(difference, try #require(beta["emails"]).estimate * 0.5 * emailsSent, 1e-6))
        // Taking emails past the history's maximum is flagged.
        let warnings = scenario["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("emails") && $0.contains("extrapolation") }, "\(warnings)")
    }

    @Test("A count model (--family poisson, planned baseline): proposals=+10% changes the expected deals by what predict gives for the two plans (E e^η = mean·e^(se²/2) per row); teams add up; totals have whole-number bands")
    func countModel() throws {
        let history = try History.load()
        let formula = "deals_won ~ proposals + calls + season(period, 'quarter')"
        try withTemporaryDirectory { directory in
            let plan = directory.appendingPathComponent("plan.csv"), more = directory.appendingPathComponent("more.csv")
            let text = ForecastCommandTests.plan(history, columns: ["proposals", "calls"])
            try write(text, to: plan)
            // The same plan with 10% more proposals (the second-to-last column written with %.17g).
            let lines = text.split(separator: "\n").map(String.init)
            let moreText = ([lines[0]] + lines.dropFirst().map { line -> String in
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                cells[3] = String(format: "%.17g", Double(cells[3])! * 1.1)
                return cells.joined(separator: ",")
            }).joined(separator: "\n") + "\n"
            try write(moreText, to: more)
            let model = directory.appendingPathComponent("model.json")
            _ = try runSucceeding(["fit", Example.history, "--formula", formula, "--family", "poisson", "--save", model.path, "--quiet"])
            func expectedTotal(_ path: URL) throws -> Double {
                let csv = CSVTable(try runSucceeding(["predict", path.path, "--model", model.path, "--format", "csv"]).stdout)
                let mean = try #require(csv.numbers("mean")), se = try #require(csv.numbers("mean_se"))
                return zip(mean, se).map { m, s in m * exp((s / m) * (s / m) / 2) }.reduce(0, +)
            }
            let want = try expectedTotal(more) - (try expectedTotal(plan))
            let run = try runSucceeding(["whatif", "--history", Example.history, "--formula", formula, "--family", "poisson",
                                         "--baseline", plan.path, "--set", "proposals=+10%", "--format", "json", "--quiet"])
            let document = try jsonObject(run.stdout)
            #expect(document["family"] as? String == "poisson")
            #expect(document["integer_bands"] as? Bool == true)
            let scenario = try #require((document["scenarios"] as? [[String: Any]])?.first)
            try Self.checkConsistency(document, scenario)
            let difference = try #require(double(scenario["difference"]))
            #expect(relativelyClose(difference, want, 1e-9), "difference \(difference), predict gives \(want)")
            let lower = try #require(double(scenario["difference_ci_lower"])), upper = try #require(double(scenario["difference_ci_upper"]))
            #expect(lower > 0 && lower < difference && difference < upper)
            #expect(double(scenario["difference_projection_variance"]) == 0, "a planned baseline has no projection error")
            for bounds in [document["baseline"] as? [String: Any], scenario] {
                let lo = try #require(double(bounds?["obs_ci_lower"])), hi = try #require(double(bounds?["obs_ci_upper"]))
                #expect(lo == lo.rounded() && hi == hi.rounded() && lo >= 0 && lo < hi)
            }
        }
    }
}
