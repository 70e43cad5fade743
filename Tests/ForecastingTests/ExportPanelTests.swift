import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// Writes the files of one test into a fresh temporary folder.
private struct ExportFiles {
    let folder: URL
    init() throws { folder = try Fixtures.temporaryDirectory() }
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

private func panel(_ activities: String, _ deals: String, roster: String? = nil, options: ExportPanelOptions = .init()) throws -> ActivityPanel {
    let files = try ExportFiles()
    return try ActivityPanel(activities: files.write("activities.csv", activities), deals: files.write("deals.csv", deals),
                             roster: try roster.map { try files.write("roster.csv", $0) }, options: options)
}

private func row(_ panel: ActivityPanel, _ period: String, _ rep: String) -> ActivityPanel.Row? {
    panel.rows.first { $0.period.description == period && $0.rep == rep }
}

private func count(_ panel: ActivityPanel, _ row: ActivityPanel.Row?, _ column: String) -> Int? {
    guard let row, let index = panel.activityColumns.firstIndex(of: column) else { return nil }
    return row.counts[index]
}

private func exportError(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

@Suite("CRM exports to a panel")
struct ExportPanelTests {
    @Test("Type names: lower case, underscores, a trailing s", arguments: [
        ("Call", "calls"), ("Proposal", "proposals"), ("Inbound Call", "inbound_calls"), ("  DEMO ", "demos"),
        ("Sales Process", "sales_process"), ("Follow-up  Email", "follow_up_emails"), ("LinkedIn InMail", "linkedin_inmails"),
    ])
    func typeNames(_ type: String, _ column: String) {
        #expect(ActivityTypeMap.columnName(for: type) == column)
    }

    @Test("A type map renames and merges, ignoring case; other types follow the rule")
    func typeMap() throws {
        let map = try ActivityTypeMap(parsing: "Call=calls, inbound call = calls,Mtg=meetings")
        #expect(map.column(for: "Inbound Call") == "calls")
        #expect(map.column(for: "MTG") == "meetings")
        #expect(map.mappedColumn(for: "Demo") == nil)
        #expect(map.column(for: "Demo") == "demos")
        #expect(throws: ExportError.invalidTypeMap(entry: "Call")) { try ActivityTypeMap(parsing: "Call") }
        #expect(throws: ExportError.invalidTypeMap(entry: "=calls")) { try ActivityTypeMap(parsing: "=calls") }
    }

    @Test("Amounts are read to the cent exactly, and more precision is refused, not rounded")
    func amounts() throws {
        let cases: [(String, Int64)] = [("1234.56", 123456), ("1234.5", 123450), ("1234.500", 123450), ("-0.05", -5), ("+7", 700),
                                        ("1e3", 100000), ("0.00", 0), ("12.3E-1", 123), ("92233720368547758.07", .max)]
        for (text, cents) in cases {
            #expect((try? CentAmount.parse(Substring(text)).get())?.cents == cents, "\(text)")
        }
        for text in ["1234.567", "0.001", "1e-3"] {
            #expect(throws: AmountProblem.belowCents) { try CentAmount.parse(Substring(text)).get() }
        }
        for text in ["", "abc", "12,50", "1.2.3", "$5", "1e"] {
            #expect(throws: AmountProblem.notANumber) { try CentAmount.parse(Substring(text)).get() }
        }
        #expect(throws: AmountProblem.tooLarge) { try CentAmount.parse(Substring("92233720368547758.08")).get() }
        // A number the CSV reader already parsed is read through its shortest text: 0.1 is 10 cents, not 10.000000000000000555.
        #expect(try CentAmount.parse(0.1).get().cents == 10)
        #expect(try CentAmount.parse(56178.32).get().cents == 5617832)
        #expect(throws: AmountProblem.belowCents) { try CentAmount.parse(0.125).get() }
        #expect(CentAmount(cents: -5).description == "-0.05")
        #expect(CentAmount(cents: 123450).description == "1234.50")
        #expect(CentAmount(cents: .max).adding(CentAmount(cents: 1)) == nil)
    }

    @Test("Dates and timestamps read by hand; bad ones refused")
    func dates() {
        var reader = ExportDateReader(timeZone: nil)
        let day = Period.daysFromCivil(2026, 3, 15)
        for text in ["2026-03-15", " 2026-03-15 ", "2026-03-15T09:30", "2026-03-15 09:30:00", "2026-03-15T09:30:00.250",
                     "2026-03-15T23:59:59", "2026-03-15T09:30:00Z", "2026-03-15T23:30:00+00:30", "2026-03-16T01:00:00+02:00",
                     "2026-03-16T01:00+0200", "2026-03-16T01:00+02", "2026-03-14T24:00"] {
            #expect(reader.day(of: text) == day, "\(text)")
        }
        #expect(reader.day(of: "2026-03-15T20:00:00-05:00") == day + 1)  // 01:00 UTC the next day, cut in UTC
        for text in ["2026-02-29", "2026-3-15", "15/03/2026", "2026-03-15T25:00", "2026-03-15X", "2026-03-15T09:30+2", "20260315",
                     "2026-03-15T09", "2026-03-15T09:30:00ZZ", "", "2026-13-01", "2026-03-15T24:30"] {
            #expect(reader.day(of: text) == nil, "\(text)")
        }
    }

    @Test("Days cut in a time zone agree with Foundation's calendar every 17 minutes through two years, DST changes included",
          arguments: ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Europe/Berlin", "UTC"])
    func timeZones(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var reader = ExportDateReader(timeZone: zone)
        var instant = Int(Period.daysFromCivil(2025, 1, 1)) * 86400 + 7
        let end = Int(Period.daysFromCivil(2027, 1, 1)) * 86400
        var checked = 0
        while instant < end {
            let date = Date(timeIntervalSince1970: TimeInterval(instant))
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = Period.daysFromCivil(parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            let utcDay = Period.floorDivide(instant, 86400), seconds = instant - utcDay * 86400
            let (y, m, d) = Period.civil(fromDays: utcDay)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, seconds / 3600, seconds / 60 % 60, seconds % 60)
            #expect(reader.day(of: text) == expected, "\(text) in \(identifier)")
            instant += 17 * 60
            checked += 1
        }
        #expect(checked > 60_000)
    }

    @Test("Won stages: by default names like Closed Won or Won, else the ones given")
    func wonStages() {
        let rule = WonStages()
        for stage in ["Closed Won", "closedwon", "CLOSED_WON", "Won", " won ", "Closed-Won"] { #expect(rule.contains(stage), "\(stage)") }
        for stage in ["Closed Lost", "Open", "Won't buy", "Negotiation", "Closed"] { #expect(!rule.contains(stage), "\(stage)") }
        let signed = WonStages(["Signed", "Booked"])
        #expect(signed.contains("signed") && signed.contains(" Booked"))
        #expect(!signed.contains("Closed Won"))
    }

    @Test("A roster gives teams, tenure and employment: zeros inside, nothing outside, records outside left out")
    func roster() throws {
        let activities = """
            date,rep,type
            2026-01-20,Ann,Call
            2026-01-05,Ann,Call
            2026-03-02,Ann,Demo
            2026-01-10,Bo,Call
            2026-02-27,Bo,Call
            2026-04-01,Bo,Call
            2026-04-02,Ann,Call
            """
        let deals = """
            close_date,rep,amount,stage
            2026-01-31,Ann,100.10,Closed Won
            2026-01-31,Ann,0.20,Closed Won
            2026-01-31,Ann,999,Closed Lost
            2026-02-10,Bo,50,Won
            2026-03-10,Bo,70,Closed Won
            """
        // Ann starts 2025-11-15 (before the exports begin) and moves team on 2026-03-01; Bo leaves on 2026-02-28.
        let roster = """
            rep,team,start_date,end_date
            Ann,East,2025-11-15,2026-02-28
            Ann,West,2026-03-01,
            Bo,East,2026-01-08,2026-02-28
            Cy,West,2026-02-01,
            """
        let built = try panel(activities, deals, roster: roster)
        #expect(built.columnNames == ["period", "rep", "team", "calls", "demos", "deals_won", "revenue", "tenure_months"])
        #expect(built.rows.map { "\($0.period) \($0.rep)" } == [
            "2026-01 Ann", "2026-01 Bo", "2026-02 Ann", "2026-02 Bo", "2026-02 Cy", "2026-03 Ann", "2026-03 Cy", "2026-04 Ann", "2026-04 Cy",
        ])
        let annJanuary = try #require(row(built, "2026-01", "Ann"))
        #expect(count(built, annJanuary, "calls") == 2)
        #expect(annJanuary.dealsWon == 2 && annJanuary.revenue == CentAmount(cents: 10030))
        #expect(annJanuary.team == "East" && annJanuary.tenureMonths == 3)
        let annMarch = try #require(row(built, "2026-03", "Ann"))
        #expect(annMarch.team == "West" && count(built, annMarch, "demos") == 1 && annMarch.tenureMonths == 5)
        // A period of employment without any record is a row of zeros; Cy has no record at all.
        let cy = try #require(row(built, "2026-02", "Cy"))
        #expect(cy.counts == [0, 0] && cy.dealsWon == 0 && cy.revenue == .zero && cy.tenureMonths == 1)
        // Bo's activity after he left and his deal outside employment are left out and counted.
        #expect(built.note.activitiesOutsideEmployment == 1)
        #expect(built.note.dealsOutsideEmployment == 1)
        #expect(row(built, "2026-02", "Bo")?.dealsWon == 1)
        #expect(built.note.rosterRepsWithoutRecords == ["Cy"])
        #expect(built.note.stages.map(\.stage) == ["Closed Won", "Closed Lost", "Won"])
        #expect(built.note.dealsWonCounted == 3)
        #expect(built.csv().hasPrefix("period,rep,team,calls,demos,deals_won,revenue,tenure_months\n2026-01,Ann,East,2,0,2,100.30,3\n"))
    }

    @Test("A rep missing from the roster is refused with its line, or left out and listed when asked")
    func repNotInRoster() throws {
        let activities = "date,rep,type\n2026-01-05,Ann,Call\n2026-01-06,Zed,Call\n"
        let deals = "close_date,rep,amount,stage\n2026-01-31,Zed,10,Closed Won\n"
        let roster = "rep,team,start_date\nAnn,East,2025-01-01\n"
        let message = exportError { _ = try panel(activities, deals, roster: roster) }
        #expect(message.hasSuffix("activities.csv, line 3, column 'rep': rep 'Zed' is not in the roster \(message.split(separator: " ").last ?? "")"))
        #expect(message.contains("line 3, column 'rep': rep 'Zed' is not in the roster"))
        var options = ExportPanelOptions()
        options.skipRepsNotInRoster = true
        let built = try panel(activities, deals, roster: roster, options: options)
        #expect(built.note.skippedReps == [.init(rep: "Zed", activities: 1, deals: 1)])
        #expect(built.rows.map(\.rep) == ["Ann"])
    }

    @Test("Overlapping spells and an end before the start are refused")
    func badRoster() {
        let activities = "date,rep,type\n2026-01-05,Ann,Call\n", deals = "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n"
        #expect(exportError { _ = try panel(activities, deals, roster: "rep,team,start_date,end_date\nAnn,East,2025-01-01,2025-12-31\nAnn,West,2025-06-01,\n") }
            .contains("roster.csv, line 3: rep 'Ann' has a spell that overlaps the one on line 2"))
        #expect(exportError { _ = try panel(activities, deals, roster: "rep,team,start_date,end_date\nAnn,East,2025-01-01,2024-12-31\n") }
            .contains("roster.csv, line 2: rep 'Ann' ends (2024-12-31) before starting (2025-01-01)"))
    }

    @Test("Without a roster: employment from first to last record, teams from a team column, gaps as zeros")
    func noRoster() throws {
        let activities = "date,rep,type,team\n2026-01-05,Ann,Call,East\n2026-04-06,Ann,Email,East\n2026-02-01,Bo,Call,West\n"
        let deals = "close_date,rep,amount,stage\n2026-03-31,Ann,10,Closed Won\n"
        let built = try panel(activities, deals)
        #expect(built.columnNames == ["period", "rep", "team", "calls", "emails", "deals_won", "revenue"])
        #expect(built.rows.map { "\($0.period) \($0.rep) \($0.team ?? "-")" } == ["2026-01 Ann East", "2026-02 Ann East", "2026-02 Bo West", "2026-03 Ann East", "2026-04 Ann East"])
        #expect(built.note.teamSource == .exports(column: "team"))
        #expect(row(built, "2026-02", "Ann")?.counts == [0, 0])
        // Without any team column the panel has none, and the note says so.
        let bare = try panel("date,rep,type\n2026-01-05,Ann,Call\n", deals)
        #expect(!bare.hasTeam && bare.note.teamSource == .none)
        #expect(bare.note.description.contains("no roster and no team column"))
        // A rep in two teams without a roster is refused.
        #expect(exportError { _ = try panel("date,rep,type,team\n2026-01-05,Ann,Call,East\n2026-01-06,Ann,Call,West\n", deals) }
            .contains("activities.csv, line 3, column 'team': rep 'Ann' is in team 'West' here but in 'East' on an earlier row"))
    }

