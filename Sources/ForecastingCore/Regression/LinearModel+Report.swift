import Foundation

/// The formats results can be written in.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    /// A readable summary like statsmodels' `summary()`.
    case text
    /// A stable, documented JSON document (see the README), numbers at full precision.
    case json
    /// Markdown tables, for a wiki or a pull request.
    case markdown
    /// The coefficient table as CSV, numbers at full precision.
    case csv
}

/// How a linear model's coefficients were estimated. The raw value is the name the reports, the
/// JSON document and the model file show (`OLS`, `WLS`, `Ridge`).
public enum EstimationMethod: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Ordinary least squares.
    case ols = "OLS"
    /// Weighted least squares (a weights column).
    case wls = "WLS"
    /// Least squares with a ridge penalty on the standardized coefficients.
    case ridge = "Ridge"
    /// A linear mixed model fitted by restricted maximum likelihood.
    case reml = "REML"
    /// A linear mixed model fitted by maximum likelihood.
    case ml = "ML"
    /// A generalized linear model (Poisson or negative binomial) by iteratively reweighted least squares.
    case irls = "IRLS"

    /// The method's name: `OLS`, `WLS`, `Ridge`, `REML`, `ML` or `IRLS`.
    public var description: String { rawValue }
}

extension LinearModel {
    /// The estimation method: ordinary or weighted least squares, or ridge.
    public var method: EstimationMethod {
        if let mixed = mixedEffects { return mixed.method == .reml ? .reml : .ml }
        if generalized != nil { return .irls }
        return ridgePenalty != nil ? .ridge : (weightLogSum != nil ? .wls : .ols)
    }

    /// One row of the coefficient table.
    public struct CoefficientRow: Sendable {
        /// The coefficient's name, e.g. `demos` or `C(team)[T.SMB]`.
        public var term: String
        /// The estimate β̂, its standard error, t statistic, two-sided p-value, and the lower and upper bounds of its confidence interval.
        public var estimate, standardError, tStatistic, pValue, lower, upper: Double
        /// The variance inflation factor (VIF), how much collinearity with the other columns inflates this estimate's variance; `nil` for the intercept.
        public var vif: Double?
    }

    /// The coefficient table at a confidence `level`.
    public func coefficientTable(level: Double = 0.95) throws(RegressionError) -> [CoefficientRow] {
        let intervals = try confidenceIntervals(level: level)
        let se = standardErrors, t = tStatistics, p = pValues
        return columnNames.indices.map {
            CoefficientRow(term: columnNames[$0], estimate: coefficients[$0], standardError: se[$0], tStatistic: t[$0],
                           pValue: p[$0], lower: intervals[$0].lower, upper: intervals[$0].upper,
                           vif: varianceInflationFactors[$0])
        }
    }

    /// A row with a large influence on the fit.
    public struct InfluentialRow: Sendable, Equatable {
        /// The row's line in its source file (0 for rows made in memory).
        public var line: Int
        /// Its Cook's distance: how far the estimates move when the row is left out.
        public var cooksDistance: Double
        /// Its leverage hᵢ, the diagonal of the hat matrix.
        public var leverage: Double
        /// Its residual (weighted for WLS).
        public var residual: Double

        /// An influential row from its line, Cook's distance, leverage and residual.
        public init(line: Int, cooksDistance: Double, leverage: Double, residual: Double) {
            self.line = line
            self.cooksDistance = cooksDistance
            self.leverage = leverage
            self.residual = residual
        }
    }

    /// Rows whose Cook's distance exceeds 4/n, largest first (at most `limit`), with their source lines.
    public func influentialRows(limit: Int = 5) -> [InfluentialRow] {
        if let residualSummary { return Array(residualSummary.influential.prefix(limit)) }
        let d = cooksDistance
        let threshold = 4 / Double(observationCount)
        return d.indices.filter { d[$0] > threshold }.sorted { d[$0] > d[$1] }.prefix(limit)
            .map { InfluentialRow(line: rowLines[$0], cooksDistance: d[$0], leverage: leverage[$0], residual: residuals[$0]) }
    }

