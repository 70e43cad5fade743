import Foundation

/// The triangular factor of a least-squares problem with the sums its inference needs: a fit's
/// sufficient statistics, built a block of rows at a time and merged across blocks, files or machines.
///
/// For rows with design values xᵢ (p numbers), response yᵢ and weight wᵢ (1 without weights), the
/// factor holds R, the (p+1)×(p+1) upper-triangular factor of the matrix M whose rows are
/// √wᵢ·[xᵢ, yᵢ] (so RᵀR = MᵀM). Each block is folded in by a Householder QR of R stacked on the
/// block's rows (sequential TSQR), never by forming MᵀM, so the accuracy of a QR fit is kept. Two
/// factors of disjoint rows merge the same way, by a QR of [R₁; R₂]; the row order does not matter.
///
/// Besides R the factor keeps n, Σwᵢ, Σ log wᵢ, Σwᵢxᵢ (to tell whether a constant lies in the
/// column space) and the weighted mean and centred sum of squares of y (merged by Chan's formula),
/// which is everything ``results(options:)`` needs for coefficients, their covariance, R², F and
/// the information criteria. Residual diagnostics (Durbin–Watson, normality tests, robust
/// covariances) need the rows again; ``fitStreaming(_:csvPath:options:readOptions:blockBytes:progress:)``
/// makes that second pass.
///
/// The JSON form (`"format": "salesforecast.factor"`, `"version": 1`) is documented in the README
/// so that a Spark or Dask job can write one per partition (`numpy.linalg.qr(M, mode="r")`).
public struct LeastSquaresFactor: Sendable, Equatable {
    /// The design's column names, in order.
    public let columnNames: [String]
    /// The response's name.
    public let responseName: String
    /// Whether the first column is an explicit intercept.
    public let hasIntercept: Bool
    /// Whether rows carry weights (weighted least squares).
    public let isWeighted: Bool
    /// Rows folded in.
    public private(set) var rowCount: Int = 0
    /// R of [√W·X, √W·y]: (p+1)×(p+1), upper triangular, column-major.
    public private(set) var upper: [Double]
    /// Σwᵢ (n without weights).
    public private(set) var weightSum: Double = 0
    /// Σ log wᵢ (0 without weights), for the log-likelihood.
    public private(set) var logWeightSum: Double = 0
    /// Σwᵢ·xᵢⱼ per column.
    public private(set) var weightedColumnSums: [Double]
    /// The weighted mean of y, Σwᵢyᵢ / Σwᵢ.
    public private(set) var responseMean: Double = 0
    /// Σwᵢ(yᵢ − ȳ)².
    public private(set) var responseSumOfSquares: Double = 0

    /// The JSON document's `format`.
    public static let formatName = "salesforecast.factor"
    /// The newest version this library writes and reads.
    public static let currentVersion = 1

    /// An empty factor for a design with these columns.
    public init(columnNames: [String], responseName: String, hasIntercept: Bool, isWeighted: Bool) {
        self.columnNames = columnNames
        self.responseName = responseName
        self.hasIntercept = hasIntercept
        self.isWeighted = isWeighted
        let k = columnNames.count + 1
        upper = [Double](repeating: 0, count: k * k)
        weightedColumnSums = [Double](repeating: 0, count: columnNames.count)
    }

    /// The number of design columns, p.
    public var columnCount: Int { columnNames.count }

