import Foundation

extension LinearModel {
    /// One row of a count model's coefficient table: the log-scale estimate with its z test and
    /// interval, and the rate ratio exp(β̂) with its interval.
    public struct CountCoefficientRow: Sendable {
        /// The coefficient's name.
        public var term: String
        /// β̂ (log scale), its standard error, z statistic, two-sided p-value and Wald interval.
        public var estimate, standardError, zStatistic, pValue, lower, upper: Double
        /// exp(β̂) and exp of the interval's bounds.
        public var rateRatio: RateRatio
    }

    /// The coefficient table of a count model at a confidence `level`.
    func countCoefficientTable(level: Double) throws(RegressionError) -> [CountCoefficientRow] {
        let intervals = try confidenceIntervals(level: level)
        let ratios = try rateRatios(level: level)
        let se = standardErrors, z = tStatistics, p = pValues
        return columnNames.indices.map {
            CountCoefficientRow(term: columnNames[$0], estimate: coefficients[$0], standardError: se[$0], zStatistic: z[$0], pValue: p[$0],
                                lower: intervals[$0].lower, upper: intervals[$0].upper, rateRatio: ratios[$0])
        }
    }

    /// Plain-language notes of a count model: covariance, convergence, θ, separation, dropped rows.
    func countNotes(_ glm: GeneralizedLinearFit) -> [String] {
        var notes: [String] = [covarianceType.explanation]
        notes.append("Coefficients are on the log scale; exp(coef) is the rate ratio: the factor by which the expected count multiplies per unit.")
        if !glm.converged {
            notes.append(glm.family == .negativeBinomial
                ? "NOT CONVERGED: IRLS and the θ alternation did not meet |Δ|/(|D| + 0.1) < \(TextFormat.general(glm.control.tolerance)) within \(glm.control.maximumIterations) iterations; the estimates are the last iterate."
                : "NOT CONVERGED: IRLS did not meet |ΔD|/(|D| + 0.1) < \(TextFormat.general(glm.control.tolerance)) within \(glm.control.maximumIterations) iterations; the estimates are the last iterate.")
        }
        if glm.boundary { notes.append("IRLS halved a step to keep the deviance finite (the fit is on the boundary of the parameter space).") }
        if let warning = glm.thetaWarning {
            notes.append("θ: \(warning) (MASS's theta.ml warns the same); the counts may not be overdispersed, so a Poisson model may fit as well.")
        }
        let boundary = glm.rowsAtZeroBoundary
        if !boundary.isEmpty {
            let se = standardErrors
            let drifting = columnNames.indices.filter { se[$0] > 100 || abs(coefficients[$0]) > 15 }.map { columnNames[$0] }
            notes.append("Separation: \(boundary.count) rows with a zero count have fitted means below 1e-8"
                + (drifting.isEmpty ? "" : ", and \(drifting.joined(separator: ", ")) run off toward −∞ with huge standard errors")
                + ": a category (or range of an activity) has only zero counts, so its coefficient is not estimable; merge or drop it.")
        }
        if droppedRows > 0 { notes.append("\(droppedRows) rows with missing values were dropped.") }
        if rowsWithoutHistory > 0 {
            notes.append("\(rowsWithoutHistory) rows were dropped because their lagged values reach before the rep's first period.")
        }
        notes += extraNotes
        return notes
    }

    /// The results of a count model in `format`.
    func countFormatted(_ glm: GeneralizedLinearFit, _ format: ReportFormat, level: Double) throws(RegressionError) -> String {
        switch format {
        case .text: return try countSummary(glm, level: level)
        case .json: return try countJSON(glm, level: level).serialized()
        case .markdown: return try countMarkdown(glm, level: level)
        case .csv: return try countCSV(level: level)
        }
    }

