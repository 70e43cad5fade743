/// What can go wrong opening, writing or reading a forecast ledger; each describes itself in one line.
public enum LedgerError: ForecastingError, Equatable {
    /// The ledger's folder does not exist.
    case missingDirectory(path: String)
    /// The ledger cannot be written (a read-only folder or file).
    case readOnly(path: String)
    /// The file is an SQLite database but not a forecast ledger.
    case notALedger(path: String)
    /// The file is not a database at all, or is damaged.
    case corrupt(path: String, reason: String)
    /// The ledger was written by a newer version of the tool.
    case newerSchema(path: String, version: Int, supported: Int)
    /// The ledger does not exist (for commands that only read it).
    case missingLedger(path: String)
    /// No run with this id.
    case unknownRun(String)
    /// A run to record has no lines.
    case emptyRun
    /// Any other database failure.
    case database(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingDirectory(let path): "the ledger's folder does not exist: \(path)"
        case .readOnly(let path): "the ledger cannot be written (read-only): \(path)"
        case .notALedger(let path): "\(path) is an SQLite database but not a forecast ledger"
        case .corrupt(let path, let reason): "\(path) is not a readable forecast ledger (\(reason))"
        case .newerSchema(let path, let version, let supported):
            "\(path) was written by a newer salesforecast (ledger schema \(version), this one reads up to \(supported))"
        case .missingLedger(let path): "no ledger at \(path)"
        case .unknownRun(let id): "no run \(id) in the ledger"
        case .emptyRun: "the run has no lines to record"
        case .database(let path, let reason): "ledger \(path): \(reason)"
        }
    }
}
