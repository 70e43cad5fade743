#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses decimal numbers exactly as `Double(String)` does, but only finite, plain decimal
/// spellings, and without allocating for the common short numbers.
///
/// Accepted: an optional sign, digits with an optional fraction (at least one digit in all),
/// and an optional exponent, e.g. `12`, `-0.5`, `1e-3`, `.5`, `5.`, `+3`.
/// Refused (`nil`): surrounding spaces, `NaN`, `inf`, `1,000`, `$5`, hex floats, the empty
/// text, and values that overflow to infinity such as `1e400`.
enum NumberParser {
    /// A finite decimal number, or `nil` when `text` is not one.
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// A finite decimal number, or `nil` when `bytes` are not one (the fast path of the CSV reader).
    ///
    /// Short numbers (at most 19 significant digits, significand at most 2^53, power of ten
    /// at most 22 in size) are computed exactly with one multiplication or division by an
    /// exact power of ten (Clinger's fast path); anything else goes to `strtod` in the C locale.
    /// Either way the result is the correctly rounded double.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        var negative = false
        if n > 0 {
            if p[0] == UInt8(ascii: "-") {
                negative = true
                i = 1
            } else if p[0] == UInt8(ascii: "+") {
                i = 1
            }
        }
        var mantissa: UInt64 = 0
        var significant = 0     // digits held in `mantissa`, leading zeros excluded
        var truncated = false   // digits beyond the 19 that fit were dropped
        var scale = 0           // power of ten to apply to `mantissa` for the digits seen
        var anyDigit = false

        while i < n {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            anyDigit = true
            if significant < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                }
            } else {
                truncated = true
                scale += 1
            }
            i += 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                anyDigit = true
                if significant < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significant += 1
                    }
                    scale -= 1
                } else {
                    truncated = true
                }
                i += 1
            }
        }
        guard anyDigit else { return nil }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var exponentDigit = false
            while i < n {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                exponentDigit = true
                if exponent < 100_000_000 { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            guard exponentDigit else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard i == n else { return nil }

        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        if !truncated && mantissa <= 1 << 53 && scale >= -22 && scale <= 22 {
            let m = Double(mantissa)
            let value = scale >= 0 ? m * exactPowerOfTen(scale) : m / exactPowerOfTen(-scale)
            return negative ? -value : value
        }
        return parseSlowly(p, count: n)
    }

    /// Whether `bytes` spell a non-finite value: `nan`, `inf` or `infinity` in any case,
    /// with an optional sign (`NaN`, `-Inf`, `+INFINITY`, …).
    static func isNonFiniteSpelling(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return false }
        var start = 0
        if bytes.count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { start = 1 }
        let word = UnsafeBufferPointer(rebasing: bytes[start...])
        return equalsIgnoringCase(word, "nan") || equalsIgnoringCase(word, "inf")
            || equalsIgnoringCase(word, "infinity")
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for k in 0..<bytes.count {
            let b = bytes[k]
            let lowered = (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
            if lowered != expected[k] { return false }
        }
        return true
    }

    /// A locale whose numbers use the C conventions (a `.` decimal point), so a host program
    /// calling `setlocale` cannot change how numbers are read. Created once, never freed.
    nonisolated(unsafe) private static let cNumericLocale: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)

    /// 10^power for 0 ≤ power ≤ 22, all exactly representable as doubles.
    @inline(__always)
    static func exactPowerOfTen(_ power: Int) -> Double {
        switch power {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// `strtod` in the C locale on a NUL-terminated copy of text already checked to be a
    /// plain decimal number; `nil` unless all of it is consumed and the value is finite.
    @inline(never)
    private static func parseSlowly(_ p: UnsafePointer<UInt8>, count n: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double? in
            guard let copy = buffer.baseAddress else { return nil }
            UnsafeMutableRawPointer(copy).copyMemory(from: p, byteCount: n)
            copy[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value: Double
            if let locale = cNumericLocale {
                let previous = uselocale(locale)
                value = strtod(copy, &end)
                uselocale(previous)
            } else {
                value = strtod(copy, &end)
            }
            guard let end, end - copy == n, value.isFinite else { return nil }
            return value
        }
    }
}