    /// The results as text, JSON, Markdown or CSV.
    /// - Parameters:
    ///   - format: The writer: text (statsmodels' summary), JSON, Markdown or CSV.
    ///   - level: The confidence level of the intervals (default 0.95).
    public func formatted(_ format: ReportFormat, level: Double = 0.95) throws(RegressionError) -> String {
        if let mixed = mixedEffects { return try mixedFormatted(mixed, format, level: level) }
        if let generalized { return try countFormatted(generalized, format, level: level) }
        switch format {
        case .text: return try summary(level: level)
        case .json: return try jsonDocument(level: level).serialized()
        case .markdown: return try markdown(level: level)
        case .csv: return try csv(level: level)
        }
    }

    /// The JSON document of the fit (`"format": "salesforecast.fit"`, `"version": 1`); for a count model
    /// it adds `family`, `theta`, `theta_std_error`, `deviance` and `null_deviance` (see the README).
    public func jsonDocument(level: Double = 0.95) throws(RegressionError) -> JSONValue {
        if let generalized { return try countJSON(generalized, level: level) }
        let table = try coefficientTable(level: level)
        let jb = jarqueBera, omni = omnibus
        var members: [(String, JSONValue)] = jsonIdentityMembers + jsonSampleMembers(level: level) + [
            ("df_inference", .finite(inferenceDegreesOfFreedom)),
            ("r_squared", .finite(rSquared)),
            ("adj_r_squared", .finite(adjustedRSquared)),
            ("sigma", .finite(residualStandardError)),
            ("f_statistic", .finite(fStatistic)),
            ("f_p_value", .finite(fPValue)),
            ("log_likelihood", .finite(logLikelihood)),
            ("aic", .finite(aic)),
            ("bic", .finite(bic)),
            ("condition_number", .finite(conditionNumber)),
            ("durbin_watson", .finite(durbinWatson)),
            ("jarque_bera", .finite(jb.statistic)),
            ("jarque_bera_p_value", .finite(jb.pValue)),
            ("skew", .finite(jb.skewness)),
            ("kurtosis", .finite(jb.kurtosis)),
            ("omnibus", .finite(omni.statistic)),
            ("omnibus_p_value", .finite(omni.pValue)),
            ("ssr", .finite(residualSumOfSquares)),
        ]
        if let ridgePenalty {
            members.append(("ridge_penalty", .number(ridgePenalty)))
            members.append(("effective_parameters", .number(effectiveParameters)))
        }
        members.append(("coefficients", .array(table.map { row in
            var fields: [(String, JSONValue)] = [
                ("term", .string(row.term)), ("estimate", .finite(row.estimate)), ("std_error", .finite(row.standardError)),
                ("t_statistic", .finite(row.tStatistic)), ("p_value", .finite(row.pValue)),
                ("conf_low", .finite(row.lower)), ("conf_high", .finite(row.upper)),
            ]
            if let vif = row.vif { fields.append(("vif", .finite(vif))) }
            return .object(fields)
        })))
        members.append(("influential_rows", .array(influentialRows().map {
            .object([("line", .integer($0.line)), ("cooks_distance", .finite($0.cooksDistance)),
                     ("leverage", .finite($0.leverage)), ("residual", .finite($0.residual))])
        })))
        return .object(members)
    }

    /// The coefficient table as CSV with full-precision numbers.
    public func csv(level: Double = 0.95) throws(RegressionError) -> String {
        if let generalized { return try countFormatted(generalized, .csv, level: level) }
        var out = "term,estimate,std_error,t_statistic,p_value,conf_low,conf_high,vif\n"
        for row in try coefficientTable(level: level) {
            let numbers = [row.estimate, row.standardError, row.tStatistic, row.pValue, row.lower, row.upper]
                .map { $0.isFinite ? "\($0)" : "" }
            out += ([CSVText.quoted(row.term)] + numbers + [row.vif.map { $0.isFinite ? "\($0)" : "" } ?? ""])
                .joined(separator: ",") + "\n"
        }
        return out
    }

