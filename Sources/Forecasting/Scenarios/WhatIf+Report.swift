import Foundation

extension WhatIfReport: Report {

    private var percent: String { TextFormat.percent(level) }
    private static func amount(_ x: Double) -> String { QuarterlyForecast.amount(x) }
    private static func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + amount(x) }

    /// The baseline's prediction interval: whole counts for a count model.
    var baselineInterval: Interval { baselineCounts.map(\.wholeInterval) ?? baseline.interval }
    /// A total's interval bound: a whole number for a count model.
    private func band(_ x: Double) -> String { family.isCount && x.isFinite ? String(format: "%.0f", x) : Self.amount(x) }
    /// A total's interval bound in JSON: an integer for a count model.
    private func bound(_ x: Double) -> JSONValue { family.isCount && x.isFinite && abs(x) < 1e15 ? .integer(Int(x)) : .finite(x) }

    /// A readable summary: the baseline, then each scenario's total and its change from the baseline with intervals, per team where it differs.
    public func text() -> String {
        var out = "What-if for \(horizon): \(response)\nModel: \(formula)\nBaseline activities: \(activities)\n"
        let b = baselineInterval
        out += "Baseline: \(Self.amount(baseline.mean)) (\(percent) interval \(band(b.lower)) to \(band(b.upper)))\n\n"
        for o in outcomes {
            let s = o.scenarioInterval
            out += "\(o.name): \(o.summary)\n"
            out += "  \(response): \(Self.amount(o.scenario.mean)) (\(percent) interval \(band(s.lower)) to \(band(s.upper)))\n"
            out += "  change: \(Self.signed(o.difference)) (\(percent) interval \(Self.signed(o.differenceInterval.lower)) to \(Self.signed(o.differenceInterval.upper)); "
            out += "from the uncertainty of the estimates and of projected activities the change scales, the same reps and periods compared"
            out += family.isCount ? "; a change of expected counts, delta method on the log scale)\n" : ")\n"
            for t in o.teams where t.difference != 0 {
                out += "    \(TextFormat.pad(t.team, 14)) \(Self.signed(t.difference)) (\(Self.signed(t.differenceInterval.lower)) to \(Self.signed(t.differenceInterval.upper)))\n"
            }
            for w in o.warnings { out += "  warning: \(w)\n" }
            out += "\n"
        }
        for w in warnings { out += "Note: \(w)\n" }
        return out
    }

    /// The JSON document (`"format": "salesforecast.whatif"`, `"version": 1`): the baseline and each scenario with its difference, per team.
    public func jsonDocument() -> JSONValue {
        let b = baselineInterval
        return .object([
            ("format", .string("salesforecast.whatif")), ("version", .integer(1)), ("horizon", .string(horizon.description)),
            ("response", .string(response)), ("formula", .string(formula)), ("activities", .string(activities)),
            ("level", .number(level)), ("covariance_type", .string(covarianceType.rawValue)),
            ("family", .string(family.rawValue)), ("integer_bands", .bool(family.isCount)),
            ("baseline", .object([("mean", .finite(baseline.mean)), ("obs_ci_lower", bound(b.lower)), ("obs_ci_upper", bound(b.upper))])),
            ("scenarios", .array(outcomes.map { o in
                let s = o.scenarioInterval
                return .object([
                    ("name", .string(o.name)), ("changes", .string(o.summary)), ("baseline", .finite(o.baseline)),
                    ("mean", .finite(o.scenario.mean)), ("obs_ci_lower", bound(s.lower)), ("obs_ci_upper", bound(s.upper)),
                    ("difference", .finite(o.difference)), ("difference_se", .finite(o.differenceSE)),
                    ("difference_projection_variance", .finite(o.differenceProjectionVariance)),
                    ("difference_ci_lower", .finite(o.differenceInterval.lower)), ("difference_ci_upper", .finite(o.differenceInterval.upper)),
                    ("teams", .array(o.teams.map { t in
                        .object([("team", .string(t.team)), ("baseline", .finite(t.baseline)), ("mean", .finite(t.scenario)),
                                 ("difference", .finite(t.difference)), ("difference_ci_lower", .finite(t.differenceInterval.lower)),
                                 ("difference_ci_upper", .finite(t.differenceInterval.upper))])
                    })),
                    ("warnings", .array(o.warnings.map { .string($0) })),
                ])
            })),
            ("notes", .array(warnings.map { .string($0) })),
        ])
    }

    /// The scenarios as CSV, one row each: baseline, scenario total and interval, and the difference with its standard error and interval.
    public func csv() -> String {
        "scenario,changes,baseline,mean,obs_ci_lower,obs_ci_upper,difference,difference_se,difference_ci_lower,difference_ci_upper,warnings\n"
            + outcomes.map { o in
                let s = o.scenarioInterval
                return [CSVText.quoted(o.name), CSVText.quoted(o.summary), "\(o.baseline)", "\(o.scenario.mean)", "\(s.lower)", "\(s.upper)",
                        "\(o.difference)", "\(o.differenceSE)", "\(o.differenceInterval.lower)", "\(o.differenceInterval.upper)",
                        CSVText.quoted(o.warnings.joined(separator: "; "))].joined(separator: ",")
            }.joined(separator: "\n") + "\n"
    }

    /// A Markdown table of the scenarios: each one's total, its change from the baseline and the interval of that change.
    public func markdown() -> String {
        var out = "### What-if for \(horizon): `\(response)`\n\nBaseline \(Self.amount(baseline.mean)) (activities \(activities)).\n\n"
        out += "| scenario | changes | \(response) | change | \(percent) interval of the change |\n|---|---|---:|---:|---|\n"
        for o in outcomes {
            out += "| \(o.name) | `\(o.summary)` | \(Self.amount(o.scenario.mean)) | \(Self.signed(o.difference)) | \(Self.signed(o.differenceInterval.lower)) to \(Self.signed(o.differenceInterval.upper)) |\n"
        }
        for o in outcomes { for w in o.warnings { out += "\n- \(o.name): \(w)" } }
        return out + "\n"
    }
}

