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

    /// Σ(x − centre)², or Σx when `centre` is nil, accurate to about twice the working precision.
    /// Eight lanes of pairs (``ErrorFreeLanes``), merged exactly at the end.
    static func centredSumOfSquares(_ x: UnsafeBufferPointer<Double>, centre: Double?) -> Double {
        guard let base = x.baseAddress, x.count > 0 else { return 0 }
        let n = x.count
        var hi = ErrorFreeLanes.Lanes(), lo = ErrorFreeLanes.Lanes()
        var i = 0
        let raw = UnsafeRawPointer(base)
        let width = ErrorFreeLanes.width
        if let centre {
            let c = ErrorFreeLanes.Lanes(repeating: centre)
            while i + width <= n {
                let d = ErrorFreeLanes.load(raw, i) - c
                let (p, e) = ErrorFreeLanes.square(d)
                ErrorFreeLanes.accumulate(p, e, &hi, &lo)
                i += width
            }
        } else {
            while i + width <= n {
                ErrorFreeLanes.accumulate(ErrorFreeLanes.load(raw, i), .zero, &hi, &lo)
                i += width
            }
        }
        var total = ErrorFreeLanes.merge(hi, lo)
        while i < n {
            if let centre { let d = x[i] - centre; total.addProduct(d, d) } else { total.add(x[i]) }
            i += 1
        }
        // A value beyond 2⁹⁹⁵ overflows the splitting: then add the lanes again with FMA products.
        if !total.value.isFinite, let centre {
            total = CompensatedSum()
            for v in x { let d = v - centre; total.addProduct(d, d) }
        }
        return total.value
    }

    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0) }
    }

    /// Σ x·y, accurate to about twice the working precision (Dot2 of Ogita, Rump & Oishi, in eight
    /// lanes merged exactly at the end).
    static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
        let n = min(x.count, y.count)
        guard n > 0, let xb = x.baseAddress, let yb = y.baseAddress else { return 0 }
        var hi = ErrorFreeLanes.Lanes(), lo = ErrorFreeLanes.Lanes()
        let xr = UnsafeRawPointer(xb), yr = UnsafeRawPointer(yb)
        let width = ErrorFreeLanes.width
        var i = 0
        while i + width <= n {
            let (p, e) = ErrorFreeLanes.product(ErrorFreeLanes.load(xr, i), ErrorFreeLanes.load(yr, i))
            ErrorFreeLanes.accumulate(p, e, &hi, &lo)
            i += width
        }
        var total = ErrorFreeLanes.merge(hi, lo)
        while i < n { total.addProduct(x[i], y[i]); i += 1 }
        // A factor beyond 2⁹⁹⁵ overflows the splitting: then take the products with FMA instead.
        if !total.value.isFinite {
            total = CompensatedSum()
            for k in 0..<n { total.addProduct(x[k], y[k]) }
        }
        return total.value
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

/// Error-free transformations on eight lanes of doubles at once, for the compensated kernels.
///
/// The exact error of a product comes from Dekker's TwoProduct with Veltkamp's splitting rather than
/// a fused multiply-add: the portable x86-64 target has no FMA instruction, so `addingProduct` is a
/// call into libm per element, while the splitting is plain arithmetic the compiler vectorizes.
/// Dekker's product is exact unless a factor exceeds 2⁹⁹⁵ in magnitude (the split overflows, and
/// the result turns non-finite, which callers check) or the product underflows (its error is then
/// below 2⁻¹⁰²² in absolute terms).
enum ErrorFreeLanes {
    typealias Lanes = SIMD8<Double>
    static let width = 8

    /// Veltkamp's constant 2²⁷ + 1: splits a double into two halves of 26 bits.
    @usableFromInline static let splitter = 134_217_729.0

    @inline(__always) static func load(_ base: UnsafeRawPointer, _ index: Int) -> Lanes {
        base.loadUnaligned(fromByteOffset: index &* 8, as: Lanes.self)
    }

    @inline(__always) static func store(_ value: Lanes, _ base: UnsafeMutableRawPointer, _ index: Int) {
        base.storeBytes(of: value, toByteOffset: index &* 8, as: Lanes.self)
    }

    /// a = hi + lo exactly, each with at most 26 significant bits.
    @inline(__always) static func split(_ a: Lanes) -> (hi: Lanes, lo: Lanes) {
        let c = a * splitter
        let hi = c - (c - a)
        return (hi, a - hi)
    }

    /// p = fl(a·b) and its exact error e = a·b − p (Dekker).
    @inline(__always) static func product(_ a: Lanes, _ b: Lanes) -> (p: Lanes, e: Lanes) {
        let p = a * b
        let (ah, al) = split(a), (bh, bl) = split(b)
        return (p, al * bl - (((p - ah * bh) - al * bh) - ah * bl))
    }

    /// The same with b already split (a coefficient used for a whole column).
    @inline(__always) static func product(_ a: Lanes, _ b: Lanes, bh: Lanes, bl: Lanes) -> (p: Lanes, e: Lanes) {
        let p = a * b
        let (ah, al) = split(a)
        return (p, al * bl - (((p - ah * bh) - al * bh) - ah * bl))
    }

    /// p = fl(d²) and its exact error.
    @inline(__always) static func square(_ d: Lanes) -> (p: Lanes, e: Lanes) {
        let p = d * d
        let (h, l) = split(d)
        return (p, l * l - (((p - h * h) - l * h) - h * l))
    }

    /// (hi, lo) += x + e: TwoSum of hi and x, its error and e gathered in lo.
    @inline(__always) static func accumulate(_ x: Lanes, _ e: Lanes, _ hi: inout Lanes, _ lo: inout Lanes) {
        let s = hi + x
        let z = s - hi
        lo += ((hi - (s - z)) + (x - z)) + e
        hi = s
    }

    /// The lanes' pairs added into one pair.
    @inline(__always) static func merge(_ hi: Lanes, _ lo: Lanes) -> CompensatedSum {
        var total = CompensatedSum()
        for k in 0..<width { total.add(hi[k]) }
        for k in 0..<width { total.add(lo[k]) }
        return total
    }
}
