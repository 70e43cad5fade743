import Foundation

extension SpecialFunctions {
    /// The point of an incomplete beta evaluation I_x(a, b).
    ///
    /// It is described by the odds x/y and y/x (y = 1 − x), which callers form directly
    /// from their data (e.g. ν/t² and t²/ν for Student's t), as double-doubles. From them
    /// x, y, ln x and ln y are derived without ever computing 1 − x or ln x for x ≈ 1 by
    /// cancellation; the logarithms are kept in double-double precision because they are
    /// multiplied by a and b (up to ~10⁷) in the power term x^a·y^b.
    struct BetaPoint: Sendable {
        /// x/y.
        var odds: ExtendedDouble
        /// y/x.
        var inverseOdds: ExtendedDouble
        var x: Double
        var y: Double
        var logX: ExtendedDouble
        var logY: ExtendedDouble

        /// The point with x/y = `odds` and y/x = `inverseOdds` (both ≥ 0, one may be 0 or ∞).
        init(odds: ExtendedDouble, inverseOdds: ExtendedDouble) {
            self.odds = odds
            self.inverseOdds = inverseOdds
            let s = odds.high
            let sInv = inverseOdds.high
            if s <= 1 {
                x = s / (1 + s)
                y = 1 / (1 + s)
            } else {
                x = 1 / (1 + sInv)
                y = sInv / (1 + sInv)
            }
            // ln x = −ln(1 + y/x), ln y = −ln(1 + x/y)
            logX = -SpecialFunctions.log1pDoubleDouble(inverseOdds)
            logY = -SpecialFunctions.log1pDoubleDouble(odds)
        }

        /// The point with ln(x/y) = `logOdds` (a double-double); used when the odds
        /// themselves over- or underflow (extreme arguments).
        init(logOdds: ExtendedDouble) {
            let magnitude = logOdds.high < 0 ? -logOdds : logOdds
            // ln max(x, y) = −ln(1 + e^(−|L|)), ln min(x, y) = ln max(x, y) − |L|
            let logLarger = ExtendedDouble(-Foundation.log1p(Foundation.exp(-magnitude.high)))
            let logSmaller = logLarger - magnitude
            let (lx, ly) = logOdds.high >= 0 ? (logLarger, logSmaller) : (logSmaller, logLarger)
            odds = ExtendedDouble(Foundation.exp(logOdds.high))
            inverseOdds = ExtendedDouble(Foundation.exp(-logOdds.high))
            x = Foundation.exp(lx.high)
            y = Foundation.exp(ly.high)
            logX = lx
            logY = ly
        }

        private init(odds: ExtendedDouble, inverseOdds: ExtendedDouble, x: Double, y: Double,
                     logX: ExtendedDouble, logY: ExtendedDouble) {
            self.odds = odds
            self.inverseOdds = inverseOdds
            self.x = x
            self.y = y
            self.logX = logX
            self.logY = logY
        }

        /// The mirrored point (x ↔ y), for I_y(b, a) = 1 − I_x(a, b).
        var swapped: BetaPoint {
            BetaPoint(odds: inverseOdds, inverseOdds: odds, x: y, y: x, logX: logY, logY: logX)
        }

        /// λ = a − (a + b)·x = (a − b·x/y)/(1 + x/y), in double-double precision.
        func lambda(_ a: Double, _ b: Double) -> ExtendedDouble {
            if odds.high <= 1 {
                return (ExtendedDouble(a) - ExtendedDouble(b) * odds) / (ExtendedDouble(1) + odds)
            }
            return (ExtendedDouble(a) * inverseOdds - ExtendedDouble(b)) / (ExtendedDouble(1) + inverseOdds)
        }
    }

    /// Maximum number of continued-fraction iterations before giving up and returning the
    /// current estimate (the count needed is bounded by about O(√min(a, b)) near the mean).
    static let maximumContinuedFractionIterations = 1_000_000

