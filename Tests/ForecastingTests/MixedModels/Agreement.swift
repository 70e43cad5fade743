import Foundation
@testable import ForecastingCore

/// The worst relative disagreement, per quantity, between a fit and an lme4 reference case.
struct Agreement: CustomStringConvertible {
    var errors: [String: Double] = [:]

    mutating func record(_ name: String, _ got: Double, _ want: Double, scale: Double? = nil) {
        let denominator = scale ?? abs(want)
        var error = abs(got - want) / max(denominator, 1e-300)
        if got == want { error = 0 }
        if !got.isFinite || !want.isFinite { error = got == want ? 0 : .infinity }
        errors[name] = max(errors[name] ?? 0, error)
    }

    subscript(_ name: String) -> Double { errors[name] ?? .nan }

    var description: String {
        errors.keys.sorted().map { key in
            let e = errors[key] ?? 0
            return "\(key) \(e == 0 ? "exact" : String(format: "%.1e", e))"
        }.joined(separator: ", ")
    }

    /// Compares every reference quantity with the fit.
    static func compare(_ fit: LinearMixedModelFit, _ ref: LME4Case, satterthwaite: Bool = true) throws -> Agreement {
        var a = Agreement()
        a.record("criterion", fit.criterion, ref.criterion)
        a.record("logLik", fit.logLikelihood, ref.logLik)
        a.record("AIC", fit.aic, ref.aic)
        a.record("BIC", fit.bic, ref.bic)
        a.record("sigma", fit.sigma, ref.sigma)
        for (got, want) in zip(fit.theta, ref.theta) { a.record("theta(abs)", got, want, scale: 1) }
        for (i, fixed) in ref.fixed.enumerated() {
            a.record("beta", fit.coefficients[i], fixed.estimate, scale: max(abs(fixed.estimate), fixed.stdError))
            a.record("se", fit.standardErrors[i], fixed.stdError)
        }
        let p = fit.coefficients.count
        for i in 0..<p {
            for j in 0..<p {
                a.record("vcov", fit.coefficientCovariance[i, j], ref.vcov[i][j],
                         scale: (ref.vcov[i][i] * ref.vcov[j][j]).squareRoot())
            }
        }
        if satterthwaite {
            let tests = try fit.fixedEffectTests(distributions: StandardDistributions())
            for (test, fixed) in zip(tests, ref.fixed) {
                a.record("df", test.degreesOfFreedom, fixed.df)
                a.record("t", test.tStatistic, fixed.t)
                a.record("log p", log(test.pValue), log(fixed.p), scale: max(1, abs(log(fixed.p))))
                a.record("CI", test.lowerBound, fixed.ciLower, scale: fixed.stdError)
                a.record("CI", test.upperBound, fixed.ciUpper, scale: fixed.stdError)
            }
        }
        // Variance components: match by group and term names.
        for component in ref.components {
            if component.group == "Residual" {
                a.record("VC variance", fit.residualVariance, component.variance ?? .nan)
                continue
            }
            for vc in fit.varianceComponents where vc.groupName == component.group {
                guard let term = component.term, let i = vc.columnNames.firstIndex(of: term) else { continue }
                if let term2 = component.term2 {
                    guard let j = vc.columnNames.firstIndex(of: term2) else { continue }
                    a.record("VC covariance", vc.covariance[i, j], component.covariance ?? .nan,
                             scale: (vc.covariance[i, i] * vc.covariance[j, j]).squareRoot())
                    a.record("VC correlation", vc.correlations[i, j], component.correlation ?? .nan, scale: 1)
                } else {
                    a.record("VC variance", vc.covariance[i, i], component.variance ?? .nan)
                    a.record("VC sd", vc.standardDeviations[i], component.stdDev ?? .nan)
                }
            }
        }
        // Conditional modes, relative to their spread over levels, and conditional SDs.
        var spread: [String: Double] = [:]
        for key in Set(ref.modes.map { "\($0.group)|\($0.term)" }) {
            let values = ref.modes.filter { "\($0.group)|\($0.term)" == key }.map(\.estimate)
            let mean = values.reduce(0, +) / Double(values.count)
            spread[key] = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, values.count - 1))).squareRoot()
        }
        var matched = 0
        for mode in ref.modes {
            for cm in fit.conditionalModes where cm.groupName == mode.group {
                guard let c = cm.columnNames.firstIndex(of: mode.term), let l = cm.levelNames.firstIndex(of: mode.level) else { continue }
                matched += 1
                let s = spread["\(mode.group)|\(mode.term)"] ?? 1
                a.record("ranef/spread", cm.values[l, c], mode.estimate, scale: s > 0 ? s : 1)
                a.record("condsd", cm.conditionalStandardErrors[l, c], mode.stdError)
            }
        }
        a.record("ranef matched", Double(matched), Double(ref.modes.count))
        return a
    }
}
