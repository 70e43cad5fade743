import Foundation

extension QuarterlyForecast: Report {
    var allLines: [ForecastLine] { reps + teams + [total] }


    private var percent: String { TextFormat.percent(level) }

    /// An interval bound: a whole number for a count model's bands, an amount otherwise.
    func band(_ x: Double) -> String { family.isCount && x.isFinite ? String(format: "%.0f", x) : Self.amount(x) }

    /// A readable table of the forecast per team and rep and in total, with prediction intervals, standard errors and quota chances.
    public func text() -> String {
        var out = "Forecast of \(response) for \(horizon) (\(periods.first?.description ?? "")…\(periods.last?.description ?? ""))\n"
        out += "Model: \(formula)\nActivities: \(activities)\n"
        if intervalMethod == .conformal {
            out += "Intervals: \(percent) split-conformal intervals (forecast ± the ⌈(n+1)·\(percent)⌉-th smallest of n rolling-origin errors: a rep's from its team's rep-quarters, a team's and the total's from their quarters). "
            out += "They hold at least \(percent) of outcomes on average over a team's reps and quarters if the errors are exchangeable across origins; not for each rep, and not after the errors' scale shifts. Std err and P(quota) are the model's.\n\n"
        } else if family.isCount {
            out += "Intervals: \(percent) prediction intervals in whole counts from the \(family.displayName) predictive distribution (the counts' own randomness, the estimates' uncertainty\(reps.contains { $0.variance.projection > 0 } ? " and projected activities' error, on the log scale" : ""); \(covarianceType.rawValue) covariance). P(quota) is P(count ≥ quota).\n\n"
        } else {
            out += "Intervals: \(percent) prediction intervals (\(uncertaintyLabel(formula: formula, covariance: covarianceType)))\n\n"
        }
        let hasQuota = allLines.contains { $0.quota != nil }
        let nameWidth = max(10, (allLines.map(\.name.count).max() ?? 0) + 4)
        var header = TextFormat.pad("", nameWidth) + ["forecast", "low", "high", "std err"].map { TextFormat.left($0, 13) }.joined()
        if hasQuota { header += TextFormat.left("quota", 13) + TextFormat.left("P(quota)", 10) }
        func row(_ l: ForecastLine, indent: String = "") -> String {
            let i = l.conformal?.interval ?? l.predictionInterval
            var s = TextFormat.pad(indent + l.name, nameWidth) + [Self.amount(l.rollUp.mean), band(i.lower), band(i.upper), Self.amount(l.rollUp.observationSE)]
                .map { TextFormat.left($0, 13) }.joined()
            if hasQuota {
                s += TextFormat.left(l.quota.map(Self.amount) ?? "", 13)
                s += TextFormat.left(l.quotaProbability.map { String(format: "%.0f%%", $0 * 100) } ?? "", 10)
            }
            return s + "\n"
        }
        let rule = String(repeating: "-", count: header.count) + "\n"
        out += header + "\n" + rule
        var byTeam: [String: [ForecastLine]] = [:]
        for r in reps { byTeam[r.group ?? "", default: []].append(r) }
        if teams.isEmpty {
            reps.forEach { out += row($0) }
        } else {
            for team in teams {
                out += row(team)
                for r in byTeam[team.name] ?? [] { out += row(r, indent: "  ") }
            }
        }
        out += rule + row(total)
        if !warnings.isEmpty {
            out += "\nNotes:\n" + warnings.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n") + "\n"
        }
        out += "\nTeam and total intervals include the covariance of the estimates across the rows summed; they are not sums of the rep intervals.\n"
        out += varianceText()
        return out
    }