    /// Markdown: a table of fit statistics and the coefficient table.
    public func markdown(level: Double = 0.95) throws(RegressionError) -> String {
        if let generalized { return try countFormatted(generalized, .markdown, level: level) }
        let percent = TextFormat.percent(level)
        var out = "### \(method) regression of `\(responseName)`\n\n"
        if let formula { out += "Formula: `\(formula)`\n\n" }
        out += "| statistic | value |\n|---|---:|\n"
        for (name, value) in statisticLines() { out += "| \(name) | \(value) |\n" }
        out += "\n| term | estimate | std. error | t | P>\\|t\\| | \(percent) low | \(percent) high | VIF |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for row in try coefficientTable(level: level) {
            let cells = [row.estimate, row.standardError, row.tStatistic].map { TextFormat.general($0) }
                + [TextFormat.pValueText(row.pValue)] + [row.lower, row.upper].map { TextFormat.general($0) }
                + [row.vif.map { TextFormat.general($0) } ?? ""]
            out += "| `\(row.term)` | " + cells.joined(separator: " | ") + " |\n"
        }
        for note in notes() { out += "\n- \(note)" }
        return out + "\n"
    }

    /// A readable summary in the layout of statsmodels' `summary()`.
    public func summary(level: Double = 0.95) throws(RegressionError) -> String {
        if let mixed = mixedEffects { return try mixedFormatted(mixed, .text, level: level) }
        if let generalized { return try countFormatted(generalized, .text, level: level) }
        let width = 78
        let rule = String(repeating: "=", count: width)
        let title = "\(method) Regression Results"
        var out = String(repeating: " ", count: max(0, (width - title.count) / 2)) + title + "\n" + rule + "\n"
        let jb = jarqueBera, omni = omnibus
        let left: [(String, String)] = [
            ("Dep. Variable:", responseName), ("Model:", method.rawValue),
            ("Method:", ridgePenalty == nil ? "Least Squares" : "Ridge (λ = \(TextFormat.general(ridgePenalty ?? 0)))"),
            ("No. Observations:", String(observationCount)), ("Rows dropped (missing):", String(droppedRows)),
            ("Df Residuals:", TextFormat.general(dfResidual)), ("Df Model:", TextFormat.general(dfModel)),
            ("Covariance Type:", covarianceType.rawValue),
        ]
        let right: [(String, String)] = [
            ("R-squared:", TextFormat.fixed(rSquared, 3)), ("Adj. R-squared:", TextFormat.fixed(adjustedRSquared, 3)),
            ("F-statistic:", TextFormat.general(fStatistic)), ("Prob (F-statistic):", TextFormat.general(fPValue, digits: 3)),
            ("Log-Likelihood:", TextFormat.general(logLikelihood)), ("AIC:", TextFormat.general(aic)), ("BIC:", TextFormat.general(bic)),
            ("Residual std. error:", TextFormat.general(residualStandardError)),
        ]
        out += TextFormat.pairColumns(left, right)
        out += rule + "\n"
        let table = try coefficientTable(level: level)
        let nameWidth = max(12, min(40, (table.map(\.term.count).max() ?? 0) + 2))
        let (lowLabel, highLabel) = TextFormat.intervalLabels(level)
        out += TextFormat.pad("", nameWidth) + [ "coef", "std err", "t", "P>|t|", lowLabel, highLabel, "VIF"].map { TextFormat.left($0, 11) }.joined() + "\n"
        out += String(repeating: "-", count: nameWidth + 77) + "\n"
        for row in table {
            let cells = [TextFormat.cell(row.estimate), TextFormat.cell(row.standardError), TextFormat.fixed(row.tStatistic, 3),
                         TextFormat.fixed(row.pValue, 3), TextFormat.cell(row.lower), TextFormat.cell(row.upper),
                         row.vif.map { TextFormat.fixed($0, 2) } ?? ""]
            out += TextFormat.pad(row.term, nameWidth) + cells.map { TextFormat.left($0, 11) }.joined() + "\n"
        }
        out += rule + "\n"
        let bottom: [((String, String), (String, String))] = [
            (("Omnibus:", TextFormat.fixed(omni.statistic, 3)), ("Durbin-Watson:", TextFormat.fixed(durbinWatson, 3))),
            (("Prob(Omnibus):", TextFormat.fixed(omni.pValue, 3)), ("Jarque-Bera (JB):", TextFormat.fixed(jb.statistic, 3))),
            (("Skew:", TextFormat.fixed(jb.skewness, 3)), ("Prob(JB):", TextFormat.general(jb.pValue, digits: 3))),
            (("Kurtosis:", TextFormat.fixed(jb.kurtosis, 3)), ("Cond. No.", TextFormat.general(conditionNumber, digits: 3))),
        ]
        for (l, r) in bottom { out += TextFormat.pair(l, 38) + "  " + TextFormat.pair(r, 38) + "\n" }
        out += rule + "\n"
        let influential = influentialRows()
        if !influential.isEmpty {
            out += "Most influential rows (Cook's distance > 4/n): "
            out += influential.map { "line \($0.line) (\(TextFormat.general($0.cooksDistance, digits: 3)))" }.joined(separator: ", ") + "\n"
        }
        let notes = notes()
        if !notes.isEmpty {
            out += "Notes:\n"
            for (k, note) in notes.enumerated() { out += "[\(k + 1)] \(note)\n" }
        }
        return out
    }

    /// Plain-language notes: covariance used, conditioning, dropped rows, ridge caveats.
    public func notes() -> [String] {
        if let generalized { return countNotes(generalized) }
        var notes: [String] = []
        notes.append(covarianceType.explanation)
        if inferenceDegreesOfFreedom != dfResidual {
            notes.append("Tests and intervals use \(TextFormat.general(inferenceDegreesOfFreedom)) degrees of freedom (clusters − 1).")
        }
        if droppedRows > 0 { notes.append("\(droppedRows) rows with missing values were dropped.") }
        if rowsWithoutHistory > 0 {
            notes.append("\(rowsWithoutHistory) rows were dropped because their lagged values reach before the rep's first period.")
        }
        if let gapSummary { notes.append("Gaps in the periods: \(gapSummary); lags look back in calendar periods, so rows after a gap lose their lag.") }
        if ridgePenalty != nil {
            notes.append("Ridge estimates are shrunk toward zero; their standard errors and intervals ignore that bias and are approximate.")
        }
        let scaledCondition = singularValuesScaledRatio
        if scaledCondition > 1e3 {
            notes.append("The condition number is large (\(TextFormat.general(conditionNumber, digits: 3)); \(TextFormat.general(scaledCondition, digits: 3)) with columns scaled to unit length): activities move together, so their separate effects are uncertain (see the VIF column).")
        }
        if dfResidual <= 0 { notes.append("No residual degrees of freedom: standard errors and tests are undefined.") }
        notes += extraNotes
        return notes
    }

    /// The condition number after scaling columns to unit length, which ignores the units of the data.
    var singularValuesScaledRatio: Double {
        guard let scaled = try? factorization?.scaledSingularValues(), let first = scaled.first, let last = scaled.last else { return .nan }
        return first / last
    }

    func statisticLines() -> [(String, String)] {
        [("Observations", String(observationCount)), ("Rows dropped (missing)", String(droppedRows)),
         ("Df model / residual", "\(TextFormat.general(dfModel)) / \(TextFormat.general(dfResidual))"),
         ("R²", TextFormat.general(rSquared)), ("Adjusted R²", TextFormat.general(adjustedRSquared)),
         ("Residual std. error", TextFormat.general(residualStandardError)),
         ("F statistic", TextFormat.general(fStatistic)), ("P(F)", TextFormat.pValueText(fPValue)),
         ("Log-likelihood", TextFormat.general(logLikelihood)), ("AIC", TextFormat.general(aic)), ("BIC", TextFormat.general(bic)),
         ("Condition number", TextFormat.general(conditionNumber, digits: 3)), ("Durbin–Watson", TextFormat.fixed(durbinWatson, 3)),
         ("Covariance", covarianceType.rawValue)]
    }
}

