extension PeriodFrequency {
    /// The running number (``Period/index``) of the period of this frequency holding `day` (days since 1970-01-01).
    func periodIndex(ofDay day: Int) -> Int {
        switch self {
        case .day: return day
        case .week: return Period.floorDivide(day - Period.epochMonday, 7)
        case .month, .quarter, .year:
            let (year, month, _) = Period.civil(fromDays: day)
            switch self {
            case .month: return year * 12 + month - 1
            case .quarter: return year * 4 + (month - 1) / 3
            default: return year
            }
        }
    }
}

extension Period {
    /// The last day of the period, as days since 1970-01-01.
    var lastDay: Int { advanced(by: 1).firstDay - 1 }

    /// Months since year 0 of the month holding `day`.
    static func monthIndex(ofDay day: Int) -> Int {
        let (year, month, _) = civil(fromDays: day)
        return year * 12 + month - 1
    }
}