    /// Where the width of each team's and the total's interval comes from, as shares of the variance, and
    /// what the projection part assumes.
    func varianceText() -> String {
        let lines = teams + [total]
        var out = "\nWhere the width comes from (share of each line's variance: estimates / rep effect / noise / projected activities):\n"
        let nameWidth = max(10, (lines.map(\.name.count).max() ?? 0) + 2)
        for l in lines {
            out += TextFormat.pad(l.name, nameWidth) + l.variance.shares.map { String(format: "%3.0f%%", $0 * 100) }.joined(separator: " / ") + "\n"
        }
        if family.isCount {
            out += "For a count model, noise is the counts' own randomness (\(family.displayName)); the estimates' and projected activities' parts are their spread carried through exp(η) (the law of total variance), and there is no rep effect.\n"
        }
        if !noiseScaleByTeam.isEmpty {
            out += "Noise per team, relative to the model's one residual variance (each team's mean squared residual in the fit, shrunk toward 1): "
                + noiseScaleByTeam.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f×", $0.key, $0.value) }.joined(separator: ", ") + "\n"
        }
        if let d0 = noisePriorDegreesOfFreedom, d0.isFinite,
           let low = noiseScaleByRep.min(by: { $0.value < $1.value }), let high = noiseScaleByRep.max(by: { $0.value < $1.value }) {
            out += String(format: "Noise per rep: each rep's own mean squared residual, shrunk toward its %@'s by empirical Bayes (a prior worth %.0f residual degrees of freedom, from how much more the reps' variances differ than chance explains): from %.2f× (%@) to %.2f× (%@)\n",
                          noiseScaleByTeam.isEmpty ? "model" : "team", d0, low.value, low.key, high.value, high.key)
        } else if noisePriorDegreesOfFreedom != nil {
            out += "Noise per rep: the reps' residual variances differ no more than chance explains, so each rep has its \(noiseScaleByTeam.isEmpty ? "model" : "team")'s.\n"
        }
        if reps.contains(where: { $0.variance.projection > 0 }) {
            out += "Projected activities miss what reps then do by as much as projecting each past period of the history the same way missed (per activity and period, with their covariance, pooled within team, each rep's own spread shrunk toward its team's); "
            out += "a rep's errors are shared by its periods in the quarter, and reps share them only through a team's (and the company's) common month-to-month swings. Planned activities carry no projection error.\n"
        }
        return out
    }

    static func amount(_ x: Double) -> String {
        guard x.isFinite else { return "nan" }
        return abs(x) >= 1000 ? String(format: "%.0f", x) : String(format: "%.2f", x)
    }

    func lineJSON(_ l: ForecastLine) -> JSONValue {
        let i = l.predictionInterval, m = l.rollUp.meanInterval
        var fields: [(String, JSONValue)] = [("kind", .string(l.kind.rawValue)), ("name", .string(l.name))]
        if let group = l.group { fields.append(("team", .string(group))) }
        fields += [("periods", .integer(l.rollUp.count)), ("mean", .finite(l.rollUp.mean)), ("mean_se", .finite(l.rollUp.meanSE)),
                   ("mean_ci_lower", .finite(m.lower)), ("mean_ci_upper", .finite(m.upper)),
                   ("obs_se", .finite(l.rollUp.observationSE)), ("obs_ci_lower", bound(i.lower)), ("obs_ci_upper", bound(i.upper))]
        if let quota = l.quota { fields.append(("quota", .finite(quota))); fields.append(("quota_probability", .finite(l.quotaProbability))) }
        if let source = l.activitySource { fields.append(("activities", .string(source.description))) }
        if let c = l.conformal {
            fields.append(("conformal", .object([("lower", .finite(c.interval.lower)), ("upper", .finite(c.interval.upper)),
                                                 ("half_width", .finite(c.halfWidth)), ("n", .integer(c.count))])))
        }
        let v = l.variance
        fields.append(("variance", .object([("estimates", .finite(v.estimates)), ("rep_effect", .finite(v.repEffect)),
                                            ("noise", .finite(v.noise)), ("projection", .finite(v.projection)), ("total", .finite(v.total))])))
        return .object(fields)
    }

    /// An interval bound in JSON: an integer for a count model's whole-number bands.
    func bound(_ x: Double) -> JSONValue {
        family.isCount && x.isFinite && abs(x) < 1e15 ? .integer(Int(x)) : .finite(x)
    }

