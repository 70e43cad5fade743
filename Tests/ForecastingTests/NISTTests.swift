import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// The eleven NIST StRD linear-regression datasets, fitted through the public API and scored as log
/// relative error against NIST's certified values (Tests/Fixtures/nist, copied from shared/datasets/nist-strd).
/// Required: what the README and the DocC catalog promise, 13 correct digits for estimates, standard
/// errors, residual SD and R², 7.6 on Filip (``NISTDataset/requiredDigits``).
@Suite("NIST StRD certified accuracy")
struct NISTTests {
    @Test("Every NIST dataset reaches the required digits", arguments: try NISTDataset.all())
    func certified(_ dataset: NISTDataset) throws {
        let data = try CSVReader.read(path: dataset.csvPath)
        let results = try fit(dataset.formula, to: data)
        #expect(results.coefficients.count == dataset.estimates.count)
        let coefficientDigits = zip(results.coefficients, dataset.estimates).map { logRelativeError($0, certified: $1) }.min() ?? 0
        let errorDigits = zip(results.standardErrors, dataset.standardErrors).map { logRelativeError($0, certified: $1) }.min() ?? 0
        let sdDigits = logRelativeError(results.residualStandardError, certified: dataset.residualSD)
        let r2Digits = logRelativeError(results.rSquared, certified: dataset.rSquared)
        print(String(format: "NIST %-9@ digits: coef %5.2f  se %5.2f  resid sd %5.2f  R² %5.2f  (refinement steps %d)",
                     dataset.name as NSString, coefficientDigits, errorDigits, sdDigits, r2Digits, results.refinementSteps))
        #expect(coefficientDigits >= dataset.requiredDigits, "\(dataset.name) estimates: \(coefficientDigits) digits")
        #expect(errorDigits >= dataset.requiredDigits, "\(dataset.name) standard errors: \(errorDigits) digits")
        #expect(sdDigits >= dataset.requiredDigits, "\(dataset.name) residual SD: \(sdDigits) digits")
        #expect(r2Digits >= dataset.requiredDigits, "\(dataset.name) R²: \(r2Digits) digits")
    }

    @Test("The LRE scorer itself distinguishes good from bad estimates")
    func scorerCanFail() {
        #expect(logRelativeError(0.1, certified: "0.1") >= 15)
        #expect(abs(logRelativeError(1.001, certified: "1.0") - 3) < 0.01)
        #expect(logRelativeError(2, certified: "1") == 0)
        #expect(abs(logRelativeError(1e-10, certified: "0") - 10) < 1e-9)
    }
}
