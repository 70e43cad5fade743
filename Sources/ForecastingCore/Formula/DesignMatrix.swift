/// What to do with rows that have a missing value in a column the model uses.
public enum MissingValuePolicy: String, Sendable, Codable, CaseIterable {
    /// Drop the row and count it (statsmodels' `missing='drop'`).
    case drop
    /// Refuse, naming the first missing cell.
    case error
}

/// The numeric matrix a formula builds from a dataset, with the response and the rows used.
///
/// Columns are ordered and named as patsy orders and names them: terms with only categorical
/// factors first (the intercept first of all), then terms grouped by their numeric factors, each
/// group by degree of interaction. Categorical factors use treatment coding, dropping the reference
/// level where a lower-order term already spans it (patsy's rule), so `C(r):x` without `x` gives one
/// column per level of `r`.
public struct DesignMatrix: Sendable {
    /// Column names, e.g. `Intercept`, `C(team)[T.SMB]`, `demos`, `I(calls^2)`, `demos:region[T.West]`.
    public let columnNames: [String]
    /// The design matrix: one row per row used.
    public let matrix: Matrix
    /// The response on the rows used, when the formula has one.
    public let response: [Double]?
    /// The sum of the formula's offsets (`offset(log(days_worked))`) on the rows used; `nil` without offsets.
    public let offset: [Double]?
    /// The response's name (its text in the formula).
    public let responseName: String?
    /// Dataset row indices of the rows used, in order.
    public let rows: [Int]
    /// How many rows were dropped for missing values.
    public let droppedRows: Int
    /// How many rows were dropped because a time term had no value there (the first k periods of
    /// each rep for `lag(x, k)`).
    public let rowsWithoutHistory: Int
    /// Whether the formula includes an intercept column.
    public let hasIntercept: Bool
    /// Levels and statistics learned from the data, keyed by factor name; reused on new data.
    public let encodings: [String: FactorEncoding]

