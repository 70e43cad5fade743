import ArgumentParser
import Forecasting

/// The columns that place rows in time: period, rep and team.
struct PanelOptions: ParsableArguments {
    @Option(help: "The period column: dates, ISO weeks (2026-W07), months (2026-03) or quarters (2026-Q1).")
    var period: String = "period"

    @Option(help: "The rep (entity) column; lags are taken within each rep. (default: rep, if present)")
    var entity: String?

    @Option(help: "The team (group) column for roll-ups. (default: team, if present)")
    var group: String?

    /// The layout for `data`: named columns, or `rep` and `team` when the data has them.
    func layout(for data: Dataset) -> PanelLayout {
        PanelLayout(period: period, entity: entity ?? (data.hasColumn("rep") ? "rep" : nil),
                    group: group ?? (data.hasColumn("team") ? "team" : nil))
    }
}