    /// x^a·y^b / B(a, b) for a, b > 0, with relative error close to machine precision even
    /// when the exponent is several hundred in magnitude.
    ///
    /// When both parameters are ≥ 10 the λ-form of TOMS 708 `brcomp` is used,
    /// √(b·x0/2π)·exp(−a·u − b·v − Δ) with x0 = a/(a+b), u = rlog1(−λ/a), v = rlog1(λ/b),
    /// rlog1(e) = e − ln(1+e), Δ = δ(a)+δ(b)−δ(a+b), so that no large log-beta value is
    /// cancelled. Otherwise a·ln x + b·ln y − ln B(a,b) is formed in double-double, with
    /// ln B(a,b) from `logBetaDoubleDouble`.
    static func betaPowerTerm(_ a: Double, _ b: Double, _ point: BetaPoint) -> Double {
        if point.logX.high == -.infinity || point.logY.high == -.infinity { return 0 }
        let lo = Swift.min(a, b)
        let hi = Swift.max(a, b)
        if lo >= 10 {
            let lambda = point.lambda(a, b)
            var exponent = ExtendedDouble(-stirlingCorrectionOfBeta(a, b))
            // −a·u
            let e1 = -lambda / ExtendedDouble(a)
            if e1.high > -0.5 && e1.high <= 1 {
                exponent += ExtendedDouble(a) * log1pmx(e1)
            } else {
                // −a·u = λ + a·ln(x/x0) with ln(x/x0) = ln x + ln(1 + b/a)
                let logRatio = point.logX + log1pDoubleDouble(ExtendedDouble.quotient(b, a))
                exponent += lambda + ExtendedDouble(a) * logRatio
            }
            // −b·v
            let e2 = lambda / ExtendedDouble(b)
            if e2.high > -0.5 && e2.high <= 1 {
                exponent += ExtendedDouble(b) * log1pmx(e2)
            } else {
                // −b·v = −λ + b·ln(y/y0) with ln(y/y0) = ln y + ln(1 + a/b)
                let logRatio = point.logY + log1pDoubleDouble(ExtendedDouble.quotient(a, b))
                exponent += ExtendedDouble(b) * logRatio - lambda
            }
            // b·x0 = a·b/(a + b) = lo/(1 + lo/hi)
            let scale = (lo / (1 + lo / hi)).squareRoot() * inverseSqrtTwoPi
            return scale * exponent.exponential
        }
        var exponent = ExtendedDouble(a) * point.logX + ExtendedDouble(b) * point.logY
        exponent -= logBetaDoubleDouble(a, b)
        return exponent.exponential
    }

    /// The regularized incomplete beta function: returns `(I_x(a,b), 1 − I_x(a,b))`, each
    /// with small relative error, for a, b > 0.
    ///
    /// Oriented so that the evaluation point is ≤ ½ (using I_y(b,a) = 1 − I_x(a,b)), the
    /// power series (TOMS 708 `bpser`) is used when b·x ≤ 0.7, where it converges fast
    /// with little cancellation. Otherwise the continued fraction of Didonato & Morris
    /// (TOMS 708 `bfrac`: the even part of the classical expansion, written in terms of
    /// λ = a − (a+b)·x) is evaluated on the side of the mean where it converges (λ ≥ 0).
    /// In both cases the directly computed value is not close to 1 (for a, b ≥ ½ it is
    /// ≲ 0.8), so forming the other one as its complement costs at most a few bits.
    static func incompleteBeta(_ a: Double, _ b: Double, _ point: BetaPoint) -> (p: Double, q: Double) {
        guard a > 0, b > 0, a.isFinite, b.isFinite,
              !point.x.isNaN, !point.y.isNaN, !point.logX.high.isNaN, !point.logY.high.isNaN
        else { return (.nan, .nan) }
        if point.logX.high == -.infinity { return (0, 1) }
        if point.logY.high == -.infinity { return (1, 0) }
        if point.x <= 0.5 {
            if b * point.x <= 0.7 {
                let w = powerSeries(a, b, point)
                return (w, 1 - w)
            }
        } else if a * point.y <= 0.7 {
            let w1 = powerSeries(b, a, point.swapped)
            return (1 - w1, w1)
        }
        let lambda = point.lambda(a, b)
        if lambda.high >= 0 {
            let w = continuedFraction(a, b, point, lambda: lambda.high)
            return (w, 1 - w)
        } else {
            let w1 = continuedFraction(b, a, point.swapped, lambda: -lambda.high)
            return (1 - w1, w1)
        }
    }

