import Foundation

/// The middle M of a sandwich covariance B·M·B, gathered from the rows kept in memory or from a pass
/// over a file read a block at a time. Every covariance type of every way of fitting ends in
/// ``LinearModel/adoptCovariance(_:middle:)``, so each estimator is written once.
enum CovarianceMiddle {
    /// HC0–HC3: Σ ωᵢ·qᵢqᵢᵀ over rows of Q₁ (the factor's coordinates), ωᵢ from ``heteroskedasticWeight(_:_:_:)``.
    case heteroskedastic(CovarianceType, meat: [Double])
    /// Clustered (CRV1): score meats of one way, or of two ways and their intersection, with group counts.
    case clustered([(meat: [Double], groups: Int)])
    /// Newey–West within each rep over calendar lags (statsmodels' `hac-panel`), with the number of reps.
    case panelHAC(meat: [Double], groups: Int)
    /// Newey–West over rows in order, one series (statsmodels' `HAC`).
    case seriesHAC(meat: [Double])

    /// ωᵢ of HC0–HC3 (MacKinnon and White 1985): e², e²/(1 − h), e²/(1 − h)².
    static func heteroskedasticWeight(_ type: CovarianceType, _ e2: Double, _ h: Double) -> Double {
        switch type {
        case .nonrobust, .hc0, .hc1, .cluster, .hac: e2
        case .hc2: e2 / (1 - h)
        case .hc3: e2 / ((1 - h) * (1 - h))
        }
    }

    /// Σ s·sᵀ over vectors s of length `order` (column-major order×order).
    static func outerProductSum(_ vectors: [[Double]], order p: Int) -> [Double] {
        var meat = [Double](repeating: 0, count: p * p)
        for s in vectors { for a in 0..<p { for b in 0..<p { meat[a + b * p] += s[a] * s[b] } } }
        return meat
    }
}

extension LinearModel {
    /// Whether the rows are kept: false for a fit made a block of rows at a time or read from a file,
    /// whose covariance type is fixed when it is made.
    var keepsRows: Bool { provenance.residualSummary == nil && factorization != nil && weightedResiduals.count == observationCount }

    /// The covariance of the estimates of another type, from the same fit.
    public func covariance(_ type: CovarianceType) throws -> Matrix {
        if type == covarianceType { return covariance }
        return try withCovariance(type).covariance
    }

    /// The same fit with its standard errors, tests and intervals from another covariance type.
    /// - Throws: ``RegressionError/covarianceNeedsData(_:)`` for a model whose rows are not kept (read
    ///   from a file, fitted a block at a time) or, for clustered and HAC covariances, fitted without a
    ///   dataset; ``DataError`` for a cluster column the data lacks.
    public func withCovariance(_ type: CovarianceType) throws -> LinearModel {
        var copy = self
        if type == .nonrobust {
            copy.covariance = Matrix(rows: parameterCount, columns: parameterCount,
                                     values: normalizedCovariance.values.map { $0 * scale })
            copy.covarianceType = .nonrobust
            copy.inferenceDegreesOfFreedom = dfResidual
            return copy
        }
        guard keepsRows else { throw RegressionError.covarianceNeedsData(type.rawValue) }
        try copy.adoptCovariance(type, middle: middle(of: type))
        return copy
    }

    /// Sets ``covariance``, ``covarianceType`` and ``inferenceDegreesOfFreedom`` from a middle, with
    /// statsmodels' small-sample corrections: n/(n − p) for HC1 and hac-panel, and per clustering way
    /// G/(G − 1)·(n − 1)/(n − p) (two ways: V₁ + V₂ − V₁₂), tests on G − 1 degrees of freedom.
    mutating func adoptCovariance(_ type: CovarianceType, middle: CovarianceMiddle) throws {
        guard let factorization else { throw RegressionError.covarianceNeedsData(type.rawValue) }
        let n = Double(observationCount), p = parameterCount
        var degrees = dfResidual
        var values: [Double]
        switch middle {
        case let .heteroskedastic(kind, meat):
            values = try factorization.sandwich(meat: meat)
            if kind == .hc1 { values = values.map { $0 * n / dfResidual } }
        case let .clustered(ways):
            values = [Double](repeating: 0, count: p * p)
            for (k, way) in ways.enumerated() {
                let sign = k == 2 ? -1.0 : 1.0
                let g = Double(way.groups)
                let correction = provenance.clusterCorrection ? g / (g - 1) * (n - 1) / (n - Double(p)) : 1
                let v = try factorization.sandwich(scoreMeat: way.meat)
                for i in 0..<(p * p) { values[i] += sign * correction * v[i] }
            }
            if provenance.clusterDegreesOfFreedom, let fewest = ways.prefix(2).map(\.groups).min() { degrees = Double(fewest - 1) }
        case let .panelHAC(meat, groups):
            values = try factorization.sandwich(scoreMeat: meat).map { $0 * n / (n - Double(p)) }
            if provenance.clusterDegreesOfFreedom { degrees = Double(groups - 1) }
        case let .seriesHAC(meat):
            values = try factorization.sandwich(scoreMeat: meat)
        }
        covariance = Matrix(rows: p, columns: p, values: values)
        covarianceType = type
        inferenceDegreesOfFreedom = degrees
    }

