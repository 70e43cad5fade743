import Foundation

extension DriversReport {
    /// The report as text, JSON, Markdown or CSV (CSV: the activity table and the rep table, one after the other).
    public func formatted(_ format: ReportFormat) -> String {
        switch format {
        case .text, .markdown: text(markdown: format == .markdown)
        case .json: jsonDocument().serialized()
        case .csv: csv()
        }
    }

    private static func g(_ x: Double, _ digits: Int = 4) -> String { TextFormat.general(x, digits: digits) }

    func text(markdown: Bool) -> String {
        let percent = TextFormat.percent(level)
        var out = markdown ? "### What drives `\(response)`\n\n" : "What drives \(response)\nModel: \(formula) (\(uncertaintyLabel(formula: formula, covariance: covarianceType)))\n\n"
        if markdown {
            out += "| rank | activity | term | \(family.isCount ? "rate ratio" : "effect") | \(percent) interval | p | standardized | elasticity | per rep-period | best lag | verdict |\n|---:|---|---|---:|---|---:|---:|---:|---:|---:|---|\n"
        } else {
            out += TextFormat.pad("", 4) + TextFormat.pad("activity", 14) + TextFormat.pad("term", 18)
            out += [family.isCount ? "rate ratio" : "effect", "\(percent) low", "\(percent) high", "p", "std.", "elast.", "per rep-period", "best lag"].map { TextFormat.left($0, 12) }.joined() + "  verdict\n"
        }
        for (k, a) in activities.enumerated() {
            let verdict = a.addsNothing ? "adds nothing once the others are known (p = \(Self.g(a.jointPValue, 2)))"
                : (a.estimate > 0 ? "drives results" : "lowers results")
            // A count model's effects are shown as rate ratios exp(β): the expected count multiplies by it per unit.
            let effect = family.isCount ? [Foundation.exp(a.estimate), Foundation.exp(a.lower), Foundation.exp(a.upper)] : [a.estimate, a.lower, a.upper]
            let cells = [Self.g(effect[0]), Self.g(effect[1]), Self.g(effect[2]), TextFormat.pValueText(a.pValue),
                         String(format: "%.3f", a.standardizedEffect), String(format: "%.3f", a.elasticity),
                         QuarterlyForecast.amount(a.contribution), a.bestLag.map(String.init) ?? "—"]
            if markdown {
                out += "| \(k + 1) | \(a.activity) | `\(a.term)` | \(cells[0]) | \(cells[1]) to \(cells[2]) | \(cells[3]) | \(cells[4]) | \(cells[5]) | \(cells[6]) | \(cells[7]) | \(verdict) |\n"
            } else {
                out += TextFormat.pad("\(k + 1).", 4) + TextFormat.pad(a.activity, 14) + TextFormat.pad(a.term, 18)
                out += cells.map { TextFormat.left($0, 12) }.joined() + "  \(verdict)\n"
            }
        }
        if family.isCount {
            out += "\n\(family.displayName) count model: the rate ratio exp(β) is how many times the expected \(response) multiplies per unit of the activity; "
            out += "standardized = β·sd (log expected count per standard deviation), elasticity = β·mean (% change per 1% more, at the mean), per rep-period = expected \(response) the activity accounts for at its mean. "
            out += "Rep effects (within and between reps, each rep's productivity) need random intercepts for counts, a later step: left out.\n"
        }
        if !momentum.isEmpty {
            out += "\nMomentum (the result's own past, not an activity): "
                + momentum.map { "\($0.term) \(Self.g($0.estimate)) (\(Self.g($0.lower)) to \(Self.g($0.upper)))" }.joined(separator: ", ") + "\n"
        }
        if !withinBetween.isEmpty {
            out += markdown ? "\n#### Within a rep and between reps (\(percent) intervals)\n\n| activity | term | pooled | within: when a rep does more | between: reps who do more |\n|---|---|---|---|---|\n"
                : "\nWithin a rep (\"when this rep does more\") and between reps (\"reps who do more\"), \(percent) intervals:\n"
                    + TextFormat.pad("activity", 14) + TextFormat.pad("term", 18) + ["pooled", "within", "between"].map { TextFormat.left($0, 30) }.joined() + "\n"
            func cell(_ x: Double, _ i: Interval) -> String { "\(Self.g(x)) (\(Self.g(i.lower)) to \(Self.g(i.upper)))" }
            for e in withinBetween {
                let cells = [cell(e.pooled, e.pooledInterval), cell(e.within, e.withinInterval), cell(e.between, e.betweenInterval)]
                out += markdown ? "| \(e.activity) | `\(e.term)` | " + cells.joined(separator: " | ") + " |\n"
                    : TextFormat.pad(e.activity, 14) + TextFormat.pad(e.term, 18) + cells.map { TextFormat.left($0, 30) }.joined() + "\n"
            }
        }
        if !reps.isEmpty {
            out += markdown ? "\n#### Reps: activity against productivity (the rep's own effect, beyond its activities)\n\n| rep | team | activity index | productivity per period | t | group |\n|---|---|---:|---:|---:|---|\n"
                : "\nReps: activity against productivity, the rep's own effect on results beyond its activities (a random intercept, shrunk for short histories; least productive first)\n"
            if !markdown {
                out += TextFormat.pad("rep", 22) + TextFormat.pad("team", 14) + ["activity", "productivity", "t"].map { TextFormat.left($0, 13) }.joined() + "  group\n"
            }
            for r in reps {
                let group = r.group.rawValue + (r.isClear ? "" : " (unclear)")
                if markdown {
                    out += "| \(r.rep) | \(r.team ?? "") | \(String(format: "%.2f", r.activityIndex)) | \(QuarterlyForecast.amount(r.unexplained)) | \(String(format: "%.2f", r.unexplainedT)) | \(group) |\n"
                } else {
                    out += TextFormat.pad(r.rep, 22) + TextFormat.pad(r.team ?? "", 14)
                    out += [String(format: "%.2f", r.activityIndex), QuarterlyForecast.amount(r.unexplained), String(format: "%.2f", r.unexplainedT)]
                        .map { TextFormat.left($0, 13) }.joined() + "  \(group)\n"
                }
            }
            let flagged = reps.filter { $0.group == .busyNotProductive && $0.isClear }.map(\.rep)
            out += "\nBusy but not productive (clearly): \(flagged.isEmpty ? "none" : flagged.joined(separator: ", "))\n"
            out += "Groups: \(Self.thresholds)\n"
        }
        if !funnel.isEmpty {
            out += "\nFunnel conversion (total of a stage / total of the stage before):\n"
            for step in funnel {
                out += "  \(step.from) → \(step.to): \(String(format: "%.3f", step.overall))"
                if !step.byTeam.isEmpty { out += "  (" + step.byTeam.map { "\($0.team) \(String(format: "%.3f", $0.ratio))" }.joined(separator: ", ") + ")" }
                out += "\n"
            }
        }
        return out
    }

