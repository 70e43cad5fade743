import Foundation

/// Drivers of a count model (`--family poisson|negbin`): each activity's coefficient on the log scale, read
/// as a rate ratio exp(β) (the expected count multiplies by it per unit of the activity).
///
/// The fields of ``ActivityDriver`` keep their names with the log link's meaning: `estimate`, `lower`, `upper`
/// are β and its Wald interval on the log scale (the text shows exp of them, the rate ratio);
/// `standardizedEffect` is β·sd(term), the change in log expected count per standard deviation of the
/// activity; `elasticity` is β·mean(term), exactly d log μ / d log x at the activity's mean; `contribution`
/// is the expected count per rep and period the activity accounts for at its mean, μ̄·(1 − e^(−β·mean)).
/// Rep effects (within/between, productivity) need random intercepts for counts, a later step: left out, said so.
func countDrivers(history: Dataset, formula parsed: Formula, layout: PanelLayout, panel: Panel, options: RegressionOptions,
                  level: Double, funnel: [FunnelStep]) throws -> DriversReport
{
    let results = try fit(parsed, to: history, panel: parsed.usesTime ? panel : nil, only: nil, options: options)
    guard let generalized = results.generalized else { throw GeneralizedModelError.notACountModel(use: "count drivers") }
    let design = try results.countDesign(history, only: history.rowMask(results.fittedRows))
    let intervals = try results.confidenceIntervals(level: level)
    let fittedMean = generalized.means.reduce(0, +) / Double(max(1, generalized.means.count))
    var drivers: [ActivityDriver] = []
    var seen = Set<String>()
    let responseColumns = Set(parsed.response?.expression.columns ?? [])
    for (j, name) in results.columnNames.enumerated() {
        guard let term = parsed.terms.first(where: { $0.description == name }), term.factors.count == 1 else { continue }
        let columns = Set(term.factors[0].expression.columns)
        guard columns.count == 1, let column = columns.first, column != layout.period, column != layout.entity,
              !responseColumns.contains(column), !seen.contains(column), case .numeric = try history.column(column) else { continue }
        seen.insert(column)
        let termColumns = results.columnNames.indices.filter { k in
            parsed.terms.first { $0.description == results.columnNames[k] }.map { t in t.factors.count == 1 && Set(t.factors[0].expression.columns) == [column] } ?? false
        }
        let x = (0..<design.matrix.rows).map { design.matrix[$0, j] }
        let xMean = x.reduce(0, +) / Double(max(1, x.count))
        let beta = results.coefficients[j]
        let joint = (try? results.waldTest(columns: termColumns).pValue) ?? .nan
        drivers.append(ActivityDriver(
            activity: column, term: name, estimate: beta, standardError: results.standardErrors[j],
            lower: intervals[j].lower, upper: intervals[j].upper, pValue: results.pValues[j],
            standardizedEffect: beta * standardDeviation(x), elasticity: beta * xMean,
            contribution: fittedMean * -Foundation.expm1(-beta * xMean), jointPValue: joint, addsNothing: !(joint < 0.05),
            bestLag: nil))
    }
    let scan = try? scanLeadingIndicators(history: history, response: parsed.response?.expression.columns.first ?? "",
                                          activities: drivers.map(\.activity), maximumLag: 3, layout: layout)
    for k in drivers.indices { drivers[k].bestLag = scan?.best.first { $0.activity == drivers[k].activity }?.lag }
    drivers.sort { a, b in a.addsNothing != b.addsNothing ? !a.addsNothing : a.contribution > b.contribution }
    var report = DriversReport(formula: parsed.text, response: results.responseName, covarianceType: results.covarianceType,
                               level: level, activities: drivers, momentum: [], withinBetween: [], reps: [], funnel: funnel)
    report.family = generalized.family
    return report
}
