import Foundation
import Testing
@testable import Forecasting
@testable import ForecastingCore

// Accuracy tests for the probability distributions.
//
// Reference values (the `DistributionReference` tables in DistributionReference.swift)
// were produced by Tests/Reference/distribution_reference.py with scipy 1.17.1 and
// mpmath 1.3.0 (versions recorded in the generated file). Each row holds
// the scipy.stats value and the correctly rounded value computed by the script in
// mpmath at 50 digits with independent algorithms. The accuracy tolerances below are
// checked against the exact values. Agreement with scipy is checked separately against
// the same ceilings, widened only where scipy itself is further from the exact value
// (see `expectAccuracy`; e.g. norm.cdf(-37) is off by 1.1e-13, f.sf(3, 20, 1e6) by
// 2.3e-11, f.pdf(0.5, 1, 1e7) by 1.6e-8). Points where scipy returns ±inf (t.ppf(1e-300, 3),
// f.isf(1e-20, 3, 100), …, listed in the generated file) are skipped for that check.
//
// Tolerances are set to roughly 2–5 times the worst relative error measured on these
// grids (Linux x86_64, glibc 2.36 libm; the margin allows for other libms), always
// within the required ceilings:
//   normal cdf/sf ≤ 1e-14 (|x| ≤ 37), quantile ≤ 1e-14 (p from 1e-300 to 1 − 1e-16);
//   t cdf/sf/two-sided ≤ 1e-12, quantile ≤ 1e-12;
//   F cdf/sf ≤ 1e-12, quantile ≤ 1e-11;
//   chi-squared cdf/sf ≤ 1e-13 (x from 1e-6 to 2000), quantile ≤ 1e-12.

/// Relative error |value − reference|/|reference| (0 when both are equal, including ±∞).
private func relativeError(_ value: Double, _ reference: Double) -> Double {
    if value == reference { return 0 }
    return abs(value - reference) / abs(reference)
}

/// Tolerance for cdf(quantile(p)) ≈ p: 1e-13 plus what one ulp of the quantile x changes
/// the probability by (x·density/p·ε), which dominates for steep distributions
/// (e.g. χ² with 10¹² degrees of freedom, where one ulp of x moves P by ~1e-10).
private func roundTripAllowance(_ x: Double, density: Double, probability: Double) -> Double {
    1e-13 + 2 * abs(x) * density / probability * Double.ulpOfOne
}

/// One computed value with its reference values and a description of the test point.
private struct Comparison {
    let value: Double
    let exact: Double
    let scipy: Double
    let point: String
}

/// Expects every comparison to be within `tolerance` (relative) of the exact value, and
/// within `scipyCeiling` of scipy's value, the ceiling being widened to 1.5× scipy's own
/// largest deviation from the exact values on that table where scipy is worse than the
/// ceiling (recorded by the generator script; e.g. scipy's f.pdf(0.5, 1, 1e7) is off by
/// 1.6e-8 and norm.cdf(-37) by 1.1e-13). Points where scipy returns ±∞ are skipped there.
private func expectAccuracy(
    _ table: String,
    _ comparisons: [Comparison],
    tolerance: Double,
    scipyCeiling: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!comparisons.isEmpty, "\(table): no reference rows", sourceLocation: sourceLocation)
    let scipyDeviation = DistributionReference.scipyDeviation[table] ?? 0
    let scipyTolerance = max(scipyCeiling, 1.5 * scipyDeviation)
    for c in comparisons {
        let error = relativeError(c.value, c.exact)
        #expect(error <= tolerance,
                "\(table)\(c.point) = \(c.value), exact \(c.exact): relative error \(error) > \(tolerance)",
                sourceLocation: sourceLocation)
        if c.scipy.isFinite {
            let scipyError = relativeError(c.value, c.scipy)
            #expect(scipyError <= scipyTolerance,
                    "\(table)\(c.point) = \(c.value), scipy \(c.scipy): relative difference \(scipyError) > \(scipyTolerance)",
                    sourceLocation: sourceLocation)
        }
    }
}

@Suite("Normal distribution")
struct NormalDistributionTests {
    let normal = NormalDistribution.standard

