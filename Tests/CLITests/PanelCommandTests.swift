import Foundation
import Testing
import TestSupport

/// The example CRM exports and the flags that rebuild the example history from them.
private enum CRM {
    static let activities = Fixtures.root.appendingPathComponent("examples/data/crm/activities.csv").path
    static let deals = Fixtures.root.appendingPathComponent("examples/data/crm/deals.csv").path
    static let roster = Fixtures.root.appendingPathComponent("examples/data/crm/roster.csv").path
    static let typeMap = "Call=calls,Inbound Call=calls,Email=emails,Meeting=meetings,Demo=demos,Proposal=proposals"
    static func arguments(_ extra: [String] = []) -> [String] {
        ["panel", "--activities", activities, "--results", deals, "--roster", roster, "--timezone", "America/New_York",
         "--type-map", typeMap] + extra
    }
}

/// Cents of a revenue cell written with at most two decimals, read from its digits (no float rounding).
private func cents(_ text: String) -> Int? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard let whole = Int(parts[0]) else { return nil }
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    guard fraction.count <= 2, let f = Int(fraction.isEmpty ? "0" : fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) else { return nil }
    return whole * 100 + (text.hasPrefix("-") ? -f : f)
}

/// A panel's rows keyed by "period rep", each a column → cell map.
private func keyed(_ table: CSVTable) -> [String: [String: String]] {
    var result: [String: [String: String]] = [:]
    for row in table.rows {
        let cells = Dictionary(uniqueKeysWithValues: zip(table.header, row))
        result["\(cells["period"] ?? "") \(cells["rep"] ?? "")"] = cells
    }
    return result
}

@Suite("salesforecast panel")
struct PanelCommandTests {
    static let counted = ["calls", "emails", "meetings", "demos", "proposals", "deals_won"]

    @Test("The example exports rebuild examples/data/sales_history.csv: every count, revenue to the cent, team and tenure")
    func rebuildsTheExampleHistory() throws {
        let run = try runSucceeding(CRM.arguments())
        let panel = CSVTable(run.stdout)
        #expect(panel.header == ["period", "rep", "team", "calls", "emails", "meetings", "demos", "proposals", "deals_won", "revenue", "tenure_months"])
        let history = CSVTable(try String(contentsOfFile: Example.history, encoding: .utf8))
        let built = keyed(panel), expected = keyed(history)
        #expect(built.count == 1181 && expected.count == 1181)
        #expect(Set(built.keys) == Set(expected.keys))
        var compared = 0
        for (key, want) in expected {
            let got = try #require(built[key], "\(key) missing from the panel")
            for column in Self.counted + ["team", "tenure_months"] {
                #expect(got[column] == want[column], "\(key) \(column): panel \(got[column] ?? "-"), history \(want[column] ?? "-")")
            }
            #expect(cents(got["revenue"] ?? "") == cents(want["revenue"] ?? "x"), "\(key) revenue")
            compared += 1
        }
        #expect(compared == 1181)
        // Sorted as the history is, by period then rep.
        #expect(panel.column("period") == history.column("period") && panel.column("rep") == history.column("rep"))
        #expect(run.stderr.contains("activities: 1034048 rows read"))
        #expect(run.stderr.contains("Inbound Call → calls: 38034"))
        #expect(run.stderr.contains("Closed Lost: 11436"))
        #expect(run.stderr.contains("outside employment (left out): 0 activities, 0 deals"))
    }

    @Test("Without --timezone, evening activities logged in UTC fall into the next month: the totals agree, the months do not")
    func timezoneMatters() throws {
        let inZone = keyed(CSVTable(try runSucceeding(CRM.arguments(["-q"])).stdout))
        let run = try runSucceeding(["panel", "--activities", CRM.activities, "--results", CRM.deals, "--roster", CRM.roster,
                                     "--type-map", CRM.typeMap])
        let inUTC = keyed(CSVTable(run.stdout))
        #expect(run.stderr.contains("cut into days in UTC"))
        var differing = 0
        var totals = (inZone: 0, inUTC: 0)
        for (key, row) in inZone {
            if inUTC[key]?["calls"] != row["calls"] { differing += 1 }
            totals.inZone += Int(row["calls"] ?? "") ?? 0
        }
        for row in inUTC.values { totals.inUTC += Int(row["calls"] ?? "") ?? 0 }
        #expect(differing > 100)
        // The calls only move between months (those of the evening of 2026-09-30 into a 2026-10 the UTC panel gains):
        // both panels count every call.
        #expect(totals.inZone == totals.inUTC)
    }