    /// Builds the design matrix of `formula` on `data`.
    ///
    /// - Parameters:
    ///   - formula: The model formula.
    ///   - data: The rows.
    ///   - alsoRequire: Other columns (such as weights) whose missing cells also drop a row.
    ///   - missing: Drop rows with missing values (default) or refuse them.
    ///   - encodings: Levels and statistics from a fitted model, to build new data the same way;
    ///     `nil` to learn them from `data`.
    ///   - requireResponse: Whether the response must be present (false when predicting).
    ///   - panel: Periods and entities of the rows, needed by `lag`, `season`, `trend` and `adstock`.
    ///   - only: Rows to build (others still serve as history for lags); `nil` for all.
    /// - Throws: ``FormulaError``, ``DataError``, ``TimeError`` or ``RegressionError`` naming the term,
    ///   column and line.
    public init(formula: Formula, data: Dataset, alsoRequire: [String] = [], missing: MissingValuePolicy = .drop,
                encodings: [String: FactorEncoding]? = nil, requireResponse: Bool = true, panel: Panel? = nil,
                only: [Bool]? = nil) throws
    {
        let evaluator = FactorEvaluator(data: data, formula: formula.text, saved: encodings, panel: panel)
        let n = data.rowCount
        let response = requireResponse ? formula.response : nil
        var allFactors: [Factor] = []
        for term in formula.terms { for f in term.factors where !allFactors.contains(f) { allFactors.append(f) } }

        // Rows with a missing input anywhere are dropped (or refused).
        let (missingRow, firstMissing) = try Self.missingRows(factors: allFactors + formula.offsets + (response.map { [$0] } ?? []),
                                                              alsoRequire: alsoRequire, data: data, only: only)
        if missing == .error, let firstMissing {
            throw DataError.missingValue(source: data.source.name, line: data.source.line(ofRow: firstMissing.row),
                                         column: firstMissing.column)
        }
        var keep = (0..<n).map { !missingRow[$0] && (only?[$0] ?? true) }

        // Evaluate; if time terms leave rows without a value, drop them and evaluate again so levels
        // and statistics come from exactly the rows fitted.
        var evaluated: [Factor: EvaluatedFactor] = [:]
        var learned: [String: FactorEncoding] = [:]
        var withoutHistory = 0
        for pass in 0..<2 {
            var unavailable = [Bool](repeating: false, count: n)
            evaluated = [:]
            learned = [:]
            for factor in allFactors {
                let (values, encoding) = try evaluator.evaluate(factor, rowsForStatistics: keep, unavailable: &unavailable)
                evaluated[factor] = values
                learned[factor.name] = encoding
            }
            for factor in formula.offsets {
                let (values, encoding) = try evaluator.evaluate(factor, rowsForStatistics: keep, unavailable: &unavailable)
                guard case .numeric = values else { throw FormulaError.notNumeric(term: factor.name, column: factor.expression.columns.first ?? factor.name) }
                evaluated[factor] = values
                learned[factor.name] = encoding
            }
            if let response, response.expression.usesTime {
                _ = try evaluator.evaluate(response, rowsForStatistics: keep, unavailable: &unavailable)
            }
            let lost = (0..<n).filter { keep[$0] && unavailable[$0] }
            if lost.isEmpty || pass == 1 { break }
            withoutHistory = lost.count
            for row in lost { keep[row] = false }
        }
        let rows = (0..<n).filter { keep[$0] }
        if encodings == nil, !rows.isEmpty {
            for factor in allFactors {
                if case .categorical(_, let levels, _)? = evaluated[factor], levels.count < 2 {
                    throw FormulaError.singleLevel(term: factor.name, level: levels.first ?? "")
                }
            }
        }
        var responseValues: [Double]?
        if let response {
            var ignored = [Bool](repeating: false, count: n)
            let (values, _) = try evaluator.evaluate(response, rowsForStatistics: keep, unavailable: &ignored)
            guard case .numeric(let y) = values else { throw RegressionError.nonNumericResponse(response.name) }
            responseValues = rows.map { y[$0] }
        }

        let columns = Self.codedColumns(formula: formula, evaluated: evaluated)
        // Refuse before allocating: a categorical with thousands of levels, or an interaction of several,
        // can ask for more memory than any machine has.
        let (cells, overflow) = rows.count.multipliedReportingOverflow(by: columns.count)
        guard !overflow, cells <= Self.maximumCells else {
            throw RegressionError.designTooLarge(rows: rows.count, columns: columns.count)
        }
        var matrix = Matrix(rows: rows.count, columns: columns.count)
        let m = rows.count
        matrix.values.withUnsafeMutableBufferPointer { out in
            for (j, column) in columns.enumerated() {
                // Look each piece's values up once per column, not once per cell.
                var numbers: [[Double]] = [], codes: [([Int32], Int32)] = []
                for piece in column.pieces {
                    switch (evaluated[piece.factor], piece.level) {
                    case (.numeric(let x)?, _): numbers.append(x)
                    case (.categorical(let c, _, _)?, let level?): codes.append((c, Int32(level)))
                    default: break
                    }
                }
                let target = out.baseAddress! + j * m
                if numbers.count == 1 && codes.isEmpty {
                    numbers[0].withUnsafeBufferPointer { x in for (k, row) in rows.enumerated() { target[k] = x[row] } }
                    continue
                }
                for (k, row) in rows.enumerated() {
                    var value = 1.0
                    for x in numbers { value *= x[row] }
                    for (c, level) in codes where c[row] != level { value = 0 }
                    target[k] = value
                }
            }
        }
        self.columnNames = columns.map(\.name)
        self.matrix = matrix
        self.response = responseValues
        self.offset = formula.offsets.isEmpty ? nil : rows.map { row in
            formula.offsets.reduce(0.0) { total, factor in
                if case .numeric(let x)? = evaluated[factor] { return total + x[row] }
                return total
            }
        }
        self.responseName = formula.response?.name
        self.rows = rows
        self.droppedRows = (0..<n).filter { missingRow[$0] && (only?[$0] ?? true) }.count
        self.rowsWithoutHistory = withoutHistory
        self.hasIntercept = formula.hasIntercept
        self.encodings = encodings ?? learned
    }

    /// Rows with a missing cell in a column that `factors` (or `alsoRequire`) read, and the first such cell.
    static func missingRows(factors: [Factor], alsoRequire: [String], data: Dataset, only: [Bool]? = nil) throws
        -> (missing: [Bool], first: (row: Int, column: String)?)
    {
        var missingRow = [Bool](repeating: false, count: data.rowCount)
        var firstMissing: (row: Int, column: String)?
        var required = Set(alsoRequire)
        for factor in factors { required.formUnion(factor.expression.columns) }
        for name in required.sorted() {
            let column = try data.column(name)
            for row in 0..<data.rowCount where column.isMissing(at: row) && (only?[row] ?? true) {
                missingRow[row] = true
                if row < (firstMissing?.row ?? Int.max) { firstMissing = (row, name) }
            }
        }
        return (missingRow, firstMissing)
    }

    /// The most cells (rows × columns) a design matrix may have: 500 million doubles, 4 GB.
    static let maximumCells = 500_000_000

    /// One design column: the product of a numeric factor value or a level indicator per factor.
    struct CodedColumn {
        struct Piece { var factor: Factor; var level: Int? }
        var pieces: [Piece]
        var name: String
    }

