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
}
