import Foundation

/// A sales team's history: the rows (one per rep and period, activities and results) and their
/// layout (which columns hold the period, the rep and the team), given once.
///
/// Everything starts here: fit a model, then forecast, run scenarios and seek goals on the model;
/// drivers, backtests and leading indicators are asked of the history.
///
/// ```swift
/// let history = try SalesHistory(contentsOf: URL(fileURLWithPath: "sales_history.csv"))
/// let model = try history.fit("revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')")
/// print(try model.forecast("2026-Q4"))
/// ```
///
/// The layout is detected from the usual column names (`period`, `rep`, `team`) and can be named
/// instead. A table without a period column is a plain regression dataset: it fits, but time terms
/// (`lag`, `season`, `trend`, `adstock`) and forecasts need periods.
public struct SalesHistory: Sendable {
    /// The rows.
    public let data: Dataset
    /// The period, rep and team columns; `nil` for a table with no period column.
    public let layout: PanelLayout?
    /// The rows placed in time (built once, when the layout is known).
    package let panel: Panel?

    /// A history from rows already read.
    ///
    /// - Parameters:
    ///   - data: One row per rep and period.
    ///   - period: The period column (dates, ISO weeks `2026-W07`, months `2026-03`, quarters `2026-Q1`
    ///     or years `2026`); default `period` when the table has one.
    ///   - rep: The rep (entity) column; default `rep` when present. Lags are taken within each rep.
    ///   - team: The team (group) column for roll-ups; default `team` when present.
    /// - Throws: ``DataError/missingColumn(_:available:source:)`` for a named column the table lacks, and
    ///   ``TimeError`` for periods that cannot be read, mixed kinds of period or a rep with two rows for one period.
    public init(_ data: Dataset, period: String? = nil, rep: String? = nil, team: String? = nil) throws {
        for name in [period, rep, team].compactMap({ $0 }) where !data.hasColumn(name) {
            throw DataError.missingColumn(name, available: data.columnNames, source: data.source.name)
        }
        let periodColumn = period ?? (data.hasColumn("period") ? "period" : nil)
        let layout = periodColumn.map {
            PanelLayout(period: $0, entity: rep ?? (data.hasColumn("rep") ? "rep" : nil),
                        group: team ?? (data.hasColumn("team") ? "team" : nil))
        }
        try self.init(data, layout: layout)
    }

    /// A history with an explicit layout, or none (`nil`: a plain regression table, no periods).
    public init(_ data: Dataset, layout: PanelLayout?) throws {
        self.data = data
        self.layout = layout
        self.panel = try layout.map { try Panel(data: data, layout: $0) }
    }

    /// Reads a history from a CSV file (see ``init(_:period:rep:team:)`` for the layout).
    ///
    /// - Parameters:
    ///   - url: The file; `-` as a path reads standard input.
    ///   - period: The period column (default `period` when present).
    ///   - rep: The rep column (default `rep` when present).
    ///   - team: The team column (default `team` when present).
    ///   - reading: Delimiter and number parsing.
    public init(contentsOf url: URL, period: String? = nil, rep: String? = nil, team: String? = nil,
                reading: CSVReadOptions = .init()) throws {
        try self.init(CSVReader.read(path: url.isFileURL ? url.path : url.absoluteString, options: reading),
                      period: period, rep: rep, team: team)
    }

    /// The history as a plain regression table, without its layout.
    package var withoutLayout: SalesHistory { SalesHistory(unchecked: data, layout: nil, panel: nil) }

    package init(unchecked data: Dataset, layout: PanelLayout?, panel: Panel?) {
        self.data = data
        self.layout = layout
        self.panel = panel
    }

    /// The source's name (the file), for messages.
    public var sourceName: String { data.source.name }