extension GoalSeekResult {
    /// The result as text, JSON, Markdown or CSV.
    public func formatted(_ format: ReportFormat, response: String) -> String {
        let names = activities.joined(separator: " + ")
        func levels(_ l: [String: Double]) -> String {
            activities.map { "\($0) \(String(format: "%.1f", l[$0] ?? .nan))" }.joined(separator: ", ")
        }
        switch format {
        case .json:
            func object(_ l: [String: Double]?) -> JSONValue {
                guard let l else { return .null }
                return .object(activities.map { ($0, .finite(l[$0])) })
            }
            return JSONValue.object([
                ("format", .string("salesforecast.goalseek")), ("version", .integer(1)), ("response", .string(response)),
                ("target", .finite(target)), ("activities", .array(activities.map { .string($0) })),
                ("baseline_mean", .finite(baselineMean)), ("baseline_probability", .finite(baselineProbability)),
                ("baseline_levels", object(baselineLevels)), ("expected_scale", .finite(expectedScale)),
                ("expected_levels", object(expectedLevels)), ("confidence", .finite(confidence)),
                ("confident_scale", .finite(confidentScale)), ("confident_levels", object(confidentLevels)),
                ("warnings", .array(warnings.map { .string($0) })),
            ]).serialized()
        case .csv:
            var out = "case,scale," + activities.joined(separator: ",") + "\n"
            out += "baseline,1," + activities.map { "\(baselineLevels[$0] ?? .nan)" }.joined(separator: ",") + "\n"
            out += "expected,\(expectedScale)," + activities.map { "\(expectedLevels[$0] ?? .nan)" }.joined(separator: ",") + "\n"
            if let confidentScale, let confidentLevels {
                out += "confident,\(confidentScale)," + activities.map { "\(confidentLevels[$0] ?? .nan)" }.joined(separator: ",") + "\n"
            }
            return out
        case .text, .markdown:
            var out = "Goal: \(response) of \(QuarterlyForecast.amount(target)) by scaling \(names) evenly\n"
            out += "Baseline: expected \(QuarterlyForecast.amount(baselineMean)), \(String(format: "%.0f%%", baselineProbability * 100)) chance of the target; "
            out += "per rep and period: \(levels(baselineLevels))\n"
            out += "Expected to reach it at \(String(format: "%.2f", expectedScale))× the baseline (\(String(format: "%+.0f%%", (expectedScale - 1) * 100))): \(levels(expectedLevels))\n"
            if let confidence, let confidentScale, let confidentLevels {
                out += "\(String(format: "%.0f%%", confidence * 100)) chance of reaching it at \(String(format: "%.2f", confidentScale))× (\(String(format: "%+.0f%%", (confidentScale - 1) * 100))): \(levels(confidentLevels))\n"
            }
            for w in warnings { out += "warning: \(w)\n" }
            return out
        }
    }
}

extension WhatIfReport: CustomStringConvertible {}
extension BacktestReport: CustomStringConvertible {}
extension QuarterlyForecast: CustomStringConvertible {}

extension ScenarioOutcome: CustomStringConvertible {
    /// One line: the scenario, the baseline and the difference with its interval.
    public var description: String {
        "\(name): \(TextFormat.general(difference, digits: 6)) (\(TextFormat.general(differenceInterval.lower, digits: 6)) to \(TextFormat.general(differenceInterval.upper, digits: 6))) against a baseline of \(TextFormat.general(baseline, digits: 6))"
    }
}

extension ScenarioOutcome {
    /// The scenario total's prediction interval: whole counts for a count model.
    var scenarioInterval: Interval { scenarioCounts.map(\.wholeInterval) ?? scenario.interval }
}

extension CountTotal {
    /// `interval` as an `Interval` of whole numbers.
    var wholeInterval: Interval {
        let band = interval
        return Interval(lower: Double(band.lower), upper: Double(band.upper))
    }
}
