import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// Yearly panels: years (`1935`) are a kind of period, with lags and HAC-panel over years.
@Suite("Yearly panels")
struct YearlyPanelTests {
    @Test("A year reads as a period and steps by years")
    func yearPeriod() throws {
        let year = try #require(Period("1935"))
        #expect(year.frequency == .year && year.description == "1935" && year.advanced(by: 2).description == "1937")
        #expect(Period("193") == nil && Period("19355") == nil)
    }

    @Test("HAC-panel on a yearly panel equals statsmodels' cov_type='hac-panel' (use_t=True) to 9 digits")
    func hacPanel() throws {
        // Reference: YearlyHACPanelReference below, from Tests/Reference/yearly_hac_panel_reference.py
        // (statsmodels 0.15.0, Grunfeld data, 11 firms × 20 years, maxlags 2, Bartlett kernel).
        let data = try CSVReader.read(path: Fixtures.path("yearly_panel.csv"))
        let history = try SalesHistory(data, period: "year", rep: "firm")
        #expect(history.panel?.frequency == .year)
        let model = try history.fit(YearlyHACPanelReference.formula, covariance: .hac(lags: YearlyHACPanelReference.maxLags))
        #expect(model.columnNames == YearlyHACPanelReference.terms)
        #expect(model.inferenceDegreesOfFreedom == YearlyHACPanelReference.dfResidInference)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }
        for k in 0..<3 {
            #expect(close(model.coefficients[k], YearlyHACPanelReference.params[k]), "params[\(k)]")
            #expect(close(model.standardErrors[k], YearlyHACPanelReference.bse[k]), "bse[\(k)]: \(model.standardErrors[k])")
            #expect(close(model.pValues[k], YearlyHACPanelReference.pvalues[k]), "p[\(k)]: \(model.pValues[k])")
            for j in 0..<3 {
                #expect(close(model.covariance[k, j], YearlyHACPanelReference.covariance[k][j]), "cov[\(k), \(j)]")
            }
        }
        let intervals = try model.confidenceIntervals(level: 0.95)
        for k in 0..<3 {
            #expect(close(intervals[k].lower, YearlyHACPanelReference.confIntLower[k]))
            #expect(close(intervals[k].upper, YearlyHACPanelReference.confIntUpper[k]))
        }
        #expect(close(model.fStatistic, YearlyHACPanelReference.fvalue), "F \(model.fStatistic)")
    }

    @Test("Lags step over years within a firm")
    func yearlyLag() throws {
        let data = try CSVReader.read(path: Fixtures.path("yearly_panel.csv"))
        let model = try SalesHistory(data, period: "year", rep: "firm").fit("invest ~ lag(value, 1) + capital")
        // The first year of each of the 11 firms has no lag.
        #expect(model.observationCount == 220 - 11 && model.rowsWithoutHistory == 11)
    }

    @Test("A quarterly forecast of a yearly panel is refused in one line")
    func yearlyForecastRefused() throws {
        let data = try CSVReader.read(path: Fixtures.path("yearly_panel.csv"))
        let model = try SalesHistory(data, period: "year", rep: "firm").fit("invest ~ value + capital")
        #expect(throws: ForecastError.yearlyPeriods(source: Fixtures.path("yearly_panel.csv"))) { try model.forecast("1955-Q1") }
    }
}

/// statsmodels 0.15.0 (pandas 3.1.1, numpy 2.4.6): Tests/Reference/yearly_hac_panel_reference.py on
/// Tests/Fixtures/yearly_panel.csv, `smf.ols("invest ~ value + capital").fit(cov_type="hac-panel",
/// cov_kwds={"groups": firm, "maxlags": 2}, use_t=True)`.
enum YearlyHACPanelReference {
    static let fixture = "Tests/Fixtures/yearly_panel.csv"
    static let formula = "invest ~ value + capital"
    static let maxLags = 2
    static let n = 220
    static let groups = 11
    static let terms = ["Intercept", "value", "capital"]
    static let params: [Double] = [-38.410053986392015, 0.1145343630106262, 0.2275141255498711]
    static let bse: [Double] = [13.62442451860089, 0.009806783653074951, 0.06344569518169282]
    static let tvalues: [Double] = [-2.8192056063690822, 11.679095518204232, 3.585966311793523]
    static let pvalues: [Double] = [0.018185467750438944, 3.768071387222803e-07, 0.004962246700697661]
    static let confIntLower: [Double] = [-68.76716359224105, 0.09268348734018601, 0.086148307124263]
    static let confIntUpper: [Double] = [-8.052944380542986, 0.13638523868106636, 0.3688799439754792]
    static let dfResidInference: Double = 10.0
    static let dfResid: Double = 217.0
    static let fvalue: Double = 91.36455962953673
    static let fPvalue: Double = 3.760653466237537e-07
    /// cov_params(), rows/columns in the order of `terms`.
    static let covariance: [[Double]] = [
        [185.62494346305309, 0.0026462589354766274, -0.7323710713908564],
        [0.002646258935476607, 9.617300561821809e-05, -0.0001594594177547483],
        [-0.7323710713908564, -0.00015945941775474817, 0.00402535623708828],
    ]
}