    @Test("Repeated activity ids are counted once and reported")
    func duplicateIDs() throws {
        var options = ExportPanelOptions()
        options.activityColumns.id = "id"
        options.blockBytes = 4096  // ids repeated across blocks, not only within one
        var lines = ["id,date,rep,type"]
        for k in 0..<600 { lines.append("A\(k % 400),2026-01-\(String(format: "%02d", k % 28 + 1)),Ann,Call") }
        let built = try panel(lines.joined(separator: "\n"), "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n", options: options)
        #expect(built.note.duplicateActivityIDs == 200)
        #expect(count(built, built.rows.first, "calls") == 400)
    }

    @Test("Bad cells are refused with file, line and column")
    func badInput() {
        let deals = "close_date,rep,amount,stage\n2026-01-31,Ann,10,Closed Won\n"
        let activities = "date,rep,type\n2026-01-05,Ann,Call\n"
        let cases: [(String, String, String)] = [
            ("date,rep,type\n2026-01-05,Ann,Call\n01/06/2026,Ann,Call\n", deals, "activities.csv, line 3, column 'date': '01/06/2026' is not an ISO 8601 date"),
            ("date,rep,type\n2026-01-05,Ann,Call\n2026-01-06,,Call\n", deals, "activities.csv, line 3, column 'rep': the cell is empty"),
            (activities, "close_date,rep,amount,stage\n2026-01-31,Ann,12;50,Closed Won\n", "deals.csv, line 2, column 'amount': '12;50' is not a number"),
            (activities, "close_date,rep,amount,stage\n2026-01-31,Ann,10,Won\n2026-01-31,Ann,10.005,Closed Won\n",
             "deals.csv, line 3, column 'amount': '10.005' has more than two decimals"),
            (activities, "close_date,rep,amount,stage\n2026-01-31,Ann,,Closed Won\n", "deals.csv, line 2, column 'amount': the cell is empty"),
            ("date,rep,type\n", deals, "activities.csv: the export has no rows"),
            ("", deals, "activities.csv: the export has no rows"),
            ("day,rep,type\n2026-01-05,Ann,Call\n", deals, "activities.csv, line 1: no column named 'date' (columns: 'day', 'rep', 'type')"),
        ]
        for (a, d, fragment) in cases {
            let message = exportError { _ = try panel(a, d) }
            #expect(message.contains(fragment), "\(message)")
        }
        // 'Revenue' names 'revenues', which is free; 'Revenue' mapped onto 'revenue' is not.
        #expect(exportError { _ = try panel("date,rep,type\n2026-01-05,Ann,Revenue\n", deals, options: ExportPanelOptions(typeMap: ActivityTypeMap([.init(type: "Revenue", column: "revenue")]))) }
            .contains("activity type 'Revenue' would be counted in column 'revenue'"))
    }

    @Test("Week, month and quarter panels agree with a day panel summed (ISO weeks across year ends)")
    func frequenciesAgree() throws {
        // 6,000 activities and 900 deals over 2020-12-20 .. 2027-01-10, a deterministic LCG spreading them.
        var state: UInt64 = 20261130
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let first = Period.daysFromCivil(2020, 12, 20), span = Period.daysFromCivil(2027, 1, 10) - first + 1
        func date(_ day: Int) -> String { Period(frequency: .day, index: day).description }
        var activities = ["date,rep,type"], deals = ["close_date,rep,amount,stage"]
        let reps = ["Ann", "Bo", "Cy"], types = ["Call", "Email", "Demo"]
        for _ in 0..<6000 { activities.append("\(date(first + next(span))),\(reps[next(3)]),\(types[next(3)])") }
        for _ in 0..<900 { deals.append("\(date(first + next(span))),\(reps[next(3)]),\(next(500000) / 100).\(String(format: "%02d", next(100))),\(next(3) == 0 ? "Closed Lost" : "Closed Won")") }
        let files = try ExportFiles()
        let activityPath = try files.write("activities.csv", activities.joined(separator: "\n"))
        let dealPath = try files.write("deals.csv", deals.joined(separator: "\n"))
        func build(_ frequency: PeriodFrequency) throws -> ActivityPanel {
            try ActivityPanel(activities: activityPath, deals: dealPath, options: ExportPanelOptions(frequency: frequency))
        }
        let days = try build(.day)
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = TimeZone(identifier: "UTC")!
        // The expected label of each day's period, computed independently (Foundation's ISO 8601 calendar for weeks).
        let labels: [PeriodFrequency: (Period) -> String] = [
            .week: { day in
                let date = Date(timeIntervalSince1970: TimeInterval(day.index * 86400))
                return String(format: "%04d-W%02d", iso.component(.yearForWeekOfYear, from: date), iso.component(.weekOfYear, from: date))
            },
            .month: { String($0.description.prefix(7)) },
            .quarter: { day in
                let month = Int(day.description.dropFirst(5).prefix(2)) ?? 0
                return "\(day.description.prefix(4))-Q\((month - 1) / 3 + 1)"
            },
        ]
        var sawWeek53 = false, sawWeekAcrossYears = false
        for (frequency, label) in labels {
            let built = try build(frequency)
            var expected: [String: (counts: [Int], deals: Int, cents: Int64)] = [:]
            for r in days.rows {
                let key = "\(label(r.period)) \(r.rep)"
                var entry = expected[key] ?? (Array(repeating: 0, count: r.counts.count), 0, 0)
                for k in r.counts.indices { entry.counts[k] += r.counts[k] }
                entry.deals += r.dealsWon
                entry.cents += r.revenue.cents
                expected[key] = entry
            }
            #expect(built.activityColumns == days.activityColumns)
            #expect(built.rows.count == expected.count, "\(frequency)")
            for r in built.rows {
                let entry = try #require(expected["\(r.period) \(r.rep)"], "\(frequency) \(r.period) \(r.rep)")
                #expect(r.counts == entry.counts && r.dealsWon == entry.deals && r.revenue.cents == entry.cents, "\(frequency) \(r.period) \(r.rep)")
                if frequency == .week {
                    if r.period.description.hasSuffix("W53") { sawWeek53 = true }
                    if r.period.description == "2025-W01" { sawWeekAcrossYears = true }  // Monday 2024-12-30 .. Sunday 2025-01-05
                }
            }
        }
        #expect(sawWeek53 && sawWeekAcrossYears)
        #expect(days.rows.reduce(0) { $0 + $1.counts.reduce(0, +) } == 6000)
    }

    @Test("The example exports build the example history through the Swift API")
    func historyFromExports() throws {
        var options = ExportPanelOptions(timeZone: TimeZone(identifier: "America/New_York"))
        options.typeMap = try ActivityTypeMap(parsing: "Call=calls,Inbound Call=calls,Email=emails,Meeting=meetings,Demo=demos,Proposal=proposals")
        let history = try SalesHistory(activities: Fixtures.root.appendingPathComponent("examples/data/crm/activities.csv").path, deals: Fixtures.root.appendingPathComponent("examples/data/crm/deals.csv").path,
                                       roster: Fixtures.root.appendingPathComponent("examples/data/crm/roster.csv").path, options: options)
        let original = try SalesHistory(contentsOf: URL(fileURLWithPath: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path))
        #expect(history.data.rowCount == original.data.rowCount)
        let formula = "revenue ~ demos + proposals + calls"
        let a = try history.fit(formula), b = try original.fit(formula)
        for (x, y) in zip(a.coefficients, b.coefficients) { #expect(abs(x - y) <= 1e-9 * max(1, abs(y))) }
    }
}
