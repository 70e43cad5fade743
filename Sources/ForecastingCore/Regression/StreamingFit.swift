import Foundation

/// Fits `formula` to a CSV file a block of rows at a time, in memory bounded by the block size
/// rather than the file size: for warehouse exports larger than memory.
///
/// The file is parsed once when its parsed rows fit in 1 GB (the default of
/// ``fitStreaming(_:csvPath:options:readOptions:blockBytes:keepingParsedRowsUpTo:progress:)``), which
/// then runs these passes over the blocks kept in memory:
/// 1. when the model has categorical terms, to learn every level (levels must be known before a
///    block's columns can be built);
/// 2. to fold each block into a ``LeastSquaresFactor`` by sequential Householder QR (TSQR), which
///    gives the estimates and their covariance with the accuracy of a QR fit;
/// 3. to compute the residuals: Durbin–Watson, skewness, kurtosis and the normality tests, the most
///    influential rows, robust (HC0–HC3) and clustered covariances, and one step of refinement of
///    the estimates (corrected seminormal equations, with residuals in twice the working precision).
///
/// Blocks past the budget are parsed again from the file by the later passes, and the model's
/// ``LinearModel/notes()`` say how much of the file was read again.
///
/// The results equal those of ``fit(_:to:options:)-(Formula,_,_)`` on the whole file to about 1e-12 relative for
/// a well-conditioned model; they carry no per-row arrays (``LinearModel/residuals`` is empty).
///
/// - Parameters:
///   - formula: The model. Terms that need the whole panel in memory (`lag`, `adstock`, `season`,
///     `trend`) and `center`/`standardize` are refused, as are ridge and HAC covariances.
///   - csvPath: The file (not standard input, which cannot be read twice).
///   - options: Weights, covariance (nonrobust, HC0–HC3 or cluster) and missing-value policy.
///   - readOptions: Delimiter, missing-value spellings and number leniency.
///   - blockBytes: About how many bytes of the file each block holds (default 8 MB).
///   - progress: Called after each block with the pass (1-based), the number of passes, and the
///     bytes read of the file so far in this pass.
/// - Throws: ``CSVError``, ``FormulaError``, ``DataError`` or ``RegressionError`` naming the line.
public func fitStreaming(_ formula: Formula, csvPath: String, options: RegressionOptions = .init(),
                         readOptions: CSVReadOptions = .init(), blockBytes: Int = 8 << 20,
                         progress: ((_ pass: Int, _ passes: Int, _ bytesRead: Int) -> Void)? = nil) throws -> LinearModel
{
    try fitStreaming(formula, csvPath: csvPath, options: options, readOptions: readOptions, blockBytes: blockBytes,
                     keepingParsedRowsUpTo: streamingKeptBytesDefault, progress: progress)
}

/// The memory kept for parsed rows by default in a streamed fit: 1 GB.
public let streamingKeptBytesDefault = 1 << 30

/// Fits `formula` to a CSV file a block of rows at a time, keeping at most `keptBytes` of parsed rows
/// in memory so that the later passes need not parse the file again; see
/// ``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)``.
///
/// - Parameters:
///   - keptBytes: The memory for parsed rows (the model's columns: 8 bytes per number, 4 per text
///     cell, 4 per row for its line). 0 parses the file again in every pass. Peak memory is about
///     this plus a few blocks.
///   - formula: The model, as for ``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)``.
///   - csvPath: The file (not standard input, which cannot be read twice).
///   - options: Weights, covariance (nonrobust, HC0–HC3 or cluster) and missing-value policy.
///   - readOptions: Delimiter, missing-value spellings and number leniency.
///   - blockBytes: About how many bytes of the file each block holds (default 8 MB).
///   - progress: Called after each block with the pass (1-based), the number of passes, and the
///     bytes read of the file so far in this pass.
/// - Throws: ``CSVError``, ``FormulaError``, ``DataError`` or ``RegressionError`` naming the line.
public func fitStreaming(_ formula: Formula, csvPath: String, options: RegressionOptions = .init(),
                         readOptions: CSVReadOptions = .init(), blockBytes: Int = 8 << 20, keepingParsedRowsUpTo keptBytes: Int,
                         progress: ((_ pass: Int, _ passes: Int, _ bytesRead: Int) -> Void)? = nil) throws -> LinearModel
{
    try StreamingFit(formula: formula, path: csvPath, options: options, readOptions: readOptions,
                     blockBytes: blockBytes, keptBytes: max(0, keptBytes), progress: progress).run()
}

