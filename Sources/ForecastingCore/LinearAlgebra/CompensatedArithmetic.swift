// Error-free transformations and compensated sums (Ogita, Rump & Oishi, "Accurate sum and dot
// product", SIAM J. Sci. Comput. 26(6), 2005). They give results as accurate as if computed in
// twice the working precision, which is what the iterative refinement of least squares needs
// for its residuals.

/// A value held as an unevaluated sum `hi + lo` with `|lo| <= ulp(hi)/2`.
struct CompensatedSum: Sendable {
    var hi: Double
    var lo: Double

    init(_ value: Double = 0) { hi = value; lo = 0 }

    /// The value rounded to one double.
    var value: Double { hi + lo }

    /// Adds `x` exactly into the pair (TwoSum, then a fast renormalization of the tail).
    @inline(__always) mutating func add(_ x: Double) {
        let s = hi + x
        let z = s - hi
        let error = (hi - (s - z)) + (x - z)
        hi = s
        lo += error
    }

    /// Adds the exact product `a·b` into the pair (TwoProduct via FMA).
    @inline(__always) mutating func addProduct(_ a: Double, _ b: Double) {
        let p = a * b
        let e = (-p).addingProduct(a, b)  // fma(a, b, -p): the exact rounding error of the product
        add(p)
        lo += e
    }
}

enum Compensated {
    /// Σ x, accurate to about twice the working precision.
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        centredSumOfSquares(values, centre: nil)
    }

    /// Σ(x − centre)², or Σx when `centre` is nil, accurate to about twice the working precision;
    /// four independent pairs so the additions do not wait on one another.
    static func centredSumOfSquares(_ x: UnsafeBufferPointer<Double>, centre: Double?) -> Double {
        var parts = (CompensatedSum(), CompensatedSum(), CompensatedSum(), CompensatedSum())
        let n = x.count
        var i = 0
        if let centre {
            while i + 4 <= n {
                let (a, b, c, d) = (x[i] - centre, x[i + 1] - centre, x[i + 2] - centre, x[i + 3] - centre)
                parts.0.addProduct(a, a); parts.1.addProduct(b, b); parts.2.addProduct(c, c); parts.3.addProduct(d, d)
                i += 4
            }
            while i < n { let a = x[i] - centre; parts.0.addProduct(a, a); i += 1 }
        } else {
            while i + 4 <= n {
                parts.0.add(x[i]); parts.1.add(x[i + 1]); parts.2.add(x[i + 2]); parts.3.add(x[i + 3])
                i += 4
            }
            while i < n { parts.0.add(x[i]); i += 1 }
        }
        for part in [parts.1, parts.2, parts.3] { parts.0.add(part.hi); parts.0.add(part.lo) }
        return parts.0.value
    }

    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0) }
    }

    /// Σ x·y, accurate to about twice the working precision (Dot2).
    static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
        // Four independent pairs, so the additions do not wait on one another; merged exactly at the end.
        let n = min(x.count, y.count)
        var a = CompensatedSum(), b = CompensatedSum(), c = CompensatedSum(), d = CompensatedSum()
        var i = 0
        while i + 4 <= n {
            a.addProduct(x[i], y[i])
            b.addProduct(x[i + 1], y[i + 1])
            c.addProduct(x[i + 2], y[i + 2])
            d.addProduct(x[i + 3], y[i + 3])
            i += 4
        }
        while i < n { a.addProduct(x[i], y[i]); i += 1 }
        for part in [b, c, d] { a.add(part.hi); a.add(part.lo) }
        return a.value
    }

    /// Σ x², accurate to about twice the working precision.
    static func sumOfSquares(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { dot($0, $0) }
    }

    /// Σ w·x², accurate to about twice the working precision.
    static func weightedSumOfSquares(_ x: [Double], weights: [Double]?) -> Double {
        guard let weights else { return sumOfSquares(x) }
        var total = CompensatedSum()
        for i in x.indices {
            let wx = weights[i] * x[i]
            total.addProduct(wx, x[i])
            // The rounding of w·x is a relative 2⁻⁵³ perturbation of one term; harmless here.
        }
        return total.value
    }
}