    /// patsy's column layout (`build.py: _make_subterm_infos`, `redundancy.py: pick_contrasts_for_term`).
    static func codedColumns(formula: Formula, evaluated: [Factor: EvaluatedFactor]) -> [CodedColumn] {
        func isNumeric(_ f: Factor) -> Bool {
            if case .numeric = evaluated[f] { return true }
            return false
        }
        // Bucket terms by their set of numeric factors; the no-numeric bucket (with the intercept) first.
        var terms = formula.terms
        let intercept = Term(factors: [])
        if formula.hasIntercept { terms.insert(intercept, at: 0) }
        var bucketOrder: [Set<Factor>] = []
        var buckets: [Set<Factor>: [Term]] = [:]
        for term in terms {
            let key = Set(term.factors.filter(isNumeric))
            if buckets[key] == nil { bucketOrder.append(key) }
            buckets[key, default: []].append(term)
        }
        if let empty = bucketOrder.firstIndex(of: []) { bucketOrder.insert(bucketOrder.remove(at: empty), at: 0) }

        var columns: [CodedColumn] = []
        for key in bucketOrder {
            // Stable sort by degree of interaction.
            let bucketTerms = (buckets[key] ?? []).enumerated()
                .sorted { ($0.element.factors.count, $0.offset) < ($1.element.factors.count, $1.offset) }
                .map(\.element)
            var used = Set<Set<Factor>>()
            for term in bucketTerms {
                let categorical = term.factors.filter { !isNumeric($0) }
                for coding in pickContrasts(categorical, used: &used) {
                    columns += subtermColumns(term: term, coding: coding, evaluated: evaluated)
                }
            }
        }
        return columns
    }

    /// For each subterm, which categorical factors are coded in full (true) or reduced (false).
    static func pickContrasts(_ categorical: [Factor], used: inout Set<Set<Factor>>) -> [[Factor: Bool]] {
        // All subsets, shortest first, ties in the order of the factors (patsy's _subsets_sorted).
        let count = categorical.count
        var subsets: [[Int]] = []
        for mask in 0..<(1 << count) { subsets.append((0..<count).filter { mask & (1 << $0) != 0 }) }
        subsets.sort { a, b in a.count != b.count ? a.count < b.count : a.lexicographicallyPrecedes(b) }
        struct Subterm { var factors: [Factor: Bool] }
        var subterms: [Subterm] = []
        for subset in subsets {
            let key = Set(subset.map { categorical[$0] })
            if !used.contains(key) {
                used.insert(key)
                subterms.append(Subterm(factors: Dictionary(uniqueKeysWithValues: subset.map { (categorical[$0], false) })))
            }
        }
        // Greedily let a longer subterm absorb a shorter one it extends by one reduced factor.
        var changed = true
        while changed {
            changed = false
            search: for shortIndex in subterms.indices {
                for longIndex in (shortIndex + 1)..<subterms.count {
                    let short = subterms[shortIndex].factors, long = subterms[longIndex].factors
                    guard long.count - short.count == 1,
                          short.allSatisfy({ long[$0.key] == $0.value }) else { continue }
                    guard let extra = long.first(where: { short[$0.key] == nil }), extra.value == false else { continue }
                    var merged = short
                    merged[extra.key] = true
                    subterms[longIndex] = Subterm(factors: merged)
                    subterms.remove(at: shortIndex)
                    changed = true
                    break search
                }
            }
        }
        return subterms.map(\.factors)
    }

    static func subtermColumns(term: Term, coding: [Factor: Bool], evaluated: [Factor: EvaluatedFactor]) -> [CodedColumn] {
        // Per factor in term order: the list of (level, name piece); numeric factors have one.
        var perFactor: [[(Factor, Int?, String)]] = []
        for factor in term.factors {
            switch evaluated[factor] {
            case .numeric?:
                perFactor.append([(factor, nil, factor.name)])
            case let .categorical(_, levels, reference)?:
                guard let full = coding[factor] else { continue }
                if full {
                    perFactor.append(levels.indices.map { (factor, $0, "\(factor.name)[\(levels[$0])]") })
                } else {
                    perFactor.append(levels.indices.filter { $0 != reference }.map { (factor, $0, "\(factor.name)[T.\(levels[$0])]") })
                }
            case nil:
                continue
            }
        }
        if term.factors.isEmpty { return [CodedColumn(pieces: [], name: "Intercept")] }
        // The left-most factor varies fastest, as in R and patsy.
        var columns: [[(Factor, Int?, String)]] = [[]]
        for options in perFactor {
            var next: [[(Factor, Int?, String)]] = []
            for option in options { for prefix in columns { next.append(prefix + [option]) } }
            columns = next
        }
        return columns.map { pieces in
            CodedColumn(pieces: pieces.map { CodedColumn.Piece(factor: $0.0, level: $0.1) },
                        name: pieces.map(\.2).joined(separator: ":"))
        }
    }
}
