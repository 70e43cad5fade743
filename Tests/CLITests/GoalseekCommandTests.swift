import Foundation
import Testing
import TestSupport

@Suite("salesforecast goalseek")
struct GoalseekCommandTests {
    @Test("The levels found reach the target: whatif at the expected scaling gives the target, at the 80% scaling its 20th percentile is the target")
    func foundLevelsReachTheTarget() throws {
        try withTemporaryDirectory { directory in
            let target = 12_000_000.0
            let run = try runSucceeding(["goalseek", "--history", Example.history, "--formula", Example.readmeFormula,
                                         "--scale", "demos,proposals", "--target", "12000000", "--confidence", "0.8",
                                         "--format", "json"])
            let document = try jsonObject(run.stdout)
            #expect(document["format"] as? String == "salesforecast.goalseek")
            #expect(double(document["target"]) == target)
            #expect(document["activities"] as? [String] == ["demos", "proposals"])
            let baselineMean = try #require(double(document["baseline_mean"]))
            let expectedScale = try #require(double(document["expected_scale"]))
            let confidentScale = try #require(double(document["confident_scale"]))
            #expect(baselineMean < target)
            #expect(expectedScale > 1 && confidentScale > expectedScale)
            let baseline = try #require(document["baseline_levels"] as? [String: Any])
            for (key, scale) in [("expected_levels", expectedScale), ("confident_levels", confidentScale)] {
                let levels = try #require(document[key] as? [String: Any])
                for activity in ["demos", "proposals"] {
                    let level = try #require(double(levels[activity])), base = try #require(double(baseline[activity]))
                    #expect(relativelyClose(level, base * scale, 1e-9), "\(key) \(activity): \(level) vs \(base) × \(scale)")
                }
            }

            // Re-run the scalings as what-if scenarios. With --level 0.6 the interval's lower end is the 20th
            // percentile, so at the 80%-confidence scaling it must be the target.
            func change(_ scale: Double) -> String { String(format: "%+.15g%%", (scale - 1) * 100) }
            let scenarios = directory.appendingPathComponent("scenarios.json")
            try write("""
                {"scenarios": [
                  {"name": "expected", "set": ["demos=\(change(expectedScale))", "proposals=\(change(expectedScale))"]},
                  {"name": "confident", "set": ["demos=\(change(confidentScale))", "proposals=\(change(confidentScale))"]}
                ]}
                """, to: scenarios)
            let whatif = try jsonObject(runSucceeding(["whatif", "--history", Example.history, "--formula", Example.readmeFormula,
                                                       "--scenarios", scenarios.path, "--level", "0.6", "--format", "json"]).stdout)
            #expect(relativelyClose(try #require(double((whatif["baseline"] as? [String: Any])?["mean"])), baselineMean, 1e-12))
            let results = try #require(whatif["scenarios"] as? [[String: Any]])
            let byName = Dictionary(uniqueKeysWithValues: results.map { ($0["name"] as? String ?? "", $0) })
            let expectedMean = try #require(double(byName["expected"]?["mean"]))
            #expect(relativelyClose(expectedMean, target, 1e-6), "expected total at the found scaling: \(expectedMean)")
            let percentile20 = try #require(double(byName["confident"]?["obs_ci_lower"]))
            #expect(relativelyClose(percentile20, target, 1e-6), "20th percentile at the 80% scaling: \(percentile20)")
        }
    }

    @Test("A count model (--family negbin): the expected scaling reaches the deal target in whatif, and the baseline chance is the forecast's P(deals ≥ target)")
    func countTarget() throws {
        let formula = "deals_won ~ lag(demos, 1) + proposals + season(period, 'quarter')"
        let common = ["--history", Example.history, "--formula", formula, "--family", "negbin", "--quiet"]
        let document = try jsonObject(runSucceeding(["goalseek"] + common + ["--scale", "proposals", "--target", "1000",
                                                                                "--confidence", "0.8", "--format", "json"]).stdout)
        let expectedScale = try #require(double(document["expected_scale"])), confidentScale = try #require(double(document["confident_scale"]))
        let baselineProbability = try #require(double(document["baseline_probability"]))
        #expect(expectedScale > 1 && confidentScale > expectedScale)
        let scenario = try jsonObject(runSucceeding(["whatif"] + common + ["--set", String(format: "proposals=%+.15g%%", (expectedScale - 1) * 100),
                                                                           "--format", "json"]).stdout)
        let mean = try #require(double((scenario["scenarios"] as? [[String: Any]])?.first?["mean"]))
        #expect(relativelyClose(mean, 1000, 1e-6), "whatif at the expected scaling gives \(mean)")
        try withTemporaryDirectory { directory in
            let quotas = directory.appendingPathComponent("quotas.csv")
            try write("name,quota\nTotal,1000\n", to: quotas)
            let forecast = try jsonObject(runSucceeding(["forecast"] + common + ["--quota", quotas.path, "--format", "json"]).stdout)
            let p = try #require(double((forecast["total"] as? [String: Any])?["quota_probability"]))
            #expect(relativelyClose(p, baselineProbability, 1e-9), "forecast P \(p), goalseek baseline \(baselineProbability)")
            #expect(p < 0.8)
        }
    }
}
