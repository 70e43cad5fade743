import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Quota files: a name column, quota, and an optional quarter column")
struct QuotaTableTests {
    /// Writes `text` to a temporary file and reads it as a quota table.
    static func table(_ text: String) throws -> QuotaTable {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("quotas.csv")
        try Data(text.utf8).write(to: url)
        return try Quotas.readTable(path: url.path)
    }

    /// The error `body` throws, as a QuotaError.
    static func quotaError(_ text: String) -> QuotaError? {
        do { _ = try table(text); return nil } catch { return error as? QuotaError }
    }

    @Test("A quarter column comes first: names are still read from 'rep'; a quarter's rows override the standing ones")
    func quarterly() throws {
        let table = try Self.table("quarter,rep,quota\n2026-Q3,Ann,100\n2026-Q4,Ann,150\n,Bob,80\n2026-Q4,Bob,90\n,Total,1000\n")
        let q3 = try #require(Period("2026-Q3")), q4 = try #require(Period("2026-Q4")), q1 = try #require(Period("2027-Q1"))
        #expect(table.isQuarterly)
        #expect(table.quotas(in: q4) == ["Ann": 150, "Bob": 90, "Total": 1000])
        #expect(table.quotas(in: q3) == ["Ann": 100, "Bob": 80, "Total": 1000])
        #expect(table.quota(of: "Ann", in: q1) == nil)
        #expect(table.quota(of: "Bob", in: q1) == 80)
        // Standing quotas exist, so a quarter the file does not list still has them.
        #expect(try table.quotasForForecast(of: q1) == ["Bob": 80, "Total": 1000])
    }

    @Test("A file without a quarter column: every quota holds in every quarter (the example's quotas.csv)")
    func standing() throws {
        let table = try Quotas.readTable(path: Fixtures.root.appendingPathComponent("examples/data/quotas.csv").path)
        #expect(!table.isQuarterly)
        #expect(table.standing["Aaliyah Brooks"] == 160000)
        #expect(try table.quotasForForecast(of: try #require(Period("2031-Q2"))) == table.standing)
        #expect(try Quotas.read(path: Fixtures.root.appendingPathComponent("examples/data/quotas.csv").path) == table.standing)
    }

    @Test("Bad quota files: one located error each")
    func errors() throws {
        guard case .duplicate(let name, let quarter, _, let line, let first)? = Self.quotaError("rep,quarter,quota\nAnn,2026-Q4,1\nBob,2026-Q4,2\nAnn,2026-Q4,3\n") else {
            Issue.record("no duplicate error"); return
        }
        #expect(name == "Ann" && quarter == "2026-Q4" && line == 4 && first == 2)
        // The same name in two quarters is not a duplicate.
        #expect(Self.quotaError("rep,quarter,quota\nAnn,2026-Q3,1\nAnn,2026-Q4,3\n") == nil)
        guard case .notAQuarter(let cell, _, let badLine)? = Self.quotaError("rep,quarter,quota\nAnn,2026-Q4,1\nBob,2026-13,2\n") else {
            Issue.record("no quarter error"); return
        }
        #expect(cell == "2026-13" && badLine == 3)
        guard case .notAQuarter(let year, _, _)? = Self.quotaError("rep,quarter,quota\nAnn,2026,1\n") else {
            Issue.record("a year read as a quarter"); return
        }
        #expect(year == "2026")
        guard case .missingQuota(let who, _, let missingLine)? = Self.quotaError("name,quota\nAnn,1\nBob,\n") else {
            Issue.record("no missing-quota error"); return
        }
        #expect(who == "Bob" && missingLine == 3)
        guard case .noNameColumn(let available, _)? = Self.quotaError("quota\n1\n") else { Issue.record("no name-column error"); return }
        #expect(available == ["quota"])
        // One quota per name cannot be read from a file by quarter (its quarters' rows would be dropped).
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let quarterly = directory.appendingPathComponent("quarterly.csv")
        try Data("rep,quarter,quota\nAnn,2026-Q3,1\nBob,,2\n".utf8).write(to: quarterly)
        #expect(throws: QuotaError.quarterlyFile(source: quarterly.path)) { try Quotas.read(path: quarterly.path) }
        let onlyQ3 = try Self.table("rep,quarter,quota\nAnn,2026-Q3,1\n")
        #expect(throws: QuotaError.self) { try onlyQ3.quotasForForecast(of: try #require(Period("2026-Q4"))) }
        do {
            _ = try onlyQ3.quotasForForecast(of: try #require(Period("2026-Q4")))
        } catch {
            #expect("\(error)".contains("no quotas for 2026-Q4; the file has quotas for 2026-Q3 only"), "\(error)")
        }
    }
}
