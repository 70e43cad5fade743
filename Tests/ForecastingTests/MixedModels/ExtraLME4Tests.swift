import Foundation
import Testing
@testable import ForecastingCore

/// Designs the main reference does not cover (Tests/Reference/lme4_extra_reference.R; R 4.2.2,
/// lme4 1.1.31; tight nloptwrap and bobyqa fits, the lower criterion kept): a random slope near
/// the boundary, `(x || g) + (1 | h)` with h having more levels (lme4 reorders the terms), three-level
/// nesting `(1 | a/b/c)`, a 3×3 covariance block, and two singular 2×2 fits (correlation ∓1).
@Suite("Agreement with lme4 on extra designs")
struct ExtraLME4Tests {
    struct Case: Sendable, CustomStringConvertible {
        let id: String
        let criterion: Double
        let theta, beta, standardErrors: [Double]
        let singular: Bool
        var description: String { id }
    }

    static let cases: [Case] = {
        let path = TestPaths.root.appendingPathComponent("Tests/Reference/lme4_extra_reference.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: "|").map(String.init)
            func numbers(_ s: String) -> [Double] { s.split(separator: ",").compactMap { Double($0) } }
            return Case(id: parts[0], criterion: Double(parts[1]) ?? .nan, theta: numbers(parts[2]), beta: numbers(parts[3]),
                        standardErrors: numbers(parts[4]), singular: parts[5] == "TRUE")
        }
    }()

    static func problem(_ id: String) throws -> MixedModelProblem {
        func table(_ name: String) throws -> CSVTable { try CSVTable(path: TestPaths.fixture("lme4-extra/\(name).csv")) }
        func ones(_ n: Int) -> [Double] { [Double](repeating: 1, count: n) }
        let reml = id.hasSuffix("reml")
        switch id.prefix(2) {
        case "d2":
            let t = try table("d2")
            let y = try t.numbers("y"), x = try t.numbers("x"), g = Factor(try t.strings("g")), h = Factor(try t.strings("h"))
            return ReferenceProblems.problem(y, fixed: [("x", x)], terms: [
                ReferenceProblems.term("g", g, columns: [ones(y.count)], names: ["Intercept"]),
                ReferenceProblems.term("g", g, columns: [x], names: ["x"]),
                ReferenceProblems.term("h", h, columns: [ones(y.count)], names: ["Intercept"])], reml: reml)
        case "d3":
            let t = try table("d3")
            let y = try t.numbers("y"), z = try t.numbers("z")
            let a = try t.strings("a"), b = try t.strings("b"), c = try t.strings("c")
            let ba = zip(b, a).map { "\($0):\($1)" }
            return ReferenceProblems.problem(y, fixed: [("z", z)], terms: [
                ReferenceProblems.term("a", Factor(a), columns: [ones(y.count)], names: ["Intercept"]),
                ReferenceProblems.term("b:a", Factor(ba), columns: [ones(y.count)], names: ["Intercept"]),
                ReferenceProblems.term("c:b:a", Factor.interaction(c, ba), columns: [ones(y.count)], names: ["Intercept"])],
                reml: reml)
        case "d4":
            let t = try table("d4")
            let y = try t.numbers("y"), x = try t.numbers("x"), w = try t.numbers("w")
            return ReferenceProblems.problem(y, fixed: [("x", x), ("w", w)], terms: [
                ReferenceProblems.term("g", Factor(try t.strings("g")), columns: [ones(y.count), x, w], names: ["Intercept", "x", "w"])],
                reml: reml)
        default:  // d1, d5, d6: y ~ x + (1 + x | g)
            let t = try table(String(id.prefix(2)))
            let y = try t.numbers("y"), x = try t.numbers("x"), g = Factor(try t.strings("g"))
            return ReferenceProblems.problem(y, fixed: [("x", x)], terms: [
                ReferenceProblems.term("g", g, columns: [ones(y.count), x], names: ["Intercept", "x"])], reml: reml)
        }
    }

    @Test("Criterion no worse than lme4's, estimates equal", arguments: cases)
    func agreement(_ c: Case) throws {
        let problem = try Self.problem(c.id)
        let model = try LinearMixedModel(problem)
        let fit = try model.fit()
        // Criterion: never worse beyond round-off, ≥ 12 digits (observed |Δ| ≤ 2.1e-15 relative).
        #expect(fit.criterion <= c.criterion + 1e-13 * abs(c.criterion))
        #expect(abs(fit.criterion - c.criterion) <= 1e-12 * abs(c.criterion))
        // The engine's layout against the dense formula at θ̂ (d2, d3: crossed/nested dense parts).
        let dense = DenseReference(problem: problem, model: model, theta: fit.theta)
        #expect(abs(fit.criterion - dense.criterion) <= 1e-12 * abs(dense.criterion))
        // lme4's θ̂ is within ~1.4e-7 of ours (observed); β̂ and SEs to 1e-6 relative (observed ≤ 5.3e-9).
        for (a, b) in zip(fit.theta, c.theta) { #expect(abs(a - b) <= 1e-6, "\(c.id): θ \(fit.theta) vs \(c.theta)") }
        for (i, b) in c.beta.enumerated() {
            #expect(abs(fit.coefficients[i] - b) <= 1e-6 * max(abs(b), c.standardErrors[i]), "\(c.id) β[\(i)]")
            #expect(abs(fit.standardErrors[i] - c.standardErrors[i]) <= 1e-6 * c.standardErrors[i], "\(c.id) se[\(i)]")
        }
        #expect(fit.isSingular == c.singular)
        if c.singular { #expect(fit.theta.last == 0, "a boundary θ is reported as an exact 0") }
    }
}
