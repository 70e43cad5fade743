import Foundation

extension LinearModel {
    /// One fixed effect of a mixed model with its Satterthwaite t test (lmerTest's summary row).
    struct MixedCoefficientRow {
        var term: String
        var estimate, standardError, degreesOfFreedom, tStatistic, pValue, lower, upper: Double
    }

    func mixedCoefficientRows(level: Double) throws(RegressionError) -> [MixedCoefficientRow] {
        guard level > 0, level < 1 else { throw .invalidLevel(level) }
        let intervals = try confidenceIntervals(level: level)
        let se = standardErrors, t = tStatistics, p = pValues, df = coefficientDegreesOfFreedom
        return columnNames.indices.map {
            MixedCoefficientRow(term: columnNames[$0], estimate: coefficients[$0], standardError: se[$0], degreesOfFreedom: df[$0],
                                tStatistic: t[$0], pValue: p[$0], lower: intervals[$0].lower, upper: intervals[$0].upper)
        }
    }

    /// A mixed model's report: lme4's `summary()` layout with lmerTest's t tests, or the JSON document.
    func mixedFormatted(_ mixed: MixedEffects, _ format: ReportFormat, level: Double) throws(RegressionError) -> String {
        let rows = try mixedCoefficientRows(level: level)
        switch format {
        case .json: return mixedJSON(mixed, rows: rows, level: level).serialized()
        case .csv:
            var out = "term,estimate,std_error,df,t_statistic,p_value,conf_low,conf_high\n"
            for r in rows {
                out += "\(CSVText.quoted(r.term)),\(r.estimate),\(r.standardError),\(r.degreesOfFreedom),\(r.tStatistic),\(r.pValue),\(r.lower),\(r.upper)\n"
            }
            return out
        case .markdown:
            var out = "**Linear mixed model fit by \(mixed.method.rawValue.uppercased())**: `\(formula?.text ?? "")`\n\n"
            out += "| group | term | variance | std. dev. |\n|---|---|---|---|\n"
            for component in mixed.varianceComponents {
                for (c, name) in component.columnNames.enumerated() {
                    out += "| \(component.groupName) | `\(name)` | \(TextFormat.general(component.variances[c])) | \(TextFormat.general(component.standardDeviations[c])) |\n"
                }
            }
            out += "| Residual | | \(TextFormat.general(mixed.sigma * mixed.sigma)) | \(TextFormat.general(mixed.sigma)) |\n\n"
            out += "| term | estimate | std. error | df | t | P>\\|t\\| | [\(TextFormat.percent((1 - level) / 2)) | \(TextFormat.percent(1 - (1 - level) / 2))] |\n|---|---|---|---|---|---|---|---|\n"
            for r in rows {
                let cells = [r.estimate, r.standardError, r.degreesOfFreedom, r.tStatistic].map { TextFormat.general($0) }
                    + [TextFormat.pValueText(r.pValue), TextFormat.general(r.lower), TextFormat.general(r.upper)]
                out += "| `\(r.term)` | " + cells.joined(separator: " | ") + " |\n"
            }
            for note in extraNotes { out += "\n- \(note)" }
            return out + "\n"
        case .text:
            return mixedText(mixed, rows: rows, level: level)
        }
    }