    @Test func cdfAndSurvivalMatchReference() {
        expectAccuracy("normalCDF", DistributionReference.normalCDF.map {
            Comparison(value: normal.cdf($0.x), exact: $0.exact, scipy: $0.scipy, point: "(\($0.x))")
        }, tolerance: 1e-15, scipyCeiling: 1e-14)
        expectAccuracy("normalSurvival", DistributionReference.normalSurvival.map {
            Comparison(value: normal.survival($0.x), exact: $0.exact, scipy: $0.scipy, point: "(\($0.x))")
        }, tolerance: 1e-15, scipyCeiling: 1e-14)
    }

    @Test func densityMatchesReference() {
        expectAccuracy("normalDensity", DistributionReference.normalDensity.map {
            Comparison(value: normal.density($0.x), exact: $0.exact, scipy: $0.scipy, point: "(\($0.x))")
        }, tolerance: 1e-15, scipyCeiling: 1e-14)
    }

    @Test func quantileMatchesReference() {
        expectAccuracy("normalQuantile", DistributionReference.normalQuantile.map {
            Comparison(value: normal.quantile($0.p), exact: $0.exact, scipy: $0.scipy, point: "(\($0.p))")
        }, tolerance: 1e-15, scipyCeiling: 1e-14)
        expectAccuracy("normalInverseSurvival", DistributionReference.normalInverseSurvival.map {
            Comparison(value: normal.inverseSurvival($0.q), exact: $0.exact, scipy: $0.scipy, point: "(\($0.q))")
        }, tolerance: 1e-15, scipyCeiling: 1e-14)
    }

    @Test func farTailIsNotComputedAsOneMinusCDF() {
        // P(Z > 37) ≈ 5.7e-300: survival must keep full relative accuracy.
        #expect(relativeError(normal.survival(37), 5.7255712225245768e-300) < 1e-15)
        #expect(normal.survival(37) == normal.cdf(-37))
        #expect(relativeError(normal.inverseSurvival(1e-300), 37.0470962993612) < 1e-15)
        #expect(normal.inverseSurvival(1e-300) == -normal.quantile(1e-300))
    }

    @Test func locationAndScale() {
        let d = NormalDistribution(mean: 3, standardDeviation: 2)
        #expect(d.cdf(3) == 0.5)
        #expect(relativeError(d.cdf(1), normal.cdf(-1)) < 1e-15)
        #expect(relativeError(d.survival(9), normal.survival(3)) < 1e-15)
        #expect(relativeError(d.density(5), normal.density(1) / 2) < 1e-15)
        #expect(relativeError(d.quantile(0.975), 3 + 2 * normal.quantile(0.975)) < 1e-15)
        #expect(relativeError(d.inverseSurvival(1e-10), 3 + 2 * normal.inverseSurvival(1e-10)) < 1e-15)
    }

    @Test func specialValues() {
        #expect(normal.quantile(0) == -.infinity)
        #expect(normal.quantile(1) == .infinity)
        #expect(normal.quantile(0.5) == 0)
        #expect(normal.inverseSurvival(0) == .infinity)
        #expect(normal.inverseSurvival(1) == -.infinity)
        #expect(normal.cdf(-.infinity) == 0)
        #expect(normal.cdf(.infinity) == 1)
        #expect(normal.survival(.infinity) == 0)
        #expect(normal.density(.infinity) == 0)
        #expect(normal.cdf(0) == 0.5)
        #expect(normal.cdf(.nan).isNaN)
        #expect(normal.survival(.nan).isNaN)
        #expect(normal.density(.nan).isNaN)
        #expect(normal.quantile(.nan).isNaN)
        #expect(normal.quantile(-0.1).isNaN)
        #expect(normal.quantile(1.1).isNaN)
        #expect(normal.inverseSurvival(2).isNaN)
    }

    @Test(arguments: [0.0, -1.0, .nan, .infinity])
    func invalidStandardDeviationGivesNaN(_ sd: Double) {
        let d = NormalDistribution(mean: 0, standardDeviation: sd)
        #expect(d.cdf(0).isNaN)
        #expect(d.survival(0).isNaN)
        #expect(d.density(0).isNaN)
        #expect(d.quantile(0.5).isNaN)
        #expect(d.inverseSurvival(0.5).isNaN)
    }
}