    /// Fits a linear model by least squares: ordinary, weighted or ridge, with the covariance asked for;
    /// or, with `options.family` set to ``ResponseFamily/poisson`` or ``ResponseFamily/negativeBinomial``,
    /// a count model by IRLS (see ``GeneralizedLinearFit``).
    ///
    /// ```swift
    /// let model = try history.fit("revenue ~ demos + proposals + C(team)", covariance: .cluster(["rep"]))
    /// ```
    ///
    /// - Parameters:
    ///   - formula: The model in R/patsy syntax, e.g. `revenue ~ lag(demos, 1) + proposals + C(team)`.
    ///   - covariance: The covariance behind every test and interval (default nonrobust).
    ///   - options: Weights, ridge penalty, missing values and cluster corrections (its covariance is
    ///     replaced by `covariance` when that is given).
    /// - Returns: The model, which predicts, forecasts and runs scenarios on this history.
    /// - Throws: ``FormulaError``, ``DataError``, ``TimeError`` or ``RegressionError`` (for example
    ///   ``RegressionError/collinear(_:)`` naming the columns that depend on others).
    public func fit(_ formula: String, covariance: CovarianceType? = nil, options: RegressionOptions = .init()) throws -> LinearModel {
        try fit(Formula(formula), covariance: covariance, options: options)
    }

    /// Fits a parsed formula; see ``fit(_:covariance:options:)-(String,_,_)``.
    public func fit(_ formula: Formula, covariance: CovarianceType? = nil, options: RegressionOptions = .init()) throws -> LinearModel {
        var options = options
        if let covariance { options.covariance = covariance }
        if formula.usesTime, panel == nil { throw TimeError.noPeriodColumn(term: formula.timeTermName ?? formula.text) }
        return try ForecastingCore.fit(formula, to: data, panel: panel, only: nil, options: options)
    }
}

extension Formula {
    /// The first term that needs periods, for messages.
    package var timeTermName: String? {
        terms.flatMap(\.factors).first(where: { $0.expression.usesTime })?.name
    }
}

extension SalesHistory {
    /// The layout the usual column names give (`period`, `rep`, `team`), or `nil` without a period column.
    package static func detectedLayout(of data: Dataset) -> PanelLayout? {
        guard data.hasColumn("period") else { return nil }
        return PanelLayout(period: "period", entity: data.hasColumn("rep") ? "rep" : nil, group: data.hasColumn("team") ? "team" : nil)
    }
}

extension LinearModel {
    /// The panel the model was fitted on (with the data in ``trainingData``).
    package var trainingPanel: Panel? { provenance.sourcePanel }
}

extension SalesHistory {
    /// The history a single fit of `formula` needs: laid out in time when the formula has time terms,
    /// or when a HAC covariance can follow each rep's periods; otherwise a plain table, so a dataset
    /// with a `period` column that is not a panel (repeated periods) still fits.
    public static func forFitting(_ data: Dataset, formula: Formula, covariance: CovarianceType,
                                  period: String? = nil, rep: String? = nil, team: String? = nil) throws -> SalesHistory {
        let isHAC = if case .hac = covariance { true } else { false }
        let periodColumn = period ?? "period"
        guard formula.usesTime || (isHAC && data.hasColumn(periodColumn)) else { return try SalesHistory(data, layout: nil) }
        return try SalesHistory(data, period: periodColumn, rep: rep, team: team)
    }

    /// Files at least this large are fitted a block of rows at a time when the model allows it
    /// (``fitsInBlocks(csvPath:formula:options:)``): 32 MB.
    public static let blockFittingThreshold = 32 << 20

    /// Whether a fit of the file at `csvPath` should read it a block at a time: it is a file (not
    /// standard input) of at least ``blockFittingThreshold`` bytes and the model can be fitted that way.
    public static func fitsInBlocks(csvPath: String, formula: Formula, options: RegressionOptions) -> Bool {
        guard csvPath != "-", let size = try? FileManager.default.attributesOfItem(atPath: csvPath)[.size] as? Int,
              size >= blockFittingThreshold else { return false }
        // A mixed model needs every row at once: fitting its fixed part a block at a time would drop the random terms.
        return !formula.isMixed && canFitStreaming(formula, options: options)
    }
}
