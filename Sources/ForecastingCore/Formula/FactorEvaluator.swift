import Foundation

/// A factor's values on every row of a dataset.
enum EvaluatedFactor: Sendable {
    /// Numbers; `nan` where an input is missing.
    case numeric([Double])
    /// Category codes into `levels` (`-1` where missing), with the treatment reference level.
    case categorical(codes: [Int32], levels: [String], reference: Int)
}

/// What a factor learned from the fitted rows and must reuse on new data:
/// the levels of a categorical, or the mean and standard deviation of a centered column.
public struct FactorEncoding: Codable, Sendable, Equatable {
    /// Category levels in coding order, or `nil` for a numeric factor.
    public var levels: [String]?
    /// Index into `levels` of the reference (omitted) level.
    public var reference: Int?
    /// Statistics remembered by `center` and `standardize`, keyed by the call's text.
    public var statistics: [String: [Double]]?

    /// Creates an encoding from what a factor learned when the model was fitted.
    /// - Parameters:
    ///   - levels: The category levels in coding order, or `nil` for a numeric factor.
    ///   - reference: The index into `levels` of the reference (omitted) level, or `nil`.
    ///   - statistics: The statistics remembered by `center` and `standardize`, keyed by the call's text, or `nil`.
    public init(levels: [String]? = nil, reference: Int? = nil, statistics: [String: [Double]]? = nil) {
        self.levels = levels
        self.reference = reference
        self.statistics = statistics
    }
}

/// Evaluates factor expressions on a dataset.
struct FactorEvaluator {
    let data: Dataset
    let formula: String
    /// Encodings from a fitted model; when present, levels and statistics come from here.
    let saved: [String: FactorEncoding]?
    /// Periods and entities of the rows, for the time terms.
    let panel: Panel?

    /// Rows on which any input of `expression` is missing.
    func missingRows(_ expression: FactorExpression) throws(DataError) -> [Bool] {
        var missing = [Bool](repeating: false, count: data.rowCount)
        for name in Set(expression.columns) {
            let column = try data.column(name)
            for row in 0..<data.rowCount where column.isMissing(at: row) { missing[row] = true }
        }
        return missing
    }

    /// Evaluates a factor. `rowsForStatistics` marks the rows whose values define levels and
    /// `center`/`standardize` statistics (the rows the model is fitted on).
    /// Rows where a time term has no value (the first k periods of `lag(x, k)`) are marked in
    /// `unavailable` and get `nan`; they are dropped from the fit and counted.
    func evaluate(_ factor: Factor, rowsForStatistics: [Bool], unavailable: inout [Bool]) throws -> (EvaluatedFactor, FactorEncoding) {
        let savedEncoding = saved?[factor.name]
        switch factor.expression {
        case .call(.season, _, _):
            return try season(factor, rows: rowsForStatistics, saved: savedEncoding)
        case .call(.categorical, let arguments, let offset):
            return try categorical(factor, arguments[0].value, reference: arguments.count > 1 ? arguments[1].value : nil,
                                   offset: offset, rows: rowsForStatistics, saved: savedEncoding)
        case .column(let name):
            if case .text(let text) = try data.column(name), !Self.looksNumeric(text) {
                return try categorical(factor, .column(name), reference: nil, offset: factor.offset,
                                       rows: rowsForStatistics, saved: savedEncoding)
            }
        default:
            break
        }
        var statistics = savedEncoding?.statistics ?? [:]
        let values = try numeric(factor.expression, factor: factor, rows: rowsForStatistics, statistics: &statistics,
                                 unavailable: &unavailable)
        for row in 0..<data.rowCount where rowsForStatistics[row] && !unavailable[row] && !values[row].isFinite {
            throw FormulaError.nonFiniteValue(term: factor.name, value: values[row], source: data.source.name,
                                              line: data.source.line(ofRow: row))
        }
        return (.numeric(values), FactorEncoding(statistics: statistics.isEmpty ? nil : statistics))
    }

