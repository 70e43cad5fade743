import Foundation
import Testing
import TestSupport

@Suite("salesforecast drivers")
struct DriversCommandTests {
    static let arguments = ["drivers", "--history", Example.history, "--formula", Example.readmeFormula, "--cluster", "rep"]

    /// The generator's busy-but-unproductive reps (Owen Murphy, Zoe Fischer, Dmitri Volkov).
    static func busyReps() throws -> Set<String> {
        let truth = try #require(try jsonObject(file: Example.truth)["busy_unproductive"] as? [[String: Any]])
        return Set(truth.compactMap { $0["rep"] as? String })
    }

    @Test("JSON: emails add nothing (p > 0.05), demos, meetings and proposals drive results; the busy reps are busy but not productive")
    func driversAndQuadrant() throws {
        let history = try History.load()
        let busy = try Self.busyReps()
        #expect(busy == ["Owen Murphy", "Zoe Fischer", "Dmitri Volkov"])
        let document = try jsonObject(runSucceeding(Self.arguments + ["--format", "json"]).stdout)
        #expect(document["format"] as? String == "salesforecast.drivers")
        #expect(document["covariance_type"] as? String == "cluster(rep)")
        let activities = try #require(document["activities"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: activities.map { ($0["activity"] as? String ?? "", $0) })
        #expect(Set(byName.keys) == ["calls", "emails", "meetings", "demos", "proposals"])
        #expect(activities.compactMap { int($0["rank"]) }.sorted() == [1, 2, 3, 4, 5])
        let emails = try #require(byName["emails"])
        #expect(emails["adds_nothing"] as? Bool == true)
        #expect(try #require(double(emails["joint_p_value"])) > 0.05)
        #expect(try #require(double(emails["conf_low"])) < 0)
        #expect(int(emails["rank"]) == 5, "emails should contribute least")
        for activity in ["demos", "meetings", "proposals"] {
            let entry = try #require(byName[activity])
            #expect(entry["adds_nothing"] as? Bool == false, "\(activity)")
            #expect(try #require(double(entry["joint_p_value"])) < 0.05, "\(activity)")
            #expect(try #require(double(entry["conf_low"])) > 0, "\(activity)")
        }
        #expect(byName["demos"]?["term"] as? String == "lag(demos, 1)")
        #expect(int(byName["demos"]?["best_lag"]) == 1)
        #expect(int(byName["meetings"]?["best_lag"]) == 2)

        let reps = try #require(document["reps"] as? [[String: Any]])
        #expect(Set(reps.compactMap { $0["rep"] as? String }) == Set(history.rows.map(\.rep)))
        for rep in reps where busy.contains(rep["rep"] as? String ?? "") {
            #expect(rep["group"] as? String == "busy but not productive", "\(rep)")
            #expect(rep["clear"] as? Bool == true, "\(rep)")
            #expect(try #require(double(rep["activity_index"])) > 0, "\(rep)")
            #expect(try #require(double(rep["unexplained_per_period"])) < 0, "\(rep)")
        }
        // They are the three reps furthest below what their activity predicts.
        let lowest = reps.sorted { (double($0["unexplained_per_period"]) ?? 0) < (double($1["unexplained_per_period"]) ?? 0) }
            .prefix(3).compactMap { $0["rep"] as? String }
        #expect(Set(lowest) == busy)
        // Each rep's productivity is its random intercept's conditional mode: inside its interval, and its t is the
        // mode over the conditional standard error that the 95% interval's half-width gives (normal quantile 1.959964).
        let observations = reps.compactMap { int($0["observations"]) }
        #expect(observations.reduce(0, +) == history.rows(withHistory: 2).count)
        for rep in reps {
            let mode = double(rep["unexplained_per_period"]) ?? .nan
            let low = double(rep["productivity_low"]) ?? .nan, high = double(rep["productivity_high"]) ?? .nan
            #expect(low < mode && mode < high)
            let se = (high - low) / (2 * 1.959963984540054)
            #expect(abs((double(rep["unexplained_t"]) ?? .nan) - mode / se) <= 1e-6 * max(1, abs(mode / se)))
        }
    }

    @Test("Text: emails' verdict and the clearly busy-but-unproductive reps")
    func textVerdicts() throws {
        let run = try runSucceeding(Self.arguments)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // Ranked rows: "5.  emails      emails   …  adds nothing once the others are known (p = 0.47)".
        func ranked(_ activity: String) -> String? {
            lines.first { $0.range(of: #"^\d+\.\s+\#(activity)\s"#, options: .regularExpression) != nil }
        }
        let emails = try #require(ranked("emails"))
        #expect(emails.contains("adds nothing once the others are known"), "\(emails)")
        let demos = try #require(ranked("demos"))
        #expect(demos.contains("drives results"), "\(demos)")
        let summary = try #require(lines.first { $0.hasPrefix("Busy but not productive (clearly):") })
        let names = summary.dropFirst("Busy but not productive (clearly):".count).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(names) == (try Self.busyReps()))
    }

    @Test("--family negbin: each activity's estimate is the count model's coefficient (as fit gives it), its rate ratio exp of it; rep effects left out and said so")
    func countDrivers() throws {
        let formula = "deals_won ~ lag(demos, 1) + proposals + calls + emails + season(period, 'quarter')"
        let fit = try jsonObject(runSucceeding(["fit", Example.history, "--formula", formula, "--family", "negbin", "--format", "json", "--quiet"]).stdout)
        var coefficients: [String: [String: Any]] = [:]
        for c in try #require(fit["coefficients"] as? [[String: Any]]) { coefficients[c["term"] as? String ?? ""] = c }
        let base = ["drivers", "--history", Example.history, "--formula", formula, "--family", "negbin", "--quiet"]
        let document = try jsonObject(runSucceeding(base + ["--format", "json"]).stdout)
        #expect(document["family"] as? String == "negbin")
        let activities = try #require(document["activities"] as? [[String: Any]])
        #expect(Set(activities.compactMap { $0["activity"] as? String }) == ["demos", "proposals", "calls", "emails"])
        for a in activities {
            let term = a["term"] as? String ?? ""
            let c = try #require(coefficients[term], "\(term)")
            let estimate = try #require(double(a["estimate"]))
            #expect(relativelyClose(estimate, try #require(double(c["estimate"])), 1e-12), "\(term)")
            #expect(relativelyClose(try #require(double(a["rate_ratio"])), exp(estimate), 1e-14))
            #expect(relativelyClose(try #require(double(a["rate_ratio_low"])), try #require(double(c["rate_ratio_low"])), 1e-12))
        }
        let proposals = try #require(activities.first { $0["activity"] as? String == "proposals" })
        #expect(try #require(double(proposals["rate_ratio_low"])) > 1, "more proposals, more deals")
        let text = try runSucceeding(base).stdout
        #expect(text.contains("rate ratio") && text.contains("Rep effects (within and between reps, each rep's productivity) need random intercepts for counts"))
    }
}