@Suite("Student's t distribution")
struct StudentTDistributionTests {
    @Test func cdfAndSurvivalMatchReference() {
        expectAccuracy("tCDF", DistributionReference.tCDF.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).cdf($0.t),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), t: \($0.t))")
        }, tolerance: 2e-14, scipyCeiling: 1e-12)
        expectAccuracy("tSurvival", DistributionReference.tSurvival.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).survival($0.t),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), t: \($0.t))")
        }, tolerance: 2e-14, scipyCeiling: 1e-12)
    }

    @Test func twoSidedPValueMatchesReference() {
        expectAccuracy("tTwoSided", DistributionReference.tTwoSided.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).twoSidedPValue($0.t),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), t: \($0.t))")
        }, tolerance: 2e-14, scipyCeiling: 1e-12)
    }

    @Test func densityMatchesReference() {
        expectAccuracy("tDensity", DistributionReference.tDensity.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).density($0.t),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), t: \($0.t))")
        }, tolerance: 1e-15, scipyCeiling: 1e-12)
    }

    @Test func quantileMatchesReference() {
        expectAccuracy("tQuantile", DistributionReference.tQuantile.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).quantile($0.p),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), p: \($0.p))")
        }, tolerance: 1e-14, scipyCeiling: 1e-12)
        expectAccuracy("tInverseSurvival", DistributionReference.tInverseSurvival.map {
            Comparison(value: StudentTDistribution(degreesOfFreedom: $0.df).inverseSurvival($0.q),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), q: \($0.q))")
        }, tolerance: 1e-14, scipyCeiling: 1e-12)
    }

    @Test(arguments: [1e-8, 0.3, 1.0, 2.5, 10.0, 1e3, 1e8, 1e150])
    func cauchyClosedForm(_ t: Double) {
        // df = 1: P(T > t) = atan(1/t)/π for t > 0, P(T ≤ t) = ½ + atan(t)/π.
        let cauchy = StudentTDistribution(degreesOfFreedom: 1)
        #expect(relativeError(cauchy.survival(t), atan(1 / t) / .pi) < 1e-15)
        #expect(relativeError(cauchy.cdf(-t), atan(1 / t) / .pi) < 1e-15)
        #expect(relativeError(cauchy.cdf(t), 0.5 + atan(t) / .pi) < 1e-15)
        #expect(relativeError(cauchy.density(t), 1 / (.pi * (1 + t * t))) < 1e-15)
        if t >= 0.3 {   // below that the inverse is ill-conditioned (p ≈ ½)
            #expect(relativeError(cauchy.inverseSurvival(atan(1 / t) / .pi), t) < 1e-14)
        }
    }

    @Test(arguments: [1e-8, 0.3, 1.0, 2.5, 10.0, 1e3, 1e8, 1e150])
    func twoDegreesOfFreedomClosedForm(_ t: Double) {
        // df = 2: P(T > t) = ½(1 − t/√(2 + t²)) = 1/(√(2+t²)·(√(2+t²) + t)) for t > 0.
        let d = StudentTDistribution(degreesOfFreedom: 2)
        let root = (2 + t * t).squareRoot()
        let tail = 1 / (root * (root + t))
        #expect(relativeError(d.survival(t), tail) < 1e-15)
        #expect(relativeError(d.twoSidedPValue(-t), 2 * tail) < 1e-15)
        #expect(relativeError(d.cdf(t), 0.5 + 0.5 * t / root) < 1e-15)
        #expect(relativeError(d.density(t), 1 / (root * root * root)) < 1e-15)
        if t >= 0.3 {
            #expect(relativeError(d.inverseSurvival(tail), t) < 1e-14)
        }
    }

    @Test(arguments: [1e-300, 1e-10, 0.025, 0.3, 0.5, 0.7, 0.975, 1 - 1e-10])
    func symmetryIsExact(_ p: Double) {
        for df in [1.0, 3.0, 9.5, 1e6] {
            let d = StudentTDistribution(degreesOfFreedom: df)
            #expect(d.cdf(-2.5) == d.survival(2.5))
            #expect(d.inverseSurvival(p) == -d.quantile(p))
            #expect(d.twoSidedPValue(-3) == d.twoSidedPValue(3))
        }
    }

    @Test func infiniteDegreesOfFreedomIsNormal() {
        let t = StudentTDistribution(degreesOfFreedom: .infinity)
        let z = NormalDistribution.standard
        for x in [-37.0, -5.0, -1.0, 0.0, 0.7, 3.0, 30.0] {
            #expect(relativeError(t.cdf(x), z.cdf(x)) < 3e-16)
            #expect(relativeError(t.survival(x), z.survival(x)) < 3e-16)
            #expect(t.density(x) == z.density(x))
            #expect(relativeError(t.twoSidedPValue(x), 2 * z.survival(abs(x))) < 1e-15)
        }
        for p in [1e-300, 0.025, 0.5, 0.975] {
            #expect(t.quantile(p) == z.quantile(p))
        }
    }

    @Test func hugeDegreesOfFreedomApproachNormal() {
        // The relative difference from the normal is O(x⁴/ν); at ν = 1e12 it is < 1e-10 here.
        let t = StudentTDistribution(degreesOfFreedom: 1e12)
        let z = NormalDistribution.standard
        for x in [-4.0, -2.0, 1.0, 3.0] {
            #expect(relativeError(t.cdf(x), z.cdf(x)) < 1e-10)
        }
        #expect(relativeError(t.quantile(0.975), z.quantile(0.975)) < 1e-11)
    }

    @Test func quantileRoundTrips() {
        for df in [0.7, 1.0, 2.0, 4.5, 30.0, 1e5] {
            let d = StudentTDistribution(degreesOfFreedom: df)
            for p in [1e-200, 1e-12, 0.01, 0.2, 0.45, 0.55, 0.8, 0.99] {
                let t = d.quantile(p)
                let back = p < 0.5 ? d.cdf(t) : d.survival(t)
                let target = p < 0.5 ? p : 1 - p
                let allowance = roundTripAllowance(t, density: d.density(t), probability: target)
                #expect(relativeError(back, target) < allowance, "df \(df), p \(p)")
            }
        }
    }

    @Test func specialValues() {
        let d = StudentTDistribution(degreesOfFreedom: 5)
        #expect(d.quantile(0) == -.infinity)
        #expect(d.quantile(1) == .infinity)
        #expect(d.quantile(0.5) == 0)
        #expect(d.inverseSurvival(0) == .infinity)
        #expect(d.inverseSurvival(1) == -.infinity)
        #expect(d.cdf(0) == 0.5)
        #expect(d.cdf(-.infinity) == 0)
        #expect(d.cdf(.infinity) == 1)
        #expect(d.survival(.infinity) == 0)
        #expect(d.twoSidedPValue(0) == 1)
        #expect(d.twoSidedPValue(.infinity) == 0)
        #expect(d.density(.infinity) == 0)
        #expect(d.cdf(.nan).isNaN)
        #expect(d.twoSidedPValue(.nan).isNaN)
        #expect(d.quantile(.nan).isNaN)
        #expect(d.quantile(-1e-9).isNaN)
        // Far tail that must not underflow through 1 − cdf.
        #expect(StudentTDistribution(degreesOfFreedom: 1e7).survival(37) > 5e-300)
    }

    @Test(arguments: [0.0, -3.0, .nan, -.infinity])
    func invalidDegreesOfFreedomGiveNaN(_ df: Double) {
        let d = StudentTDistribution(degreesOfFreedom: df)
        #expect(d.cdf(1).isNaN)
        #expect(d.survival(1).isNaN)
        #expect(d.twoSidedPValue(1).isNaN)
        #expect(d.density(1).isNaN)
        #expect(d.quantile(0.3).isNaN)
        #expect(d.inverseSurvival(0.3).isNaN)
    }
}