/// Whether ``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)`` can fit this model
/// (no time terms, no `center`/`standardize`, no ridge, no HAC, at most two cluster columns).
public func canFitStreaming(_ formula: Formula, options: RegressionOptions = .init()) -> Bool {
    (try? StreamingFit(formula: formula, path: "", options: options, readOptions: .init(), blockBytes: 0, keptBytes: 0, progress: nil)
        .checkSupported()) != nil
}

/// The passes of ``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)``.
private struct StreamingFit {
    let formula: Formula
    let path: String
    let options: RegressionOptions
    let readOptions: CSVReadOptions
    let blockBytes: Int
    let keptBytes: Int
    let progress: ((Int, Int, Int) -> Void)?

    /// The factors of the model's terms (and the response), each once.
    var factors: [Factor] {
        var all: [Factor] = []
        for term in formula.terms { for f in term.factors where !all.contains(f) { all.append(f) } }
        return all
    }

    func checkSupported() throws {
        if options.family.isCount || !formula.offsets.isEmpty {
            throw RegressionError.notAvailableInBlocks(feature: "a count model (--family \(options.family.rawValue), offsets)",
                                                       reason: "IRLS reweights every row at each iteration; fit it in memory")
        }
        if let factor = factors.first(where: { $0.expression.usesTime }) ?? (formula.response?.expression.usesTime == true ? formula.response : nil) {
            throw RegressionError.notAvailableInBlocks(feature: "'\(factor.name)'",
                                                       reason: "lags, adstock, seasons and trends need each rep's whole history in memory")
        }
        if let factor = (factors + (formula.response.map { [$0] } ?? [])).first(where: { $0.expression.usesDataStatistics }) {
            throw RegressionError.notAvailableInBlocks(feature: "'\(factor.name)'",
                                                       reason: "center() and standardize() need the whole column's mean first; center the column in the file")
        }
        if let ridge = options.ridge, ridge > 0 {
            throw RegressionError.notAvailableInBlocks(feature: "a ridge penalty", reason: "its penalty needs the columns' standard deviations before the first block")
        }
        if case .hac = options.covariance {
            throw RegressionError.notAvailableInBlocks(feature: "the HAC covariance", reason: "it needs the rows in time order per rep; use --cluster rep instead")
        }
        if case .cluster(let columns) = options.covariance, columns.count > 2 {
            throw RegressionError.notAvailableInBlocks(feature: "clustering on more than two columns", reason: "use one or two cluster columns")
        }
    }