    /// Statistic lines shared by the text and Markdown forms.
    private func countStatistics(_ glm: GeneralizedLinearFit) -> [(String, String)] {
        var lines: [(String, String)] = [
            ("No. Observations:", String(observationCount)), ("Df Residuals:", TextFormat.general(dfResidual)),
            ("Df Model:", TextFormat.general(dfModel)), ("Log-Likelihood:", TextFormat.general(logLikelihood, digits: 8)),
            ("Deviance:", TextFormat.general(glm.deviance, digits: 8)),
            ("Null deviance (df \(TextFormat.general(glm.nullDegreesOfFreedom))):", TextFormat.general(glm.nullDeviance, digits: 8)),
            ("AIC:", TextFormat.general(aic, digits: 8)), ("BIC:", TextFormat.general(bic, digits: 8)),
        ]
        if let theta = glm.theta {
            lines.append(("Theta (θ):", TextFormat.general(theta, digits: 6)))
            lines.append(("Std. error of θ:", TextFormat.general(glm.thetaStandardError ?? .nan, digits: 6)))
        }
        return lines
    }

    private func countSummary(_ glm: GeneralizedLinearFit, level: Double) throws(RegressionError) -> String {
        let width = 78
        let rule = String(repeating: "=", count: width)
        let title = "Generalized Linear Model Regression Results"
        var out = String(repeating: " ", count: max(0, (width - title.count) / 2)) + title + "\n" + rule + "\n"
        let left: [(String, String)] = [
            ("Dep. Variable:", responseName), ("Model:", "GLM"), ("Model Family:", glm.family.displayName),
            ("Link Function:", glm.link == .log ? "Log" : "Identity"), ("Method:", "IRLS"),
            ("Covariance Type:", covarianceType.rawValue),
            ("No. Iterations:", String(glm.iterations) + (glm.family == .negativeBinomial ? " (\(glm.alternations) θ steps)" : "")),
            ("Converged:", glm.converged ? "yes" : "NO"),
            ("Rows dropped (missing):", String(droppedRows)),
        ]
        let right = countStatistics(glm)
        out += TextFormat.pairColumns(left, right)
        out += rule + "\n"
        let table = try countCoefficientTable(level: level)
        let nameWidth = max(12, min(40, (table.map(\.term.count).max() ?? 0) + 2))
        let (lowLabel, highLabel) = TextFormat.intervalLabels(level)
        out += TextFormat.pad("", nameWidth) + ["coef", "std err", "z", "P>|z|", lowLabel, highLabel].map { TextFormat.left($0, 11) }.joined() + "\n"
        out += String(repeating: "-", count: nameWidth + 66) + "\n"
        for row in table {
            let cells = [TextFormat.cell(row.estimate), TextFormat.cell(row.standardError), TextFormat.fixed(row.zStatistic, 3),
                         TextFormat.fixed(row.pValue, 3), TextFormat.cell(row.lower), TextFormat.cell(row.upper)]
            out += TextFormat.pad(row.term, nameWidth) + cells.map { TextFormat.left($0, 11) }.joined() + "\n"
        }
        out += rule + "\n"
        out += TextFormat.pad("Rate ratios", nameWidth) + ["exp(coef)", lowLabel, highLabel].map { TextFormat.left($0, 11) }.joined() + "\n"
        out += String(repeating: "-", count: nameWidth + 33) + "\n"
        for row in table {
            let cells = [row.rateRatio.ratio, row.rateRatio.lower, row.rateRatio.upper].map { TextFormat.cell($0) }
            out += TextFormat.pad(row.term, nameWidth) + cells.map { TextFormat.left($0, 11) }.joined() + "\n"
        }
        out += rule + "\n"
        let notes = countNotes(glm)
        if !notes.isEmpty {
            out += "Notes:\n"
            for (k, note) in notes.enumerated() { out += "[\(k + 1)] \(note)\n" }
        }
        return out
    }