@Suite("F distribution")
struct FDistributionTests {
    private func f(_ d1: Double, _ d2: Double) -> FDistribution {
        FDistribution(numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    }

    @Test func cdfAndSurvivalMatchReference() {
        expectAccuracy("fCDF", DistributionReference.fCDF.map {
            Comparison(value: f($0.d1, $0.d2).cdf($0.f), exact: $0.exact, scipy: $0.scipy,
                       point: "(d1: \($0.d1), d2: \($0.d2), f: \($0.f))")
        }, tolerance: 2e-15, scipyCeiling: 1e-12)
        expectAccuracy("fSurvival", DistributionReference.fSurvival.map {
            Comparison(value: f($0.d1, $0.d2).survival($0.f), exact: $0.exact, scipy: $0.scipy,
                       point: "(d1: \($0.d1), d2: \($0.d2), f: \($0.f))")
        }, tolerance: 1e-14, scipyCeiling: 1e-12)
    }

    @Test func densityMatchesReference() {
        expectAccuracy("fDensity", DistributionReference.fDensity.map {
            Comparison(value: f($0.d1, $0.d2).density($0.f), exact: $0.exact, scipy: $0.scipy,
                       point: "(d1: \($0.d1), d2: \($0.d2), f: \($0.f))")
        }, tolerance: 1e-15, scipyCeiling: 1e-12)
    }

    @Test func quantileMatchesReference() {
        expectAccuracy("fQuantile", DistributionReference.fQuantile.map {
            Comparison(value: f($0.d1, $0.d2).quantile($0.p), exact: $0.exact, scipy: $0.scipy,
                       point: "(d1: \($0.d1), d2: \($0.d2), p: \($0.p))")
        }, tolerance: 5e-15, scipyCeiling: 1e-11)
        expectAccuracy("fInverseSurvival", DistributionReference.fInverseSurvival.map {
            Comparison(value: f($0.d1, $0.d2).inverseSurvival($0.q), exact: $0.exact, scipy: $0.scipy,
                       point: "(d1: \($0.d1), d2: \($0.d2), q: \($0.q))")
        }, tolerance: 5e-15, scipyCeiling: 1e-11)
    }

    @Test func tinyPValueKeepsRelativeAccuracy() {
        // P(F > 1e4) with (3, 100) degrees of freedom is ≈ 9.465477097e-124.
        let p = f(3, 100).survival(1e4)
        #expect(relativeError(p, 9.465477097e-124) < 1e-9)
        #expect(relativeError(f(3, 100).inverseSurvival(p), 1e4) < 1e-13)
    }

    @Test func supportBoundaries() {
        let d = f(4, 7)
        #expect(d.survival(0) == 1)
        #expect(d.cdf(0) == 0)
        #expect(d.cdf(-1) == 0)
        #expect(d.survival(-1) == 1)
        #expect(d.density(-1) == 0)
        #expect(d.cdf(.infinity) == 1)
        #expect(d.survival(.infinity) == 0)
        #expect(d.quantile(0) == 0)
        #expect(d.quantile(1) == .infinity)
        #expect(d.inverseSurvival(0) == .infinity)
        #expect(d.inverseSurvival(1) == 0)
        #expect(f(1, 5).density(0) == .infinity)
        #expect(f(2, 5).density(0) == 1)
        #expect(f(3, 5).density(0) == 0)
        #expect(d.cdf(.nan).isNaN)
        #expect(d.quantile(1.5).isNaN)
    }

    @Test func infiniteDenominatorIsScaledChiSquared() {
        let chi2 = ChiSquaredDistribution(degreesOfFreedom: 4)
        let d = f(4, .infinity)
        for x in [1e-3, 0.5, 1.0, 3.0, 40.0] {
            #expect(relativeError(d.cdf(x), chi2.cdf(4 * x)) < 1e-15)
            #expect(relativeError(d.survival(x), chi2.survival(4 * x)) < 1e-15)
            #expect(relativeError(d.density(x), 4 * chi2.density(4 * x)) < 1e-15)
        }
        #expect(relativeError(d.quantile(0.95), chi2.quantile(0.95) / 4) < 1e-14)
        // And a huge finite d₂ is close to it.
        #expect(relativeError(f(4, 1e12).survival(3), d.survival(3)) < 1e-10)
    }

    @Test func reciprocalSymmetry() {
        // If F ~ F(d1, d2) then 1/F ~ F(d2, d1).
        for (d1, d2) in [(1.0, 1.0), (2.0, 5.0), (3.0, 100.0), (10.0, 3.0)] {
            for x in [0.01, 0.5, 2.0, 30.0] {
                #expect(relativeError(f(d1, d2).cdf(x), f(d2, d1).survival(1 / x)) < 1e-14)
            }
        }
    }

    @Test func quantileRoundTrips() {
        for (d1, d2) in [(0.5, 0.8), (1.0, 1.0), (5.0, 12.0), (40.0, 2.0), (200.0, 300.0)] {
            let d = f(d1, d2)
            for p in [1e-12, 0.01, 0.3, 0.7, 0.99, 1 - 1e-9] {
                let x = d.quantile(p)
                let back = p < 0.5 ? d.cdf(x) : d.survival(x)
                let target = p < 0.5 ? p : 1 - p
                let allowance = roundTripAllowance(x, density: d.density(x), probability: target)
                #expect(relativeError(back, target) < allowance, "(\(d1), \(d2)), p \(p)")
            }
        }
    }

    @Test(arguments: [(0.0, 3.0), (3.0, 0.0), (-1.0, 3.0), (.nan, 3.0), (3.0, .nan)])
    func invalidParametersGiveNaN(_ d1: Double, _ d2: Double) {
        let d = f(d1, d2)
        #expect(d.cdf(1).isNaN)
        #expect(d.survival(1).isNaN)
        #expect(d.density(1).isNaN)
        #expect(d.quantile(0.3).isNaN)
        #expect(d.inverseSurvival(0.3).isNaN)
    }
}

@Suite("Chi-squared distribution")
struct ChiSquaredDistributionTests {
    @Test func cdfAndSurvivalMatchReference() {
        expectAccuracy("chiSquaredCDF", DistributionReference.chiSquaredCDF.map {
            Comparison(value: ChiSquaredDistribution(degreesOfFreedom: $0.df).cdf($0.x),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), x: \($0.x))")
        }, tolerance: 5e-15, scipyCeiling: 1e-13)
        expectAccuracy("chiSquaredSurvival", DistributionReference.chiSquaredSurvival.map {
            Comparison(value: ChiSquaredDistribution(degreesOfFreedom: $0.df).survival($0.x),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), x: \($0.x))")
        }, tolerance: 5e-15, scipyCeiling: 1e-13)
    }

    @Test func densityMatchesReference() {
        expectAccuracy("chiSquaredDensity", DistributionReference.chiSquaredDensity.map {
            Comparison(value: ChiSquaredDistribution(degreesOfFreedom: $0.df).density($0.x),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), x: \($0.x))")
        }, tolerance: 2e-15, scipyCeiling: 1e-13)
    }

    @Test func quantileMatchesReference() {
        expectAccuracy("chiSquaredQuantile", DistributionReference.chiSquaredQuantile.map {
            Comparison(value: ChiSquaredDistribution(degreesOfFreedom: $0.df).quantile($0.p),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), p: \($0.p))")
        }, tolerance: 1e-15, scipyCeiling: 1e-12)
        expectAccuracy("chiSquaredInverseSurvival", DistributionReference.chiSquaredInverseSurvival.map {
            Comparison(value: ChiSquaredDistribution(degreesOfFreedom: $0.df).inverseSurvival($0.q),
                       exact: $0.exact, scipy: $0.scipy, point: "(df: \($0.df), q: \($0.q))")
        }, tolerance: 1e-15, scipyCeiling: 1e-12)
    }

    @Test(arguments: [1e-6, 0.3, 1.0, 7.5, 60.0, 700.0, 1400.0])
    func closedFormsForOneAndTwoDegrees(_ x: Double) {
        // χ²(2) is exponential with mean 2; χ²(1) has P(X > x) = erfc(√(x/2)).
        let two = ChiSquaredDistribution(degreesOfFreedom: 2)
        #expect(relativeError(two.survival(x), exp(-x / 2)) < 1e-15)
        #expect(relativeError(two.cdf(x), -expm1(-x / 2)) < 1e-15)
        #expect(relativeError(two.density(x), exp(-x / 2) / 2) < 1e-15)
        // (The rounding of √x, amplified by ~x in the tail, limits this comparison.)
        let one = ChiSquaredDistribution(degreesOfFreedom: 1)
        let t = StudentTDistribution(degreesOfFreedom: .infinity)
        #expect(relativeError(one.survival(x), t.twoSidedPValue(x.squareRoot())) < 2e-16 * (x + 10))
    }

    @Test func jarqueBeraForm() {
        // Jarque–Bera uses χ²(2): P(X > JB) = exp(−JB/2).
        #expect(ChiSquaredDistribution(degreesOfFreedom: 2).survival(1000) == exp(-500.0))
    }

    @Test func hugeDegreesOfFreedom() {
        // Temme's uniform expansion: P(X ≤ k) = ½ + 1/(3√(πk)) + O(k^(−3/2)).
        let d = ChiSquaredDistribution(degreesOfFreedom: 1e12)
        let centre = d.cdf(1e12)
        #expect(abs(centre - (0.5 + 1 / (3 * (Double.pi * 1e12).squareRoot()))) < 1e-15)
        let x = d.quantile(0.3)
        #expect(relativeError(d.cdf(x), 0.3) < roundTripAllowance(x, density: d.density(x), probability: 0.3))
        #expect(d.survival(1.1e12) == 0)
    }

    @Test func quantileRoundTrips() {
        for k in [0.3, 1.0, 2.0, 7.0, 64.0, 3000.0, 1e6] {
            let d = ChiSquaredDistribution(degreesOfFreedom: k)
            for p in [1e-30, 1e-5, 0.2, 0.5, 0.8, 1 - 1e-9] {
                let x = d.quantile(p)
                let back = p < 0.5 ? d.cdf(x) : d.survival(x)
                let target = p < 0.5 ? p : 1 - p
                let allowance = roundTripAllowance(x, density: d.density(x), probability: target)
                #expect(relativeError(back, target) < allowance, "k \(k), p \(p)")
            }
        }
    }

    @Test func supportBoundaries() {
        let d = ChiSquaredDistribution(degreesOfFreedom: 3)
        #expect(d.cdf(0) == 0)
        #expect(d.survival(0) == 1)
        #expect(d.cdf(-2) == 0)
        #expect(d.survival(-2) == 1)
        #expect(d.density(-2) == 0)
        #expect(d.cdf(.infinity) == 1)
        #expect(d.survival(.infinity) == 0)
        #expect(d.quantile(0) == 0)
        #expect(d.quantile(1) == .infinity)
        #expect(d.inverseSurvival(0) == .infinity)
        #expect(d.inverseSurvival(1) == 0)
        #expect(ChiSquaredDistribution(degreesOfFreedom: 1).density(0) == .infinity)
        #expect(ChiSquaredDistribution(degreesOfFreedom: 2).density(0) == 0.5)
        #expect(d.density(0) == 0)
        #expect(d.cdf(.nan).isNaN)
    }

    @Test(arguments: [0.0, -2.0, .nan, .infinity])
    func invalidDegreesOfFreedomGiveNaN(_ k: Double) {
        let d = ChiSquaredDistribution(degreesOfFreedom: k)
        #expect(d.cdf(1).isNaN)
        #expect(d.survival(1).isNaN)
        #expect(d.density(1).isNaN)
        #expect(d.quantile(0.3).isNaN)
        #expect(d.inverseSurvival(0.3).isNaN)
    }
}

