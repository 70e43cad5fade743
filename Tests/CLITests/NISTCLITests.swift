import Foundation
import Testing
import TestSupport

/// The NIST StRD datasets through the command line: `salesforecast fit --format json`, whose numbers
/// are printed as the shortest text that reads back as the same double, scored like the API tests.
@Suite("NIST StRD through the CLI")
struct NISTCLITests {
    @Test("CLI JSON keeps the certified digits", arguments: try NISTDataset.all())
    func certifiedThroughCLI(_ dataset: NISTDataset) throws {
        let run = try CLIRunner.run(["fit", dataset.csvPath, "--formula", dataset.formula, "--format", "json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let coefficients = try #require(document["coefficients"] as? [[String: Any]])
        let estimates = coefficients.compactMap { ($0["estimate"] as? NSNumber)?.doubleValue }
        let errors = coefficients.compactMap { ($0["std_error"] as? NSNumber)?.doubleValue }
        #expect(estimates.count == dataset.estimates.count)
        let coefficientDigits = zip(estimates, dataset.estimates).map { logRelativeError($0, certified: $1) }.min() ?? 0
        // Exact fits (Wampler1, 2) certify standard errors of 0, printed by JSON as the number 0.
        let errorDigits = zip(errors, dataset.standardErrors).map { logRelativeError($0, certified: $1) }.min() ?? 0
        let sd = try #require((document["sigma"] as? NSNumber)?.doubleValue)
        let r2 = try #require((document["r_squared"] as? NSNumber)?.doubleValue)
        let sdDigits = logRelativeError(sd, certified: dataset.residualSD)
        let r2Digits = logRelativeError(r2, certified: dataset.rSquared)
        print(String(format: "NIST via CLI %-9@ digits: coef %5.2f  se %5.2f  resid sd %5.2f  R² %5.2f",
                     dataset.name as NSString, coefficientDigits, errorDigits, sdDigits, r2Digits))
        #expect(min(coefficientDigits, errorDigits, sdDigits, r2Digits) >= dataset.requiredDigits)
    }
}
