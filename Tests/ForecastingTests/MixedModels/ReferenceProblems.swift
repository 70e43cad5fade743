@testable import ForecastingCore

/// The models of Tests/Reference/lme4_reference.R, built by hand from the fixtures (the formula
/// layer is not part of this package).
enum ReferenceProblems {
    static let ids = [
        "sleep_ri_reml", "sleep_ri_ml", "sleep_rs_reml", "sleep_rs_ml", "sleep_uncorr_reml",
        "sleep_slope_only_reml", "penicillin_crossed_reml", "pastes_nested_reml", "sales_ri_reml",
        "sales_ri_ml", "sales_rs_reml", "sales_nested_reml", "sales_crossed_reml", "singular_case",
    ]

    static func term(_ name: String, _ factor: Factor, columns: [[Double]], names: [String],
                     covariance: CovarianceStructure = .full) -> RandomEffectTerm {
        RandomEffectTerm(groupName: name, levels: factor.indices, levelNames: factor.names,
                         modelMatrix: columns.flatMap { $0 }, columnNames: names, covariance: covariance)
    }

    static func problem(_ y: [Double], fixed: [(String, [Double])], terms: [RandomEffectTerm], reml: Bool) -> MixedModelProblem {
        let ones = [Double](repeating: 1, count: y.count)
        let columns = [("Intercept", ones)] + fixed
        return MixedModelProblem(
            response: y, fixedDesign: columns.flatMap { $0.1 }, fixedEffectNames: columns.map { $0.0 },
            randomEffects: terms, method: reml ? .reml : .ml)
    }

    /// - Parameter uncorrelatedAsOneTerm: build `(Days || Subject)` as one `.diagonal` term
    ///   instead of lme4's two terms.
    static func make(_ id: String, uncorrelatedAsOneTerm: Bool = false) throws -> MixedModelProblem {
        let reml = !id.hasSuffix("_ml")
        switch id {
        case let id where id.hasPrefix("sleep"):
            let t = try CSVTable(path: TestPaths.fixture("sleepstudy.csv"))
            let y = try t.numbers("Reaction"), days = try t.numbers("Days")
            let subject = Factor(try t.strings("Subject"))
            let ones = [Double](repeating: 1, count: y.count)
            let terms: [RandomEffectTerm]
            switch id {
            case "sleep_ri_reml", "sleep_ri_ml":
                terms = [term("Subject", subject, columns: [ones], names: ["Intercept"])]
            case "sleep_rs_reml", "sleep_rs_ml":
                terms = [term("Subject", subject, columns: [ones, days], names: ["Intercept", "Days"])]
            case "sleep_uncorr_reml":
                terms = uncorrelatedAsOneTerm
                    ? [term("Subject", subject, columns: [ones, days], names: ["Intercept", "Days"], covariance: .diagonal)]
                    : [term("Subject", subject, columns: [ones], names: ["Intercept"]),
                       term("Subject", subject, columns: [days], names: ["Days"])]
            default:
                terms = [term("Subject", subject, columns: [days], names: ["Days"])]
            }
            return problem(y, fixed: [("Days", days)], terms: terms, reml: reml)
        case "penicillin_crossed_reml":
            let t = try CSVTable(path: TestPaths.fixture("penicillin.csv"))
            let y = try t.numbers("diameter"), ones = [Double](repeating: 1, count: y.count)
            return problem(y, fixed: [], terms: [
                term("plate", Factor(try t.strings("plate")), columns: [ones], names: ["Intercept"]),
                term("sample", Factor(try t.strings("sample")), columns: [ones], names: ["Intercept"]),
            ], reml: reml)
        case "pastes_nested_reml":
            let t = try CSVTable(path: TestPaths.fixture("pastes.csv"))
            let y = try t.numbers("strength"), ones = [Double](repeating: 1, count: y.count)
            let batch = try t.strings("batch"), cask = try t.strings("cask")
            return problem(y, fixed: [], terms: [
                term("batch", Factor(batch), columns: [ones], names: ["Intercept"]),
                term("cask:batch", Factor.interaction(cask, batch), columns: [ones], names: ["Intercept"]),
            ], reml: reml)
        case let id where id.hasPrefix("sales"):
            let t = try CSVTable(path: TestPaths.root.appendingPathComponent("examples/data/sales_history.csv").path)
            let y = try t.numbers("revenue"), ones = [Double](repeating: 1, count: y.count)
            let demos = try t.numbers("demos"), proposals = try t.numbers("proposals")
            let calls = try t.numbers("calls"), emails = try t.numbers("emails")
            let repNames = try t.strings("rep"), teamNames = try t.strings("team")
            let rep = Factor(repNames), team = Factor(teamNames), period = Factor(try t.strings("period"))
            switch id {
            case "sales_ri_reml", "sales_ri_ml":
                return problem(y, fixed: [("demos", demos), ("proposals", proposals), ("calls", calls), ("emails", emails)],
                               terms: [term("rep", rep, columns: [ones], names: ["Intercept"])], reml: reml)
            case "sales_rs_reml":
                return problem(y, fixed: [("demos", demos), ("proposals", proposals), ("calls", calls)],
                               terms: [term("rep", rep, columns: [ones, demos], names: ["Intercept", "demos"])], reml: reml)
            case "sales_nested_reml":
                return problem(y, fixed: [("demos", demos), ("proposals", proposals)], terms: [
                    term("team", team, columns: [ones], names: ["Intercept"]),
                    term("rep:team", Factor.interaction(repNames, teamNames), columns: [ones], names: ["Intercept"]),
                ], reml: reml)
            default:
                return problem(y, fixed: [("demos", demos), ("proposals", proposals)], terms: [
                    term("rep", rep, columns: [ones], names: ["Intercept"]),
                    term("period", period, columns: [ones], names: ["Intercept"]),
                ], reml: reml)
            }
        case "singular_case":
            let t = try CSVTable(path: TestPaths.fixture("dyestuff2.csv"))
            let y = try t.numbers("Yield"), ones = [Double](repeating: 1, count: y.count)
            return problem(y, fixed: [], terms: [term("Batch", Factor(try t.strings("Batch")), columns: [ones], names: ["Intercept"])],
                           reml: reml)
        default:
            throw TestDataError.missingCase(id)
        }
    }
}