    @Test("Quarter rows are the sums of their months; week rows sum to each rep's month totals (ISO weeks)")
    func weeksAndQuartersAgreeWithMonths() throws {
        let months = CSVTable(try runSucceeding(CRM.arguments(["-q"])).stdout)
        let quarters = CSVTable(try runSucceeding(CRM.arguments(["-q", "--by", "quarter"])).stdout)
        let weeks = CSVTable(try runSucceeding(CRM.arguments(["-q", "--by", "week"])).stdout)
        #expect(weeks.column("period")?.allSatisfy { $0.count == 8 && $0.dropFirst(4).hasPrefix("-W") } == true)
        #expect(quarters.column("period")?.allSatisfy { $0.dropFirst(4).hasPrefix("-Q") } == true)
        func sums(_ table: CSVTable, period: (String) -> String) -> [String: [Int]] {
            var result: [String: [Int]] = [:]
            for row in table.rows {
                let cells = Dictionary(uniqueKeysWithValues: zip(table.header, row))
                let key = "\(period(cells["period"] ?? "")) \(cells["rep"] ?? "")"
                let values = Self.counted.map { Int(cells[$0] ?? "") ?? -1 } + [cents(cells["revenue"] ?? "") ?? -1]
                result[key] = zip(result[key] ?? Array(repeating: 0, count: values.count), values).map { $0 + $1 }
            }
            return result
        }
        let quarterOfMonth: (String) -> String = { "\($0.prefix(4))-Q\(((Int($0.suffix(2)) ?? 1) - 1) / 3 + 1)" }
        let monthSums = sums(months, period: quarterOfMonth), quarterSums = sums(quarters, period: { $0 })
        #expect(monthSums == quarterSums)
        #expect(quarterSums.count == quarters.rows.count && quarters.rows.count > 12 * 30)
        let repTotalsByMonth = sums(months, period: { _ in "all" }), repTotalsByWeek = sums(weeks, period: { _ in "all" })
        #expect(repTotalsByMonth == repTotalsByWeek)
        // 2024-W01 starts on Monday 2024-01-01; 2025-W01 on Monday 2024-12-30, so it spans the year end.
        #expect(weeks.column("period")?.contains("2025-W01") == true)
        #expect(weeks.column("period")?.contains("2024-W52") == true && weeks.column("period")?.contains("2024-W53") == false)
    }

    @Test("Without a type map, types are named by the rule and listed as such")
    func namingRule() throws {
        let run = try runSucceeding(["panel", "--activities", CRM.activities, "--results", CRM.deals, "--roster", CRM.roster])
        #expect(CSVTable(run.stdout).header == ["period", "rep", "team", "calls", "demos", "emails", "inbound_calls", "meetings", "proposals",
                                                  "deals_won", "revenue", "tenure_months"])
        #expect(run.stderr.contains("Inbound Call → inbound_calls: 38034 (named by the rule)"))
        let partial = try runSucceeding(["panel", "--activities", CRM.activities, "--results", CRM.deals, "--type-map", "Inbound Call=calls"])
        #expect(partial.stderr.contains("types not in --type-map: Email, Call, Meeting, Demo, Proposal"))
        #expect(partial.stderr.contains("employment: no roster"))
        #expect(CSVTable(partial.stdout).header.first(where: { $0 == "team" }) == nil)
    }

    @Test("Bad input: one located line, exit 1, no output file and an existing one untouched", arguments: [
        ("date,rep,type\n2026-01-05,Ann,Call\n2026-13-01,Ann,Call\n", "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n",
         "activities.csv, line 3, column 'date': '2026-13-01' is not an ISO 8601 date"),
        ("date,rep,type\n2026-01-05,Ann,Call\n", "close_date,rep,amount,stage\n2026-01-31,Ann,ten,Closed Won\n",
         "deals.csv, line 2, column 'amount': 'ten' is not a number"),
        ("date,rep,type\n2026-01-05,Ann,Call\n2026-01-06,Zed,Call\n", "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n",
         "activities.csv, line 3, column 'rep': rep 'Zed' is not in the roster"),
        ("date,rep,type\n", "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n", "activities.csv: the export has no rows"),
        ("date,rep,type\n2026-01-05,Ann,Call\n", "close_date,rep,value,stage\n2026-01-31,Ann,10,Closed Won\n",
         "deals.csv, line 1: no column named 'amount'"),
    ])
    func badInput(_ activities: String, _ deals: String, _ fragment: String) throws {
        try withTemporaryDirectory { directory in
            let a = directory.appendingPathComponent("activities.csv"), d = directory.appendingPathComponent("deals.csv")
            let r = directory.appendingPathComponent("roster.csv")
            try write(activities, to: a)
            try write(deals, to: d)
            try write("rep,team,start_date\nAnn,East,2025-01-01\n", to: r)
            let output = directory.appendingPathComponent("panel.csv")
            let run = try CLIRunner.run(["panel", "--activities", a.path, "--results", d.path, "--roster", r.path, "--output", output.path])
            #expect(run.status == 1)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && run.stderr.contains(fragment), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: output.path))
            try write("old\n", to: output)
            _ = try CLIRunner.run(["panel", "--activities", a.path, "--results", d.path, "--roster", r.path, "--output", output.path])
            #expect(try String(contentsOf: output, encoding: .utf8) == "old\n")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".panel.csv") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("Exports → panel → forecast: the panel feeds the main forecast unchanged")
    func panelThenForecast() throws {
        try withTemporaryDirectory { directory in
            let panel = directory.appendingPathComponent("panel.csv").path
            _ = try runSucceeding(CRM.arguments(["-q", "--output", panel]))
            let fromPanel = try runSucceeding(["forecast", "--history", panel, "--horizon", "2026-Q4", "--format", "csv"])
            let fromHistory = try runSucceeding(["forecast", "--history", Example.history, "--horizon", "2026-Q4", "--format", "csv"])
            let a = CSVTable(fromPanel.stdout), b = CSVTable(fromHistory.stdout)
            #expect(a.rows.count == b.rows.count && a.rows.count > 30)
            #expect(a.column("name") == b.column("name"))
            for column in ["mean", "obs_ci_lower", "obs_ci_upper"] {
                let ours = try #require(a.numbers(column)), theirs = try #require(b.numbers(column))
                for (x, y) in zip(ours, theirs) { #expect(abs(x - y) <= 1e-8 * max(1, abs(y)), "\(column): \(x) vs \(y)") }
            }
        }
    }
}
