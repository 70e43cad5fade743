import Foundation

/// Paths to the files under `Tests/Fixtures` and the repository root.
public enum Fixtures {
    /// The repository root (three levels above this file).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `Tests/Fixtures`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// A fresh temporary directory for a test.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("salesforecast-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The NIST StRD linear-regression datasets and their certified values (Tests/Fixtures/nist).
public struct NISTDataset: Sendable {
    public var name: String
    /// Our formula for the NIST model, e.g. `y ~ x + I(x^2)` or `y ~ x - 1`.
    public var formula: String
    /// Certified values as NIST's decimal strings.
    public var estimates: [String]
    public var standardErrors: [String]
    public var residualSD: String
    public var rSquared: String

    public static func all() throws -> [NISTDataset] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("nist/certified.json")))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [] }
        return try root.keys.sorted().map { name in
            guard let entry = root[name], let parameters = entry["parameters"] as? [[String: Any]],
                  let intercept = entry["intercept"] as? Bool else { throw FixtureError.malformed(name) }
            let formula: String
            if name == "Longley" {
                formula = "y ~ x1 + x2 + x3 + x4 + x5 + x6"
            } else {
                guard let degree = entry["degree"] as? Int else { throw FixtureError.malformed(name) }
                let terms = ["x"] + (2...max(2, degree)).filter { $0 <= degree }.map { "I(x^\($0))" }
                formula = "y ~ " + terms.joined(separator: " + ") + (intercept ? "" : " - 1")
            }
            return NISTDataset(
                name: name, formula: formula,
                estimates: parameters.compactMap { $0["estimate"] as? String },
                standardErrors: parameters.compactMap { $0["std_error"] as? String },
                residualSD: entry["residual_sd"] as? String ?? "", rSquared: entry["r_squared"] as? String ?? "")
        }
    }

    public var csvPath: String { Fixtures.path("nist/\(name).csv") }
    /// The minimum number of correct digits: what the README and the DocC catalog promise (at least 13
    /// for every estimate, standard error, residual SD and R², 7.6 on Filip).
    public var requiredDigits: Double { name == "Filip" ? 7.6 : 13 }
}

public enum FixtureError: Error { case malformed(String) }

/// Log relative error as NIST scores it: −log₁₀(|est − cert| / |cert|), or −log₁₀|est − cert| when
/// cert is 0, clipped to [0, 15]. The difference is taken in 38-digit decimal arithmetic against
/// the certified decimal text, so the certified value is never rounded to a double first.
public func logRelativeError(_ estimate: Double, certified: String) -> Double {
    guard estimate.isFinite, let cert = Decimal(string: certified),
          let est = Decimal(string: String(format: "%.30e", estimate)) else { return 0 }
    let difference = abs((est - cert) as Decimal)
    if difference == 0 { return 15 }
    let denominator = cert == 0 ? Decimal(1) : abs(cert)
    let ratio = NSDecimalNumber(decimal: difference / denominator).doubleValue
    return min(15, max(0, -log10(ratio)))
}