    /// The middle of `type` from the rows kept in memory.
    func middle(of type: CovarianceType) throws -> CovarianceMiddle {
        guard let factorization, keepsRows else { throw RegressionError.covarianceNeedsData(type.rawValue) }
        let n = observationCount, p = parameterCount
        switch type {
        case .nonrobust, .hc0, .hc1, .hc2, .hc3:
            let e2 = weightedResiduals.map { $0 * $0 }
            let h = leverage
            let (_, meat) = try factorization.leverageAndMeat(dataRows: n) { row, _ in
                CovarianceMiddle.heteroskedasticWeight(type, e2[row], h[row])
            }
            return .heteroskedastic(type, meat: meat ?? [])
        case .cluster(let columns):
            guard let data = provenance.sourceData else { throw RegressionError.covarianceNeedsData(type.rawValue) }
            let codes = try columns.map { try clusterCodes(data.column($0)) }
            let ways = codes.count == 1 ? [codes[0]] : [codes[0], codes[1], Self.intersection(codes[0], codes[1])]
            return .clustered(ways.map { clusterMeat($0) })
        case .hac(let lags):
            let u = scores()
            var meat = [Double](repeating: 0, count: p * p)
            func add(_ i: Int, _ j: Int, _ w: Double) {
                for a in 0..<p { for b in 0..<p { meat[a + b * p] += w * (u[i][a] * u[j][b] + u[j][a] * u[i][b]) } }
            }
            for i in 0..<n { for a in 0..<p { for b in 0..<p { meat[a + b * p] += u[i][a] * u[i][b] } } }
            let fittedRows = provenance.fittedRows
            if let panel = provenance.sourcePanel, panel.layout.entity != nil {
                // Within each rep, over calendar lags (statsmodels' hac-panel on consecutive periods).
                var position = [Int](repeating: -1, count: panel.periods.count)
                for (k, row) in fittedRows.enumerated() { position[row] = k }
                for (k, row) in fittedRows.enumerated() where panel.entities[row] >= 0 {
                    for l in 0..<lags {
                        if let earlier = panel.row(entity: panel.entities[row], period: panel.periods[row].index - (l + 1)),
                           position[earlier] >= 0 { add(k, position[earlier], 1 - Double(l + 1) / Double(lags + 1)) }
                    }
                }
                return .panelHAC(meat: meat, groups: Set(fittedRows.map { panel.entities[$0] }).count)
            }
            // One series, rows in order (statsmodels' cov_type="HAC", use_correction=False).
            for l in 1...max(1, lags) where l <= lags {
                let w = 1 - Double(l) / Double(lags + 1)
                for i in l..<max(l, n) { add(i, i - l, w) }
            }
            return .seriesHAC(meat: meat)
        }
    }

    /// Scores uᵢ = aᵢ·eᵢ: rows of the weighted design times the weighted residuals.
    private func scores() -> [[Double]] {
        guard let factorization else { return [] }
        return (0..<observationCount).map { i in
            (0..<parameterCount).map { j in factorization.design[i + j * factorization.rows] * weightedResiduals[i] }
        }
    }

    /// Σ_g (Σ_{i∈g} uᵢ)(Σ_{i∈g} uᵢ)ᵀ and the number of groups, summed over groups in code order so
    /// the result does not depend on a dictionary's iteration order (bit-identical from run to run).
    private func clusterMeat(_ groups: [Int]) -> (meat: [Double], groups: Int) {
        let p = parameterCount
        let u = scores()
        var sums: [Int: [Double]] = [:]
        for (i, g) in groups.enumerated() {
            var s = sums[g] ?? [Double](repeating: 0, count: p)
            for j in 0..<p { s[j] += u[i][j] }
            sums[g] = s
        }
        let ordered = sums.keys.sorted().map { sums[$0] ?? [] }
        return (CovarianceMiddle.outerProductSum(ordered, order: p), sums.count)
    }

    /// Group codes of the fitted rows for a cluster column (text or numbers; a missing cell is its own group).
    private func clusterCodes(_ column: Column) -> [Int] {
        let fittedRows = provenance.fittedRows
        switch column {
        case .text(let text): return fittedRows.map { Int(text.codes[$0]) }
        case .numeric(let values):
            var index: [Double: Int] = [:]
            return fittedRows.map { row in
                let v = values[row].isNaN ? -Double.infinity : values[row]
                if let code = index[v] { return code }
                index[v] = index.count
                return index.count - 1
            }
        }
    }

    private static func intersection(_ a: [Int], _ b: [Int]) -> [Int] {
        var index: [[Int]: Int] = [:]
        return zip(a, b).map { pair in
            let key = [pair.0, pair.1]
            if let code = index[key] { return code }
            index[key] = index.count
            return index.count - 1
        }
    }
}