    func run() throws -> LinearModel {
        try checkSupported()
        let reader = try CSVChunkReader(path: path, options: readOptions, blockBytes: blockBytes)
        for column in Set(factors.flatMap(\.expression.columns) + (formula.response?.expression.columns ?? []) + (options.weights.map { [$0] } ?? []))
        where !reader.columnNames.contains(column) {
            throw DataError.missingColumn(column, available: reader.columnNames, source: path)
        }
        if case .cluster(let columns) = options.covariance, let missing = columns.first(where: { !reader.columnNames.contains($0) }) {
            throw DataError.missingColumn(missing, available: reader.columnNames, source: path)
        }
        var needed = Set(factors.flatMap(\.expression.columns) + (formula.response?.expression.columns ?? []) + (options.weights.map { [$0] } ?? []))
        if case .cluster(let columns) = options.covariance { needed.formUnion(columns) }
        let blocks = ParsedBlocks(reader: reader, keptBytes: keptBytes, columns: needed)
        let encodings = try learnLevels(blocks)
        let passes = encodings.isEmpty ? 2 : 3
        let (factor, ranges, dropped) = try foldBlocks(blocks, encodings: encodings, pass: passes - 1, of: passes)
        let n = factor.rowCount, p = factor.columnCount
        guard n > 0 else { throw RegressionError.noRows(dropped: dropped) }
        guard n >= p else { throw RegressionError.tooFewRows(rows: n, parameters: p, dropped: dropped) }

        let (solver, beta, inverse, steps) = try factor.solve(options: options)
        var pass = ResidualPass(parameters: p, observations: n, covariance: options.covariance,
                                provisionalScale: factor.residualSumOfSquares / Double(n - p))
        try residualPass(blocks, encodings: encodings, solver: solver, beta: beta, expected: factor.columnNames, into: &pass,
                         pass: passes, of: passes)

        // One step of refinement: δ = (AᵀA)⁻¹Aᵀr, and SSR(β + δ) = SSR(β) − δᵀAᵀr.
        let gradient = pass.gradient.map(\.value)
        var delta = [Double](repeating: 0, count: p)
        for i in 0..<p { var sum = CompensatedSum(); for j in 0..<p { sum.addProduct(inverse[i + j * p], gradient[j]) }; delta[i] = sum.value }
        let refined = zip(beta, delta).map { $0 + $1 }
        let reduction = zip(delta, gradient).reduce(0) { $0 + $1.0 * $1.1 }
        let ssr = max(0, pass.summary.squares.value - reduction)

        var notes = ["Fitted a block of rows at a time in \(passes) passes; per-row residuals are not kept."]
        let readAgain = blocks.bytesParsed - blocks.fileBytes
        var fallback: String?
        if readAgain > 0 {
            fallback = "The parsed rows did not fit in the \(ParsedBlocks.megabytes(keptBytes)) kept in memory, so later passes read and parsed "
                + "\(ParsedBlocks.megabytes(readAgain)) of the file again (\(ParsedBlocks.megabytes(blocks.bytesParsed)) parsed for a "
                + "\(ParsedBlocks.megabytes(blocks.fileBytes)) file); more memory for parsed rows reads it once."
            notes.append(fallback ?? "")
        } else {
            notes.append("The file was parsed once: its parsed rows (\(ParsedBlocks.megabytes(blocks.keptMemory))) were kept in memory for the later passes.")
        }
        var provenance = FitProvenance(
            formula: formula, responseName: factor.responseName, weightsColumn: options.weights, droppedRows: dropped,
            ranges: ranges, encodings: encodings, refinementSteps: steps + 1,
            clusterCorrection: options.clusterCorrection, clusterDegreesOfFreedom: options.clusterDegreesOfFreedom,
            notes: notes, residualSummary: pass.summary, leastSquaresFactor: factor)
        provenance.streamingFallback = fallback
        var results = try LinearModel(factor: factor, solver: solver, coefficients: refined, residualSumOfSquares: ssr,
                                      normalizedCovariance: inverse, provenance: provenance)
        if options.covariance != .nonrobust { try results.adoptCovariance(options.covariance, middle: pass.middle()) }
        return results
    }

    // MARK: Pass 1: levels

    /// The encodings of the categorical factors over the whole file (empty when there are none;
    /// then the file is not read in full here).
    func learnLevels(_ blocks: ParsedBlocks) throws -> [String: FactorEncoding] {
        var firstBlock: Dataset?
        try blocks.forEach(limit: 1) { data, _ in firstBlock = data }
        guard let first = firstBlock else { throw CSVError.noDataRows(path: path) }
        let all = [Bool](repeating: true, count: first.rowCount)
        let probe = FactorEvaluator(data: first, formula: formula.text, saved: nil, panel: nil)
        let categorical = try factors.filter { try probe.presentLabels($0, rows: all) != nil }
        guard !categorical.isEmpty else { return [:] }
        var present: [Factor: Set<String>] = [:]
        try blocks.forEach { data, bytesRead in
            let (missing, _) = try DesignMatrix.missingRows(factors: factors + (formula.response.map { [$0] } ?? []),
                                                            alsoRequire: options.weights.map { [$0] } ?? [], data: data)
            let keep = missing.map { !$0 }
            let evaluator = FactorEvaluator(data: data, formula: formula.text, saved: nil, panel: nil)
            for factor in categorical {
                if let labels = try evaluator.presentLabels(factor, rows: keep) { present[factor, default: []].formUnion(labels) }
            }
            progress?(1, 3, bytesRead)
        }
        var encodings: [String: FactorEncoding] = [:]
        for factor in categorical {
            let levels = present[factor] ?? []
            guard levels.count >= 2 else { throw FormulaError.singleLevel(term: factor.name, level: levels.first ?? "") }
            encodings[factor.name] = try FactorEvaluator.encoding(of: factor, levels: levels, formula: formula.text)
        }
        return encodings
    }

