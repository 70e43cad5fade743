/// Reading quota files: a CSV with a name column (a rep, a team, or `Total`) and a `quota` column.
public enum Quotas {
    /// Quotas by name.
    /// - Throws: `CSVError` or `DataError` (no `quota` column, a quota that is not a number).
    public static func read(path: String) throws -> [String: Double] {
        let data = try CSVReader.read(path: path)
        let quota = try data.numbers("quota")
        guard let nameColumn = zip(data.columnNames, data.columns).first(where: { if case .text = $0.1 { true } else { false } }),
              case .text(let names) = nameColumn.1 else {
            throw DataError.missingColumn("name", available: data.columnNames, source: path)
        }
        var result: [String: Double] = [:]
        for row in 0..<data.rowCount {
            if let name = names[row], !quota[row].isNaN { result[name] = quota[row] }
        }
        return result
    }
}