    /// The JSON document (`"format": "salesforecast.forecast"`, `"version": 1`); `"family"` names the model's
    /// family and `"integer_bands"` is true when `obs_ci_lower`/`obs_ci_upper` are whole counts.
    public func jsonDocument() -> JSONValue {
        .object([
            ("format", .string("salesforecast.forecast")), ("version", .integer(1)),
            ("horizon", .string(horizon.description)), ("periods", .array(periods.map { .string($0.description) })),
            ("response", .string(response)), ("formula", .string(formula)), ("activities", .string(activities)),
            ("level", .number(level)), ("covariance_type", .string(covarianceType.rawValue)), ("interval_method", .string(intervalMethod.rawValue)),
            ("family", .string(family.rawValue)), ("integer_bands", .bool(family.isCount)),
            ("total", lineJSON(total)), ("teams", .array(teams.map(lineJSON))), ("reps", .array(reps.map(lineJSON))),
            ("detail", .array(detail.map { .object([("rep", .string($0.rep)), ("period", .string($0.period.description)),
                                                   ("mean", .finite($0.mean)), ("obs_ci_lower", bound($0.interval.lower)),
                                                   ("obs_ci_upper", bound($0.interval.upper))]) })),
            ("noise_scale_by_team", .object(noiseScaleByTeam.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.finite($0.value)) })),
            ("noise_scale_by_rep", .object(noiseScaleByRep.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.finite($0.value)) })),
            ("noise_prior_df", noisePriorDegreesOfFreedom.map { $0.isFinite ? JSONValue.finite($0) : .string("infinite") } ?? .null),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    /// The forecast as CSV, one row per rep, team and total: mean, standard errors, confidence and prediction intervals, quota and its probability.
    public func csv() -> String {
        var out = "kind,name,team,periods,mean,mean_se,mean_ci_lower,mean_ci_upper,obs_se,obs_ci_lower,obs_ci_upper,quota,quota_probability,variance_estimates,variance_rep_effect,variance_noise,variance_projection,conformal_lower,conformal_upper,activities\n"
        for l in allLines {
            let i = l.predictionInterval, m = l.rollUp.meanInterval
            let numbers = [l.rollUp.mean, l.rollUp.meanSE, m.lower, m.upper, l.rollUp.observationSE, i.lower, i.upper].map { "\($0)" }
            out += ([l.kind.rawValue, CSVText.quoted(l.name), CSVText.quoted(l.group ?? ""), String(l.rollUp.count)] + numbers
                    + [l.quota.map { "\($0)" } ?? "", l.quotaProbability.map { "\($0)" } ?? ""]
                    + [l.variance.estimates, l.variance.repEffect, l.variance.noise, l.variance.projection].map { "\($0)" }
                    + [l.conformal.map { "\($0.interval.lower)" } ?? "", l.conformal.map { "\($0.interval.upper)" } ?? ""]
                    + [l.activitySource?.description ?? ""])
                .joined(separator: ",") + "\n"
        }
        return out
    }

    /// A Markdown table of the forecast per team, in total and per rep, with prediction intervals and quota chances.
    public func markdown() -> String {
        var out = "### Forecast of `\(response)` for \(horizon)\n\nModel: `\(formula)`. Activities \(activities). \(percent) \(intervalMethod == .conformal ? "split-conformal" : "prediction") intervals.\n\n"
        let hasQuota = allLines.contains { $0.quota != nil }
        out += "| | forecast | low | high |" + (hasQuota ? " quota | P(quota) |" : "") + "\n|---|---:|---:|---:|" + (hasQuota ? "---:|---:|" : "") + "\n"
        for l in teams + [total] + reps {
            let i = l.conformal?.interval ?? l.predictionInterval
            let name = l.kind == .rep ? l.name : "**\(l.name)**"
            out += "| \(name) | \(Self.amount(l.rollUp.mean)) | \(band(i.lower)) | \(band(i.upper)) |"
            if hasQuota { out += " \(l.quota.map(Self.amount) ?? "") | \(l.quotaProbability.map { String(format: "%.0f%%", $0 * 100) } ?? "") |" }
            out += "\n"
        }
        for w in warnings { out += "\n- \(w)" }
        return out + "\n"
    }
}