    // MARK: Blocks

    /// What a worker thread needs to build a block's design.
    var builder: BlockDesigner { BlockDesigner(formula: formula, options: options, path: path) }

    /// A block's design, checked to have the columns of the first block, and its weights.
    func design(of data: Dataset, encodings: [String: FactorEncoding], expected: [String]?) throws -> (DesignMatrix, [Double]?) {
        try builder.design(of: data, encodings: encodings, expected: expected)
    }

    // MARK: Pass 2: the factor

    func foldBlocks(_ blocks: ParsedBlocks, encodings: [String: FactorEncoding], pass: Int, of passes: Int) throws
        -> (LeastSquaresFactor, [String: [Double]], Int)
    {
        var factor: LeastSquaresFactor?
        var ranges: [String: [Double]] = [:]
        var dropped = 0
        let numericColumns = Set(factors.flatMap(\.expression.columns))
        let builder = self.builder
        // A worker builds each block's design (and its columns' ranges) while this thread folds the one before.
        try blocks.forEach(ahead: 2, preparing: { data in
            try FoldBlock(data, builder: builder, encodings: encodings, numericColumns: numericColumns)
        }) { block, bytesRead in
            let design = block.design
            if let expected = factor?.columnNames, design.columnNames != expected {
                throw RegressionError.blockColumnsDiffer(source: path, line: block.firstLine, expected: expected, found: design.columnNames)
            }
            let weights = try block.weights.get()
            guard let y = design.response else { throw RegressionError.nonNumericResponse(formula.text) }
            if block.largestResponse > 1e150 { throw RegressionError.responseOutOfRange(block.largestResponse) }
            if factor == nil {
                factor = LeastSquaresFactor(columnNames: design.columnNames, responseName: design.responseName ?? "y",
                                            hasIntercept: design.hasIntercept, isWeighted: weights != nil)
            }
            try factor?.add(design: design.matrix, response: y, weights: weights)
            dropped += design.droppedRows
            for (column, low, high) in block.ranges {
                let range = ranges[column] ?? [low, high]
                ranges[column] = [min(range[0], low), max(range[1], high)]
            }
            progress?(pass, passes, bytesRead)
        }
        guard let factor else { throw CSVError.noDataRows(path: path) }
        return (factor, ranges, dropped)
    }

    // MARK: Pass 3: residuals

    func residualPass(_ blocks: ParsedBlocks, encodings: [String: FactorEncoding], solver: LeastSquaresFactorization,
                      beta: [Double], expected: [String], into pass: inout ResidualPass, pass number: Int, of passes: Int) throws
    {
        let clusterColumns: [String]
        if case .cluster(let columns) = options.covariance { clusterColumns = columns } else { clusterColumns = [] }
        let builder = self.builder, covariance = options.covariance, text = formula.text
        // Workers compute each block's residuals, leverages and sums, two blocks at a time; this thread
        // adds them up in file order, so the totals are the same bits as one block after another.
        try blocks.forEach(ahead: 3, preparing: { data in
            let (design, weights) = try builder.design(of: data, encodings: encodings, expected: expected)
            guard let y = design.response else { throw RegressionError.nonNumericResponse(text) }
            let m = design.rows.count, p = design.columnNames.count
            // A = W^½X and b = W^½y, the weighted problem the factor holds.
            var a = design.matrix.values
            var b = y
            if let weights {
                for i in 0..<m {
                    let root = weights[i].squareRoot()
                    b[i] *= root
                    for j in 0..<p { a[i + j * m] *= root }
                }
            }
            var e = b
            a.withUnsafeBufferPointer { LeastSquaresFactorization.subtractProduct($0, rows: m, columns: p, beta: beta, from: &e) }
            let lines = design.rows.map { data.source.line(ofRow: $0) }
            let keys = try clusterColumns.map { try ClusterKey.keys(data.column($0), rows: design.rows) }
            return try ResidualBlock(a: a, residuals: e, roots: weights.map { $0.map { $0.squareRoot() } }, lines: lines,
                                     clusterKeys: keys, parameters: p, covariance: covariance, solver: solver)
        }) { block, bytesRead in
            pass.add(block)
            progress?(number, passes, bytesRead)
        }
    }
}