    /// A text column in which at least half the distinct values are numbers is a numeric column with
    /// stray cells ("n/a", "12 calls");
    /// ``Dataset/numbers(_:)`` then names that cell instead of silently making categories.
    static func looksNumeric(_ text: TextColumn) -> Bool {
        let numbers = text.levels.filter { NumberParser.parse($0) != nil || LenientNumber.parse($0) != nil }.count
        return numbers * 2 >= text.levels.count && numbers > 0
    }

    /// The category labels a factor takes on the rows marked in `rows`, or `nil` for a numeric
    /// factor: what a fit made a block of rows at a time unions to learn the levels of the whole data.
    func presentLabels(_ factor: Factor, rows: [Bool]) throws -> Set<String>? {
        let expression: FactorExpression
        switch factor.expression {
        case .call(.categorical, let arguments, _):
            expression = arguments[0].value
        case .column(let name):
            guard case .text(let text) = try data.column(name), !Self.looksNumeric(text) else { return nil }
            expression = factor.expression
        default:
            return nil
        }
        return try presentLabels(in: labels(of: expression, factor: factor, rows: rows), rows: rows)
    }

    /// The labels of `labels` on the rows marked in `rows`.
    private func presentLabels(in labels: TextColumn, rows: [Bool]) -> Set<String> {
        var seen = [Bool](repeating: false, count: labels.levels.count)
        for row in 0..<data.rowCount where rows[row] && labels.codes[row] >= 0 { seen[Int(labels.codes[row])] = true }
        return Set(labels.levels.indices.lazy.filter { seen[$0] }.map { labels.levels[$0] })
    }

    /// The encoding of a categorical factor whose levels are `present` (learned over all the data).
    static func encoding(of factor: Factor, levels present: Set<String>, formula: String) throws -> FactorEncoding {
        let levels = sortedLevels(present)
        var reference = 0
        if case .call(.categorical, let arguments, let offset) = factor.expression, arguments.count > 1 {
            reference = try referenceIndex(arguments[1].value, levels: levels, term: factor.name, offset: offset, formula: formula)
        }
        return FactorEncoding(levels: levels, reference: reference)
    }

    /// Raw labels per row, as codes into distinct labels: text as is (the column itself, so a label is
    /// looked up once per distinct value, not once per row); numbers formatted as Python prints them (2, 2.5).
    private func labels(of expression: FactorExpression, factor: Factor, rows: [Bool]) throws -> TextColumn {
        if case .column(let name) = expression, case .text(let text) = try data.column(name) {
            return text
        }
        var statistics: [String: [Double]] = [:]
        var unavailable = [Bool](repeating: false, count: data.rowCount)
        let values = try numeric(expression, factor: factor, rows: rows, statistics: &statistics, unavailable: &unavailable)
        return TextColumn(values.map { $0.isNaN ? nil : Column.label($0) })
    }

    /// Levels in patsy's order: numerically when every level is a number, else by code points.
    static func sortedLevels(_ present: Set<String>) -> [String] {
        let numericLevels = present.allSatisfy { Double($0) != nil }
        return present.sorted { a, b in
            if numericLevels, let x = Double(a), let y = Double(b) { return x < y }
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        }
    }

    /// The index of `Treatment(level)`'s level.
    static func referenceIndex(_ reference: FactorExpression, levels: [String], term: String, offset: Int, formula: String) throws -> Int {
        guard case .call(.treatment, let arguments, _) = reference else { throw FormulaError.syntax("expected Treatment(...)", position: offset + 1, formula: formula) }
        let wanted: String
        switch arguments[0].value {
        case .string(let s): wanted = s
        case .number(let x): wanted = Column.label(x)
        case .column(let s): wanted = s
        default:
            throw FormulaError.invalidArguments(function: "Treatment", reason: "the reference must be a level, e.g. 'West'",
                                                position: offset + 1, formula: formula)
        }
        guard let position = levels.firstIndex(of: wanted) else {
            throw FormulaError.unknownLevel(term: term, level: wanted, levels: levels)
        }
        return position
    }

