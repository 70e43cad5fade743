/// An amount of money in whole cents, summed exactly (a 64-bit count of cents, with overflow checked).
///
/// Amounts are read from their decimal text: at most two decimals (more are refused unless they are
/// zeros), so `1234.5` and `1234.50` are 123450 cents and `1234.567` is refused rather than rounded.
/// An amount a CSV reader already turned into a number is read from its shortest decimal form, which
/// is the text as written whenever that had at most 15 significant digits.
public struct CentAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in cents.
    public let cents: Int64

    /// Creates an amount from cents.
    public init(cents: Int64) { self.cents = cents }

    /// Zero.
    public static let zero = CentAmount(cents: 0)

    /// The largest amount a sum may reach: about 92 quadrillion.
    public static let maximum = CentAmount(cents: .max)

    /// Reads a decimal amount such as `1234.56`, `-80`, `+12.5` or `1e3`.
    /// - Returns: `nil` with `reason` set when the text is not a number or needs more than cents.
    static func parse(_ text: Substring) -> Result<CentAmount, AmountProblem> {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        var k = 0
        while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 { k += 1 }
        var negative = false
        if k < bytes.count, bytes[k] == 45 || bytes[k] == 43 { negative = bytes[k] == 45; k += 1 }
        var digits: [UInt8] = []
        var decimals = 0
        var seenPoint = false, seenDigit = false
        while k < bytes.count {
            let b = bytes[k]
            if b >= 48 && b <= 57 {
                seenDigit = true
                if !(digits.isEmpty && b == 48) || seenPoint { digits.append(b - 48) }
                if seenPoint { decimals += 1 }
            } else if b == 46 && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            k += 1
        }
        guard seenDigit else { return .failure(.notANumber) }
        var exponent = 0
        if k < bytes.count, bytes[k] == 101 || bytes[k] == 69 {
            k += 1
            var exponentNegative = false
            if k < bytes.count, bytes[k] == 45 || bytes[k] == 43 { exponentNegative = bytes[k] == 45; k += 1 }
            let start = k
            while k < bytes.count, bytes[k] >= 48, bytes[k] <= 57, exponent < 10_000 {
                exponent = exponent * 10 + Int(bytes[k] - 48)
                k += 1
            }
            guard k > start else { return .failure(.notANumber) }
            if exponentNegative { exponent = -exponent }
        }
        guard k == bytes.count else { return .failure(.notANumber) }
        // value = digits × 10^(exponent − decimals); cents = digits × 10^(exponent − decimals + 2).
        var scale = exponent - decimals + 2
        // Trailing zeros beyond the cents carry no precision.
        while scale < 0, let last = digits.last, last == 0 { digits.removeLast(); scale += 1 }
        guard scale >= 0 || digits.isEmpty else { return .failure(.belowCents) }
        var cents: Int64 = 0
        for d in digits {
            let (times10, o1) = cents.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return .failure(.tooLarge) }
            cents = sum
        }
        if !digits.isEmpty {
            for _ in 0..<max(0, scale) {
                let (times10, overflow) = cents.multipliedReportingOverflow(by: 10)
                guard !overflow else { return .failure(.tooLarge) }
                cents = times10
            }
        }
        return .success(CentAmount(cents: negative ? -cents : cents))
    }

    /// Reads a number that a CSV reader has already parsed, through its shortest decimal text.
    static func parse(_ value: Double) -> Result<CentAmount, AmountProblem> {
        guard value.isFinite else { return .failure(.notANumber) }
        return parse(Substring("\(value)"))
    }

    /// The sum, or `nil` on overflow.
    func adding(_ other: CentAmount) -> CentAmount? {
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        return overflow ? nil : CentAmount(cents: sum)
    }

    /// The amount as a number (the nearest `Double` to the decimal, as parsing its text would give).
    public var doubleValue: Double { Double(cents) / 100 }

    /// Two decimals: `1234.50`, `-0.05`.
    public var description: String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// Compares amounts.
    public static func < (a: CentAmount, b: CentAmount) -> Bool { a.cents < b.cents }
}

/// Why an amount cell cannot be summed to the cent.
enum AmountProblem: Error {
    case notANumber, belowCents, tooLarge

    var reason: String {
        switch self {
        case .notANumber: "is not a number"
        case .belowCents: "has more than two decimals: round it to the cent in the export (amounts are summed exactly, never rounded here)"
        case .tooLarge: "is too large to sum exactly in cents"
        }
    }
}
