import Foundation
import Testing
import TestSupport

@Suite("salesforecast fit")
struct FitCommandTests {
    @Test("JSON: format, patsy term order, observations left after the lags; the CSV table agrees")
    func jsonAndCSV() throws {
        let history = try History.load()
        try #require(history.monthsAreContiguous)
        // lag(meetings, 2) needs the rep's row two months earlier: each rep's first two rows drop out.
        let usable = history.rows(withHistory: 2).count
        let run = try runSucceeding(["fit", Example.history, "--formula", Example.readmeFormula, "--format", "json"])
        let document = try jsonObject(run.stdout)
        #expect(document["format"] as? String == "salesforecast.fit")
        #expect(int(document["version"]) == 1)
        #expect(document["dependent"] as? String == "revenue")
        #expect(document["formula"] as? String == Example.readmeFormula)
        let coefficients = try #require(document["coefficients"] as? [[String: Any]])
        let terms = coefficients.compactMap { $0["term"] as? String }
        #expect(terms == Example.readmeTerms)
        #expect(int(document["n_observations"]) == usable)
        #expect(int(document["n_dropped_no_history"]) == history.rows.count - usable)
        #expect(int(document["n_dropped_missing"]) == 0)
        #expect(int(document["df_model"]) == terms.count - 1)
        #expect(int(document["df_residual"]) == usable - terms.count)
        for coefficient in coefficients {
            let estimate = try #require(double(coefficient["estimate"]))
            let se = try #require(double(coefficient["std_error"]))
            let t = try #require(double(coefficient["t_statistic"]))
            #expect(relativelyClose(t, estimate / se, 1e-9), "\(coefficient)")
            #expect(try #require(double(coefficient["conf_low"])) < estimate)
            #expect(estimate < (try #require(double(coefficient["conf_high"]))))
        }
        // The generator's effects: demos a month later and proposals the same month earn revenue.
        let byTerm = Dictionary(uniqueKeysWithValues: coefficients.map { ($0["term"] as? String ?? "", $0) })
        #expect(try #require(double(byTerm["lag(demos, 1)"]?["conf_low"])) > 0)
        #expect(try #require(double(byTerm["proposals"]?["conf_low"])) > 0)

        let csv = try runSucceeding(["fit", Example.history, "--formula", Example.readmeFormula, "--format", "csv"])
        let table = CSVTable(csv.stdout)
        #expect(Array(table.header.prefix(7)) == ["term", "estimate", "std_error", "t_statistic", "p_value", "conf_low", "conf_high"])
        #expect(table.column("term") == terms)
        let estimates = try #require(table.numbers("estimate"))
        let errors = try #require(table.numbers("std_error"))
        for (index, coefficient) in coefficients.enumerated() where index < estimates.count {
            #expect(relativelyClose(estimates[index], try #require(double(coefficient["estimate"])), 1e-14), "\(terms[index])")
            #expect(relativelyClose(errors[index], try #require(double(coefficient["std_error"])), 1e-14), "\(terms[index])")
        }
    }

