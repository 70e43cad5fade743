import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// Linear mixed models written as formulas and fitted through the history, end to end, against
/// lme4 1.1.31 / lmerTest 3.1.3 (Tests/Reference/lme4_reference.R, R 4.2.2, every model fitted
/// with tight nloptwrap and bobyqa settings, the lower criterion kept; the numbers are in
/// Tests/Reference/lme4_reference.json).
@Suite("Mixed models from formulas")
struct MixedFormulaTests {
    static let cases = (try? LME4Case.load()) ?? [:]

    static func fixtureAndFormula(_ id: String) throws -> (String, String) {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.reference))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(root["cases"] as? [[String: Any]])
        let entry = try #require(list.first { $0["id"] as? String == id })
        return (try #require(entry["fixture"] as? String), try #require(entry["formula"] as? String))
    }

    @Test("Every reference model, from its formula, agrees with lme4 and lmerTest", arguments: [
        "sleep_ri_reml", "sleep_ri_ml", "sleep_rs_reml", "sleep_rs_ml", "sleep_uncorr_reml", "sleep_slope_only_reml",
        "penicillin_crossed_reml", "pastes_nested_reml", "sales_ri_reml", "sales_ri_ml", "sales_rs_reml",
        "sales_nested_reml", "sales_crossed_reml", "singular_case",
    ])
    func agreement(_ id: String) throws {
        let reference = try #require(Self.cases[id])
        let (fixture, formula) = try Self.fixtureAndFormula(id)
        let data = try CSVReader.read(path: TestPaths.root.appendingPathComponent(fixture).path)
        var options = RegressionOptions()
        options.mixedModelMethod = reference.reml ? .reml : .ml
        let model = try SalesHistory(data).fit(formula, options: options)
        let mixed = try #require(model.mixedEffects)
        #expect(model.observationCount == reference.n)
        // lme4's own θ̂ is 1e-8 to 2e-7 from the optimum even with tight settings (ours is a stationary
        // point, never a higher criterion), and its estimates move up to ~1.3e-6 with it: hence 2e-6.
        #expect(mixed.criterion <= reference.criterion * (1 + 1e-12) + 1e-12, "criterion \(mixed.criterion) vs \(reference.criterion)")
        #expect(abs(mixed.criterion - reference.criterion) <= 1e-8 * abs(reference.criterion))
        #expect(abs(mixed.sigma - reference.sigma) <= 2e-6 * reference.sigma)
        #expect(mixed.isSingular == reference.singular)
        for row in reference.fixed {
            let j = try #require(model.columnNames.firstIndex(of: row.term), "term \(row.term)")
            let scale = max(abs(row.estimate), row.stdError)
            #expect(abs(model.coefficients[j] - row.estimate) <= 2e-6 * scale, "\(row.term) \(model.coefficients[j]) vs \(row.estimate)")
            #expect(abs(model.standardErrors[j] - row.stdError) <= 2e-6 * row.stdError, "se \(row.term)")
            #expect(abs(model.coefficientDegreesOfFreedom[j] - row.df) <= 1e-4 * row.df, "df \(row.term) \(model.coefficientDegreesOfFreedom[j]) vs \(row.df)")
            #expect(abs(model.pValues[j] - row.p) <= 1e-4 * max(row.p, 1e-300) + 1e-12, "p \(row.term)")
        }
        let residualVariance = mixed.sigma * mixed.sigma
        for component in reference.components {
            guard let want = component.variance, let term = component.term else { continue }
            if component.group == "Residual" { #expect(abs(residualVariance - want) <= 4e-6 * want); continue }
            let got = try #require(mixed.varianceComponents.first { $0.groupName == component.group && $0.columnNames.contains(term) },
                                   "component \(component.group) \(term)")
            let v = got.variances[got.columnNames.firstIndex(of: term) ?? 0]
            #expect(abs(v - want) <= 4e-6 * max(want, 1e-8 * residualVariance), "variance \(component.group) \(term): \(v) vs \(want)")
        }
        // Conditional modes to 1e-5 of their spread, per group and term.
        var spread: [String: Double] = [:]
        for group in Set(reference.modes.map { "\($0.group)|\($0.term)" }) {
            let values = reference.modes.filter { "\($0.group)|\($0.term)" == group }.map(\.estimate)
            spread[group] = standardDeviation(values)
        }
        for mode in reference.modes {
            let terms = mixed.conditionalModes.filter { $0.groupName == mode.group && $0.columnNames.contains(mode.term) }
            let modes = try #require(terms.first, "modes of \(mode.group) \(mode.term)")
            let level = try #require(modes.levelNames.firstIndex(of: mode.level), "level \(mode.level)")
            let c = modes.columnNames.firstIndex(of: mode.term) ?? 0
            let tolerance = 1e-5 * max(spread["\(mode.group)|\(mode.term)"] ?? 0, 1e-300) + 1e-12
            #expect(abs(modes.values[level, c] - mode.estimate) <= tolerance, "mode \(mode.group) \(mode.level) \(mode.term)")
        }
    }

    @Test("Bar terms parse as lme4 reads them, and the fixed part is what remains")
    func syntax() throws {
        let f = try Formula("revenue ~ demos + (1 + demos | rep) + proposals + (1 | team/rep) + (0 + calls || period)")
        #expect(f.terms.map(\.description) == ["demos", "proposals"] && f.hasIntercept)
        #expect(f.randomTerms.map(\.description) == ["(1 + demos | rep)", "(1 | team)", "(1 | rep:team)", "(0 + calls | period)"])
        #expect(f.randomTerms.map(\.correlated) == [true, true, true, false])
        let uncorrelated = try Formula("y ~ x + (1 + x || g)")
        #expect(uncorrelated.randomTerms.map(\.description) == ["(1 | g)", "(0 + x | g)"])
        let onlyRandom = try Formula("y ~ (1 | g)")
        #expect(onlyRandom.terms.isEmpty && onlyRandom.hasIntercept && onlyRandom.randomTerms.count == 1)
        #expect(throws: FormulaError.self) { try Formula("y ~ x - (1 | g)") }
        #expect(throws: FormulaError.self) { try Formula("y ~ x + ( | g)") }
        #expect(throws: FormulaError.self) { try Formula("y ~ x + (1 | )") }
        #expect(try Formula("y ~ (a + b)^2").randomTerms.isEmpty)
    }

    @Test("Options a mixed model does not take are refused in one line")
    func refusals() throws {
        let data = try CSVReader.read(path: TestPaths.root.appendingPathComponent("examples/data/sales_history.csv").path)
        let history = try SalesHistory(data)
        #expect(throws: RegressionError.self) { try history.fit("revenue ~ demos + (1 | rep)", covariance: .hc1) }
        #expect(throws: RegressionError.self) { try history.fit("revenue ~ demos + (1 | rep)", options: RegressionOptions(weights: "calls")) }
        #expect(throws: DataError.self) { try history.fit("revenue ~ demos + (1 | nosuchcolumn)") }
    }
}

