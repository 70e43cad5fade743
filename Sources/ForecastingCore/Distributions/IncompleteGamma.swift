import Foundation

extension SpecialFunctions {
    /// Maximum number of series / continued-fraction iterations for the incomplete gamma
    /// functions (near x ≈ a both need O(√a) steps).
    static let maximumGammaIterations = 1_000_000

    /// x^a·e^(−x) / Γ(a) for a > 0, x ≥ 0, accurate in relative terms even when the
    /// exponent is several hundred in magnitude.
    ///
    /// For a < 10 the exponent a·ln x − x − lnΓ(a) is formed in double-double (x is exact).
    /// For a ≥ 10 it is written in Temme's form a·(ln(1+e) − e) + ½ln(a/2π) − δ(a) with
    /// e = (x − a)/a, so that no large log-gamma value is cancelled.
    static func gammaPowerTerm(_ a: Double, _ x: Double) -> Double {
        if x == 0 || x == .infinity { return 0 }
        var exponent: ExtendedDouble
        if a < 10 {
            exponent = ExtendedDouble(a) * logDoubleDouble(x) - ExtendedDouble(x) - logGammaDoubleDouble(a)
        } else {
            let d = ExtendedDouble.sum(x, -a)
            let e = d / ExtendedDouble(a)
            if e.high >= -0.5 && e.high <= 1 {
                exponent = ExtendedDouble(a) * log1pmx(e)
            } else {
                // a·ln(x/a) − (x − a)
                exponent = ExtendedDouble(a) * logDoubleDouble(ExtendedDouble.quotient(x, a)) - d
            }
            exponent += ExtendedDouble(0.5 * Foundation.log(a) - logSqrtTwoPi - stirlingCorrection(a))
        }
        return exponent.exponential
    }