/// A joint Wald F test that several coefficients are all zero.
public struct WaldTestResult: Sendable {
    /// The terms tested (coefficient names).
    public var terms: [String]
    /// The Wald F statistic.
    public var statistic: Double
    /// The p-value of ``statistic`` from the F distribution.
    public var pValue: Double
    /// The numerator degrees of freedom: the number of coefficients tested.
    public var numeratorDF: Double
    /// The denominator degrees of freedom: the residual (or, clustered, the clusters − 1) degrees of freedom.
    public var denominatorDF: Double
    /// The covariance used.
    public var covarianceType: CovarianceType
}

extension LinearModel {
    /// The joint Wald F test that the coefficients named `terms` are all zero, with ``covariance``:
    /// "do emails matter at all, at any lag?". A name may also be a factor of categorical columns (all
    /// its columns are tested), e.g. `C(team)`.
    /// - Throws: ``RegressionError/unknownTerm(_:known:)`` for a name the model has no column for.
    public func waldTest(terms: [String]) throws -> WaldTestResult {
        var columns: [Int] = []
        for term in terms {
            let normalized = FormulaParser.normalizedName(Array(term)[...])
            let matches = columnNames.indices.filter { j in
                columnNames[j] == normalized || columnNames[j].hasPrefix(normalized + "[")
            }
            guard !matches.isEmpty else { throw RegressionError.unknownTerm(term, known: columnNames) }
            columns += matches.filter { !columns.contains($0) }
        }
        return try waldTest(columns: columns)
    }

