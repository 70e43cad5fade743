import Foundation

extension Dataset {
    /// A mask over the dataset's rows, `true` at `rows`.
    package func rowMask(_ rows: [Int]) -> [Bool] {
        var mask = [Bool](repeating: false, count: rowCount)
        for row in rows { mask[row] = true }
        return mask
    }

    /// The values of `column` at `rows` as labels: text as it is (missing as empty), numbers as `Column.label` writes them.
    func labels(_ column: String, rows: [Int]) throws -> [String] {
        switch try self.column(column) {
        case .text(let text): rows.map { text[$0] ?? "" }
        case .numeric(let numbers): rows.map { Column.label(numbers[$0]) }
        }
    }
}

extension RandomTerm {
    /// Each row's group: the grouping columns' values joined with ':' (lme4's naming of `rep:team`).
    func groupKeys(in data: Dataset, rows: [Int]) throws -> [String] {
        let labels = try grouping.map { try data.labels($0, rows: rows) }
        return rows.indices.map { i in labels.map { $0[i] }.joined(separator: ":") }
    }
}

/// Each random term's design on the rows of `fixed`: rows any term cannot evaluate (a missing value, no
/// history for a lag) are dropped from all, `fixed` being rebuilt on the rows they share.
/// - Parameters:
///   - encodings: The levels each term learned when fitted (`nil` when fitting).
///   - rebuild: Builds the fixed design on the rows of a mask.
func randomTermDesigns(_ terms: [RandomTerm], encodings: [[String: FactorEncoding]]?, data: Dataset, panel: Panel?,
                       missing: MissingValuePolicy, fixed: inout DesignMatrix,
                       rebuild: ([Bool]) throws -> DesignMatrix) throws -> [DesignMatrix] {
    var effects: [DesignMatrix] = []
    for _ in 0..<2 {
        let mask = data.rowMask(fixed.rows)
        effects = try terms.enumerated().map { k, term in
            try DesignMatrix(formula: term.effects, data: data, missing: missing, encodings: encodings?[k], requireResponse: false,
                             panel: panel, only: mask)
        }
        let common = effects.reduce(Set(fixed.rows)) { $0.intersection($1.rows) }
        if common.count == fixed.rows.count { break }
        fixed = try rebuild(data.rowMask(Array(common)))
    }
    return effects
}

extension FitProvenance {
    /// Records [minimum, maximum] of each numeric column among `columns` over `rows`, to flag extrapolation later.
    mutating func recordRanges(of columns: Set<String>, in data: Dataset, rows: [Int]) throws {
        for column in columns {
            guard case .numeric(let values) = try data.column(column) else { continue }
            let used = rows.map { values[$0] }.filter { !$0.isNaN }
            if let low = used.min(), let high = used.max() { ranges[column] = [low, high] }
        }
    }
}
