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

    /// Each row's group as a code into the group names sorted (the distinct ``groupKeys(in:rows:)``,
    /// sorted). One text column, the usual `(1 | rep)`, is coded from the column's own codes: no
    /// string per row, no set of every row's key, only the distinct names sorted.
    func groupCodes(in data: Dataset, rows: [Int]) throws -> (codes: [Int32], levelNames: [String]) {
        guard grouping.count == 1, case .text(let text) = try data.column(grouping[0]) else {
            let keys = try groupKeys(in: data, rows: rows)
            let levelNames = Array(Set(keys)).sorted()
            let index = Dictionary(uniqueKeysWithValues: levelNames.enumerated().map { ($1, Int32($0)) })
            return (keys.map { index[$0] ?? 0 }, levelNames)
        }
        // Slot c for level c, the last slot for a missing cell (its key is "", as groupKeys writes it).
        let missingSlot = text.levels.count
        var present = [Bool](repeating: false, count: missingSlot + 1)
        for row in rows { let c = Int(text.codes[row]); present[c < 0 ? missingSlot : c] = true }
        let label = { (slot: Int) in slot == missingSlot ? "" : text.levels[slot] }
        let levelNames = Array(Set(present.indices.filter { present[$0] }.map(label))).sorted()
        let index = Dictionary(uniqueKeysWithValues: levelNames.enumerated().map { ($1, Int32($0)) })
        let codeOfSlot = present.indices.map { present[$0] ? index[label($0)] ?? 0 : 0 }
        return (rows.map { row in codeOfSlot[text.codes[row] < 0 ? missingSlot : Int(text.codes[row])] }, levelNames)
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
        // The rows every design kept, as a mask (no set of every row).
        var common = mask
        for effect in effects {
            let kept = data.rowMask(effect.rows)
            for row in common.indices where common[row] && !kept[row] { common[row] = false }
        }
        if common.lazy.filter({ $0 }).count == fixed.rows.count { break }
        fixed = try rebuild(common)
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