@Suite("Likelihood-ratio tests between fitted models")
struct ModelComparisonTests {
    @Test("Random intercept against the pooled model, and random slopes against the intercept, equal lme4's anova")
    func againstLME4() throws {
        // lme4 1.1.31 anova(): Tests/Reference/lme4_reference.json "lrt" and "anova_sleep_ri_ml_vs_sleep_rs_ml".
        let sales = try SalesHistory(CSVReader.read(path: TestPaths.root.appendingPathComponent("examples/data/sales_history.csv").path))
        var ml = RegressionOptions()
        ml.mixedModelMethod = .ml
        let mixed = try sales.fit("revenue ~ demos + proposals + calls + emails + (1 | rep)", options: ml)
        let pooled = try sales.fit("revenue ~ demos + proposals + calls + emails")
        let test = try mixed.likelihoodRatioTest(against: pooled)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.statistic - 89.759966488127247) <= 1e-7 * 89.76, "\(test.statistic)")
        let sleep = try SalesHistory(CSVReader.read(path: TestPaths.fixture("sleepstudy.csv")))
        let intercept = try sleep.fit("Reaction ~ Days + (1 | Subject)", options: ml)
        let slopes = try sleep.fit("Reaction ~ Days + (Days | Subject)", options: ml)
        let second = try intercept.likelihoodRatioTest(against: slopes)
        #expect(second.degreesOfFreedom == 2)
        #expect(abs(second.statistic - 42.139298542027973) <= 1e-7 * 42.14, "\(second.statistic)")
        // REML fits with different fixed effects are not comparable.
        let reml = try sleep.fit("Reaction ~ Days + (1 | Subject)")
        let remlSmaller = try sleep.fit("Reaction ~ 1 + (1 | Subject)")
        #expect(throws: MixedModelError.self) { try reml.likelihoodRatioTest(against: remlSmaller) }
    }
}