    /// The results with joint tests appended (text: lines after the summary; JSON: a `tests` array).
    public func formatted(_ format: ReportFormat, level: Double, tests: [WaldTestResult]) throws(RegressionError) -> String {
        func line(_ t: WaldTestResult) -> String {
            if t.denominatorDF.isInfinite {
                return "Wald test that \(t.terms.joined(separator: ", ")) are all zero: chi2(\(TextFormat.general(t.numeratorDF))) = \(TextFormat.general(t.statistic * t.numeratorDF)), p = \(TextFormat.pValueText(t.pValue)) (\(t.covarianceType.rawValue))"
            }
            return "Wald test that \(t.terms.joined(separator: ", ")) are all zero: F(\(TextFormat.general(t.numeratorDF)), \(TextFormat.general(t.denominatorDF))) = \(TextFormat.general(t.statistic)), p = \(TextFormat.pValueText(t.pValue)) (\(t.covarianceType.rawValue))"
        }
        switch format {
        case .json:
            guard case .object(var members) = try jsonDocument(level: level) else { return "" }
            members.append(("tests", .array(tests.map { t in
                // Count models test by χ²(q) = q·F (df_denom null, infinite).
                .object([("terms", .array(t.terms.map { .string($0) })), ("f_statistic", .finite(t.statistic))]
                        + (t.denominatorDF.isInfinite ? [("chi2_statistic", .finite(t.statistic * t.numeratorDF))] : [])
                        + [("p_value", .finite(t.pValue)), ("df_num", .finite(t.numeratorDF)), ("df_denom", .finite(t.denominatorDF)),
                           ("covariance_type", .string(t.covarianceType.rawValue))])
            })))
            return JSONValue.object(members).serialized()
        case .csv:
            return try csv(level: level) + "\ntest,f_statistic,p_value,df_num,df_denom\n"
                + tests.map { "\(CSVText.quoted($0.terms.joined(separator: "; "))),\($0.statistic),\($0.pValue),\($0.numeratorDF),\($0.denominatorDF)" }.joined(separator: "\n") + "\n"
        case .text, .markdown:
            return try formatted(format, level: level) + "\n" + tests.map { (format == .markdown ? "- " : "") + line($0) }.joined(separator: "\n") + "\n"
        }
    }
}

extension LinearModel: CustomStringConvertible {
    /// The statsmodels-style summary at 95%, so `print(model)` shows it.
    public var description: String {
        (try? summary()) ?? "\(method) model of \(responseName) on \(columnNames.joined(separator: ", "))"
    }
}

extension LinearModel {
    /// The JSON members that open every fit's JSON: the format, the formula, the response and the method.
    var jsonIdentityMembers: [(String, JSONValue)] {
        [
            ("format", .string("salesforecast.fit")),
            ("version", .integer(1)),
            ("formula", formula.map { .string($0.text) } ?? .null),
            ("dependent", .string(responseName)),
            ("method", .string(method.rawValue)),
        ]
    }

    /// The JSON members that describe the sample and the covariance: weights, rows used and dropped, degrees of freedom.
    func jsonSampleMembers(level: Double) -> [(String, JSONValue)] {
        [
            ("weights", weightsColumn.map { .string($0) } ?? .null),
            ("covariance_type", .string(covarianceType.rawValue)),
            ("confidence_level", .number(level)),
            ("n_observations", .integer(observationCount)),
            ("n_dropped_missing", .integer(droppedRows)),
            ("n_dropped_no_history", .integer(rowsWithoutHistory)),
            ("df_model", .finite(dfModel)),
            ("df_residual", .finite(dfResidual)),
        ]
    }
}