    private func categorical(_ factor: Factor, _ expression: FactorExpression, reference: FactorExpression?,
                             offset: Int, rows: [Bool], saved: FactorEncoding?) throws -> (EvaluatedFactor, FactorEncoding)
    {
        let labels = try labels(of: expression, factor: factor, rows: rows)
        let levels = saved?.levels ?? Self.sortedLevels(presentLabels(in: labels, rows: rows))
        var index: [String: Int32] = [:]
        for (i, level) in levels.enumerated() { index[level] = Int32(i) }
        // Each distinct label's level, then each row's through its label's code.
        let levelOfLabel = labels.levels.map { index[$0] ?? -1 }
        var codes = [Int32](repeating: -1, count: data.rowCount)
        for row in 0..<data.rowCount {
            let label = labels.codes[row]
            guard label >= 0 else { continue }
            let code = levelOfLabel[Int(label)]
            if code >= 0 {
                codes[row] = code
            } else if saved != nil, rows[row] {
                throw RegressionError.unseenCategory(term: factor.name, level: labels.levels[Int(label)], source: data.source.name,
                                                     line: data.source.line(ofRow: row), known: levels)
            }
        }
        var referenceIndex = saved?.reference ?? 0
        if saved == nil, let reference {
            referenceIndex = try Self.referenceIndex(reference, levels: levels, term: factor.name, offset: offset, formula: formula)
        }
        return (.categorical(codes: codes, levels: levels, reference: referenceIndex),
                FactorEncoding(levels: levels, reference: referenceIndex))
    }

    func requirePanel(_ factor: Factor) throws -> Panel {
        guard let panel else { throw TimeError.noPeriodColumn(term: factor.name) }
        return panel
    }

    /// `season(period)`: the quarter (`Q1`…`Q4`), month (`M01`…`M12`) or ISO week (`W01`…) of each row.
    private func season(_ factor: Factor, rows: [Bool], saved: FactorEncoding?) throws -> (EvaluatedFactor, FactorEncoding) {
        let panel = try requirePanel(factor)
        var unit = panel.frequency
        if case .call(_, let arguments, _) = factor.expression, arguments.count == 2, case .string(let name) = arguments[1].value {
            unit = PeriodFrequency(rawValue: name) ?? unit
        }
        let finer: [PeriodFrequency] = [.day, .week, .month, .quarter]
        guard unit != .day, unit != .year, panel.frequency != .year, (finer.firstIndex(of: unit) ?? 0) >= (finer.firstIndex(of: panel.frequency) ?? 0) else {
            throw TimeError.noSeasonForDays(term: factor.name)
        }
        func label(_ period: Period) -> String {
            switch unit {
            case .quarter: "Q" + String(period.quarter.seasonOfYear)
            case .month: "M" + Period.pad(Period.civil(fromDays: period.firstDay).1, 2)
            default: "W" + Period.pad(period.seasonOfYear, 2)
            }
        }
        // A label per distinct period, not per row: rows share a few hundred periods at most. The panel's span
        // runs from its earliest row's period to its latest, so every row's period has a slot.
        let first = panel.span?.first.index ?? 0
        let count = panel.span.map { $0.last.index - first + 1 } ?? 0
        var labelOfPeriod = [String?](repeating: nil, count: count)
        var used = [Bool](repeating: false, count: count)
        for row in 0..<data.rowCount {
            let k = panel.periods[row].index - first
            if labelOfPeriod[k] == nil { labelOfPeriod[k] = label(panel.periods[row]) }
            if rows[row] { used[k] = true }
        }
        let levels = saved?.levels ?? Set(labelOfPeriod.indices.filter { used[$0] }.compactMap { labelOfPeriod[$0] }).sorted()
        var index: [String: Int32] = [:]
        for (i, level) in levels.enumerated() { index[level] = Int32(i) }
        let codeOfPeriod = labelOfPeriod.map { $0.flatMap { index[$0] } ?? -1 }
        var codes = [Int32](repeating: -1, count: data.rowCount)
        for row in 0..<data.rowCount {
            let k = panel.periods[row].index - first
            if codeOfPeriod[k] >= 0 {
                codes[row] = codeOfPeriod[k]
            } else if saved != nil, rows[row] {
                throw RegressionError.unseenCategory(term: factor.name, level: labelOfPeriod[k] ?? label(panel.periods[row]),
                                                     source: data.source.name, line: data.source.line(ofRow: row), known: levels)
            }
        }
        let reference = saved?.reference ?? 0
        return (.categorical(codes: codes, levels: levels, reference: reference), FactorEncoding(levels: levels, reference: reference))
    }

