/// One column of a block of export rows as codes into distinct values, whether the CSV reader kept
/// it as text or read it as numbers (rep ids such as `1001`, dates such as `20260315`), so every
/// per-value step (parsing a date, looking up a rep) runs once per distinct value of the block.
struct ExportBlockColumn {
    /// One code per row; `-1` for an empty cell.
    var codes: [Int32]
    /// The distinct values.
    var levels: [String]

    init(_ column: Column) {
        switch column {
        case .text(let text):
            codes = text.codes
            levels = text.levels
        case .numeric(let values):
            var index: [UInt64: Int32] = [:]
            var levels: [String] = []
            codes = values.map { value in
                if value.isNaN { return -1 }
                if let code = index[value.bitPattern] { return code }
                let code = Int32(levels.count)
                index[value.bitPattern] = code
                levels.append(Column.label(value))
                return code
            }
            self.levels = levels
        }
    }

    /// The first row holding `code`, for pointing an error at a line.
    func firstRow(of code: Int) -> Int { codes.firstIndex(of: Int32(code)) ?? 0 }
}
