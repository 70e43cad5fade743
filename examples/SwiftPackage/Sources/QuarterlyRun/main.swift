import Forecasting

// The whole quarterly run in code: load history, fit, forecast next quarter, run a scenario.
let data = try CSVReader.read(path: CommandLine.arguments.dropFirst().first ?? "../data/sales_history.csv")
let layout = PanelLayout(period: "period", entity: "rep", group: "team")
let formula = "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"
let results = try fit(formula, to: data, options: RegressionOptions(covariance: .cluster(["rep"]), panel: layout))
print(try results.summary())

let model = try LinearModel(results)
let request = ForecastRequest(horizon: try Period(parsing: "2026-Q4"), layout: layout)
let forecast = try forecastQuarter(history: data, model: model, request: request)
let total = forecast.total.rollUp
print("2026-Q4 revenue: \(Int(total.mean)), 80% interval \(Int(total.interval.lower)) to \(Int(total.interval.upper))")

let moreDemos = Scenario(name: "More demos", changes: [try ActivityChange(parsing: "demos=+20%")])
let outcome = try whatIf(history: data, model: model, request: request, scenarios: [moreDemos]).outcomes[0]
print("More demos: \(Int(outcome.difference)) (\(Int(outcome.differenceInterval.lower)) to \(Int(outcome.differenceInterval.upper)))")
