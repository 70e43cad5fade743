import Testing
@testable import Forecasting
@testable import ForecastingCore

/// What `NumberParser` must return for valid text: exactly `Double(String)`, but only when finite.
private func reference(_ text: String) -> Double? {
    guard let value = Double(text), value.isFinite else { return nil }
    return value
}

private func parseBytes(_ text: String) -> Double? {
    Array(text.utf8).withUnsafeBufferPointer { NumberParser.parse($0) }
}

private func nonFinite(_ text: String) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer { NumberParser.isNonFiniteSpelling($0) }
}

/// A small seeded generator so failures can be reproduced.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct NumberParserTests {
    @Test(arguments: [
        "0", "-0", "+0", "0.0", "-0.0", "00012", "12", "-0.5", "1e-3", ".5", "5.", "+3", "-.5", "1E5", "1e+5",
        "0.1", "0.2", "0.3", "1.5", "3.14159", "2.718281828459045", "1e22", "1e23", "9e22", "1e-22", "1e-23",
        "1e308", "1.7976931348623157e308", "1e-320", "4.9e-324", "5e-324", "2e-324", "1e-400", "-1e-400",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "2.2250738585072012e-308",
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
        "18446744073709551615", "18446744073709551616", "9999999999999999999", "99999999999999999999",
        "123456789012345678901234567890", "0.000000000000000000000000000001",
        "1.00000000000000000000000000000000001", "0.30000000000000000000000000001",
        "8.98846567431158e307", "1797693134862315708145274537e281", "0.1e1", "100000000000000000000000e-3",
        "1234567890123456789e-5", "7.3177701707893310e+15", "4503599627370497.5", "4503599627370496.5",
        "1e0000000000000000000000001", "1e-0000000000000000000000001", "0e999999999999", "000000.000000e-5",
    ])
    func matchesDoubleInit(text: String) throws {
        let expected = try #require(reference(text))
        let parsed = try #require(NumberParser.parse(text))
        #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) != \(expected)")
        #expect(parseBytes(text)?.bitPattern == expected.bitPattern)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let value = try #require(NumberParser.parse("-0"))
        #expect(value == 0 && value.sign == .minus)
        #expect(try #require(NumberParser.parse("-0.000e5")).sign == .minus)
    }

    @Test func subnormalAndOverflow() throws {
        let tiny = try #require(NumberParser.parse("1e-320"))
        #expect(tiny.isSubnormal)
        #expect(tiny == Double("1e-320"))
        #expect(NumberParser.parse("1e400") == nil)
        #expect(NumberParser.parse("-1e400") == nil)
        #expect(NumberParser.parse("1.8e308") == nil)
        #expect(NumberParser.parse("1e99999999999999999999999") == nil)
    }

    @Test func veryLongFractionsAndIntegers() throws {
        let fraction = "0." + String(repeating: "3", count: 500)
        #expect(NumberParser.parse(fraction) == Double(fraction))
        let half = "0.5" + String(repeating: "0", count: 800) + "1"
        #expect(NumberParser.parse(half) == Double(half))
        let integer = String(repeating: "9", count: 300)
        #expect(NumberParser.parse(integer) == Double(integer))
        let big = "1" + String(repeating: "0", count: 309)
        #expect(NumberParser.parse(big) == nil)  // 1e309 overflows
    }

    @Test(arguments: [
        "", " ", " 1", "1 ", "\t1", "NaN", "nan", "inf", "-Inf", "Infinity", "1,000", "$5", "0x1p3", "0x10",
        ".", "-", "+", "+-1", "--1", "1e", "1e+", "e5", ".e5", "1.2.3", "1e5.5", "1_000", "1d5", "5%",
        "12abc", "\u{0661}", "1e400", "１",
    ])
    func rejectsNonNumbers(text: String) {
        #expect(NumberParser.parse(text) == nil)
        #expect(parseBytes(text) == nil)
    }

    @Test func randomDecimalsMatchDoubleInit() {
        var rng = SplitMix64(state: 20_240_611)
        var checked = 0
        for _ in 0..<200_000 {
            var text = ""
            switch rng.next() % 3 {
            case 0: text += "-"
            case 1: text += Bool.random(using: &rng) ? "+" : ""
            default: break
            }
            let integerDigits = Int(rng.next() % 22)
            let fractionDigits = Int(rng.next() % 22)
            for _ in 0..<integerDigits { text += String(rng.next() % 10) }
            if fractionDigits > 0 || integerDigits == 0 || rng.next() % 4 == 0 {
                text += "."
                for _ in 0..<max(fractionDigits, integerDigits == 0 ? 1 : 0) { text += String(rng.next() % 10) }
            }
            if rng.next() % 2 == 0 {
                text += rng.next() % 2 == 0 ? "e" : "E"
                let exponent = Int(rng.next() % 700) - 350
                text += rng.next() % 3 == 0 && exponent >= 0 ? "+\(exponent)" : "\(exponent)"
            }
            let expected = reference(text)
            let parsed = NumberParser.parse(text)
            if parsed?.bitPattern != expected?.bitPattern {
                Issue.record("\(text): parsed \(String(describing: parsed)), expected \(String(describing: expected))")
                return
            }
            if expected != nil { checked += 1 }
        }
        #expect(checked > 100_000)
    }

    @Test func randomDoublesRoundTrip() {
        var rng = SplitMix64(state: 7)
        for _ in 0..<100_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let text = value.description
            guard NumberParser.parse(text)?.bitPattern == value.bitPattern else {
                Issue.record("\(text) does not round-trip")
                return
            }
            let short = Float(value).description
            if let expected = reference(short), NumberParser.parse(short) != expected {
                Issue.record("\(short): \(String(describing: NumberParser.parse(short))) != \(expected)")
                return
            }
        }
    }

    @Test func halfwayCasesNearTwoToThe53() {
        // 2^53 + 1 and friends need correct rounding (ties to even), not the fast path.
        for offset in 0..<64 {
            let text = "90071992547409\(92 + offset)"
            #expect(NumberParser.parse(text) == Double(text), "\(text)")
            let fraction = "4503599627370496.\(offset)5"
            #expect(NumberParser.parse(fraction) == Double(fraction), "\(fraction)")
        }
    }

    @Test(arguments: ["nan", "NaN", "NAN", "-nan", "+NaN", "inf", "Inf", "-Inf", "+INF", "infinity", "-Infinity",
                      "INFINITY"])
    func recognisesNonFiniteSpellings(text: String) {
        #expect(nonFinite(text))
    }

    @Test(arguments: ["", "n", "na", "NA", "null", "infinit", "infinityy", "in f", "1", "-", "nan1", "--inf", "Ínf"])
    func otherTextIsNotANonFiniteSpelling(text: String) {
        #expect(!nonFinite(text))
    }
}
