import ArgumentParser
import Forecasting

/// The columns that place rows in time: period, rep and team.
struct PanelOptions: ParsableArguments {
    @Option(help: "The period column: dates, ISO weeks (2026-W07), months (2026-03), quarters (2026-Q1) or years (2026).")
    var period: String = "period"

    @Option(help: "The rep (entity) column; lags are taken within each rep. (default: rep, if present)")
    var entity: String?

    @Option(help: "The team (group) column for roll-ups. (default: team, if present)")
    var group: String?

    /// The history in `data`, laid out by these columns.
    func history(_ data: Dataset) throws -> SalesHistory {
        try SalesHistory(data, period: period, rep: entity, team: group)
    }

    /// Reads the history file with `reading`'s options.
    func history(at path: String, reading: ReadingOptions) throws -> SalesHistory {
        try history(reading.read(path))
    }
}