/// Builds a block's design on any thread: the formula, options and file name of a streamed fit.
struct BlockDesigner: Sendable {
    let formula: Formula
    let options: RegressionOptions
    let path: String

    /// A block's design, checked to have the columns of the first block, and its weights.
    func design(of data: Dataset, encodings: [String: FactorEncoding], expected: [String]?) throws -> (DesignMatrix, [Double]?) {
        let design = try DesignMatrix(formula: formula, data: data, alsoRequire: options.weights.map { [$0] } ?? [],
                                      missing: options.missing, encodings: encodings)
        if let expected, design.columnNames != expected {
            throw RegressionError.blockColumnsDiffer(source: path, line: data.source.line(ofRow: 0), expected: expected, found: design.columnNames)
        }
        return (design, try design.weights(options.weights, in: data))
    }
}

/// A block ready to be folded: its design, weights, largest |y| and the ranges of its numeric columns.
struct FoldBlock: @unchecked Sendable {
    let design: DesignMatrix
    /// The weights, or the error reading them (thrown after the check of the block's columns, as before).
    let weights: Result<[Double]?, any Error>
    let largestResponse: Double
    /// Per numeric column with a value on the design's rows: its smallest and largest value.
    let ranges: [(column: String, low: Double, high: Double)]
    let firstLine: Int

    init(_ data: Dataset, builder: BlockDesigner, encodings: [String: FactorEncoding], numericColumns: Set<String>) throws {
        design = try DesignMatrix(formula: builder.formula, data: data, alsoRequire: builder.options.weights.map { [$0] } ?? [],
                                  missing: builder.options.missing, encodings: encodings)
        let design = self.design
        weights = Result { try design.weights(builder.options.weights, in: data) }
        largestResponse = design.response?.reduce(0) { max($0, abs($1)) } ?? 0
        firstLine = data.source.line(ofRow: 0)
        var ranges: [(String, Double, Double)] = []
        for column in numericColumns.sorted() {
            guard case .numeric(let values) = try data.column(column) else { continue }
            var low = Double.infinity, high = -Double.infinity
            for row in design.rows where !values[row].isNaN {
                low = min(low, values[row])
                high = max(high, values[row])
            }
            guard low <= high else { continue }
            ranges.append((column, low, high))
        }
        self.ranges = ranges
    }
}

// MARK: - Residual statistics

/// A cluster's identity in a file read in blocks: codes differ between blocks, values do not.
/// Ordered (missing, then numbers, then text) so cluster sums are added in a fixed order.
enum ClusterKey: Hashable, Comparable {
    case text(String)
    case number(Double)
    case missing

    static func < (a: ClusterKey, b: ClusterKey) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): x < y
        case let (.text(x), .text(y)): x < y
        default: a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .missing: 0
        case .number: 1
        case .text: 2
        }
    }

    static func keys(_ column: Column, rows: [Int]) -> [ClusterKey] {
        switch column {
        case .text(let text): rows.map { text[$0].map(ClusterKey.text) ?? .missing }
        case .numeric(let values): rows.map { values[$0].isNaN ? .missing : .number(values[$0]) }
        }
    }
}

/// Residual statistics of a fit whose rows are not kept: moments (by the one-pass update of
/// Terriberry, extending Welford's), Durbin–Watson's sums, and the rows with the largest Cook's distance.
struct ResidualSummary: Sendable {
    var count = 0
    var mean = 0.0, m2 = 0.0, m3 = 0.0, m4 = 0.0
    /// Σeᵢ² and Σ(eᵢ − eᵢ₋₁)², in file order.
    var squares = CompensatedSum(), successive = CompensatedSum()
    var last: Double?
    /// The rows with the largest Cook's distance above 4/n, largest first.
    var influential: [LinearModel.InfluentialRow] = []

    mutating func add(_ x: Double) {
        let n1 = Double(count)
        count += 1
        let n = Double(count)
        let delta = x - mean, deltaN = delta / n, deltaN2 = deltaN * deltaN, term = delta * deltaN * n1
        mean += deltaN
        m4 += term * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * m2 - 4 * deltaN * m3
        m3 += term * deltaN * (n - 2) - 3 * deltaN * m2
        m2 += term
        squares.addProduct(x, x)
        if let last { let d = x - last; successive.addProduct(d, d) }
        last = x
    }

