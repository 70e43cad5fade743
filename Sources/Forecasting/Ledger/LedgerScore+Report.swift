import Foundation

extension LedgerScore: Report {
    private static func pct(_ x: Double?) -> String { x.map { $0.isFinite ? String(format: "%.1f%%", $0 * 100) : "—" } ?? "—" }
    private static func num(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
    private static let header = ["horizon", "method", "n", "MAE", "WAPE", "bias", "bias t", "p", "coverage", "Brier", "FVA"]

    private static func cells(_ s: MethodScore) -> [String] {
        [s.leadPeriods.map { "lead \($0)" } ?? s.horizon, s.method, String(s.n), QuarterlyForecast.amount(s.mae), pct(s.wape),
         String(format: "%+.1f%%", s.bias * 100), s.biasT.isFinite ? String(format: "%.2f", s.biasT) : "—",
         s.biasP.isFinite ? TextFormat.pValueText(s.biasP) : "—",
         s.coverage.map { pct($0) + " of " + TextFormat.percent(s.intervalLevel ?? .nan) } ?? "—",
         s.brier.map { String(format: "%.3f", $0) } ?? "—", String(format: "%+.1f pts", s.fva * 100)]
    }

    /// A readable summary: accuracy and bias per quarter and over all, by lead time, and the reliability of P(quota).
    public func text() -> String {
        var out = "Forecast ledger: \(level.rawValue) lines, \(runsScored) of \(runsRecorded) runs scored"
        if let since { out += " (quarters from \(since.quarter))" }
        out += "\nWAPE = Σ|forecast − actual| / Σ|actual|; bias = Σ(forecast − actual) / Σ actual (+ too high); "
        out += "FVA = run-rate naive's WAPE minus the method's.\n\n"
        let widths = [12, 17, 6, 12, 9, 9, 8, 8, 14, 8, 11]
        func row(_ c: [String]) -> String { zip(c, widths).enumerated().map { $0 < 2 ? TextFormat.pad($1.0, $1.1) : TextFormat.left($1.0, $1.1) }.joined() + "\n" }
        out += row(Self.header) + String(repeating: "-", count: widths.reduce(0, +)) + "\n"
        if scores.isEmpty { out += "(nothing scored yet: record runs, then load the actuals of their quarters)\n" }
        for s in scores { out += row(Self.cells(s)) }
        if !byLead.isEmpty {
            out += "\nBy lead time (periods before the quarter's end when the run was made):\n"
            for s in byLead { out += row(Self.cells(s)) }
        }
        if !reliability.isEmpty {
            out += "\nReliability of P(quota) (model):\n" + TextFormat.pad("P(quota)", 12) + TextFormat.left("n", 6) + TextFormat.left("mean P", 10) + TextFormat.left("reached", 10) + "\n"
            for b in reliability {
                out += TextFormat.pad(String(format: "%.1f–%.1f", b.lower, b.upper), 12) + TextFormat.left(String(b.n), 6)
                    + TextFormat.left(pct(b.meanProbability), 10) + TextFormat.left(pct(b.observedRate), 10) + "\n"
            }
        }
        for note in notes.prefix(10) { out += "\nNote: \(note)" }
        if notes.count > 10 { out += "\nNote: … and \(notes.count - 10) more runs not scored yet" }
        return out + (notes.isEmpty ? "" : "\n")
    }

    private func pct(_ x: Double) -> String { Self.pct(x) }

    private static func json(_ s: MethodScore, level: ForecastLine.Kind) -> JSONValue {
        var fields: [(String, JSONValue)] = [("level", .string(level.rawValue)), ("method", .string(s.method)), ("horizon", .string(s.horizon))]
        if let lead = s.leadPeriods { fields.append(("lead_periods", .integer(lead))) }
        fields += [("n", .integer(s.n)), ("mae", num(s.mae)), ("wape", num(s.wape)), ("bias", num(s.bias)), ("bias_t", num(s.biasT)),
                   ("bias_p", num(s.biasP)), ("coverage", num(s.coverage)), ("interval_level", num(s.intervalLevel)),
                   ("brier", num(s.brier)), ("fva", num(s.fva))]
        return .object(fields)
    }

    /// `{"format": "salesforecast.ledger-score", "version": 1, "scores": […], "by_lead": […], "reliability": […]}`, fractions not percents.
    public func jsonDocument() -> JSONValue {
        .object([
            ("format", .string("salesforecast.ledger-score")), ("version", .integer(1)),
            ("level", .string(level.rawValue)), ("since", since.map { .string($0.quarter.description) } ?? .null),
            ("runs_recorded", .integer(runsRecorded)), ("runs_scored", .integer(runsScored)),
            ("scores", .array(scores.map { Self.json($0, level: level) })),
            ("by_lead", .array(byLead.map { Self.json($0, level: level) })),
            ("reliability", .array(reliability.map {
                .object([("lower", .number($0.lower)), ("upper", .number($0.upper)), ("n", .integer($0.n)),
                         ("mean_probability", .number($0.meanProbability)), ("observed_rate", .number($0.observedRate))])
            })),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }

    /// The scores as a Markdown table.
    public func markdown() -> String {
        var out = "### Forecast ledger: \(level.rawValue) lines\n\n| " + Self.header.joined(separator: " | ") + " |\n|"
            + Self.header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for s in scores + byLead { out += "| " + Self.cells(s).joined(separator: " | ") + " |\n" }
        return out
    }

    /// The scores as CSV, numbers at full precision, fractions not percents.
    public func csv() -> String {
        var out = "level,method,horizon,lead_periods,n,mae,wape,bias,bias_t,bias_p,coverage,interval_level,brier,fva\n"
        func f(_ x: Double?) -> String { x.map { $0.isFinite ? String($0) : "" } ?? "" }
        for s in scores + byLead {
            out += [level.rawValue, s.method, s.horizon, s.leadPeriods.map(String.init) ?? "", String(s.n), f(s.mae), f(s.wape), f(s.bias),
                    f(s.biasT), f(s.biasP), f(s.coverage), f(s.intervalLevel), f(s.brier), f(s.fva)].map(CSVText.quoted).joined(separator: ",") + "\n"
        }
        return out
    }
}