    @Test("Text: the statsmodels-style summary with the observation count and the rows the lags dropped")
    func textSummary() throws {
        let history = try History.load()
        let usable = history.rows(withHistory: 2).count
        let run = try runSucceeding(["fit", Example.history, "--formula", Example.readmeFormula])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.trimmingCharacters(in: .whitespaces) == "OLS Regression Results")
        let observations = try #require(lines.first { $0.hasPrefix("No. Observations:") })
        #expect(observations.split(separator: " ").dropFirst(2).first == Substring("\(usable)"), "\(observations)")
        let dependent = try #require(lines.first { $0.hasPrefix("Dep. Variable:") })
        #expect(dependent.contains("revenue"))
        for term in Example.readmeTerms {
            #expect(lines.contains { $0.hasPrefix(term + " ") }, "no row for \(term)")
        }
        #expect(run.stdout.contains("\(history.rows.count - usable) rows were dropped because their lagged values reach before the rep's first period"))
        #expect(run.stdout.contains("Durbin-Watson:"))
    }

    @Test("--save writes a model whose predictions of the training rows reproduce the fit's SSR and R²")
    func savedModelReproducesFit() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            let model = directory.appendingPathComponent("model.json").path
            let formula = "revenue ~ proposals + demos + calls + C(team)"
            let fit = try runSucceeding(["fit", Example.history, "--formula", formula, "--format", "json", "--save", model])
            let document = try jsonObject(fit.stdout)
            let saved = try jsonObject(file: model)
            #expect(saved["format"] as? String == "salesforecast.model")
            #expect(int(saved["version"]) == 1)

            let predicted = try runSucceeding(["predict", Example.history, "--model", model, "--format", "csv"])
            let table = CSVTable(predicted.stdout)
            let lines = try #require(table.numbers("line")).map { Int($0) }
            let means = try #require(table.numbers("mean"))
            #expect(lines == history.rows.map(\.line))
            let revenue = Dictionary(uniqueKeysWithValues: history.rows.map { ($0.line, $0.values["revenue"]!) })
            var ssr = 0.0, sumResiduals = 0.0, sumAbs = 0.0
            for (line, mean) in zip(lines, means) {
                let y = try #require(revenue[line])
                ssr += (y - mean) * (y - mean); sumResiduals += y - mean; sumAbs += abs(y)
            }
            let ys = history.rows.map { $0.values["revenue"]! }
            let ybar = ys.reduce(0, +) / Double(ys.count)
            let sst = ys.map { ($0 - ybar) * ($0 - ybar) }.reduce(0, +)
            #expect(relativelyClose(ssr, try #require(double(document["ssr"])), 1e-9))
            #expect(relativelyClose(1 - ssr / sst, try #require(double(document["r_squared"])), 1e-9))
            // With an intercept the residuals of least squares sum to zero.
            #expect(abs(sumResiduals) < 1e-9 * sumAbs)
        }
    }

    // MARK: Count models

    /// MASS::quine (Tests/Fixtures/glm/quine.csv) by `fit --family negbin`; the numbers are R 4.2.2's
    /// `MASS::glm.nb(Days ~ Eth + Sex + Age + Lrn)` from Tests/Reference/glm_reference.R.
    @Test("--family negbin: the GLM summary prints θ, deviances and rate ratios; JSON adds family, theta, deviance keys")
    func negativeBinomial() throws {
        let quine = Fixtures.path("glm/quine.csv"), formula = "Days ~ Eth + Sex + Age + Lrn"
        let text = try runSucceeding(["fit", quine, "--family", "negbin", "--formula", formula]).stdout
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.trimmingCharacters(in: .whitespaces) == "Generalized Linear Model Regression Results")
        for expected in ["Model Family:        Negative Binomial", "Theta (θ):                     1.27489", "Std. error of θ:              0.161036",
                         "Deviance:                     167.9518", "Null deviance (df 145):      195.28664", "AIC:                          1109.151",
                         "Log-Likelihood:             -546.57551", "Converged:                         yes"] {
            #expect(text.contains(expected), "missing '\(expected)' in\n\(text)")
        }
        let ethnicity = try #require(lines.first { $0.hasPrefix("Eth[T.N]") }?.split(separator: " ").map(String.init))
        #expect(ethnicity.prefix(4) == ["Eth[T.N]", "-0.5694", "0.1533", "-3.713"])
        // The rate-ratio table: exp(−0.56937) = 0.5659.
        #expect(lines.contains { $0.hasPrefix("Rate ratios") })
        #expect(lines.filter { $0.hasPrefix("Eth[T.N]") }.last?.contains("0.5659") == true)

        let json = try jsonObject(runSucceeding(["fit", quine, "--family", "negbin", "--formula", formula, "--format", "json"]).stdout)
        #expect(json["family"] as? String == "negbin")
        #expect(relativelyClose(try #require(double(json["theta"])), 1.2748926450622848, 1e-9))
        #expect(relativelyClose(try #require(double(json["theta_std_error"])), 0.1610356617135322, 1e-9))
        #expect(relativelyClose(try #require(double(json["deviance"])), 167.95180082150227, 1e-9))
        #expect(relativelyClose(try #require(double(json["null_deviance"])), 195.28663645393726, 1e-9))
        for key in ["format", "formula", "dependent", "covariance_type", "n_observations", "df_residual", "log_likelihood", "aic", "bic", "coefficients"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let first = try #require((json["coefficients"] as? [[String: Any]])?.first)
        #expect(relativelyClose(try #require(double(first["estimate"])), 2.8945799902491984, 1e-9))
        #expect(relativelyClose(try #require(double(first["rate_ratio"])), exp(2.8945799902491984), 1e-9))
        #expect(first["z_statistic"] != nil)
    }

    @Test("Count models refuse what they do not support, in one line (rep random intercepts among them); a saved one forecasts")
    func countModelRefusals() throws {
        let quine = Fixtures.path("glm/quine.csv")
        let by = try CLIRunner.run(["fit", quine, "--family", "poisson", "--by", "Eth", "--formula", "Days ~ Sex"])
        #expect(by.status != 0)
        #expect(by.stderr.contains("--by is not available with --family poisson yet"), "\(by.stderr)")
        let gaussianOffset = try CLIRunner.run(["fit", Fixtures.path("glm/epil.csv"), "--formula", "y ~ trt + offset(log(base))"])
        #expect(gaussianOffset.status != 0)
        #expect(gaussianOffset.stderr.contains("offsets are supported with --family poisson or negbin"), "\(gaussianOffset.stderr)")
        let revenue = try CLIRunner.run(["fit", Example.history, "--family", "poisson", "--formula", "revenue ~ demos"])
        #expect(revenue.status != 0)
        #expect(revenue.stderr.contains("line 2: the response 'revenue' is 56178.32, but a Poisson model needs whole counts ≥ 0"), "\(revenue.stderr)")
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("deals.json").path
            _ = try runSucceeding(["fit", Example.history, "--family", "negbin", "--cluster", "rep", "--formula", "deals_won ~ demos + proposals",
                                   "--save", model])
            #expect(try jsonObject(file: model)["version"] as? Int == 3)
            // A saved count model forecasts as a count model (whole-number bands: ForecastCommandTests).
            let forecast = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--model", model, "--format", "json"]).stdout)
            #expect(forecast["family"] as? String == "negbin")
        }
        let mixed = try CLIRunner.run(["fit", Example.history, "--family", "negbin", "--formula", "deals_won ~ demos + (1 | rep)"])
        #expect(mixed.status != 0)
        #expect(mixed.stderr.split(separator: "\n").count == 1)
        #expect(mixed.stderr.contains("random intercepts (1 | rep) with --family negbin: a mixed model for counts is a later step"), "\(mixed.stderr)")
    }
}

