import Foundation
import Testing
@testable import ForecastingCore

/// Prints the agreement with lme4 per case (run with LMM_REPORT=1).
@Test(.enabled(if: ProcessInfo.processInfo.environment["LMM_REPORT"] != nil, "a diagnostic printout, not a check: run with LMM_REPORT=1 to see the agreement with lme4 per case"))
func agreementReport() throws {
    let reference = try LME4Case.load()
    for id in ReferenceProblems.ids {
        guard let ref = reference[id] else { continue }
        let model = try LinearMixedModel(ReferenceProblems.make(id))
        let fit = try model.fit()
        print(id, "evals", fit.evaluations, "crit diff", fit.criterion - ref.criterion)
        print("  fit:   ", try Agreement.compare(fit, ref))
        let atRef = try LinearMixedModelFit(model: model, theta: ref.theta, evaluations: 0, iterations: 0, converged: true, computeSatterthwaite: true)
        print("  at ref:", try Agreement.compare(atRef, ref))
    }
}
