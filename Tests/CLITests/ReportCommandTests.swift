import Foundation
import Testing
import TestSupport

@Suite("salesforecast report")
struct ReportCommandTests {
    static let arguments = ["report", "--history", Example.history, "--horizon", "2026-Q4", "--formula", Example.readmeFormula,
                            "--quota", Example.quotas, "--scenarios", Example.scenarios, "--cluster", "rep"]
    static let scenarioNames = ["More demos", "Fewer cold calls", "Two hires in SMB-East"]

    /// 10780027.4 → "10,780,027".
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    @Test("HTML to --output: a self-contained page with the six sections and their SVG charts")
    func html() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("report.html")
            let run = try runSucceeding(Self.arguments + ["--output", output.path])
            #expect(run.stdout.isEmpty)
            let html = try String(contentsOf: output, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html"))
            #expect(html.contains("</html>"))
            let charts = html.components(separatedBy: "<svg").count - 1
            #expect(charts >= 6, "\(charts) charts")
            for heading in ["Forecast against history", "Chance of reaching quota", "Which activities drive results",
                            "Activity against productivity", "How the forecasts have done", "Scenarios"] {
                #expect(html.contains("<h2>\(heading)</h2>"), "no section '\(heading)'")
            }
            #expect(html.contains("<h1>Quarterly forecast: revenue, 2026-Q4</h1>"))
            // No scripts and nothing fetched from the network.
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"))
            for name in Self.scenarioNames { #expect(html.contains(name), "scenario '\(name)' missing") }
            for rep in ["Owen Murphy", "Zoe Fischer", "Dmitri Volkov"] { #expect(html.contains(rep)) }
        }
    }

    @Test("--markdown: headings, Markdown tables, the forecast's total and the scenarios")
    func markdown() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("report.md")
            _ = try runSucceeding(Self.arguments + ["--markdown", "--output", output.path])
            let markdown = try String(contentsOf: output, encoding: .utf8)
            let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "# Quarterly forecast: revenue, 2026-Q4")
            for heading in ["## Forecast", "## Drivers", "## Backtest", "## Scenarios"] {
                #expect(lines.contains(heading), "no heading '\(heading)'")
            }
            // A Markdown table: a header row, then a delimiter row of dashes (with alignment colons), then rows.
            let delimiters = lines.indices.filter { index in
                let line = lines[index]
                return line.hasPrefix("|---") && line.allSatisfy { "|-: ".contains($0) } && index > 0
                    && lines[index - 1].hasPrefix("|") && index + 1 < lines.count && lines[index + 1].hasPrefix("|")
            }
            #expect(delimiters.count >= 4, "\(delimiters.count) tables")
            for index in delimiters {
                let columns = lines[index].split(separator: "|").count
                #expect(lines[index - 1].split(separator: "|", omittingEmptySubsequences: false).count - 2 == columns,
                        "table header and delimiter disagree: \(lines[index - 1])")
            }
            // The total is the forecast command's, with the same covariance.
            let forecast = try jsonObject(runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4",
                                                         "--formula", Example.readmeFormula, "--quota", Example.quotas,
                                                         "--cluster", "rep", "--format", "json"]).stdout)
            let total = try #require(double((forecast["total"] as? [String: Any])?["mean"]))
            #expect(markdown.contains("Expected **\(Self.grouped(total))**"), "total \(Self.grouped(total)) not in the summary")
            for name in Self.scenarioNames {
                #expect(lines.contains { $0.hasPrefix("| \(name) |") }, "no table row for scenario '\(name)'")
            }
            #expect(lines.contains { $0.hasPrefix("| Owen Murphy |") && $0.contains("busy but not productive") },
                    "Owen Murphy not placed as busy but not productive")
        }
    }

    @Test("--family negbin: the summary, the forecast table and the fan chart's sentence show the forecast command's whole-number bands; drivers are rate ratios")
    func countReport() throws {
        let formula = "deals_won ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')"
        let common = ["--history", Example.history, "--horizon", "2026-Q4", "--formula", formula, "--family", "negbin"]
        let forecast = try jsonObject(runSucceeding(["forecast"] + common + ["--format", "json", "--quiet"]).stdout)
        let total = try #require(forecast["total"] as? [String: Any])
        let lower = try #require(int(total["obs_ci_lower"])), upper = try #require(int(total["obs_ci_upper"]))
        let mean = try #require(double(total["mean"]))
        try withTemporaryDirectory { directory in
            let markdownPath = directory.appendingPathComponent("report.md"), htmlPath = directory.appendingPathComponent("report.html")
            _ = try runSucceeding(["report"] + common + ["--markdown", "--output", markdownPath.path])
            let markdown = try String(contentsOf: markdownPath, encoding: .utf8)
            #expect(markdown.contains("Expected **\(Self.grouped(mean))** (80% range \(Self.grouped(Double(lower))) to \(Self.grouped(Double(upper))))"))
            #expect(markdown.contains("| **Total** | \(String(format: "%.2f", mean)) | \(lower) | \(upper) |"))
            // Every rep row of the forecast table has whole-number bands.
            let repRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| Owen Murphy |") || $0.hasPrefix("| Zoe Fischer |") }
            #expect(repRows.count >= 2)
            for row in repRows.prefix(2) {
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(Int(cells[2]) != nil && Int(cells[3]) != nil, "\(row)")
            }
            #expect(markdown.contains("| rank | activity | term | rate ratio |"))
            _ = try runSucceeding(["report"] + common + ["--output", htmlPath.path])
            let html = try String(contentsOf: htmlPath, encoding: .utf8)
            #expect(html.contains("There is an 80% chance the quarter lands between \(Self.grouped(Double(lower))) and \(Self.grouped(Double(upper)))"))
        }
    }
}