@Suite("Distributions under concurrency")
struct DistributionConcurrencyTests {
    /// A fixed batch of evaluations for the concurrency test.
    static func evaluate(_ seed: Int) -> [Double] {
        let df = 1.5 + Double(seed % 7)
        let t = StudentTDistribution(degreesOfFreedom: df)
        let f = FDistribution(numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: 2 * df + 1)
        let c = ChiSquaredDistribution(degreesOfFreedom: df)
        let x = 0.37 * Double(seed % 11 + 1)
        return [t.cdf(x), t.quantile(0.01), f.survival(x), f.quantile(0.9), c.survival(x),
                c.quantile(0.2), NormalDistribution.standard.inverseSurvival(1e-12 * x)]
    }

    /// The same evaluations from many concurrent tasks must give bit-identical results
    /// (no shared mutable state such as `signgam`).
    @Test func concurrentEvaluationIsDeterministic() async {
        let expected = (0..<64).map(Self.evaluate)
        let results = await withTaskGroup(of: (Int, [Double]).self) { group in
            for round in 0..<8 {
                for seed in 0..<64 {
                    group.addTask { (seed + 64 * round, Self.evaluate(seed)) }
                }
            }
            var collected: [(Int, [Double])] = []
            for await item in group { collected.append(item) }
            return collected
        }
        for (index, values) in results {
            #expect(values == expected[index % 64])
        }
    }
}
