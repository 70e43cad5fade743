import Forecasting
import Foundation

// The whole quarterly run in code: load the history, fit, forecast next quarter, run a scenario.
let history = try SalesHistory(contentsOf: URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "../data/sales_history.csv"))
let model = try history.fit("revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')",
                            covariance: .cluster(["rep"]))
let forecast = try model.forecast("2026-Q4")
let moreDemos = try model.whatIf(["demos=+20%"], in: "2026-Q4")
print(model, forecast, moreDemos, separator: "\n")