    var durbinWatson: Double { count > 1 ? successive.value / squares.value : .nan }

    /// Biased skewness m₃/m₂^{3/2} and kurtosis m₄/m₂², as scipy's defaults.
    var skewnessAndKurtosis: (Double, Double) {
        let n = Double(count), s2 = m2 / n
        return (m3 / n / Foundation.pow(s2, 1.5), m4 / n / (s2 * s2))
    }
}

/// What the residual pass gathers: the summary, Aᵀr for the refinement step, and the middles of
/// the robust and clustered covariances.
struct ResidualPass {
    let parameters: Int, observations: Int
    let covariance: CovarianceType
    /// σ̂² from the factor, for Cook's distance.
    let provisionalScale: Double
    var summary = ResidualSummary()
    var gradient: [CompensatedSum]
    var meat: [Double]?
    /// Per way of clustering (one, or two and their intersection), the score sums per cluster.
    var clusters: [[ClusterKey: [Double]]] = []

    init(parameters: Int, observations: Int, covariance: CovarianceType, provisionalScale: Double) {
        self.parameters = parameters
        self.observations = observations
        self.covariance = covariance
        self.provisionalScale = provisionalScale
        gradient = Array(repeating: CompensatedSum(), count: parameters)
        if Self.needsMeat(covariance) {
            meat = [Double](repeating: 0, count: parameters * parameters)
        }
        if case .cluster(let columns) = covariance { clusters = Array(repeating: [:], count: columns.count == 1 ? 1 : 3) }
    }

    /// Whether the pass gathers the middle of a heteroskedasticity-consistent covariance.
    static func needsMeat(_ covariance: CovarianceType) -> Bool {
        CovarianceType.heteroskedasticityConsistent.contains(covariance) && covariance != .nonrobust
    }

    /// Adds a block's part, blocks in file order.
    mutating func add(_ block: ResidualBlock) {
        let e = block.residuals, m = e.count, p = parameters
        for j in 0..<p { gradient[j].add(block.gradient[j]) }
        for x in e { summary.add(x) }
        if let blockMeat = block.meat, meat != nil { for k in 0..<(p * p) { meat?[k] += blockMeat[k] } }

        // Cook's distance with the factor's σ̂² (the refinement step changes it in the last digits only).
        let threshold = 4 / Double(observations)
        let leverage = block.leverage, lines = block.lines, roots = block.roots
        for i in 0..<m {
            let h = leverage[i]
            let d = e[i] * e[i] * h / (Double(p) * provisionalScale * (1 - h) * (1 - h))
            guard d > threshold, summary.influential.count < 5 || d > (summary.influential.last?.cooksDistance ?? 0) else { continue }
            summary.influential.append(.init(line: lines[i], cooksDistance: d, leverage: h, residual: e[i] / (roots?[i] ?? 1)))
            summary.influential.sort { $0.cooksDistance > $1.cooksDistance }
            if summary.influential.count > 5 { summary.influential.removeLast() }
        }

        // Score sums uᵢ = aᵢeᵢ per cluster.
        guard !clusters.isEmpty else { return }
        let a = block.a, clusterKeys = block.clusterKeys
        let ways: [[ClusterKey]] = clusterKeys.count == 1 ? clusterKeys
            : [clusterKeys[0], clusterKeys[1], zip(clusterKeys[0], clusterKeys[1]).map { ClusterKey.text("\($0)|\($1)") }]
        for (w, keys) in ways.enumerated() {
            for i in 0..<m {
                var sums = clusters[w][keys[i]] ?? [Double](repeating: 0, count: p)
                for j in 0..<p { sums[j] += a[i + j * m] * e[i] }
                clusters[w][keys[i]] = sums
            }
        }
    }

    /// The covariance's middle gathered in the pass.
    func middle() throws -> CovarianceMiddle {
        switch covariance {
        case .nonrobust, .hc0, .hc1, .hc2, .hc3: return .heteroskedastic(covariance, meat: meat ?? [])
        case .cluster:
            // Summed over clusters in key order: a dictionary's order differs from run to run, and with it the last bits.
            return .clustered(clusters.map { sums in
                (CovarianceMiddle.outerProductSum(sums.keys.sorted().map { sums[$0] ?? [] }, order: parameters), sums.count)
            })
        case .hac:
            throw RegressionError.notAvailableInBlocks(feature: "the HAC covariance", reason: "it needs the rows in time order per rep")
        }
    }
}