    /// I_x(a, b) by its power series (TOMS 708 `bpser`):
    /// x^a/(a·B(a,b)) · [1 + a·Σₙ (1−b)(2−b)…(n−b)/n! · xⁿ/(a+n)];
    /// intended for x ≤ ½ and b·x ≤ 0.7 (or b ≤ 1).
    static func powerSeries(_ a: Double, _ b: Double, _ point: BetaPoint) -> Double {
        let prefactor = betaPowerTerm(a, b, point)
        if prefactor == 0 { return 0 }
        // x^a/B(a,b) = (x^a·y^b/B(a,b))·y^(−b); here b·|ln y| ≤ 1.4, so y^(−b) is benign.
        let inverseYPower = (-(ExtendedDouble(b) * point.logY)).exponential
        let x = point.x
        let tolerance = Double.ulpOfOne / (2 * a)
        var sum = 0.0
        var c = 1.0
        var n = 0.0
        for _ in 0..<maximumContinuedFractionIterations {
            n += 1
            c *= (0.5 - b / n + 0.5) * x
            let w = c / (a + n)
            sum += w
            if !(abs(w) > tolerance) { break }
        }
        return prefactor * inverseYPower / a * (1 + a * sum)
    }

    /// I_x(a, b) by the λ-form continued fraction; intended for λ = a − (a+b)x ≥ 0.
    static func continuedFraction(_ a: Double, _ b: Double, _ point: BetaPoint, lambda: Double) -> Double {
        let prefactor = betaPowerTerm(a, b, point)
        if prefactor == 0 { return 0 }
        return prefactor * continuedFractionValue(a, b, point, lambda: lambda).value
    }

    /// The continued-fraction factor r with I_x(a,b) = x^a·y^b/B(a,b) · r, and the number of
    /// iterations used (the recurrences of TOMS 708 `bfrac`, rescaled every step).
    static func continuedFractionValue(_ a: Double, _ b: Double, _ point: BetaPoint,
                                       lambda: Double) -> (value: Double, iterations: Int) {
        let x = point.x
        let c = lambda + 1
        let c0 = b / a
        let c1 = 1 + 1 / a
        let yp1 = point.y + 1

        var n = 0.0
        var p = 1.0
        var s = a + 1
        var an = 0.0
        var bn = 1.0
        var anp1 = 1.0
        var bnp1 = c / c1
        var r = c1 / c
        var iterations = 0
        while iterations < maximumContinuedFractionIterations {
            iterations += 1
            n += 1
            let t = n / a
            let w = n * (b - n) * x
            let e = a / s
            let alpha = (p * (p + c0) * e * e) * (w * x)
            let e2 = (1 + t) / (c1 + t + t)
            let beta = n + w / s + e2 * (c + n * yp1)
            p = 1 + t
            s += 2

            let nextA = alpha * an + beta * anp1
            an = anp1
            anp1 = nextA
            let nextB = alpha * bn + beta * bnp1
            bn = bnp1
            bnp1 = nextB

            let previous = r
            r = anp1 / bnp1
            if !(abs(r - previous) > Double.ulpOfOne * r) { break }
            an /= bnp1
            bn /= bnp1
            anp1 = r
            bnp1 = 1
        }
        return (r, iterations)
    }
}
