import Foundation

extension QuarterlyReport {
    static func pct(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
    /// An amount with thousands separators: 10,780,027.
    private static func money(_ x: Double) -> String {
        guard x.isFinite else { return "—" }
        let digits = String(Int64(abs(x).rounded()))
        var grouped = ""
        for (k, c) in digits.enumerated() {
            if k > 0, (digits.count - k) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (x < 0 ? "−" : "") + grouped
    }

    /// The fan chart's series: each team and the total, history by quarter and the forecast quarter.
    private func fanSeries(_ names: [String]) -> [(name: String, history: [(Double, Double)], forecast: (x: Double, mean: Double, low80: Double, high80: Double, low95: Double, high95: Double)?)] {
        let h = forecast.horizon.index
        return names.map { name in
            let points = history.filter { $0.series == name }.map { (Double($0.quarter.index - h), $0.total) }
            let line = name == "Total" ? forecast.total : forecast.teams.first { $0.name == name }
            let f = line.map { l -> (x: Double, mean: Double, low80: Double, high80: Double, low95: Double, high95: Double) in
                let i80 = l.predictionInterval(level: 0.8), i95 = l.predictionInterval(level: 0.95)  // whole counts for a count model
                return (0, l.rollUp.mean, i80.lower, i80.upper, i95.lower, i95.upper)
            }
            return (name, points, f)
        }
    }

    private var xLabels: [(Double, String)] {
        let h = forecast.horizon.index
        let quarters = Set(history.map(\.quarter.index)).union([h]).sorted()
        return quarters.map { (Double($0 - h), Period(frequency: .quarter, index: $0).description) }
    }

    /// One self-contained HTML page: inline SVG charts and CSS, no scripts, fonts or network.
    public func html() -> String {
        let total = forecast.total.rollUp
        let i80 = forecast.total.predictionInterval(level: 0.8), i95 = forecast.total.predictionInterval(level: 0.95)
        var body = ""
        body += "<h1>Quarterly forecast: \(SVGChart.escape(forecast.response)), \(forecast.horizon)</h1>"
        body += "<p class=\"lead\">The team is expected to book <b>\(Self.money(total.mean))</b> in \(forecast.horizon). There is an 80% chance the quarter lands between \(Self.money(i80.lower)) and \(Self.money(i80.upper)), and a 95% chance between \(Self.money(i95.lower)) and \(Self.money(i95.upper)).</p>"
        if let q = forecast.total.quota, let p = forecast.total.quotaProbability {
            body += "<p class=\"lead\">The company quota of \(Self.money(q)) is reached with probability <b>\(Self.pct(p))</b>.</p>"
        }

        // 1. Forecast against history.
        body += "<section id=\"forecast\"><h2>Forecast against history</h2>"
        body += SVGChart.fan(series: fanSeries(["Total"]), xLabels: xLabels, title: "Total \(forecast.response) by quarter with the forecast")
        if !forecast.teams.isEmpty {
            body += SVGChart.fan(series: fanSeries(forecast.teams.map(\.name)), xLabels: xLabels, title: "\(forecast.response) by team and quarter with the forecast")
        }
        body += "<p class=\"explain\"><b>What it shows:</b> each line is what was booked per quarter; the shaded fan is the forecast for \(forecast.horizon), darker for the 80% range and lighter for the 95% range. <b>How sure:</b> the fan includes the uncertainty of the model's estimates and the usual ups and downs of a quarter, including reps' persistent good or bad streaks\(forecast.total.variance.projection > 0 ? ", and how far projected activities miss what reps then do" : ""). Of the total's width (variance): \(Self.widthParts(forecast.total.variance)). Activities: \(SVGChart.escape(forecast.activities)).</p></section>"

        // 2. Quota attainment.
        let quotaLines = (forecast.teams + forecast.reps).filter { $0.quotaProbability != nil }
        body += "<section id=\"quota\"><h2>Chance of reaching quota</h2>"
        if quotaLines.isEmpty {
            body += "<p class=\"explain\">No quotas were given (pass <code>--quota</code>).</p>"
        } else {
            body += SVGChart.bars(quotaLines.map { ($0.kind == .team ? "▶ \($0.name)" : $0.name, $0.quotaProbability ?? 0) }, title: "Probability of reaching quota", percent: true, reference: 0.5)
            let likely = quotaLines.filter { $0.kind == .rep && ($0.quotaProbability ?? 0) >= 0.8 }.count
            let unlikely = quotaLines.filter { $0.kind == .rep && ($0.quotaProbability ?? 0) < 0.2 }.count
            body += "<p class=\"explain\"><b>What it shows:</b> for each team (▶) and rep, the probability that the quarter's result reaches its quota under the forecast's uncertainty. \(likely) reps are very likely to make quota (80% or more) and \(unlikely) are unlikely to (under 20%); the dashed line marks even odds.</p>"
        }
        body += "</section>"

        // 3. Drivers.
        body += "<section id=\"drivers\"><h2>Which activities drive results</h2>"
        let items = drivers.activities.map { a -> (label: String, estimate: Double, low: Double, high: Double, muted: Bool) in
            let scale = a.estimate != 0 ? a.standardizedEffect / a.estimate : 0
            return ("\(a.activity) (\(a.term))", a.standardizedEffect, a.lower * scale, a.upper * scale, a.addsNothing)
        }
        body += SVGChart.intervals(items, title: "Standardized effect of each activity with its 95% interval")
        let nothing = drivers.activities.filter(\.addsNothing).map(\.activity)
        body += "<p class=\"explain\"><b>What it shows:</b> how much results move when an activity moves by one standard deviation, ranked by what each contributes, with 95% intervals; an interval crossing zero (grey) means the data cannot tell the activity apart from no effect. "
        body += nothing.isEmpty ? "Every activity adds something once the others are known." : "<b>\(nothing.joined(separator: ", "))</b> add\(nothing.count == 1 ? "s" : "") nothing once the others are known."
        body += " Best lags: " + drivers.activities.compactMap { a in a.bestLag.map { "\(a.activity) \($0)" } }.joined(separator: ", ") + " periods. Uncertainty: \(uncertaintyLabel(formula: drivers.formula, covariance: drivers.covarianceType)).</p></section>"

        // 4. Reps quadrant.
        body += "<section id=\"reps\"><h2>Activity against productivity</h2>"
        let colors: [RepProductivity.Group: String] = [.productive: "#16a34a", .efficient: "#2563eb", .busyNotProductive: "#dc2626", .neither: "#6b7280"]
        body += SVGChart.quadrant(drivers.reps.map { ($0.rep, $0.activityIndex, $0.unexplainedT, colors[$0.group] ?? "#6b7280") },
                                  xTitle: "activity index (more activity than the team →)", yTitle: "results the activity does not explain (t)",
                                  title: "Reps by activity and unexplained results")
        let busy = drivers.reps.filter { $0.group == .busyNotProductive && $0.isClear }.map(\.rep)
        body += "<p class=\"explain\"><b>What it shows:</b> each rep by how busy they are compared with their team (right is busier) and by how much more or less they book than their activity predicts (up is more, in standard errors). Reps far below zero on the right are busy without being productive"
        body += busy.isEmpty ? "; none stands out clearly." : ": <b>\(busy.joined(separator: ", "))</b>, clearly (|t| ≥ 2)."
        body += " Points near the lines could sit on either side.</p></section>"

        // 5. Backtest.
        body += "<section id=\"backtest\"><h2>How the forecasts have done</h2>"
        body += SVGChart.bars(backtest.methods.map { (BacktestReport.short($0.method), $0.wape / 100) }, title: "Weighted absolute percentage error (lower is better)", percent: true, colorByOdds: false)
        if let known = backtest.methods.first, let projected = backtest.methods.dropFirst().first {
            body += "<p class=\"explain\"><b>What it shows:</b> the error of one-quarter-ahead forecasts made each quarter from the history before it (\(backtest.quarters.count) quarters, \(known.count) rep-quarters), next to two naive forecasts. With the activities that happened the model's error is \(String(format: "%.0f%%", known.wape)); with activities projected as a real forecast must, \(String(format: "%.0f%%", projected.wape)). <b>How sure:</b> \(known.coverage80.map(Self.pct) ?? "—") of actual results fell inside the 80% intervals and \(known.coverage95.map(Self.pct) ?? "—") inside the 95% ones.</p>"
        }
        body += "</section>"

        // 5b. The forecast ledger: the runs actually made, scored against what happened.
        if let ledger { body += ledgerSection(ledger) }

        // 6. Scenarios.
        body += "<section id=\"scenarios\"><h2>Scenarios</h2>"
        if let scenarios, !scenarios.outcomes.isEmpty {
            body += SVGChart.intervals(scenarios.outcomes.map { ($0.name, $0.difference, $0.differenceInterval.lower, $0.differenceInterval.upper, $0.differenceInterval.lower <= 0 && $0.differenceInterval.upper >= 0) },
                                       title: "Change in \(forecast.response) per scenario with its \(Int(scenarios.level * 100))% interval")
            body += "<p class=\"explain\"><b>What it shows:</b> how each scenario would change the quarter against the baseline plan, with an interval from the uncertainty of the estimates and of the projected activities a change scales (the same reps and months are compared, so everyday noise cancels). "
            body += scenarios.outcomes.map { "<b>\(SVGChart.escape($0.name))</b> (\(SVGChart.escape($0.summary))): \($0.difference >= 0 ? "+" : "")\(Self.money($0.difference))" }.joined(separator: "; ") + ".</p>"
            let warnings = scenarios.outcomes.flatMap(\.warnings)
            if !warnings.isEmpty { body += "<p class=\"warning\">" + warnings.map(SVGChart.escape).joined(separator: "<br>") + "</p>" }
        } else {
            body += "<p class=\"explain\">No scenarios were run (pass <code>--set</code> or <code>--scenarios</code>).</p>"
        }
        body += "</section>"
        if !forecast.warnings.isEmpty {
            body += "<section><h2>Notes</h2><ul>" + forecast.warnings.map { "<li>\(SVGChart.escape($0))</li>" }.joined() + "</ul></section>"
        }
        body += "<footer>Model: <code>\(SVGChart.escape(forecast.formula))</code>. Made by salesforecast \(ForecastingVersion.current).</footer>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Quarterly forecast \(forecast.horizon)</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111827; max-width: 860px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .3rem; }
            .lead { font-size: 1.05rem; } .explain { color: #374151; font-size: .95rem; } .warning { color: #b45309; font-size: .9rem; }
            svg.chart { width: 100%; height: auto; margin: .5rem 0; } .tick { font-size: 11px; fill: #4b5563; } .label { font-size: 12px; fill: #111827; }
            .small { font-size: 9px; fill: #374151; } .corner { font-size: 11px; fill: #9ca3af; font-style: italic; }
            footer { margin-top: 3rem; font-size: .8rem; color: #6b7280; } code { font-size: .85em; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    /// The variance parts in words: "12% the estimates, 0% rep effects, 48% everyday noise, 40% projected activities".
    static func widthParts(_ v: ForecastVariance) -> String {
        let names = ["the estimates", "rep effects", "everyday noise", "projected activities"]
        return zip(v.shares, names).map { "\(pct($0)) \($1)" }.joined(separator: ", ")
    }

    /// The same report as Markdown, for a wiki or a pull request.
    public func markdown() -> String {
        let total = forecast.total.rollUp
        let i80 = forecast.total.predictionInterval(level: 0.8)
        var out = "# Quarterly forecast: \(forecast.response), \(forecast.horizon)\n\n"
        out += "Expected **\(Self.money(total.mean))** (80% range \(Self.money(i80.lower)) to \(Self.money(i80.upper)))"
        if let q = forecast.total.quota, let p = forecast.total.quotaProbability { out += "; quota \(Self.money(q)) reached with probability **\(Self.pct(p))**" }
        out += ". Of its width (variance): \(Self.widthParts(forecast.total.variance)).\n\n## Forecast\n\n" + forecast.markdown()
        out += "\n## Drivers\n\n" + drivers.formatted(.markdown)
        out += "\n## Backtest\n\n" + backtest.markdown()
        if let ledger { out += "\n## How our forecasts have done\n\n" + ledger.markdown() }
        if let scenarios { out += "\n## Scenarios\n\n" + scenarios.markdown() }
        return out
    }
}
