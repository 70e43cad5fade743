import Foundation

/// An input file of a recorded run: its role (`history`, `plan`, `quota`, `model`), path and SHA-256.
public struct LedgerInput: Sendable, Equatable {
    /// What the file was to the run: `history`, `plan`, `quota` or `model`.
    public var role: String
    /// The path as given.
    public var path: String
    /// The SHA-256 of the file's contents (`nil` for standard input).
    public var sha256: String?

    /// An input with its digest computed from the file now.
    public init(role: String, path: String) {
        self.init(role: role, path: path, sha256: SHA256.hex(ofFile: path))
    }

    /// An input with a known digest.
    public init(role: String, path: String, sha256: String?) {
        self.role = role
        self.path = path
        self.sha256 = sha256
    }
}

/// One recorded run: when, from which history, what model, and how many lines.
public struct LedgerRun: Sendable, Equatable {
    /// The run's id (a UUID).
    public var id: String
    /// When it ran, ISO 8601 in UTC.
    public var ranAt: String
    /// The last period of the history it was made from.
    public var asOf: String
    /// The quarter forecast.
    public var horizon: String
    /// Periods between the as-of period and the quarter's last period (the lead time).
    public var leadPeriods: Int
    /// The response forecast.
    public var response: String
    /// The model's formula.
    public var formula: String
    /// How the model was chosen: `formula` (given), `default` (chosen by the tool) or `model` (a saved model).
    public var modelChoice: String
    /// The covariance behind the intervals.
    public var covariance: String
    /// The confidence level of the intervals.
    public var level: Double
    /// Periods in the quarter.
    public var periods: Int
    /// The tool's version.
    public var toolVersion: String
    /// Rep, team and total lines recorded.
    public var lines: Int
    /// The input files with their digests.
    public var inputs: [LedgerInput]
}

/// One recorded line of a run: a rep, a team or the total, with the model's forecast and the two naive ones.
public struct LedgerLine: Sendable, Equatable {
    /// Rep, team or total.
    public var kind: ForecastLine.Kind
    /// The rep's or team's name, or `Total`.
    public var name: String
    /// A rep's team.
    public var team: String?
    /// The forecast total.
    public var mean: Double
    /// The standard error of the realized total.
    public var standardError: Double
    /// The prediction interval at the run's level.
    public var lower: Double, upper: Double
    /// The quota and the probability of reaching it, when quotas were given.
    public var quota: Double?, quotaProbability: Double?
    /// The run-rate naive forecast: last period × periods in the quarter (summed over reps for teams and the total).
    public var naiveRunRate: Double?
    /// The same-quarter-last-year naive forecast.
    public var naiveLastYear: Double?
    /// Periods the model forecast for the line (a rep's periods in the quarter; the sum for teams and the total).
    public var periodsForecast: Int
}

/// What loading actuals did: new values, values revised (kept as revisions), values unchanged.
public struct ActualsLoad: Sendable, Equatable {
    /// Rep-periods not in the ledger before.
    public var added: Int
    /// Rep-periods whose value changed (the old value kept as a revision).
    public var revised: Int
    /// Rep-periods already in the ledger with the same value.
    public var unchanged: Int
}
