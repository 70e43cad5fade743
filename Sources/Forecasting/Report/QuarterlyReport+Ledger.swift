import Foundation

extension QuarterlyReport {
    private static let methodLabels = ["model": "model", "naive-run-rate": "naive: run-rate", "naive-last-year": "naive: last year"]

    /// "How our forecasts have done": accuracy and bias of the recorded runs over their quarters, model against naive.
    func ledgerSection(_ ledger: LedgerScore) -> String {
        var body = "<section id=\"ledger\"><h2>How our forecasts have done</h2>"
        let overall = ledger.scores.filter { $0.horizon == "all" }
        guard !overall.isEmpty else {
            return body + "<p class=\"explain\">The ledger has \(ledger.runsRecorded) recorded runs; none can be scored yet (record runs with <code>--record</code>, then load the actuals of their quarters with <code>salesforecast ledger actuals</code>).</p></section>"
        }
        let label = { (m: String) in Self.methodLabels[m] ?? m }
        body += SVGChart.bars(overall.map { (label($0.method), $0.wape) }, title: "Recorded forecasts: weighted absolute percentage error over all quarters (lower is better)",
                              percent: true, colorByOdds: false)
        let quarters = ledger.scores.filter { $0.horizon != "all" && $0.method != "naive-last-year" }
        if quarters.count > 2 {
            body += SVGChart.bars(quarters.map { ("\($0.horizon) \(label($0.method))", $0.wape) }, title: "WAPE by quarter: the model against the run-rate naive",
                                  percent: true, colorByOdds: false)
        }
        body += SVGChart.intervals(overall.map { s in
            let se = s.biasT.isFinite && s.biasT != 0 ? abs(s.bias / s.biasT) : 0
            return (label(s.method), s.bias * 100, (s.bias - 1.96 * se) * 100, (s.bias + 1.96 * se) * 100, s.biasP.isNaN || s.biasP >= 0.05)
        }, title: "Bias: Σ(forecast − actual) / Σ actual, in percent, with a 95% interval")
        if let model = overall.first(where: { $0.method == "model" }) {
            body += "<p class=\"explain\"><b>What it shows:</b> the forecasts we actually made and recorded (\(ledger.runsScored) runs, \(model.n) \(ledger.level.rawValue) lines), scored against the results that came in, next to the two naive forecasts recorded with them. "
            body += "The model's error is \(Self.pct(model.wape)), \(String(format: "%.0f", abs(model.fva) * 100)) points \(model.fva >= 0 ? "better" : "worse") than the run-rate naive; "
            body += "its forecasts ran \(model.bias >= 0 ? "high" : "low") by \(Self.pct(abs(model.bias))) (p \(model.biasP.isFinite ? String(format: "%.2f", model.biasP) : "—")). "
            if let coverage = model.coverage { body += "<b>How sure:</b> \(Self.pct(coverage)) of actual results fell inside the \(Self.pct(model.intervalLevel ?? 0.8)) intervals." }
            body += "</p>"
        }
        return body + "</section>"
    }
}