    /// A number as Python's `repr` writes it for a whole float stored in an integer column: `2`, else `2.5`.

    private func numeric(_ expression: FactorExpression, factor: Factor, rows: [Bool],
                         statistics: inout [String: [Double]], unavailable: inout [Bool]) throws -> [Double]
    {
        let n = data.rowCount
        switch expression {
        case .column(let name):
            if case .text(let text) = try data.column(name), !Self.looksNumeric(text) {
                throw FormulaError.notNumeric(term: factor.name, column: name)
            }
            return try data.numbers(name)
        case .number(let value):
            return [Double](repeating: value, count: n)
        case .string(let value):
            throw FormulaError.syntax("the text '\(value)' cannot be used as a number", position: factor.offset + 1, formula: formula)
        case .negate(let inner):
            return try numeric(inner, factor: factor, rows: rows, statistics: &statistics, unavailable: &unavailable).map { -$0 }
        case let .binary(op, leftExpression, rightExpression):
            let left = try numeric(leftExpression, factor: factor, rows: rows, statistics: &statistics, unavailable: &unavailable)
            if op == "^", case .number(let k) = rightExpression, k == k.rounded(), abs(k) <= 64 {
                return left.map { Self.integerPower($0, Int(k)) }
            }
            let right = try numeric(rightExpression, factor: factor, rows: rows, statistics: &statistics, unavailable: &unavailable)
            switch op {
            case "+": return zip(left, right).map { $0 + $1 }
            case "-": return zip(left, right).map { $0 - $1 }
            case "*": return zip(left, right).map { $0 * $1 }
            case "/": return zip(left, right).map { $0 / $1 }
            default: return zip(left, right).map { Foundation.pow($0, $1) }
            }
        case let .call(function, arguments, offset):
            if function == .categorical || function == .treatment || function == .quote || function == .season || function == .offset {
                throw FormulaError.invalidArguments(function: function.rawValue, reason: "cannot be used inside arithmetic",
                                                    position: offset + 1, formula: formula)
            }
            if function == .trend {
                let panel = try requirePanel(factor)
                let key = "trend@\(offset)"
                let origin = statistics[key]?.first ?? Double(panel.periods.indices.filter { rows[$0] }.map { panel.periods[$0].index }.min() ?? 0)
                statistics[key] = [origin]
                return panel.periods.map { Double($0.index) - origin }
            }
            // The inner expression's own unavailable rows: a lag inherits these, not other terms'.
            var innerUnavailable = [Bool](repeating: false, count: n)
            let x = try numeric(arguments[0].value, factor: factor, rows: rows, statistics: &statistics, unavailable: &innerUnavailable)
            for row in 0..<n where innerUnavailable[row] { unavailable[row] = true }
            if function == .lag {
                let panel = try requirePanel(factor)
                var k = 1
                if arguments.count > 1, case .number(let value) = arguments[1].value { k = Int(value) }
                var lagged = [Double](repeating: .nan, count: n)
                var lagUnavailable = [Bool](repeating: true, count: n)
                // In file order, through the panel's index: the row k periods back is at most k places back
                // in its rep's rows, and the reads move through memory with the rows (no scan, no hashing).
                for row in 0..<n {
                    if let earlier = panel.row(row, lag: k) {
                        lagged[row] = x[earlier]
                        lagUnavailable[row] = innerUnavailable[earlier]
                    }
                }
                WorkMeter.record(n, in: "lag")
                // A missing value k periods back makes this row unavailable too (it cannot be computed).
                for row in 0..<n where lagUnavailable[row] || lagged[row].isNaN { unavailable[row] = true }
                return lagged
            }
            if function == .adstock {
                // Rows whose input is missing or unavailable break the carryover chain.
                for row in 0..<n where innerUnavailable[row] { unavailable[row] = true }
                let panel = try requirePanel(factor)
                var rate = 0.0
                if case .number(let value) = arguments[1].value { rate = value }
                var result = [Double](repeating: .nan, count: n)
                // Rep by rep, each in period order (the panel's index), so the carryover runs along each rep's history.
                // Rows without a rep come first and carry among themselves, as they always have.
                let unplaced = (0..<n).filter { panel.entities[$0] < 0 }.sorted { panel.periods[$0] < panel.periods[$1] }
                let order = unplaced + (0..<Int32(panel.entityCount)).flatMap { panel.rows(of: $0) }
                var previous: (entity: Int32, period: Int, value: Double)?
                for row in order {
                    var carried = 0.0
                    if let p = previous, p.entity == panel.entities[row], p.value.isFinite {
                        carried = Foundation.pow(rate, Double(panel.periods[row].index - p.period)) * p.value
                    }
                    result[row] = x[row].isNaN ? .nan : x[row] + carried
                    previous = (panel.entities[row], panel.periods[row].index, result[row])
                }
                return result
            }
            switch function {
            case .identity: return x
            case .log: return x.map { Foundation.log($0) }
            case .log10: return x.map { Foundation.log10($0) }
            case .log2: return x.map { Foundation.log2($0) }
            case .log1p: return x.map { Foundation.log1p($0) }
            case .exp: return x.map { Foundation.exp($0) }
            case .sqrt: return x.map { $0.squareRoot() }
            case .abs: return x.map { Swift.abs($0) }
            case .center, .standardize:
                let key = "\(function.rawValue)@\(offset)"
                let stats: [Double]
                if let known = statistics[key] {
                    stats = known
                } else {
                    var total = CompensatedSum(), count = 0
                    for row in 0..<n where rows[row] && x[row].isFinite { total.add(x[row]); count += 1 }
                    let mean = count > 0 ? total.value / Double(count) : .nan
                    var squares = CompensatedSum()
                    for row in 0..<n where rows[row] && x[row].isFinite { let d = x[row] - mean; squares.addProduct(d, d) }
                    // patsy's standardize divides by the standard deviation with ddof = 0.
                    let sd = count > 0 ? (squares.value / Double(count)).squareRoot() : .nan
                    stats = [mean, sd]
                    statistics[key] = stats
                }
                if function == .center { return x.map { $0 - stats[0] } }
                return x.map { ($0 - stats[0]) / stats[1] }
            case .categorical, .treatment, .quote, .season, .trend, .lag, .adstock, .offset:
                return x
            }
        }
    }

    /// xᵏ by repeated squaring: for whole powers this is more accurate than `pow` on some libms
    /// and matches the exactly rounded product for k ≤ 2.
    static func integerPower(_ x: Double, _ k: Int) -> Double {
        if k < 0 { return 1 / integerPower(x, -k) }
        if k == 0 { return 1 }
        if k == 1 { return x }
        if k == 2 { return x * x }
        return Foundation.pow(x, Double(k))
    }
}