    /// Folds in a block of rows.
    /// - Parameters:
    ///   - design: The block's m×p design matrix.
    ///   - response: y on those rows.
    ///   - weights: Positive weights, when ``isWeighted``.
    /// - Throws: ``RegressionError/numerical(_:)`` if LAPACK fails.
    public mutating func add(design: Matrix, response: [Double], weights: [Double]?) throws(RegressionError) {
        let m = design.rows, p = columnCount, k = p + 1
        precondition(design.columns == p && response.count == m && (weights == nil) == !isWeighted && (weights?.count ?? m) == m,
                     "LeastSquaresFactor.add: the block's sizes or weighting disagree with the factor")
        guard m > 0 else { return }
        // The stacked matrix [R; √W·X, √W·y] of a chunk of the block's rows, (k + c)×k, folded a chunk at a
        // time: a chunk of about a thousand rows stays in cache while LAPACK's Householder QR passes over it
        // twice per column, where the whole block (tens of MB) would be read from memory each time.
        let chunkRows = max(8 * k, 1024)
        let roots = weights.map { $0.map { $0.squareRoot() } }
        var stacked = [Double](repeating: 0, count: (k + min(m, chunkRows)) * k)
        var first = 0
        while first < m {
            let c = min(chunkRows, m - first), rows = k + c
            Self.stack(upper: upper, order: k, design: design.values, response: response, roots: roots, rows: m,
                       from: first, count: c, into: &stacked)
            try fold(&stacked, rows: rows)
            first += c
        }

        // The block's own sums, then merged with the running ones. Without weights wᵢ = 1, and
        // addProduct(1, x) is add(x) followed by adding fma(1, x, −x) = +0 to the tail, written out so
        // the loops stay free of calls; the sums are the same bits either way.
        var total = CompensatedSum(), logs = CompensatedSum(), mean = CompensatedSum(), squares = CompensatedSum()
        var columnSums = [CompensatedSum](repeating: CompensatedSum(), count: p)
        response.withUnsafeBufferPointer { y in
            design.values.withUnsafeBufferPointer { x in
                if let weights {
                    for i in 0..<m {
                        total.add(weights[i])
                        logs.add(Foundation.log(weights[i]))
                        mean.addProduct(weights[i], y[i])
                    }
                } else {
                    for i in 0..<m {
                        total.add(1)
                        mean.add(y[i]); mean.lo += 0
                    }
                }
                let blockMean = mean.value / total.value
                for i in 0..<m {
                    let d = y[i] - blockMean
                    squares.add((weights?[i] ?? 1) * d * d)
                }
                Self.addColumnSums(x, rows: m, weights: weights, into: &columnSums)
            }
        }
        let blockWeight = total.value, blockMean = mean.value / blockWeight
        for j in 0..<p { weightedColumnSums[j] += columnSums[j].value }
        mergeMoments(weight: blockWeight, mean: blockMean, squares: squares.value)
        logWeightSum += logs.value
        rowCount += m
    }

    /// Folds in the rows of another factor of the same design (a partition computed elsewhere).
    /// - Throws: ``RegressionError/columnsDoNotMatch(expected:found:)`` when the designs differ.
    public mutating func merge(_ other: LeastSquaresFactor) throws(RegressionError) {
        guard other.columnNames == columnNames, other.responseName == responseName, other.isWeighted == isWeighted else {
            throw .columnsDoNotMatch(expected: columnNames + [responseName], found: other.columnNames + [other.responseName])
        }
        guard other.rowCount > 0 else { return }
        // Counts past 2^53 are not real and would overflow Int after enough merges (FuzzFactorFile).
        let (count, overflow) = rowCount.addingReportingOverflow(other.rowCount)
        guard !overflow, count <= Self.maximumRowCount else {
            throw .notAvailableInBlocks(feature: "merging these factors", reason: "together they count more than 2^53 rows")
        }
        let k = columnCount + 1, rows = 2 * k
        var stacked = [Double](repeating: 0, count: rows * k)
        for j in 0..<k {
            for i in 0...j {
                stacked[i + j * rows] = upper[i + j * k]
                stacked[k + i + j * rows] = other.upper[i + j * k]
            }
        }
        try fold(&stacked, rows: rows)
        for j in 0..<columnCount { weightedColumnSums[j] += other.weightedColumnSums[j] }
        mergeMoments(weight: other.weightSum, mean: other.responseMean, squares: other.responseSumOfSquares)
        logWeightSum += other.logWeightSum
        rowCount = count
    }

    /// The largest row count a factor holds: 2^53, the last count a double holds exactly.
    static let maximumRowCount = 1 << 53

    /// Replaces R by the triangular factor of `stacked` ((rows)×(p+1), column-major).
    private mutating func fold(_ stacked: inout [Double], rows: Int) throws(RegressionError) {
        let k = columnCount + 1
        if k <= HouseholderQR.maximumColumns {
            // The same bits as dgeqrf with the reference LAPACK, in a fraction of the time for these thin matrices.
            stacked.withUnsafeMutableBufferPointer { s in
                if let base = s.baseAddress { HouseholderQR.factor(base, rows: rows, columns: k) }
            }
        } else {
            do { _ = try LAPACK.qr(&stacked, rows: rows, columns: k) } catch { throw .numerical(error) }
        }
        for j in 0..<k {
            for i in 0..<k { upper[i + j * k] = i <= j ? stacked[i + j * rows] : 0 }
        }
    }

