import Foundation

/// One case of Tests/Reference/lme4_reference.json (written by lme4_reference.R with R 4.2.2,
/// lme4 1.1.31, lmerTest 3.1.3; every model fitted with tight nloptwrap and bobyqa settings, the
/// lower criterion kept).
struct LME4Case: @unchecked Sendable {
    struct Fixed { let term: String; let estimate, stdError, df, t, p, ciLower, ciUpper: Double }
    struct Component { let group: String; let term: String?; let term2: String?; let variance, stdDev, covariance, correlation: Double? }
    struct Mode { let group, level, term: String; let estimate, stdError: Double }

    let id: String
    let reml: Bool
    let n: Int
    let theta: [Double]
    let sigma, logLik, criterion, aic, bic: Double
    let df: Int
    let fixed: [Fixed]
    let vcov: [[Double]]
    let components: [Component]
    let modes: [Mode]
    let singular: Bool

    static func load() throws -> [String: LME4Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.reference))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else { throw TestDataError.malformed("lme4_reference.json") }
        var result: [String: LME4Case] = [:]
        for c in cases {
            func number(_ key: String, in dictionary: [String: Any]) -> Double { (dictionary[key] as? NSNumber)?.doubleValue ?? .nan }
            func optional(_ key: String, in dictionary: [String: Any]) -> Double? { (dictionary[key] as? NSNumber)?.doubleValue }
            guard let id = c["id"] as? String else { continue }
            let fixed = (c["fixed"] as? [[String: Any]] ?? []).map {
                Fixed(term: $0["term"] as? String ?? "", estimate: number("estimate", in: $0), stdError: number("std_error", in: $0),
                      df: number("df", in: $0), t: number("t", in: $0), p: number("p", in: $0),
                      ciLower: number("ci_lower", in: $0), ciUpper: number("ci_upper", in: $0))
            }
            let components = (c["variance_components"] as? [[String: Any]] ?? []).map {
                Component(group: $0["group"] as? String ?? "", term: $0["term"] as? String, term2: $0["term2"] as? String,
                          variance: optional("variance", in: $0), stdDev: optional("std_dev", in: $0),
                          covariance: optional("covariance", in: $0), correlation: optional("correlation", in: $0))
            }
            let modes = (c["random_effects"] as? [[String: Any]] ?? []).map {
                Mode(group: $0["group"] as? String ?? "", level: $0["level"] as? String ?? "", term: $0["term"] as? String ?? "",
                     estimate: number("estimate", in: $0), stdError: number("std_error", in: $0))
            }
            result[id] = LME4Case(
                id: id, reml: c["reml"] as? Bool ?? true, n: (c["n"] as? NSNumber)?.intValue ?? 0,
                theta: (c["theta"] as? [NSNumber] ?? []).map(\.doubleValue),
                sigma: number("sigma", in: c), logLik: number("logLik", in: c), criterion: number("criterion", in: c),
                aic: number("AIC", in: c), bic: number("BIC", in: c), df: (c["df"] as? NSNumber)?.intValue ?? 0,
                fixed: fixed, vcov: (c["vcov"] as? [[NSNumber]] ?? []).map { $0.map(\.doubleValue) },
                components: components, modes: modes, singular: c["singular"] as? Bool ?? false)
        }
        return result
    }
}