@Suite("Mixed models in model files")
struct MixedModelFileTests {
    @Test("A saved mixed model predicts each rep with its own effect, a new rep with the population's, and refuses a damaged random part")
    func roundTrip() throws {
        let data = try CSVReader.read(path: TestPaths.root.appendingPathComponent("examples/data/sales_history.csv").path)
        let model = try SalesHistory(data).fit("revenue ~ demos + proposals + (1 + proposals | rep)")
        let text = model.modelFileText()
        #expect(text.contains("\"version\": 2") && text.contains("\"mixed\""))
        let loaded = try LinearModel(modelFile: Data(text.utf8), path: "m.json")
        let mixed = try #require(loaded.mixedEffects)
        #expect(mixed.criterion == model.mixedEffects?.criterion && loaded.coefficientDegreesOfFreedom == model.coefficientDegreesOfFreedom)
        // The same means; intervals from the stored pieces are at least as wide as the exact joint ones here.
        let rows = data.selectingRows(Array(0..<40))
        let exact = try model.predict(rows), fromFile = try loaded.predict(rows)
        for i in 0..<40 { #expect(abs(exact.mean[i] - fromFile.mean[i]) <= 1e-9 * abs(exact.mean[i])) }
        // A rep the model never saw: the population's mean (the fixed part alone) and the rep variance in the interval.
        let newRep = try Dataset([("rep", .text(TextColumn(["Nobody"]))), ("demos", .numeric([10])), ("proposals", .numeric([5]))])
        let p = try loaded.predict(newRep)
        let fixedPart = loaded.coefficients[0] + 10 * loaded.coefficients[1] + 5 * loaded.coefficients[2]
        #expect(abs(p.mean[0] - fixedPart) <= 1e-9 * abs(fixedPart))
        // Its variance from a file: x cov(β̂) xᵀ + z Σ zᵀ with z = (1, proposals) and Σ the term's covariance.
        let x = [1.0, 10, 5], z = [1.0, 5]
        var expected = 0.0
        for a in 0..<3 { for b in 0..<3 { expected += x[a] * loaded.covariance[a, b] * x[b] } }
        let sigma = mixed.varianceComponents[0].covariance
        for a in 0..<2 { for b in 0..<2 { expected += z[a] * sigma[a, b] * z[b] } }
        #expect(abs(p.meanSE[0] * p.meanSE[0] - expected) <= 1e-9 * expected)
        // A truncated list of conditional modes is refused by name.
        let damaged = text.replacingOccurrences(of: "\"counts\":[", with: "\"counts\":[1,")
        #expect(damaged != text)
        #expect(throws: ModelFileError.self) { try LinearModel(modelFile: Data(damaged.utf8), path: "m.json") }
    }
}
