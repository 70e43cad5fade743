/// A forecast, backtest or scan that cannot be made as asked.
public enum ForecastError: ForecastingError, Equatable {
    /// The history has no period column, so there is nothing to forecast from.
    case noPeriods(source: String)
    /// The horizon does not end after the history's last period.
    case horizonNotAfterHistory(horizon: String, lastPeriod: String)
    /// The history's periods are years, which cannot be summed into a quarter.
    case yearlyPeriods(source: String)
    /// The forecast periods need a category level the fitted rows never had (a season, say).
    case unseenLevelInForecast(term: String, level: String, known: [String])
    /// No activity column is left to build a default model from.
    case noActivities(source: String)
    /// Neither history nor a baseline plan was given.
    case nothingToPlanFrom
    /// The model uses the response as a predictor (`lag(revenue, 1)`); forecasts need activities only.
    case responseUsedAsPredictor(String)
    /// A backtest needs a response that is a column, such as `revenue`.
    case responseNotAColumn(String)
    /// Too few quarters of history for a backtest.
    case historyTooShort(quarters: Int, needed: Int)
    /// The leading-indicator scan's maximum lag is outside 0…60.
    case maximumLagOutOfRange(Int)
    /// A plan lacks an activity column the model needs.
    case planMissingActivity(String, source: String)
    /// A rep or other category in a plan that the model never saw.
    case unseenLevel(term: String, level: String, source: String, line: Int, known: [String])

    public var description: String {
        switch self {
        case let .noPeriods(source):
            "\(source): the history has no period column; forecasts need one (name it when loading the history)"
        case let .horizonNotAfterHistory(horizon, last):
            "horizon '\(horizon)': it must end after the history's last period, \(last)"
        case let .yearlyPeriods(source):
            "\(source): the periods are years; a quarterly forecast needs monthly, weekly or quarterly periods"
        case let .unseenLevelInForecast(term, level, known):
            "the forecast needs '\(level)' of '\(term)', which the rows the model was fitted on never had (they have \(known.joined(separator: ", "))); fit on a history that covers it"
        case let .noActivities(source):
            "\(source): no numeric activity column to model results with; name them (activities) or give a formula"
        case .nothingToPlanFrom:
            "give the history, a baseline plan, or both"
        case let .responseUsedAsPredictor(column):
            "the model uses the response '\(column)' as a predictor; forecasts need activities only"
        case let .responseNotAColumn(response):
            "the response '\(response)' must be a column, such as revenue, to score forecasts against it"
        case let .historyTooShort(quarters, needed):
            "the history has \(quarters) quarters; a backtest needs more than \(needed)"
        case let .maximumLagOutOfRange(lag):
            "maximum lag \(lag): it must be from 0 to 60"
        case let .planMissingActivity(column, source):
            "\(source): the plan has no column '\(column)', which the model needs; add the column, or have it projected from history"
        case let .unseenLevel(term, level, source, line, known):
            "\(source), line \(line): '\(level)' is a new level of '\(term)' that the model never saw (it knows \(known.prefix(8).joined(separator: ", "))\(known.count > 8 ? ", …" : "")); refit on a history that has it, or leave it out of the plan"
        }
    }
}

extension ScenarioError: ForecastingError {}