    /// The JSON document of a count model: the keys of the linear fit's document that apply, plus
    /// `family`, `link`, `theta`, `theta_std_error`, `deviance`, `null_deviance`, `df_null`, `iterations`,
    /// `converged`, and per coefficient `z_statistic` and the rate ratio with its interval.
    func countJSON(_ glm: GeneralizedLinearFit, level: Double) throws(RegressionError) -> JSONValue {
        let table = try countCoefficientTable(level: level)
        let members: [(String, JSONValue)] = jsonIdentityMembers + [
            ("family", .string(glm.family.rawValue)),
            ("link", .string(glm.link.rawValue)),
        ] + jsonSampleMembers(level: level) + [
            ("df_null", .finite(glm.nullDegreesOfFreedom)),
            ("theta", .finite(glm.theta)),
            ("theta_std_error", .finite(glm.thetaStandardError)),
            ("theta_warning", glm.thetaWarning.map { .string($0) } ?? .null),
            ("deviance", .finite(glm.deviance)),
            ("null_deviance", .finite(glm.nullDeviance)),
            ("log_likelihood", .finite(logLikelihood)),
            ("aic", .finite(aic)),
            ("bic", .finite(bic)),
            ("iterations", .integer(glm.iterations)),
            ("theta_alternations", .integer(glm.alternations)),
            ("converged", .bool(glm.converged)),
            ("coefficients", .array(table.map { row in
                .object([
                    ("term", .string(row.term)), ("estimate", .finite(row.estimate)), ("std_error", .finite(row.standardError)),
                    ("z_statistic", .finite(row.zStatistic)), ("p_value", .finite(row.pValue)),
                    ("conf_low", .finite(row.lower)), ("conf_high", .finite(row.upper)),
                    ("rate_ratio", .finite(row.rateRatio.ratio)), ("rate_ratio_low", .finite(row.rateRatio.lower)),
                    ("rate_ratio_high", .finite(row.rateRatio.upper)),
                ])
            })),
            ("notes", .array(countNotes(glm).map { .string($0) })),
        ]
        return .object(members)
    }

    private func countCSV(level: Double) throws(RegressionError) -> String {
        var out = "term,estimate,std_error,z_statistic,p_value,conf_low,conf_high,rate_ratio,rate_ratio_low,rate_ratio_high\n"
        for row in try countCoefficientTable(level: level) {
            let numbers = [row.estimate, row.standardError, row.zStatistic, row.pValue, row.lower, row.upper,
                           row.rateRatio.ratio, row.rateRatio.lower, row.rateRatio.upper].map { $0.isFinite ? "\($0)" : "" }
            out += ([CSVText.quoted(row.term)] + numbers).joined(separator: ",") + "\n"
        }
        return out
    }

    private func countMarkdown(_ glm: GeneralizedLinearFit, level: Double) throws(RegressionError) -> String {
        let percent = TextFormat.percent(level)
        var out = "### \(glm.family.displayName) regression (log link, IRLS) of `\(responseName)`\n\n"
        if let formula { out += "Formula: `\(formula)`\n\n" }
        out += "| statistic | value |\n|---|---:|\n"
        for (name, value) in countStatistics(glm) { out += "| \(name.dropLast()) | \(value) |\n" }
        out += "| Covariance | \(covarianceType.rawValue) |\n| Converged | \(glm.converged ? "yes" : "no") (\(glm.iterations) iterations) |\n"
        out += "\n| term | estimate | std. error | z | P>\\|z\\| | \(percent) low | \(percent) high | exp(coef) | exp low | exp high |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for row in try countCoefficientTable(level: level) {
            let cells = [row.estimate, row.standardError, row.zStatistic].map { TextFormat.general($0) } + [TextFormat.pValueText(row.pValue)]
                + [row.lower, row.upper, row.rateRatio.ratio, row.rateRatio.lower, row.rateRatio.upper].map { TextFormat.general($0) }
            out += "| `\(row.term)` | " + cells.joined(separator: " | ") + " |\n"
        }
        for note in countNotes(glm) { out += "\n- \(note)" }
        return out + "\n"
    }
}