    private func mixedText(_ mixed: MixedEffects, rows: [MixedCoefficientRow], level: Double) -> String {
        let method = mixed.method == .reml ? "REML" : "maximum likelihood"
        var out = "Linear mixed model fit by \(method) (t tests use Satterthwaite's method)\n"
        out += "Formula: \(formula?.text ?? "")\n\n"
        let criterionName = mixed.method == .reml ? "REML criterion" : "Deviance"
        out += "\(criterionName): \(TextFormat.general(mixed.criterion, digits: 10))   log-likelihood: \(TextFormat.general(mixed.logLikelihood, digits: 10))\n"
        out += "AIC: \(TextFormat.general(mixed.aic, digits: 8))   BIC: \(TextFormat.general(mixed.bic, digits: 8))\n\n"
        out += "Random effects:\n"
        out += TextFormat.pad(" Groups", 16) + TextFormat.pad("Name", 22) + TextFormat.left("Variance", 14) + TextFormat.left("Std.Dev.", 13) + "  Corr\n"
        for component in mixed.varianceComponents {
            let correlations = component.correlations
            for (c, name) in component.columnNames.enumerated() {
                var line = TextFormat.pad(" " + (c == 0 ? component.groupName : ""), 16) + TextFormat.pad(name, 22)
                line += TextFormat.left(TextFormat.general(component.variances[c]), 14) + TextFormat.left(TextFormat.general(component.standardDeviations[c]), 13)
                if c > 0 { line += "  " + (0..<c).map { TextFormat.fixed(correlations[c, $0], 2) }.joined(separator: " ") }
                out += line + "\n"
            }
        }
        out += TextFormat.pad(" Residual", 38) + TextFormat.left(TextFormat.general(mixed.sigma * mixed.sigma), 14) + TextFormat.left(TextFormat.general(mixed.sigma), 13) + "\n"
        let groups = mixed.conditionalModes.map { "\($0.groupName), \($0.levelNames.count)" }
        var seen = Set<String>()
        out += "Number of obs: \(observationCount), groups: \(groups.filter { seen.insert($0).inserted }.joined(separator: "; "))\n"
        if let icc = mixed.intraclassCorrelation { out += "Intra-class correlation: \(TextFormat.fixed(icc, 3))\n" }
        out += "\nFixed effects:\n"
        let lo = TextFormat.percent((1 - level) / 2), hi = TextFormat.percent(1 - (1 - level) / 2)
        let width = max(22, (columnNames.map(\.count).max() ?? 0) + 2)
        out += TextFormat.pad("", width) + ["Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", "[\(lo)", "\(hi)]"].map { TextFormat.left($0, 12) }.joined() + "\n"
        for r in rows {
            out += TextFormat.pad(r.term, width)
                + ([r.estimate, r.standardError, r.degreesOfFreedom, r.tStatistic].map { TextFormat.general($0, digits: 6) }
                    + [TextFormat.pValueText(r.pValue), TextFormat.general(r.lower, digits: 6), TextFormat.general(r.upper, digits: 6)])
                .map { TextFormat.left($0, 12) }.joined() + "\n"
        }
        let notes = extraNotes + (droppedRows > 0 ? ["\(droppedRows) rows with missing values were dropped."] : [])
            + (rowsWithoutHistory > 0 ? ["\(rowsWithoutHistory) rows without enough history for the lags were dropped."] : [])
        if !notes.isEmpty {
            out += "\nNotes:\n" + notes.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    private func mixedJSON(_ mixed: MixedEffects, rows: [MixedCoefficientRow], level: Double) -> JSONValue {
        var components: [JSONValue] = []
        for component in mixed.varianceComponents {
            let correlations = component.correlations
            for (c, name) in component.columnNames.enumerated() {
                components.append(.object([("group", .string(component.groupName)), ("term", .string(name)),
                                           ("variance", .finite(component.variances[c])), ("std_dev", .finite(component.standardDeviations[c]))]))
            }
            for a in component.columnNames.indices {
                for b in (a + 1)..<max(a + 1, component.columnNames.count) {
                    components.append(.object([("group", .string(component.groupName)), ("term", .string(component.columnNames[a])),
                                               ("term2", .string(component.columnNames[b])), ("covariance", .finite(component.covariance[a, b])),
                                               ("correlation", .finite(correlations[a, b]))]))
                }
            }
        }
        components.append(.object([("group", .string("Residual")), ("variance", .finite(mixed.sigma * mixed.sigma)), ("std_dev", .finite(mixed.sigma))]))
        var effects: [JSONValue] = []
        for modes in mixed.conditionalModes {
            let se = modes.conditionalStandardErrors
            for (l, levelName) in modes.levelNames.enumerated() {
                for (c, name) in modes.columnNames.enumerated() {
                    effects.append(.object([("group", .string(modes.groupName)), ("level", .string(levelName)), ("term", .string(name)),
                                            ("estimate", .finite(modes.values[l, c])), ("std_error", .finite(se[l, c]))]))
                }
            }
        }
        return .object([
            ("format", .string("salesforecast.fit")), ("version", .integer(1)),
            ("formula", formula.map { .string($0.text) } ?? .null), ("dependent", .string(responseName)),
            ("model", .string("linear mixed model")),
            ("method", .string(mixed.method == .reml ? "REML" : "ML")),
            ("confidence_level", .number(level)),
            ("n_observations", .integer(observationCount)),
            ("n_dropped_missing", .integer(droppedRows)), ("n_dropped_no_history", .integer(rowsWithoutHistory)),
            ("sigma", .finite(mixed.sigma)), ("log_likelihood", .finite(mixed.logLikelihood)), ("criterion", .finite(mixed.criterion)),
            ("aic", .finite(mixed.aic)), ("bic", .finite(mixed.bic)), ("singular", .bool(mixed.isSingular)),
            ("theta", .array(mixed.theta.map { .finite($0) })),
            ("icc", mixed.intraclassCorrelation.map { .finite($0) } ?? .null),
            ("coefficients", .array(rows.map { r in
                .object([("term", .string(r.term)), ("estimate", .finite(r.estimate)), ("std_error", .finite(r.standardError)),
                         ("df", .finite(r.degreesOfFreedom)), ("t_statistic", .finite(r.tStatistic)), ("p_value", .finite(r.pValue)),
                         ("conf_low", .finite(r.lower)), ("conf_high", .finite(r.upper))])
            })),
            ("variance_components", .array(components)),
            ("random_effects", .array(effects)),
            ("notes", .array(extraNotes.map { .string($0) })),
        ])
    }
}
