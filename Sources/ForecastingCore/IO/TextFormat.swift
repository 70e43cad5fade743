import Foundation

/// Number and column formatting for the text reports, after statsmodels' `forg`: four significant
/// digits, fixed notation when moderate. Every report of every layer formats through here.
package enum TextFormat {
    package static func cell(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return abs(x) >= 1e4 || (abs(x) < 1e-4 && x != 0) ? String(format: "%.4g", x) : String(format: "%.4f", x)
    }
    package static func fixed(_ x: Double, _ digits: Int) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : (x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf"))
    }
    package static func general(_ x: Double, digits: Int = 4) -> String {
        x.isFinite ? String(format: "%.\(digits)g", x) : (x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf"))
    }
    package static func pValueText(_ p: Double) -> String { p < 0.001 && p > 0 ? String(format: "%.2e", p) : fixed(p, 3) }
    package static func percent(_ level: Double) -> String { trimmed(level * 100) + "%" }
    package static func trimmed(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
    package static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width - 1)) + " " : s + String(repeating: " ", count: width - s.count)
    }
    package static func left(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
    package static func pair(_ item: (String, String), _ width: Int) -> String {
        let gap = max(1, width - item.0.count - item.1.count)
        return item.0 + String(repeating: " ", count: gap) + item.1
    }

    /// Two columns of label–value pairs side by side, 38 characters each: a summary's header block.
    package static func pairColumns(_ left: [(String, String)], _ right: [(String, String)]) -> String {
        var out = ""
        for k in 0..<max(left.count, right.count) {
            let l = k < left.count ? pair(left[k], 38) : String(repeating: " ", count: 38)
            let r = k < right.count ? pair(right[k], 38) : ""
            out += l + "  " + r + "\n"
        }
        return out
    }

    /// The column labels of an interval's bounds at `level`, such as `[0.025` and `0.975]`.
    package static func intervalLabels(_ level: Double) -> (low: String, high: String) {
        ("[\(trimmed((1 - level) / 2))", "\(trimmed(1 - (1 - level) / 2))]")
    }
}

/// Quoting for CSV output (RFC 4180).
package enum CSVText {
    package static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

