import Foundation

/// An unevaluated sum `high + low` of two doubles (about 106 bits of precision).
///
/// Used internally to carry logarithms and exponents that are large in magnitude: the
/// power terms x^a·y^b/B(a,b) and x^a·e^(−x)/Γ(a) have exponents of several hundred in
/// the far tails, and rounding such an exponent to a double alone costs up to ~6e-14
/// relative error in the result. Only the operations needed here are provided; all
/// operands are expected to be finite.
struct ExtendedDouble: Sendable {
    var high: Double
    var low: Double

    init(_ high: Double, _ low: Double = 0) {
        self.high = high
        self.low = low
    }

    /// The nearest double.
    var value: Double { high + low }

    /// e^(high + low), as exp(high)·(1 + low).
    var exponential: Double {
        let e = Foundation.exp(high)
        return e + e * low
    }

    /// Renormalizes `high + low` assuming |high| ≥ |low| (Dekker's fast two-sum).
    @inline(__always)
    static func normalized(_ high: Double, _ low: Double) -> ExtendedDouble {
        let s = high + low
        return ExtendedDouble(s, low - (s - high))
    }

    /// The exact sum a + b (Knuth's two-sum).
    @inline(__always)
    static func sum(_ a: Double, _ b: Double) -> ExtendedDouble {
        let s = a + b
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        return ExtendedDouble(s, (a - aVirtual) + (b - bVirtual))
    }

    /// The exact product a·b (via a fused multiply-add).
    @inline(__always)
    static func product(_ a: Double, _ b: Double) -> ExtendedDouble {
        let p = a * b
        return ExtendedDouble(p, (-p).addingProduct(a, b))
    }

    /// The quotient a/b to double-double precision.
    @inline(__always)
    static func quotient(_ a: Double, _ b: Double) -> ExtendedDouble {
        let q = a / b
        return ExtendedDouble(q, a.addingProduct(-q, b) / b)
    }

    static prefix func - (x: ExtendedDouble) -> ExtendedDouble {
        ExtendedDouble(-x.high, -x.low)
    }

    static func + (a: ExtendedDouble, b: ExtendedDouble) -> ExtendedDouble {
        let s = sum(a.high, b.high)
        return normalized(s.high, s.low + (a.low + b.low))
    }

    static func - (a: ExtendedDouble, b: ExtendedDouble) -> ExtendedDouble {
        a + (-b)
    }

    static func * (a: ExtendedDouble, b: ExtendedDouble) -> ExtendedDouble {
        let p = product(a.high, b.high)
        return normalized(p.high, p.low + (a.high * b.low + a.low * b.high))
    }

    static func / (a: ExtendedDouble, b: ExtendedDouble) -> ExtendedDouble {
        let q1 = a.high / b.high
        let remainder = a - b * ExtendedDouble(q1)
        let q2 = (remainder.high + remainder.low) / b.high
        return normalized(q1, q2)
    }

    static func += (a: inout ExtendedDouble, b: ExtendedDouble) {
        a = a + b
    }

    static func -= (a: inout ExtendedDouble, b: ExtendedDouble) {
        a = a - b
    }
}
