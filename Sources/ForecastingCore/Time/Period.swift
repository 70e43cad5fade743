/// How often a dataset's periods come: the unit of `lag(x, 1)` and of `season(period)`.
public enum PeriodFrequency: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case day, week, month, quarter, year

    /// Periods per year (365 for days, 52 for ISO weeks, 1 for years).
    public var periodsPerYear: Int {
        switch self {
        case .year: 1
        case .day: 365
        case .week: 52
        case .month: 12
        case .quarter: 4
        }
    }

    public var description: String { rawValue }
}

/// A calendar period: a date (`2026-03-15`), an ISO week (`2026-W07`), a month (`2026-03`) or a
/// quarter (`2026-Q1`). Periods of one frequency are ordered and can be stepped through.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The frequency.
    public let frequency: PeriodFrequency
    /// A running number: days since 1970-01-01, weeks since the Monday of 1970-W01,
    /// months since year 0 (year·12 + month − 1), or quarters since year 0 (year·4 + quarter − 1).
    public let index: Int

    /// Creates a period from its frequency and running number.
    public init(frequency: PeriodFrequency, index: Int) {
        self.frequency = frequency
        self.index = index
    }

    /// Reads `2026-03-15`, `2026-W07`, `2026-03`, `2026-Q1` (also `2026Q1`, `2026-q1`) or a year, `2026`; `nil` otherwise.
    public init?(_ text: String) {
        let s = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count, !range.isEmpty else { return nil }
            var value = 0
            for k in range {
                guard s[k] >= 48, s[k] <= 57 else { return nil }
                value = value * 10 + Int(s[k] - 48)
            }
            return value
        }
        if s.count == 4, let year = digits(0..<4), year >= 1 {
            self.init(frequency: .year, index: year)
            return
        }
        guard s.count >= 6, let year = digits(0..<4), year >= 1 else { return nil }
        let rest = s[4...].first == UInt8(ascii: "-") ? 5 : 4
        guard rest < s.count else { return nil }
        switch s[rest] {
        case UInt8(ascii: "Q"), UInt8(ascii: "q"):
            guard s.count == rest + 2, let q = digits((rest + 1)..<(rest + 2)), (1...4).contains(q) else { return nil }
            self.init(frequency: .quarter, index: year * 4 + q - 1)
        case UInt8(ascii: "W"), UInt8(ascii: "w"):
            guard s.count == rest + 3, let w = digits((rest + 1)..<(rest + 3)), w >= 1, w <= Self.isoWeeks(in: year) else { return nil }
            let monday = Self.daysFromCivil(year, 1, 4) - Self.weekdayIndex(Self.daysFromCivil(year, 1, 4)) + 7 * (w - 1)
            self.init(frequency: .week, index: Self.floorDivide(monday - Self.epochMonday, 7))
        default:
            guard rest == 5, let month = digits(5..<7), (1...12).contains(month) else { return nil }
            if s.count == 7 {
                self.init(frequency: .month, index: year * 12 + month - 1)
            } else {
                guard s.count == 10, s[7] == UInt8(ascii: "-"), let day = digits(8..<10),
                      day >= 1, day <= Self.daysInMonth(year, month) else { return nil }
                self.init(frequency: .day, index: Self.daysFromCivil(year, month, day))
            }
        }
    }

    /// Reads a period, throwing ``TimeError/unreadablePeriod(source:line:column:value:)`` when it is not one.
    public init(parsing text: String) throws(TimeError) {
        guard let period = Period(text) else {
            throw .unreadablePeriod(source: "<argument>", line: 0, column: "period", value: text)
        }
        self = period
    }

    /// Whether `a` comes before `b`: periods are ordered by frequency name first, then in time within a frequency.
    /// - Parameters:
    ///   - a: The first period.
    ///   - b: The second period.
    public static func < (a: Period, b: Period) -> Bool { (a.frequency.rawValue, a.index) < (b.frequency.rawValue, b.index) }

    /// The period `n` steps later (earlier for negative `n`).
    public func advanced(by n: Int) -> Period { Period(frequency: frequency, index: index + n) }

    /// The canonical text: `2026-03-15`, `2026-W07`, `2026-03`, `2026-Q1` or `2026`.
    public var description: String {
        switch frequency {
        case .year: return Self.pad(index, 4)
        case .quarter: return "\(Self.pad(Self.floorDivide(index, 4), 4))-Q\(Self.modulo(index, 4) + 1)"
        case .month: return "\(Self.pad(Self.floorDivide(index, 12), 4))-\(Self.pad(Self.modulo(index, 12) + 1, 2))"
        case .week:
            let (year, week) = isoYearAndWeek
            return "\(Self.pad(year, 4))-W\(Self.pad(week, 2))"
        case .day:
            let (y, m, d) = Self.civil(fromDays: index)
            return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
        }
    }

    /// The first day of the period, as days since 1970-01-01.
    package var firstDay: Int {
        switch frequency {
        case .year: Self.daysFromCivil(index, 1, 1)
        case .day: index
        case .week: Self.epochMonday + 7 * index
        case .month: Self.daysFromCivil(Self.floorDivide(index, 12), Self.modulo(index, 12) + 1, 1)
        case .quarter: Self.daysFromCivil(Self.floorDivide(index, 4), Self.modulo(index, 4) * 3 + 1, 1)
        }
    }

    /// The quarter containing the period (weeks by their Thursday, as ISO assigns them to years).
    public var quarter: Period {
        let day = frequency == .week ? firstDay + 3 : firstDay
        let (y, m, _) = Self.civil(fromDays: day)
        return Period(frequency: .quarter, index: y * 4 + (m - 1) / 3)
    }

    /// The calendar year.
    public var year: Int {
        switch frequency {
        case .year: index
        case .quarter: Self.floorDivide(index, 4)
        case .month: Self.floorDivide(index, 12)
        case .week: isoYearAndWeek.year
        case .day: Self.civil(fromDays: index).0
        }
    }

    /// The season within the year: quarter 1–4, month 1–12, ISO week 1–53, day of year, or 1 for a year.
    public var seasonOfYear: Int {
        switch frequency {
        case .year: 1
        case .quarter: Self.modulo(index, 4) + 1
        case .month: Self.modulo(index, 12) + 1
        case .week: isoYearAndWeek.week
        case .day: index - Self.daysFromCivil(year, 1, 1) + 1
        }
    }

    /// The same period one year earlier (52 weeks earlier for weeks).
    public var yearEarlier: Period { advanced(by: -frequency.periodsPerYear) }

    // MARK: Calendar arithmetic (proleptic Gregorian; Howard Hinnant's days_from_civil)

    package static let epochMonday = -3  // 1969-12-29, the Monday of the ISO week holding 1970-01-01

    package static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    package static func modulo(_ a: Int, _ b: Int) -> Int { a - b * floorDivide(a, b) }
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = floorDivide(z, 146097)
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 for Monday … 6 for Sunday.
    static func weekdayIndex(_ days: Int) -> Int { modulo(days + 3, 7) }

    static func isoWeeks(in year: Int) -> Int {
        let jan1 = weekdayIndex(daysFromCivil(year, 1, 1))
        return jan1 == 3 || (jan1 == 2 && isLeap(year)) ? 53 : 52
    }

    var isoYearAndWeek: (year: Int, week: Int) {
        let thursday = firstDay + 3
        let (y, _, _) = Self.civil(fromDays: thursday)
        let week = (thursday - Self.daysFromCivil(y, 1, 1)) / 7 + 1
        return (y, week)
    }
}

extension Period {
    /// Parses a quarter such as `2026-Q4`.
    /// - Throws: ``TimeError/notAQuarter(_:)`` for anything else.
    public init(quarter text: String) throws(TimeError) {
        guard let period = Period(text), period.frequency == .quarter else { throw .notAQuarter(text) }
        self = period
    }
}