/// One block's part of a ``ResidualPass``, computed on any thread: what needs the block's rows
/// (Aᵀr, leverages, the robust middle), for ``ResidualPass/add(_:)`` to add in file order.
struct ResidualBlock: @unchecked Sendable {
    /// The block's weighted residuals, √w, and the file lines of its rows.
    let residuals: [Double], roots: [Double]?, lines: [Int]
    /// The cluster keys per clustering column, and A (m×p, weighted) when there are any.
    let clusterKeys: [[ClusterKey]], a: [Double]
    /// Aᵀr of the block, each entry in twice the working precision.
    let gradient: [Double]
    let leverage: [Double]
    /// The block's part of the heteroskedasticity-consistent middle, when the covariance needs one.
    let meat: [Double]?

    /// - Parameters:
    ///   - a: A (m×p, weighted); `residuals` are its weighted residuals, `roots` √w.
    init(a: [Double], residuals e: [Double], roots: [Double]?, lines: [Int], clusterKeys: [[ClusterKey]], parameters p: Int,
         covariance: CovarianceType, solver: LeastSquaresFactorization) throws
    {
        let m = e.count
        residuals = e
        self.roots = roots
        self.lines = lines
        self.clusterKeys = clusterKeys
        self.a = clusterKeys.isEmpty ? [] : a
        gradient = a.withUnsafeBufferPointer { a in
            e.withUnsafeBufferPointer { r in
                (0..<p).map { j in Compensated.dot(UnsafeBufferPointer(rebasing: a[(j * m)..<((j + 1) * m)]), r) }
            }
        }
        let (leverage, meat) = try a.withUnsafeBufferPointer { a in
            try solver.leverageAndMeat(of: a, rows: m, stride: m, meatWeights: ResidualPass.needsMeat(covariance) ? { row, h in
                CovarianceMiddle.heteroskedasticWeight(covariance, e[row] * e[row], h)
            } : nil)
        }
        self.leverage = leverage
        self.meat = meat
    }
}

// MARK: - Results from a factor

extension LeastSquaresFactor {
    /// The fit of the rows folded in: coefficients, their covariance, R², F and the information
    /// criteria. Residual diagnostics and robust covariances need the rows themselves, so those are
    /// `nan` here (``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)`` computes them).
    /// - Parameter options: The rank tolerance (covariance types other than nonrobust are refused).
    /// - Throws: ``RegressionError`` for too few rows, a zero column or collinear columns.
    public func results(options: RegressionOptions = .init()) throws -> LinearModel {
        guard options.covariance == .nonrobust else {
            throw RegressionError.covarianceNeedsData(options.covariance.rawValue)
        }
        let (solver, beta, inverse, steps) = try solve(options: options)
        return try LinearModel(factor: self, solver: solver, coefficients: beta, residualSumOfSquares: residualSumOfSquares,
                               normalizedCovariance: inverse, provenance: FitProvenance(
                                   responseName: responseName, refinementSteps: steps,
                                   notes: ["Fitted from a triangular factor: residual diagnostics need the rows and are not available."]))
    }

    /// The estimates from R alone, with the same rank test and collinearity report as an in-memory fit.
    func solve(options: RegressionOptions) throws -> (solver: LeastSquaresFactorization, beta: [Double], inverse: [Double], steps: Int) {
        let n = rowCount, p = columnCount
        guard n > 0 else { throw RegressionError.noRows(dropped: 0) }
        guard n >= p else { throw RegressionError.tooFewRows(rows: n, parameters: p, dropped: 0) }
        let upper = designUpper
        for j in 0..<p where !(0...j).contains(where: { upper[$0 + j * p] != 0 }) {
            throw RegressionError.zeroColumn(columnNames[j])
        }
        do {
            let solver = try LeastSquaresFactorization(design: upper, rows: p, columns: p)
            let condition = try LeastSquares.requireFullRank(solver, design: Matrix(rows: p, columns: p, values: upper),
                                                             observations: n, names: columnNames, options: options)
            let (beta, _, steps) = try solver.solve(projectedResponse)
            let inverse = try solver.inverseGram(refined: condition > 1e4)
            return (solver, beta, inverse, steps)
        } catch let error as LinearAlgebraError {
            throw RegressionError.numerical(error)
        }
    }
}