    /// The regularized incomplete gamma functions: returns `(P(a,x), Q(a,x))`, each with
    /// small relative error, for a > 0 and x ≥ 0.
    ///
    /// P is summed from its power series when x < a + 1 (all terms positive); otherwise Q
    /// comes from Legendre's continued fraction (modified Lentz). The other value is the
    /// complement, which is then not small, so the subtraction loses at most about one digit.
    /// a = ½ and a = 1 (χ² with 1 and 2 degrees of freedom) use erf/erfc and exp/expm1.
    /// For a ≥ 100 near the transition (|η| ≤ ½, roughly 0.62 ≤ x/a ≤ 1.4, which for
    /// a ≳ 10⁴ covers every non-underflowing value) Temme's uniform asymptotic expansion
    /// is used instead, since the series and continued fraction need O(√a) terms there
    /// and accumulate rounding error accordingly.
    static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        guard a > 0, a.isFinite, x >= 0 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if a == 0.5 {
            // χ²(1): P = erf(√x), Q = erfc(√x), both direct.
            let root = squareRootDoubleDouble(x)
            return (erf(root), erfc(root))
        }
        if a == 1 {
            // χ²(2): exponential distribution.
            return (-Foundation.expm1(-x), Foundation.exp(-x))
        }
        if a >= 100, let result = incompleteGammaTemme(a, x) {
            return result
        }
        // For a < 1 the series is also the natural choice up to x = a + 1, but P is then
        // close to 1 (P(½, 1.5) ≈ 0.92), so Q is taken from the continued fraction from x = 1 on.
        if x < (a < 1 ? 1 : a + 1) {
            let p = lowerGammaSeries(a, x)
            return (p, 1 - p)
        } else {
            let q = upperGammaContinuedFraction(a, x)
            return (1 - q, q)
        }
    }

    /// P(a, x) = x^a·e^(−x)/Γ(a+1) · Σₙ xⁿ/((a+1)…(a+n)).
    static func lowerGammaSeries(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x) / a
        if prefactor == 0 { return 0 }
        var sum = 1.0
        var term = 1.0
        var denominator = a
        for _ in 0..<maximumGammaIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * 0x1p-54 { break }
        }
        return prefactor * sum
    }

    /// Q(a, x) = x^a·e^(−x)/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))).
    static func upperGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x)
        if prefactor == 0 { return 0 }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 0.0
        for _ in 0..<maximumGammaIterations {
            i += 1
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= 0x1p-53 { break }
        }
        return prefactor * h
    }

    /// Temme's uniform asymptotic expansion (DLMF 8.12.3–8.12.10):
    /// Q(a,x) = ½·erfc(η·√(a/2)) + R, P(a,x) = ½·erfc(−η·√(a/2)) − R,
    /// R = e^(−aη²/2)/√(2πa) · Σₖ Cₖ(η)·a^(−k), with ½η² = λ − 1 − ln λ, λ = x/a and
    /// sign(η) = sign(λ − 1). Returns nil outside |η| ≤ ½, where the truncated Taylor
    /// series of the Cₖ (`temmeCoefficients`) are not accurate enough. Intended for a ≥ 100,
    /// where eight terms give full double precision.
    static func incompleteGammaTemme(_ a: Double, _ x: Double) -> (p: Double, q: Double)? {
        let e = ExtendedDouble.sum(x, -a) / ExtendedDouble(a)   // λ − 1
        guard abs(e.high) < 0.5 else { return nil }
        let phi = -log1pmx(e)                                 // λ − 1 − ln λ ≥ 0
        let twoPhi = ExtendedDouble(2 * phi.high, 2 * phi.low)
        let root = twoPhi.high > 0 ? twoPhi.high.squareRoot() : 0
        var eta = root > 0
            ? ExtendedDouble.normalized(root, (twoPhi.high.addingProduct(-root, root) + twoPhi.low) / (2 * root))
            : ExtendedDouble(0)
        if e.high < 0 { eta = -eta }
        guard abs(eta.high) <= 0.5 else { return nil }
        let w = eta * squareRootDoubleDouble(0.5 * a)
        var series = 0.0
        var scale = 1.0
        for coefficients in temmeCoefficients {
            var c = 0.0
            for coefficient in coefficients.reversed() {
                c = c * eta.high + coefficient
            }
            series += c * scale
            scale /= a
        }
        let exponent = -(ExtendedDouble(a) * phi)
        let r = exponent.exponential / (2 * Double.pi * a).squareRoot() * series
        return (0.5 * erfc(-w) - r, 0.5 * erfc(w) + r)
    }

    /// Taylor coefficients (in η) of Temme's Cₖ(η), k = 0…7, truncated for |η| ≤ ½ and
    /// a ≥ 100 (C₀ = −1/3 + η/12 − 2η²/135 + …). Derived with exact rational arithmetic
    /// by reverting ½η² = μ − ln(1+μ), C₀ = 1/μ − 1/η and
    /// Cₖ = η⁻¹·dCₖ₋₁/dη + (−1)ᵏ·gₖ/μ (gₖ: Stirling coefficients of Γ).
    static let temmeCoefficients: [[Double]] = [
        [ // C0
            -0.3333333333333333, 0.08333333333333333, -0.014814814814814815,
            0.0011574074074074073, 0.0003527336860670194, -0.0001787551440329218,
            3.919263178522438e-05, -2.185448510679992e-06, -1.85406221071516e-06,
            8.296711340953087e-07, -1.7665952736826078e-07, 6.707853543401498e-09,
            1.0261809784240309e-08, -4.382036018453353e-09, 9.14769958223679e-10,
            -2.5514193994946248e-11, -5.830772132550426e-11, 2.4361948020667415e-11,
            -5.0276692801141755e-12, 1.1004392031956135e-13, 3.371763262400985e-13,
            -1.392388722418162e-13,
        ],
        [ // C1
            -0.001851851851851852, -0.003472222222222222, 0.0026455026455026454,
            -0.0009902263374485596, 0.00020576131687242798, -4.018775720164609e-07,
            -1.8098550334489977e-05, 7.64916091608111e-06, -1.6120900894563446e-06,
            4.647127802807434e-09, 1.378633446915721e-07, -5.752545603517705e-08,
            1.1951628599778148e-08, -1.7543241719747647e-11, -1.0091543710600413e-09,
            4.162792991842583e-10, -8.56390702649298e-11, 6.067215101604758e-14,
            7.1624989648114856e-12, -2.933186643771437e-12,
        ],
        [ // C2
            0.004133597883597883, -0.0026813271604938273, 0.0007716049382716049,
            2.0093878600823047e-06, -0.0001073665322636516, 5.2923448829120125e-05,
            -1.2760635188618728e-05, 3.423578734096138e-08, 1.3721957309062934e-06,
            -6.298992138380055e-07, 1.4280614206064242e-07, -2.0477098421990866e-10,
            -1.409252991086752e-08, 6.228974084922022e-09, -1.3670488396617114e-09,
            9.428356159014678e-13, 1.2872252400089318e-10, -5.5645956134363323e-11,
        ],
        [ // C3
            0.0006494341563786008, 0.00022947209362139917, -0.0004691894943952557,
            0.00026772063206283885, -7.561801671883977e-05, -2.396505113867297e-07,
            1.1082654115347302e-05, -5.6749528269915965e-06, 1.4230900732435883e-06,
            -2.7861080291528143e-11, -1.6958404091930278e-07, 8.099464905388083e-08,
            -1.9111168485973655e-08, 2.3928620439808118e-12, 2.0620131815488797e-09,
            -9.460496661855133e-10,
        ],
        [ // C4
            -0.0008618882909167117, 0.0007840392217200666, -0.0002990724803031902,
            -1.4638452578843418e-06, 6.641498215465122e-05, -3.968365047179435e-05,
            1.1375726970678419e-05, 2.507497226237533e-10, -1.6954149536558305e-06,
            8.907507532205309e-07, -2.292934834000805e-07, 2.956794137544049e-11,
            2.8865829742708783e-08, -1.4189739437803219e-08,
        ],
        [ // C5
            -0.00033679855336635813, -6.972813758365857e-05, 0.0002772753244959392,
            -0.00019932570516188847, 6.797780477937208e-05, 1.419062920643967e-07,
            -1.3594048189768693e-05, 8.018470256334202e-06, -2.291481176508095e-06,
            -3.252473551298454e-10, 3.4652846491085265e-07, -1.8447187191171344e-07,
        ],
        [ // C6
            0.0005313079364639922, -0.0005921664373536939, 0.0002708782096718045,
            7.902353232660328e-07, -8.153969367561969e-05, 5.61168275310625e-05,
            -1.8329116582843375e-05, -3.0796134506033047e-09, 3.465155368803609e-06,
        ],
        [ // C7
            0.00034436760689237765, 5.171790908260592e-05, -0.00033493161081142234,
            0.0002812695154763237, -0.00010976582244684731,
        ],
    ]
}