    /// The JSON document (`"format": "salesforecast.drivers"`, `"version": 1`): the ranked activities, the reps' placements and the funnel.
    public func jsonDocument() -> JSONValue {
        .object([
            ("format", .string("salesforecast.drivers")), ("version", .integer(1)), ("formula", .string(formula)),
            ("response", .string(response)), ("covariance_type", .string(covarianceType.rawValue)), ("level", .number(level)),
            ("family", .string(family.rawValue)),
            ("activities", .array(activities.enumerated().map { k, a in
                .object([("rank", .integer(k + 1)), ("activity", .string(a.activity)), ("term", .string(a.term))]
                        + (family.isCount ? [("rate_ratio", .finite(Foundation.exp(a.estimate))), ("rate_ratio_low", .finite(Foundation.exp(a.lower))),
                                             ("rate_ratio_high", .finite(Foundation.exp(a.upper)))] : [])
                        + [("estimate", .finite(a.estimate)), ("std_error", .finite(a.standardError)),
                         ("conf_low", .finite(a.lower)), ("conf_high", .finite(a.upper)), ("p_value", .finite(a.pValue)),
                         ("standardized_effect", .finite(a.standardizedEffect)), ("elasticity", .finite(a.elasticity)),
                         ("contribution_per_period", .finite(a.contribution)), ("joint_p_value", .finite(a.jointPValue)),
                         ("adds_nothing", .bool(a.addsNothing)), ("best_lag", a.bestLag.map { .integer($0) } ?? .null)])
            })),
            ("momentum", .array(momentum.map { a in
                .object([("term", .string(a.term)), ("estimate", .finite(a.estimate)), ("std_error", .finite(a.standardError)),
                         ("conf_low", .finite(a.lower)), ("conf_high", .finite(a.upper)), ("p_value", .finite(a.pValue))])
            })),
            ("within_between", .array(withinBetween.map { e in
                .object([("activity", .string(e.activity)), ("term", .string(e.term)),
                         ("pooled", .finite(e.pooled)), ("pooled_low", .finite(e.pooledInterval.lower)), ("pooled_high", .finite(e.pooledInterval.upper)),
                         ("within", .finite(e.within)), ("within_low", .finite(e.withinInterval.lower)), ("within_high", .finite(e.withinInterval.upper)),
                         ("between", .finite(e.between)), ("between_low", .finite(e.betweenInterval.lower)), ("between_high", .finite(e.betweenInterval.upper))])
            })),
            ("reps", .array(reps.map { r in
                .object([("rep", .string(r.rep)), ("team", r.team.map { .string($0) } ?? .null),
                         ("activity_index", .finite(r.activityIndex)), ("unexplained_per_period", .finite(r.unexplained)),
                         ("unexplained_t", .finite(r.unexplainedT)), ("productivity_low", .finite(r.productivityInterval.lower)),
                         ("productivity_high", .finite(r.productivityInterval.upper)), ("observations", .integer(r.observations)),
                         ("group", .string(r.group.rawValue)), ("clear", .bool(r.isClear))])
            })),
            ("group_thresholds", .string(Self.thresholds)),
            ("funnel", .array(funnel.map { s in
                .object([("from", .string(s.from)), ("to", .string(s.to)), ("ratio", .finite(s.overall)),
                         ("by_team", .object(s.byTeam.map { ($0.team, .finite($0.ratio)) }))])
            })),
        ])
    }

    func csv() -> String {
        var out = "rank,activity,term,estimate,std_error,conf_low,conf_high,p_value,standardized_effect,elasticity,contribution_per_period,joint_p_value,adds_nothing,best_lag\n"
        for (k, a) in activities.enumerated() {
            out += "\(k + 1),\(CSVText.quoted(a.activity)),\(CSVText.quoted(a.term)),\(a.estimate),\(a.standardError),\(a.lower),\(a.upper),\(a.pValue),\(a.standardizedEffect),\(a.elasticity),\(a.contribution),\(a.jointPValue),\(a.addsNothing),\(a.bestLag.map(String.init) ?? "")\n"
        }
        out += "\nrep,team,activity_index,unexplained_per_period,unexplained_t,observations,group,clear\n"
        for r in reps {
            out += "\(CSVText.quoted(r.rep)),\(CSVText.quoted(r.team ?? "")),\(r.activityIndex),\(r.unexplained),\(r.unexplainedT),\(r.observations),\(r.group.rawValue),\(r.isClear)\n"
        }
        return out
    }
}
