import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// Count models in forecasts and scenarios: the sums' moments with projected activities' error on η,
/// the projection covariance between rows, and the quarterly forecast's lines.
@Suite("Count forecasts")
struct CountForecastTests {
    static func close(_ got: Double, _ want: Double, _ tolerance: Double) -> Bool {
        got == want || abs(got - want) <= tolerance * max(abs(want), 1e-300)
    }

    @Test("A total with added η covariance: mean and variance by hand (lognormal moments, law of total variance), and its parts")
    func totalWithAddedCovariance() throws {
        let model = try GeneralizedLinearModelTests.fit(GLMReference.quineNegativeBinomial)
        let data = try CSVReader.read(path: Fixtures.path("glm/quine.csv"))
        let prediction = try model.predictCounts(data, level: 0.8)
        let theta = try #require(model.generalized?.theta)
        let positions = [0, 5, 40]
        #expect(Set(positions.map { prediction.linearPredictor[$0] }).count == 3, "three different rows")
        // The estimates' covariance of η by hand: xᵢ V xⱼᵀ.
        let p = model.coefficients.count
        func v(_ i: Int, _ j: Int) -> Double {
            var sum = 0.0
            for a in 0..<p { for b in 0..<p { sum += prediction.design[i, a] * model.covariance[a, b] * prediction.design[j, b] } }
            return sum
        }
        // An added covariance (as projected activities give): positive definite, correlated across rows.
        let added = [0.04, 0.01, -0.005,
                     0.01, 0.09, 0.02,
                     -0.005, 0.02, 0.01]
        let k = positions.count
        var c = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in 0..<k { c[a * k + b] = v(positions[a], positions[b]) + added[a * k + b] } }
        let m = (0..<k).map { exp(prediction.linearPredictor[positions[$0]] + c[$0 * k + $0] / 2) }
        var own = 0.0, joint = 0.0, estimates = 0.0
        for a in 0..<k {
            own += m[a] + m[a] * m[a] * exp(c[a * k + a]) / theta
            for b in 0..<k {
                joint += m[a] * m[b] * expm1(c[a * k + b])
                estimates += m[a] * m[b] * expm1(v(positions[a], positions[b]))
            }
        }
        let total = prediction.total(positions, label: "hand", addingLinearPredictorCovariance: added)
        #expect(Self.close(total.mean, m.reduce(0, +), 1e-13))
        #expect(Self.close(total.variance, own + joint, 1e-12))
        #expect(Self.close(total.countVariance, own, 1e-12))
        #expect(Self.close(total.estimatesVariance, estimates, 1e-10))
        // Adding uncertainty widens: more variance and a wider whole-number band than the estimates alone give.
        let plain = prediction.total(positions, label: "plain", addingLinearPredictorCovariance: nil)
        #expect(Self.close(plain.variance, prediction.total(positions, label: "old").variance, 1e-12), "nil adds nothing")
        #expect(total.variance > plain.variance && total.mean > plain.mean)
        #expect(total.interval.upper - total.interval.lower >= plain.interval.upper - plain.interval.lower)
        // One row: the lognormal closed form matches the Gauss–Hermite predictive distribution with the same added variance.
        let one = prediction.total([5], label: "one", addingLinearPredictorCovariance: [0.09])
        let row = prediction.distribution(at: 5, addingLinearPredictorVariance: 0.09)
        #expect(Self.close(one.mean, row.mean, 1e-12))
        #expect(Self.close(one.variance, row.variance, 1e-10))
    }

    @Test("The projection covariance between two rows is the bilinear form of the projection variance (polarization), within a rep, a team and across teams")
    func projectionCovariance() {
        // Two steps of one activity; team T measured, team U falls back on the pooled moments.
        let errors = ProjectionErrorModel(activities: ["demos"], steps: 2,
                                          moments: ["T": [2.0, 0.5, 0.5, 1.0]], pooled: [1.5, 0.2, 0.2, 0.8],
                                          sharedWithinTeam: ["T": [0.3, 0.1, 0.1, 0.2], "U": [0.2, 0.0, 0.0, 0.1]],
                                          sharedAcrossTeams: [0.05, 0.01, 0.01, 0.04], repScale: ["r1": [1.5]], origins: 10)
        let gradients: [[Double]?] = [[1.0, 0.5], [0.2, 2.0], [0.7, -0.3], [1.1, 0.4], nil]
        let reps = ["r1", "r1", "r2", "r3", "r3"]
        let sensitivity = ProjectionSensitivity(errors: errors, gradients: gradients, repOfPosition: reps,
                                                teamOf: ["r1": "T", "r2": "T", "r3": "U"])
        func variance(_ positions: [Int]) -> Double { sensitivity.variance(positions) }
        for a in 0..<4 {
            #expect(Self.close(sensitivity.covariance(a, a), variance([a]), 1e-14), "\(a)")
            for b in 0..<4 where b != a {
                let polarized = (variance([a, b]) - variance([a]) - variance([b])) / 2
                #expect(Self.close(sensitivity.covariance(a, b), polarized, 1e-12), "\(a), \(b)")
            }
        }
        #expect(sensitivity.covariance(0, 4) == 0, "no gradient, no projection error")
        // The whole matrix sums to the variance of the sum.
        let all = [0, 1, 2, 3]
        let matrix = sensitivity.covarianceMatrix(all)
        #expect(Self.close(matrix.reduce(0, +), variance(all), 1e-12))
    }

    @Test("A count forecast on the example: lines sum, bands are whole and hold the mean, quota chances come from the count distribution")
    func quarterlyCountForecast() throws {
        let history = try SalesHistory(contentsOf: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv"))
        var options = RegressionOptions()
        options.family = .poisson
        let model = try history.fit("deals_won ~ lag(demos, 1) + proposals + season(period, 'quarter')", options: options)
        let run = try model.forecast("2026-Q4", quotas: ["Total": 900])
        #expect(run.family == .poisson)
        let total = try #require(run.total.counts)
        #expect(Self.close(run.reps.reduce(0) { $0 + $1.rollUp.mean }, total.mean, 1e-12))
        #expect(Self.close(run.teams.reduce(0) { $0 + $1.rollUp.mean }, total.mean, 1e-12))
        for line in run.reps + run.teams + [run.total] {
            let band = line.predictionInterval
            #expect(band.lower == band.lower.rounded() && band.lower >= 0 && band.lower <= line.rollUp.mean && line.rollUp.mean <= band.upper)
            #expect(Self.close(line.variance.total, line.rollUp.observationSE * line.rollUp.observationSE, 1e-9))
        }
        let p = try #require(run.total.quotaProbability)
        #expect(p == total.probability(atLeast: 900))
        #expect(run.total.probability(ofReaching: 899.5) == p, "a quota between counts is the next whole count")
        // The total's variance exceeds the sum of the reps' (shared estimates and shared projection errors).
        #expect(total.variance > run.reps.reduce(0) { $0 + ($1.counts?.variance ?? 0) })
    }

    @Test("A count backtest: whole-number intervals ≥ 0 for every rep-quarter, coverage and WAPE recomputed from them, quota chances from the count distribution")
    func countBacktest() throws {
        let history = try SalesHistory(contentsOf: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv"))
        var regression = RegressionOptions()
        regression.family = .poisson
        let report = try history.backtest("deals_won ~ proposals + calls + season(period, 'quarter')",
                                          options: BacktestOptions(modes: [.known], regression: regression))
        #expect(report.family == .poisson)
        let method = BacktestReport.modelMethod(.known)
        #expect(report.forecasts.count > 100)
        var inside80 = 0, inside95 = 0, absolute = 0.0, actual = 0.0
        for f in report.forecasts {
            let i80 = try #require(f.intervals80[method]), i95 = try #require(f.intervals95[method])
            for bound in [i80.lower, i80.upper, i95.lower, i95.upper] { #expect(bound == bound.rounded() && bound >= 0) }
            #expect(i95.lower <= i80.lower && i80.upper <= i95.upper)
            if i80.lower <= f.actual && f.actual <= i80.upper { inside80 += 1 }
            if i95.lower <= f.actual && f.actual <= i95.upper { inside95 += 1 }
            absolute += abs(try #require(f.forecasts[method]) - f.actual)
            actual += f.actual
            // P(count ≥ quota) from the same distribution as the band: ≥ 90% at or below its lower end, ≤ 10% above its upper end.
            let p = try #require(f.quotaProbabilities[method]), quota = try #require(f.quota)
            if quota <= i80.lower { #expect(p >= 0.9, "\(f.rep) \(f.quarter): quota \(quota), band \(i80.lower)…\(i80.upper), P \(p)") }
            if quota > i80.upper { #expect(p <= 0.1, "\(f.rep) \(f.quarter): quota \(quota), band \(i80.lower)…\(i80.upper), P \(p)") }
        }
        let accuracy = try #require(report.methods.first { $0.method == method })
        #expect(accuracy.coverage80 == Double(inside80) / Double(report.forecasts.count))
        #expect(accuracy.coverage95 == Double(inside95) / Double(report.forecasts.count))
        #expect(abs(accuracy.wape - absolute / actual * 100) < 1e-9)
    }
}