extension LinearModel {
    /// Results from a ``LeastSquaresFactor``: every statistic R and the factor's sums determine.
    /// Residual diagnostics come from a residual pass when there was one (``residualSummary``).
    init(factor: LeastSquaresFactor, solver: LeastSquaresFactorization, coefficients: [Double], residualSumOfSquares ssr: Double,
         normalizedCovariance: [Double], provenance: FitProvenance) throws
    {
        let n = factor.rowCount, p = factor.columnCount
        var provenance = provenance
        self.columnNames = factor.columnNames
        self.coefficients = coefficients
        self.response = []
        self.weights = nil
        self.weightLogSum = factor.isWeighted ? factor.logWeightSum : nil
        self.observationCount = n
        self.hasIntercept = factor.hasIntercept
        self.factorization = solver
        self.singularValues = try solver.singularValues()
        self.ridgePenalty = nil
        self.effectiveParameters = Double(p)
        self.normalizedCovariance = Matrix(rows: p, columns: p, values: normalizedCovariance)
        self.weightedResiduals = []
        self.residuals = []
        self.fittedValues = []
        self.leverage = []
        self.withinEntityCorrelation = nil

        // A constant lies in the span when √w is: its distance² from the span is Σw − ‖R⁻ᵀs‖², s = Σwᵢxᵢ;
        // the combination is R⁻¹R⁻ᵀs.
        let upper = factor.designUpper
        var combination: [Double]?
        if factor.hasIntercept {
            combination = [1] + [Double](repeating: 0, count: p - 1)
        } else {
            var z = factor.weightedColumnSums
            try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &z, rightHandSides: 1, transposed: true)
            let distance = factor.weightSum - z.reduce(0) { $0 + $1 * $1 }
            if distance <= 1e-9 * factor.weightSum {
                try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &z, rightHandSides: 1, transposed: false)
                combination = z
            }
        }
        self.hasConstant = combination != nil
        let tss = hasConstant ? factor.responseSumOfSquares
            : factor.responseSumOfSquares + factor.weightSum * factor.responseMean * factor.responseMean
        self.residualSumOfSquares = ssr
        self.totalSumOfSquares = tss
        self.explainedSumOfSquares = tss - ssr
        self.covarianceType = .nonrobust
        self.covariance = Matrix(rows: p, columns: p, values: normalizedCovariance.map { $0 * ssr / (Double(n) - Double(p)) })
        self.inferenceDegreesOfFreedom = Double(n) - Double(p)

        // VIF_j = (XᵀX)⁻¹ⱼⱼ·TSSⱼ as in the in-memory fit; ‖xⱼ‖² is ‖R eⱼ‖², and with an intercept first the
        // centred sum of squares is that without R's first row. Weighted fits would need the unweighted R too.
        if factor.isWeighted {
            self.varianceInflationFactors = (0..<p).map { _ in nil }
        } else {
            self.varianceInflationFactors = (0..<p).map { j -> Double? in
                if factor.hasIntercept && j == 0 { return nil }
                let othersSpanConstant = combination.map { abs($0[j]) < 1e-9 } ?? false
                var squares = CompensatedSum()
                let first = factor.hasIntercept && othersSpanConstant ? 1 : 0
                for i in first...j where i <= j { squares.addProduct(upper[i + j * p], upper[i + j * p]) }
                var centred = squares.value
                if othersSpanConstant && !factor.hasIntercept {
                    centred -= factor.weightedColumnSums[j] * factor.weightedColumnSums[j] / Double(n)
                }
                return normalizedCovariance[j + j * p] * centred
            }
        }
        if factor.isWeighted { provenance.notes.append("VIF is not computed for a weighted fit made a block of rows at a time.") }
        provenance.rowLines = []
        self.provenance = provenance
    }
}

extension LinearModel {
    /// For a fit made a block of rows at a time whose parsed rows did not fit in the memory kept for
    /// them: one line saying how much of the file was read again (`nil` when it was parsed once).
    package var streamingFallbackNote: String? { provenance.streamingFallback }
}
