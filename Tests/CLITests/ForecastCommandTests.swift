import Foundation
import Testing
import TestSupport

@Suite("salesforecast forecast")
struct ForecastCommandTests {
    /// A plan for 2026-Q4: each active rep's rows of 2026-07…09 moved three months on, with these columns
    /// (a column "demos=runrate" writes the rep's run-rate of demos instead).
    static func plan(_ history: History, columns: [String]) -> String {
        let first = history.lastMonth - 2
        var text = (["period", "rep", "team"] + columns.map { $0.replacingOccurrences(of: "=runrate", with: "") })
            .joined(separator: ",") + "\n"
        for row in history.rows where row.month >= first {
            let cells = columns.map { column -> String in
                if column.hasSuffix("=runrate") {
                    let name = String(column.dropLast("=runrate".count))
                    return String(format: "%.17g", history.runRate(name, rep: row.rep))
                }
                return String(format: "%.17g", row.values[column]!)
            }
            text += ([monthString(row.month + 3), row.rep, row.team] + cells).joined(separator: ",") + "\n"
        }
        return text
    }

    @Test("README command (JSON): reps add up to teams and the total, quota chances agree with the means, intervals hold the means")
    func readmeForecast() throws {
        let history = try History.load()
        let run = try runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4",
                                     "--formula", Example.readmeFormula, "--quota", Example.quotas, "--format", "json"])
        let document = try jsonObject(run.stdout)
        #expect(document["format"] as? String == "salesforecast.forecast")
        #expect(document["horizon"] as? String == "2026-Q4")
        #expect(document["periods"] as? [String] == ["2026-10", "2026-11", "2026-12"])
        let total = try #require(document["total"] as? [String: Any])
        let teams = try #require(document["teams"] as? [[String: Any]])
        let reps = try #require(document["reps"] as? [[String: Any]])
        let detail = try #require(document["detail"] as? [[String: Any]])

        // Every rep with a row in the last month, and only those.
        #expect(reps.compactMap { $0["name"] as? String }.sorted() == history.activeReps)
        #expect(Set(teams.compactMap { $0["name"] as? String }) == Set(history.rows.map(\.team)))
        #expect(detail.count == 3 * history.activeReps.count)

        let totalMean = try #require(double(total["mean"]))
        let repSum = try reps.map { try #require(double($0["mean"])) }.reduce(0, +)
        let teamSum = try teams.map { try #require(double($0["mean"])) }.reduce(0, +)
        #expect(relativelyClose(repSum, totalMean, 1e-6), "reps sum to \(repSum), total \(totalMean)")
        #expect(relativelyClose(teamSum, totalMean, 1e-6), "teams sum to \(teamSum), total \(totalMean)")
        for rep in reps {
            let name = rep["name"] as? String ?? ""
            let months = try detail.filter { $0["rep"] as? String == name }.map { try #require(double($0["mean"])) }
            #expect(months.count == 3)
            #expect(relativelyClose(months.reduce(0, +), try #require(double(rep["mean"])), 1e-9), "\(name)")
            let team = rep["team"] as? String
            #expect(team == history.teamOf[name])
        }
        for team in teams {
            let name = team["name"] as? String
            let sum = try reps.filter { $0["team"] as? String == name }.map { try #require(double($0["mean"])) }.reduce(0, +)
            #expect(relativelyClose(sum, try #require(double(team["mean"])), 1e-6), "\(name ?? "")")
        }

        // Quotas from the file; P(reaching it) in [0, 1], above one half exactly when the mean is above the quota.
        let quotaTable = CSVTable(try String(contentsOfFile: Example.quotas, encoding: .utf8))
        let quotas = Dictionary(uniqueKeysWithValues: zip(try #require(quotaTable.column("name")), try #require(quotaTable.numbers("quota"))))
        var interior = 0
        for line in reps + teams + [total] {
            let name = line["name"] as? String ?? ""
            let mean = try #require(double(line["mean"]))
            for (low, high) in [("obs_ci_lower", "obs_ci_upper"), ("mean_ci_lower", "mean_ci_upper")] {
                let lower = try #require(double(line[low])), upper = try #require(double(line[high]))
                #expect(lower < mean && mean < upper, "\(name): \(low) \(lower), mean \(mean), \(high) \(upper)")
            }
            #expect(try #require(double(line["obs_ci_lower"])) < (try #require(double(line["mean_ci_lower"]))), "\(name)")
            let quota = try #require(double(line["quota"]), "no quota for \(name)")
            #expect(quota == quotas[name], "\(name)")
            let probability = try #require(double(line["quota_probability"]), "\(name)")
            #expect((0...1).contains(probability), "\(name): \(probability)")
            #expect((probability > 0.5) == (mean > quota), "\(name): P = \(probability), mean \(mean), quota \(quota)")
            if line["kind"] as? String == "rep", probability > 0.05, probability < 0.95 { interior += 1 }
        }
        #expect(interior > 0, "every rep's quota probability is within 5% of 0 or 1")
    }

    @Test("Without --horizon the forecast is of the quarter after the history, 2026-Q4")
    func defaultHorizon() throws {
        let formula = "revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')"
        let explicit = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--formula", formula,
                                                     "--horizon", "2026-Q4", "--format", "json"]).stdout)
        let implicit = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--formula", formula,
                                                     "--format", "json"]).stdout)
        #expect(implicit["horizon"] as? String == "2026-Q4")
        #expect(implicit["periods"] as? [String] == ["2026-10", "2026-11", "2026-12"])
        let a = try #require(double((implicit["total"] as? [String: Any])?["mean"]))
        let b = try #require(double((explicit["total"] as? [String: Any])?["mean"]))
        #expect(a == b)
    }

    @Test("A plan without 'demos' is refused, naming the plan and the column; --project-missing projects it and says so")
    func planMissingAColumn() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            let plan = directory.appendingPathComponent("plan-without-demos.csv")
            try write(Self.plan(history, columns: ["calls", "emails", "meetings", "proposals"]), to: plan)
            let base = ["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--formula", Example.readmeFormula,
                        "--plan", plan.path]
            let refused = try CLIRunner.run(base)
            #expect(refused.status == 1)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("plan-without-demos.csv"), "\(refused.stderr)")
            #expect(refused.stderr.contains("'demos'"), "\(refused.stderr)")
            // The library's advice and the command line's flag read as one sentence.
            #expect(refused.stderr.contains("the plan has no column 'demos', which the model needs; add the column, or have it projected from history (--project-missing projects it)\n"),
                    "\(refused.stderr)")

            let projected = try runSucceeding(base + ["--project-missing"])
            let note = try #require(projected.stdout.split(separator: "\n").first { $0.contains("'demos'") },
                                    "the output does not mention demos:\n\(projected.stdout)")
            #expect(note.contains("projected"), "\(note)")
            // The plan has every rep's rows: a missing column is not a missing row, and the reps' activities are the plan's.
            #expect(!projected.stdout.contains("has no row"), "\(projected.stdout)")
            #expect(!projected.stdout.contains("not in the plan"), "\(projected.stdout)")

            // The projected demos are each rep's run-rate, the rest comes from the plan: the same forecast as
            // a complete plan that writes those run-rates in.
            let complete = directory.appendingPathComponent("plan-complete.csv")
            try write(Self.plan(history, columns: ["calls", "emails", "meetings", "demos=runrate", "proposals"]), to: complete)
            let viaProjection = try jsonObject(runSucceeding(base + ["--project-missing", "--format", "json"]).stdout)
            let viaPlan = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4",
                                                        "--formula", Example.readmeFormula, "--plan", complete.path,
                                                        "--format", "json"]).stdout)
            let repLines = try #require(viaProjection["reps"] as? [[String: Any]])
            #expect(!repLines.isEmpty && repLines.allSatisfy { $0["activities"] as? String == "plan" })
            let a = try #require(double((viaProjection["total"] as? [String: Any])?["mean"]))
            let b = try #require(double((viaPlan["total"] as? [String: Any])?["mean"]))
            #expect(relativelyClose(a, b, 1e-9), "projected demos: \(a); plan with run-rate demos: \(b)")
        }
    }

    @Test("A plan putting a rep in another team than the history: a warning names both teams, and the history's team is used")
    func planMovesARep() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            let text = Self.plan(history, columns: ["calls", "proposals"]).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.contains(",Zoe Fischer,") ? $0.replacingOccurrences(of: ",SMB-East,", with: ",Galactic,") : String($0) }
                .joined(separator: "\n")
            let plan = directory.appendingPathComponent("plan-moved.csv")
            try write(text, to: plan)
            let run = try runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4",
                                         "--formula", "revenue ~ proposals + calls + C(team)", "--plan", plan.path, "--format", "json"])
            let document = try jsonObject(run.stdout)
            let warnings = try #require(document["warnings"] as? [String])
            #expect(warnings.contains("the plan puts Zoe Fischer in Galactic; the history has SMB-East: the history's team is used"), "\(warnings)")
            let reps = try #require(document["reps"] as? [[String: Any]])
            #expect(reps.first { $0["name"] as? String == "Zoe Fischer" }?["team"] as? String == "SMB-East")
        }
    }

    @Test("A plan naming a team the C(team) model never saw is refused with the plan file and its line")
    func planWithUnseenTeam() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            var text = Self.plan(history, columns: ["calls", "proposals"])
            let firstNewLine = text.split(separator: "\n").count + 1
            for month in ["2026-10", "2026-11", "2026-12"] { text += "\(month),New Person,Galactic,300,5\n" }
            let plan = directory.appendingPathComponent("plan-new-team.csv")
            try write(text, to: plan)
            let run = try CLIRunner.run(["forecast", "--history", Example.history, "--horizon", "2026-Q4",
                                         "--formula", "revenue ~ proposals + calls + C(team)", "--plan", plan.path])
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("Galactic"), "\(run.stderr)")
            let lines = (firstNewLine..<firstNewLine + 3).map { "plan-new-team.csv, line \($0)" }
            #expect(lines.contains { run.stderr.contains($0) }, "expected one of \(lines): \(run.stderr)")
        }
    }

    @Test("JSON: every line splits its variance into estimates, rep effect, noise and projection, adding up to obs_se², and the text says where the width comes from")
    func varianceDecomposition() throws {
        let formula = "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter') + (1 | rep)"
        let document = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--formula", formula,
                                                     "--format", "json", "--quiet"]).stdout)
        #expect(document["interval_method"] as? String == "model")
        let total = try #require(document["total"] as? [String: Any])
        let lines = (document["reps"] as? [[String: Any]] ?? []) + (document["teams"] as? [[String: Any]] ?? []) + [total]
        #expect(lines.count > 30)
        for line in lines {
            let parts = try #require(line["variance"] as? [String: Any], "\(line["name"] ?? "")")
            let values = try ["estimates", "rep_effect", "noise", "projection"].map { try #require(double(parts[$0]), "\($0)") }
            #expect(values.allSatisfy { $0 >= 0 })
            #expect(values[3] > 0, "projected activities: a projection part")
            let se = try #require(double(line["obs_se"]))
            #expect(relativelyClose(values.reduce(0, +), se * se, 1e-9))
            #expect(relativelyClose(try #require(double(parts["total"])), se * se, 1e-9))
        }
        let text = try runSucceeding(["forecast", "--history", Example.history, "--formula", formula, "--quiet"]).stdout
        #expect(text.contains("Where the width comes from"))
        #expect(text.contains("Projected activities miss what reps then do"))
    }

    @Test("--intervals conformal: each line gets a conformal interval around its forecast, with the number of errors behind it, and the output says what it guarantees")
    func conformalIntervals() throws {
        let formula = "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')"
        let base = ["forecast", "--history", Example.history, "--formula", formula, "--quiet"]
        let document = try jsonObject(runSucceeding(base + ["--intervals", "conformal", "--format", "json"]).stdout)
        #expect(document["interval_method"] as? String == "conformal")
        let reps = try #require(document["reps"] as? [[String: Any]])
        for line in reps {
            let c = try #require(line["conformal"] as? [String: Any])
            let mean = try #require(double(line["mean"])), half = try #require(double(c["half_width"]))
            #expect(try #require(int(c["n"])) > 30)  // the team's rolling-origin rep-quarters
            #expect(relativelyClose(try #require(double(c["lower"])), mean - half, 1e-12))
            #expect(relativelyClose(try #require(double(c["upper"])), mean + half, 1e-12))
        }
        // Reps of one team share the half-width.
        var halfByTeam: [String: Set<Double>] = [:]
        for line in reps { halfByTeam[line["team"] as? String ?? "", default: []].insert(double((line["conformal"] as? [String: Any])?["half_width"]) ?? 0) }
        #expect(halfByTeam.values.allSatisfy { $0.count == 1 })
        let text = try runSucceeding(base + ["--intervals", "conformal"]).stdout
        #expect(text.contains("split-conformal") && text.contains("exchangeable") && text.contains("not for each rep"))
    }

    // MARK: Count models (--family poisson|negbin)

    static let countFormula = "deals_won ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')"

    /// Every line (reps, teams, total) of a forecast document.
    static func lines(_ document: [String: Any]) throws -> [[String: Any]] {
        let total = try #require(document["total"] as? [String: Any])
        return (document["reps"] as? [[String: Any]] ?? []) + (document["teams"] as? [[String: Any]] ?? []) + [total]
    }

    @Test("--family negbin: expected counts add up (reps to teams to total), bands are whole numbers ≥ 0 around the mean, variance parts add up, and P(count ≥ q) agrees with the bands")
    func countForecast() throws {
        let base = ["forecast", "--history", Example.history, "--formula", Self.countFormula, "--family", "negbin", "--quiet"]
        let document = try jsonObject(runSucceeding(base + ["--format", "json"]).stdout)
        #expect(document["family"] as? String == "negbin")
        #expect(document["integer_bands"] as? Bool == true)
        let total = try #require(document["total"] as? [String: Any])
        let reps = try #require(document["reps"] as? [[String: Any]])
        let teams = try #require(document["teams"] as? [[String: Any]])
        let totalMean = try #require(double(total["mean"]))
        let repSum = try reps.map { try #require(double($0["mean"])) }.reduce(0, +)
        #expect(relativelyClose(repSum, totalMean, 1e-9), "reps sum to \(repSum), total \(totalMean)")
        for team in teams {
            let name = team["name"] as? String
            let sum = try reps.filter { $0["team"] as? String == name }.map { try #require(double($0["mean"])) }.reduce(0, +)
            #expect(relativelyClose(sum, try #require(double(team["mean"])), 1e-9), "\(name ?? "")")
        }
        var quotaLines: [(name: String, quota: Int, reachesBand: Bool)] = []
        for (k, line) in try Self.lines(document).enumerated() {
            let name = line["name"] as? String ?? ""
            let mean = try #require(double(line["mean"]))
            let lower = try #require(double(line["obs_ci_lower"])), upper = try #require(double(line["obs_ci_upper"]))
            #expect(lower == lower.rounded() && upper == upper.rounded(), "\(name): whole-number bands \(lower)…\(upper)")
            #expect(lower >= 0 && lower <= mean && mean <= upper, "\(name): \(lower) ≤ \(mean) ≤ \(upper)")
            #expect(upper - lower >= 2, "\(name): a quarter of deals is not known to within one")
            let parts = try #require(line["variance"] as? [String: Any])
            let values = try ["estimates", "rep_effect", "noise", "projection"].map { try #require(double(parts[$0]), "\($0)") }
            #expect(values.allSatisfy { $0 >= 0 } && values[1] == 0, "\(name): no rep effect in a count model")
            #expect(values[2] >= mean, "\(name): a negative binomial's own variance is at least its mean")
            #expect(values[3] > 0, "\(name): projected activities carry a projection part")
            let se = try #require(double(line["obs_se"]))
            #expect(relativelyClose(values.reduce(0, +), se * se, 1e-9), "\(name)")
            // Alternate quotas at the band's ends: P(≥ lower) ≥ 90% and P(≥ upper + 1) ≤ 10% for an equal-tailed 80% band.
            quotaLines.append(k % 2 == 0 ? (name, Int(lower), true) : (name, Int(upper) + 1, false))
        }
        try withTemporaryDirectory { directory in
            let quotas = directory.appendingPathComponent("deal_quotas.csv")
            try write("name,quota\n" + quotaLines.map { "\($0.name),\($0.quota)" }.joined(separator: "\n") + "\n", to: quotas)
            let withQuotas = try jsonObject(runSucceeding(base + ["--quota", quotas.path, "--format", "json"]).stdout)
            let byName = Dictionary(try Self.lines(withQuotas).map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            for entry in quotaLines {
                let line = try #require(byName[entry.name])
                let p = try #require(double(line["quota_probability"]), "\(entry.name)")
                if entry.reachesBand {
                    #expect(p >= 0.9 && p <= 1, "\(entry.name): P(≥ lower band \(entry.quota)) = \(p)")
                } else {
                    #expect(p <= 0.1 && p > 0, "\(entry.name): P(≥ upper band + 1 = \(entry.quota)) = \(p)")
                }
            }
        }
        // Per-period detail: whole-number bands; and the text says where the bands come from.
        for row in try #require(document["detail"] as? [[String: Any]]) {
            let lower = try #require(double(row["obs_ci_lower"])), upper = try #require(double(row["obs_ci_upper"]))
            #expect(lower == lower.rounded() && upper == upper.rounded() && lower >= 0 && lower <= upper)
        }
        let text = try runSucceeding(base).stdout
        #expect(text.contains("prediction intervals in whole counts from the Negative Binomial predictive distribution"))
        #expect(text.contains("projected activities' error"))
    }

    @Test("--family poisson with planned activities: no projection part, narrower than projected; the default model drops (1 | rep) and says so; an explicit (1 | rep) is refused")
    func countForecastPlanAndDefaultModel() throws {
        let history = try History.load()
        try withTemporaryDirectory { directory in
            let plan = directory.appendingPathComponent("plan.csv")
            try write(Self.plan(history, columns: ["demos", "proposals", "calls"]), to: plan)
            let base = ["forecast", "--history", Example.history, "--formula", Self.countFormula, "--family", "poisson", "--quiet", "--format", "json"]
            let planned = try jsonObject(runSucceeding(base + ["--plan", plan.path]).stdout)
            let projected = try jsonObject(runSucceeding(base).stdout)
            let plannedTotal = try #require(planned["total"] as? [String: Any]), projectedTotal = try #require(projected["total"] as? [String: Any])
            #expect(double((plannedTotal["variance"] as? [String: Any])?["projection"]) == 0)
            #expect(try #require(double(plannedTotal["obs_se"])) < (try #require(double(projectedTotal["obs_se"]))))
            // Poisson: the counts' own variance is the mean at each row, so the noise part is the total mean.
            let noise = try #require(double((plannedTotal["variance"] as? [String: Any])?["noise"]))
            #expect(relativelyClose(noise, try #require(double(plannedTotal["mean"])), 1e-9))
        }
        let chosen = try runSucceeding(["forecast", "--history", Example.history, "--response", "deals_won", "--family", "negbin"])
        #expect(chosen.stdout.contains("(1 | rep) term was dropped: random intercepts are not supported with --family negbin yet"))
        let modelLine = try #require(chosen.stdout.split(separator: "\n").first { $0.hasPrefix("Model: deals_won ~") })
        #expect(!modelLine.contains("(1 |"), "\(modelLine)")
        let refused = try CLIRunner.run(["forecast", "--history", Example.history, "--family", "poisson",
                                         "--formula", "deals_won ~ proposals + (1 | rep)"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("random intercepts (1 | rep) with --family poisson"))
    }

    @Test("A count model saved by fit --family negbin --save forecasts the same as fitting it in the forecast; --family with --model is refused")
    func countForecastFromModelFile() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("deals.json")
            _ = try runSucceeding(["fit", Example.history, "--formula", Self.countFormula, "--family", "negbin", "--save", model.path, "--quiet"])
            let fromFile = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--model", model.path, "--quiet", "--format", "json"]).stdout)
            let fitted = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--formula", Self.countFormula,
                                                       "--family", "negbin", "--quiet", "--format", "json"]).stdout)
            #expect(fromFile["family"] as? String == "negbin")
            let a = try #require(fromFile["total"] as? [String: Any]), b = try #require(fitted["total"] as? [String: Any])
            #expect(relativelyClose(try #require(double(a["mean"])), try #require(double(b["mean"])), 1e-9))
            #expect(double(a["obs_ci_lower"]) == double(b["obs_ci_lower"]) && double(a["obs_ci_upper"]) == double(b["obs_ci_upper"]))
            let refused = try CLIRunner.run(["forecast", "--history", Example.history, "--model", model.path, "--family", "poisson"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("a saved model (--model) keeps its own family"))
        }
    }

    @Test("Quotas by quarter: each line gets its horizon quarter's quota; a file for other quarters only, or a duplicate, is refused with its line")
    func quarterlyQuotas() throws {
        try withTemporaryDirectory { directory in
            let quotas = directory.appendingPathComponent("quotas.csv")
            // Q3 quotas that must not be used, Q4 quotas, and a standing total.
            try write("quarter,name,quota\n2026-Q3,Aaliyah Brooks,1\n2026-Q4,Aaliyah Brooks,250000\n2026-Q4,Enterprise,2500000\n,Total,9000000\n", to: quotas)
            let run = try runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--formula", Example.readmeFormula,
                                         "--quota", quotas.path, "--format", "json"])
            let document = try jsonObject(run.stdout)
            let reps = try #require(document["reps"] as? [[String: Any]])
            let teams = try #require(document["teams"] as? [[String: Any]])
            let total = try #require(document["total"] as? [String: Any])
            let ann = try #require(reps.first { $0["name"] as? String == "Aaliyah Brooks" })
            #expect(double(ann["quota"]) == 250000)
            #expect(double(teams.first { $0["name"] as? String == "Enterprise" }?["quota"]) == 2500000)
            #expect(double(total["quota"]) == 9000000)
            #expect(reps.filter { double($0["quota"]) != nil }.count == 1)

            let q1 = try CLIRunner.run(["forecast", "--history", Example.history, "--horizon", "2027-Q1", "--formula", Example.readmeFormula,
                                        "--quota", quotas.path])
            #expect(q1.status == 0, "standing quotas hold in 2027-Q1: \(q1.stderr)")
            try write("quarter,name,quota\n2026-Q3,Aaliyah Brooks,1\n", to: quotas)
            let other = try CLIRunner.run(["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--formula", Example.readmeFormula,
                                           "--quota", quotas.path])
            #expect(other.status == 1)
            #expect(other.stderr.contains("quotas.csv: no quotas for 2026-Q4; the file has quotas for 2026-Q3 only"), "\(other.stderr)")
            try write("quarter,name,quota\n2026-Q4,Aaliyah Brooks,1\n2026-Q4,Aaliyah Brooks,2\n", to: quotas)
            let duplicate = try CLIRunner.run(["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--formula", Example.readmeFormula,
                                               "--quota", quotas.path])
            #expect(duplicate.status == 1)
            #expect(duplicate.stderr.contains("quotas.csv:3: a second quota for 'Aaliyah Brooks' in 2026-Q4 (the first is on line 2)"), "\(duplicate.stderr)")
            #expect(duplicate.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test("Two runs give the same bytes: no sum follows a dictionary's order, which changes from process to process")
    func reproducible() throws {
        let forecast = ["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--format", "json", "--quiet"]
        let first = try runSucceeding(forecast).stdout, second = try runSucceeding(forecast).stdout
        #expect(!first.isEmpty && first == second)
        let whatif = ["whatif", "--history", Example.history, "--set", "demos=+20%", "--format", "json", "--quiet"]
        #expect(try runSucceeding(whatif).stdout == runSucceeding(whatif).stdout)
    }
}