    /// Writes [R; √W·X, √W·y] for the block's rows `first..<first + count` into `stacked`
    /// ((order + count)×order, column-major): R's upper triangle above, the scaled rows below.
    private static func stack(upper: [Double], order k: Int, design: [Double], response: [Double], roots: [Double]?,
                              rows m: Int, from first: Int, count c: Int, into stacked: inout [Double]) {
        let rows = k + c, p = k - 1
        upper.withUnsafeBufferPointer { r in
            design.withUnsafeBufferPointer { x in
                response.withUnsafeBufferPointer { y in
                    stacked.withUnsafeMutableBufferPointer { s in
                        guard let base = s.baseAddress, let ys = y.baseAddress else { return }
                        for j in 0..<k {
                            let column = base + j * rows
                            for i in 0..<k { column[i] = i <= j ? r[i + j * k] : 0 }
                            guard let source = j < p ? x.baseAddress.map({ $0 + first + j * m }) : ys + first else { continue }
                            let target = column + k
                            if let roots {
                                roots.withUnsafeBufferPointer { w in
                                    for i in 0..<c { target[i] = source[i] * w[first + i] }
                                }
                            } else {
                                target.update(from: source, count: c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds Σwᵢ·xᵢⱼ over the rows to each column's sum, rows in order; four columns at a time so
    /// their sums, each a chain of dependent additions, overlap.
    private static func addColumnSums(_ x: UnsafeBufferPointer<Double>, rows m: Int, weights: [Double]?,
                                      into sums: inout [CompensatedSum]) {
        let p = sums.count
        guard let base = x.baseAddress else { return }
        var j = 0
        while j < p {
            let width = min(4, p - j)
            var s0 = sums[j], s1 = width > 1 ? sums[j + 1] : CompensatedSum()
            var s2 = width > 2 ? sums[j + 2] : CompensatedSum(), s3 = width > 3 ? sums[j + 3] : CompensatedSum()
            let c0 = base + j * m, c1 = base + (j + min(1, width - 1)) * m
            let c2 = base + (j + min(2, width - 1)) * m, c3 = base + (j + min(3, width - 1)) * m
            if let weights {
                weights.withUnsafeBufferPointer { w in
                    for i in 0..<m {
                        s0.addProduct(w[i], c0[i]); s1.addProduct(w[i], c1[i])
                        s2.addProduct(w[i], c2[i]); s3.addProduct(w[i], c3[i])
                    }
                }
            } else {
                for i in 0..<m {
                    s0.add(c0[i]); s0.lo += 0
                    s1.add(c1[i]); s1.lo += 0
                    s2.add(c2[i]); s2.lo += 0
                    s3.add(c3[i]); s3.lo += 0
                }
            }
            sums[j] = s0
            if width > 1 { sums[j + 1] = s1 }
            if width > 2 { sums[j + 2] = s2 }
            if width > 3 { sums[j + 3] = s3 }
            j += width
        }
    }

    /// Chan, Golub and LeVeque's merge of (Σw, mean, Σw(y − mean)²).
    private mutating func mergeMoments(weight: Double, mean: Double, squares: Double) {
        guard weight > 0 else { return }
        let combined = weightSum + weight
        let delta = mean - responseMean
        responseSumOfSquares += squares + delta * delta * weightSum * weight / combined
        responseMean += delta * weight / combined
        weightSum = combined
    }

    // MARK: Pieces of R

    /// R_X, the p×p factor of √W·X (column-major).
    var designUpper: [Double] {
        let p = columnCount, k = p + 1
        var r = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in 0...j { r[i + j * p] = upper[i + j * k] } }
        return r
    }

    /// Qᵀ(√W·y) restricted to the design's span: the first p entries of R's last column.
    var projectedResponse: [Double] {
        let p = columnCount, k = p + 1
        return (0..<p).map { upper[$0 + p * k] }
    }

    /// The residual sum of squares of the factored problem, R[p, p]².
    var residualSumOfSquares: Double {
        let p = columnCount, k = p + 1
        return upper[p + p * k] * upper[p + p * k]
    }
}

// MARK: - JSON

extension LeastSquaresFactor {
    /// The factor as a JSON document; see the README for each field.
    public func jsonDocument() -> JSONValue {
        let k = columnCount + 1
        let rows: [JSONValue] = (0..<k).map { i in .array((0..<k).map { j in .number(i <= j ? upper[i + j * k] : 0) }) }
        return .object([
            ("format", .string(Self.formatName)),
            ("version", .integer(Self.currentVersion)),
            ("columns", .array(columnNames.map { .string($0) })),
            ("response", .string(responseName)),
            ("has_intercept", .bool(hasIntercept)),
            ("weighted", .bool(isWeighted)),
            ("n_observations", .integer(rowCount)),
            ("weight_sum", .number(weightSum)),
            ("log_weight_sum", .number(logWeightSum)),
            ("weighted_column_sums", .array(weightedColumnSums.map { .number($0) })),
            ("response_mean", .number(responseMean)),
            ("response_sum_of_squares", .number(responseSumOfSquares)),
            ("r", .array(rows)),
        ])
    }

    /// Writes the factor atomically to `path`.
    public func write(to path: String) throws(OutputError) {
        try AtomicFile.write(jsonDocument().serialized() + "\n", to: path)
    }

    /// Reads and checks a factor file.
    /// - Throws: ``ModelFileError`` when the file is missing, not JSON, not a factor, from a newer
    ///   version, or inconsistent (sizes that disagree, a non-finite number, R not triangular).
    public static func load(path: String) throws(ModelFileError) -> LeastSquaresFactor {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileManager.default.fileExists(atPath: path) ? .unreadable(path: path) : .notFound(path: path)
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks a factor document.
    public static func decode(_ data: Data, path: String) throws(ModelFileError) -> LeastSquaresFactor {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw .notJSON(path: path) }
        guard object["format"] as? String == formatName else { throw .notAFactor(path: path) }
        guard let version = object["version"] as? Int else { throw .invalid(path: path, reason: "no version number") }
        guard version >= 1, version <= currentVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: currentVersion)
        }
        // JSONDecoder reads numbers exactly (JSONSerialization may be an ulp off on Linux).
        let document: Document
        do { document = try JSONDecoder().decode(Document.self, from: data) } catch let error as DecodingError {
            throw .invalid(path: path, reason: ModelFile.describe(error))
        } catch {
            throw .invalid(path: path, reason: "\(error)")
        }
        let p = document.columns.count, k = p + 1
        guard p > 0 else { throw .invalid(path: path, reason: "no columns") }
        var factor = LeastSquaresFactor(columnNames: document.columns, responseName: document.response,
                                        hasIntercept: document.hasIntercept, isWeighted: document.weighted)
        let numbers = [("weight_sum", document.weightSum), ("log_weight_sum", document.logWeightSum),
                       ("response_mean", document.responseMean), ("response_sum_of_squares", document.responseSumOfSquares)]
        if let bad = numbers.first(where: { !$0.1.isFinite }) { throw .invalid(path: path, reason: "'\(bad.0)' is not a finite number") }
        factor.rowCount = document.rowCount
        factor.weightSum = document.weightSum
        factor.logWeightSum = document.logWeightSum
        factor.responseMean = document.responseMean
        factor.responseSumOfSquares = document.responseSumOfSquares
        guard document.weightedColumnSums.count == p, document.weightedColumnSums.allSatisfy(\.isFinite) else {
            throw .invalid(path: path, reason: "'weighted_column_sums' needs \(p) finite numbers, one per column")
        }
        factor.weightedColumnSums = document.weightedColumnSums
        let rows = document.r
        guard rows.count == k, rows.allSatisfy({ $0.count == k }) else {
            throw .invalid(path: path, reason: "'r' must be \(k)×\(k) (the columns and the response)")
        }
        for i in 0..<k {
            for j in 0..<k {
                let value = rows[i][j]
                guard value.isFinite else { throw .invalid(path: path, reason: "r[\(i)][\(j)] is not a finite number") }
                if i > j {
                    guard value == 0 else { throw .invalid(path: path, reason: "'r' is not upper triangular (r[\(i)][\(j)] = \(value))") }
                } else {
                    factor.upper[i + j * k] = value
                }
            }
        }
        guard factor.rowCount >= 0, factor.weightSum >= 0, factor.responseSumOfSquares >= 0 else {
            throw .invalid(path: path, reason: "a count or sum of squares is negative")
        }
        guard factor.rowCount <= maximumRowCount else {
            throw .invalid(path: path, reason: "'n_observations' is above 2^53, more rows than can be counted exactly")
        }
        return factor
    }

    /// The JSON document's fields.
    private struct Document: Decodable {
        var columns: [String]
        var response: String
        var hasIntercept: Bool
        var weighted: Bool
        var rowCount: Int
        var weightSum, logWeightSum, responseMean, responseSumOfSquares: Double
        var weightedColumnSums: [Double]
        var r: [[Double]]

        enum CodingKeys: String, CodingKey {
            case columns, response, weighted, r
            case hasIntercept = "has_intercept", rowCount = "n_observations", weightSum = "weight_sum"
            case logWeightSum = "log_weight_sum", responseMean = "response_mean"
            case responseSumOfSquares = "response_sum_of_squares", weightedColumnSums = "weighted_column_sums"
        }
    }
}
