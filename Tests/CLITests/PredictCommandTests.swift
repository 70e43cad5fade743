import Foundation
import Testing
import TestSupport

@Suite("salesforecast predict")
struct PredictCommandTests {
    static let formula = "revenue ~ proposals + demos + C(team)"

    @Test("A saved --model and --history/--formula predict the same; the means are the fitted coefficients times the rows")
    func modelAndFormulaAgree() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            // New rows: one per team, with activity levels of the written rows' (picked across the file).
            var rows: [History.Row] = []
            for team in Set(history.rows.map(\.team)).sorted() {
                rows.append(contentsOf: history.rows.filter { $0.team == team }.enumerated().filter { $0.offset % 97 == 5 }.map(\.element))
            }
            let data = directory.appendingPathComponent("new.csv")
            try write("team,proposals,demos\n" + rows.map { "\($0.team),\(Int($0.values["proposals"]!)),\(Int($0.values["demos"]!))" }
                .joined(separator: "\n") + "\n", to: data)
            let model = directory.appendingPathComponent("model.json").path
            let fit = try runSucceeding(["fit", Example.history, "--formula", Self.formula, "--format", "csv", "--save", model])

            let viaModel = try runSucceeding(["predict", data.path, "--model", model, "--format", "csv"])
            let viaFormula = try runSucceeding(["predict", data.path, "--history", Example.history, "--formula", Self.formula,
                                                "--format", "csv"])
            let header = ["line", "mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
            let a = CSVTable(viaModel.stdout), b = CSVTable(viaFormula.stdout)
            #expect(a.header == header)
            #expect(b.header == header)
            #expect(a.rows.count == rows.count)
            for column in header {
                let x = try #require(a.numbers(column)), y = try #require(b.numbers(column))
                #expect(x.count == y.count)
                for (u, v) in zip(x, y) { #expect(relativelyClose(u, v, 1e-12) || u == v, "\(column): \(u) vs \(v)") }
            }

            // mean = Intercept + team effect + β·proposals + β·demos, from the fit's own coefficient table.
            let coefficients = CSVTable(fit.stdout)
            let beta = Dictionary(uniqueKeysWithValues: zip(try #require(coefficients.column("term")),
                                                            try #require(coefficients.numbers("estimate"))))
            let means = try #require(a.numbers("mean"))
            let se = try #require(a.numbers("mean_se"))
            let lower = try #require(a.numbers("mean_ci_lower")), upper = try #require(a.numbers("mean_ci_upper"))
            let obsLower = try #require(a.numbers("obs_ci_lower")), obsUpper = try #require(a.numbers("obs_ci_upper"))
            #expect(try #require(a.numbers("line")) == (0..<rows.count).map { Double($0 + 2) })
            for (index, row) in rows.enumerated() {
                let expected = try #require(beta["Intercept"]) + (beta["C(team)[T.\(row.team)]"] ?? 0)
                    + (try #require(beta["proposals"])) * row.values["proposals"]! + (try #require(beta["demos"])) * row.values["demos"]!
                #expect(relativelyClose(means[index], expected, 1e-9), "row \(index): \(means[index]) vs \(expected)")
                // A symmetric 95% t interval on 1181 − 6 = 1175 df: half-width / se = t(0.975, 1175) ≈ 1.962.
                #expect(abs((lower[index] + upper[index]) / 2 - means[index]) < 1e-6 * abs(means[index]))
                let ratio = (upper[index] - means[index]) / se[index]
                #expect(ratio > 1.961 && ratio < 1.963, "half-width/se \(ratio)")
                #expect(obsLower[index] < lower[index] && upper[index] < obsUpper[index])
            }
        }
    }

    /// MASS::epil (Tests/Fixtures/glm/epil.csv): seizures with offset(log(base/4)), negative binomial.
    @Test("A count model predicts whole-number intervals and P(count ≥ q), from --model and from --history alike")
    func countPredictions() throws {
        try withTemporaryDirectory { directory in
            // predict --history lays the rows out in time: each patient's visits 1–4 become months 2024-01…04
            // (the visit number stays a numeric column).
            let original = try String(contentsOfFile: Fixtures.path("glm/epil.csv"), encoding: .utf8).split(separator: "\n")
            let copy = directory.appendingPathComponent("epil.csv")
            try write("y,trt,base,age,visit,subject,month\n" + original.dropFirst().map { line in
                let cells = line.split(separator: ",")
                return line + ",2024-0" + cells[4]
            }.joined(separator: "\n") + "\n", to: copy)
            let epil = copy.path, formula = "y ~ trt + age + visit + offset(log(base/4))"
            let model = directory.appendingPathComponent("epil.json").path
            _ = try runSucceeding(["fit", epil, "--family", "negbin", "--formula", formula, "--save", model])
            let saved = CSVTable(try runSucceeding(["predict", epil, "--model", model, "--format", "csv", "--level", "0.8",
                                                   "--at-least", "10"]).stdout)
            #expect(saved.header == ["line", "mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper", "p_at_least_10"])
            #expect(saved.rows.count == 236)
            for name in ["obs_ci_lower", "obs_ci_upper"] {
                let cells = try #require(saved.column(name))
                #expect(cells.allSatisfy { Int($0) != nil }, "\(name) must be whole counts: \(cells.prefix(5))")
            }
            let lower = try #require(saved.numbers("obs_ci_lower")), upper = try #require(saved.numbers("obs_ci_upper"))
            let mean = try #require(saved.numbers("mean")), tail = try #require(saved.numbers("p_at_least_10"))
            for k in mean.indices {
                #expect(lower[k] <= mean[k] && mean[k] <= upper[k], "row \(k)")
                #expect(tail[k] > 0 && tail[k] < 1)
                // Ten or more is likelier where the expected count is higher.
                if k > 0, mean[k] > mean[k - 1] { #expect(tail[k] >= tail[k - 1]) }
            }
            let fitted = CSVTable(try runSucceeding(["predict", epil, "--history", epil, "--family", "negbin", "--formula", formula,
                                                     "--period", "month", "--entity", "subject", "--format", "csv", "--level", "0.8", "--at-least", "10"]).stdout)
            #expect(fitted.column("obs_ci_upper") == saved.column("obs_ci_upper"))
            for (a, b) in zip(try #require(fitted.numbers("mean")), mean) { #expect(relativelyClose(a, b, 1e-12)) }
        }
    }
}

