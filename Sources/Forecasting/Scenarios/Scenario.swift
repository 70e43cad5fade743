import Foundation

/// One change to planned activities: `demos=+20%`, `calls=-50`, `meetings=40`, optionally for one
/// team or rep: `demos[team=Enterprise]=+20%`.
public struct ActivityChange: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How the activity changes.
    public enum Operation: Sendable, Equatable, Codable {
        /// By a percentage: +20 is 20% more.
        case percent(Double)
        /// By an amount per rep and period: −50 is 50 fewer.
        case add(Double)
        /// To a level per rep and period.
        case set(Double)
    }

    /// Which rows the change applies to.
    public enum Scope: Sendable, Equatable, Codable {
        case everyone
        case team(String)
        case rep(String)
    }

    /// The activity column.
    public var activity: String
    /// How the activity changes: by a percentage, by an amount, or to a level.
    public var operation: Operation
    /// Which rows the change applies to: everyone, one team or one rep.
    public var scope: Scope

    /// Creates a change.
    public init(activity: String, operation: Operation, scope: Scope = .everyone) {
        self.activity = activity
        self.operation = operation
        self.scope = scope
    }

    /// Reads `activity=+20%`, `activity=-50`, `activity=40`, with an optional scope
    /// `activity[team=Name]` or `activity[rep=Name]`.
    /// - Throws: ``ScenarioError/invalidChange(_:reason:)``.
    public init(parsing text: String) throws(ScenarioError) {
        guard let equals = text.lastIndex(of: "=") else {
            throw .invalidChange(text, reason: "write activity=+20%, activity=-50 or activity=40")
        }
        var left = text[..<equals].trimmingCharacters(in: .whitespaces)
        let right = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        var scope = Scope.everyone
        if left.hasSuffix("]"), let open = left.firstIndex(of: "[") {
            let inner = left[left.index(after: open)..<left.index(before: left.endIndex)]
            let parts = inner.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty, parts[0] == "team" || parts[0] == "rep" else {
                throw .invalidChange(text, reason: "the scope is [team=Name] or [rep=Name]")
            }
            scope = parts[0] == "team" ? .team(parts[1]) : .rep(parts[1])
            left = String(left[..<open]).trimmingCharacters(in: .whitespaces)
        }
        guard !left.isEmpty else { throw .invalidChange(text, reason: "no activity named before '='") }
        let operation: Operation
        if right.hasSuffix("%") {
            guard let value = Double(right.dropLast().trimmingCharacters(in: .whitespaces)), value.isFinite,
                  right.hasPrefix("+") || right.hasPrefix("-") else {
                throw .invalidChange(text, reason: "a percentage is signed, e.g. +20% or -10%")
            }
            guard value >= -100 else { throw .invalidChange(text, reason: "an activity cannot fall by more than 100%") }
            operation = .percent(value)
        } else if right.hasPrefix("+") || right.hasPrefix("-") {
            guard let value = Double(right), value.isFinite else { throw .invalidChange(text, reason: "'\(right)' is not a number") }
            operation = .add(value)
        } else {
            guard let value = Double(right), value.isFinite, value >= 0 else {
                throw .invalidChange(text, reason: "'\(right)' is not a level ≥ 0 (use +N or -N to change by an amount)")
            }
            operation = .set(value)
        }
        self.init(activity: left, operation: operation, scope: scope)
    }

    public var description: String {
        let scopeText: String = switch scope {
        case .everyone: ""
        case .team(let t): "[team=\(t)]"
        case .rep(let r): "[rep=\(r)]"
        }
        let change: String = switch operation {
        case .percent(let p): (p >= 0 ? "+" : "") + Self.number(p) + "%"
        case .add(let a): (a >= 0 ? "+" : "") + Self.number(a)
        case .set(let v): Self.number(v)
        }
        return "\(activity)\(scopeText)=\(change)"
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }

    /// The changed value (never below zero: activities are counts).
    func apply(to value: Double) -> Double {
        switch operation {
        case .percent(let p): max(0, value * (1 + p / 100))
        case .add(let a): max(0, value + a)
        case .set(let v): v
        }
    }
}

/// A change in headcount: reps added to a team (ramping like the history's new hires) or reps removed.
public enum HeadcountChange: Sendable, Equatable, Codable {
    /// Add `count` new reps, in `team` when named.
    case add(count: Int, team: String?)
    /// Remove a rep by name.
    case remove(rep: String)
}

/// A named what-if: activity changes and headcount changes applied to a baseline plan.
public struct Scenario: Sendable, Equatable, Codable {
    /// The scenario's name, shown in reports.
    public var name: String
    /// The changes to planned activities.
    public var changes: [ActivityChange]
    /// The reps added or removed.
    public var headcount: [HeadcountChange]

    /// Creates a scenario.
    public init(name: String, changes: [ActivityChange] = [], headcount: [HeadcountChange] = []) {
        self.name = name
        self.changes = changes
        self.headcount = headcount
    }

    /// A short description, e.g. `demos=+20%, calls=-10%, +2 reps (SMB-East)`.
    public var summary: String {
        let parts = changes.map(\.description) + headcount.map {
            switch $0 {
            case let .add(count, team): "+\(count) rep\(count == 1 ? "" : "s")\(team.map { " (\($0))" } ?? "")"
            case let .remove(rep): "−\(rep)"
            }
        }
        return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
    }

    /// Reads a scenarios file: JSON of the form
    /// `{"scenarios": [{"name": "More demos", "set": ["demos=+20%", "calls[team=SMB-East]=-10%"],
    /// "add_reps": [{"count": 2, "team": "SMB-East"}], "remove_reps": ["Ana Petrov"]}]}`.
    /// - Throws: ``ScenarioError``.
    public static func load(path: String) throws(ScenarioError) -> [Scenario] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["scenarios"] as? [[String: Any]] else {
            throw .invalidFile(path, reason: "expected a JSON object with a \"scenarios\" array")
        }
        var scenarios: [Scenario] = []
        for (k, item) in list.enumerated() {
            guard let name = item["name"] as? String, !name.isEmpty else {
                throw .invalidFile(path, reason: "scenario \(k + 1) has no \"name\"")
            }
            var scenario = Scenario(name: name)
            for text in item["set"] as? [String] ?? [] { scenario.changes.append(try ActivityChange(parsing: text)) }
            for add in item["add_reps"] as? [[String: Any]] ?? [] {
                guard let count = add["count"] as? Int, count > 0, count <= 1000 else {
                    throw .invalidFile(path, reason: "scenario '\(name)': add_reps needs a \"count\" from 1 to 1000")
                }
                scenario.headcount.append(.add(count: count, team: add["team"] as? String))
            }
            for rep in item["remove_reps"] as? [String] ?? [] { scenario.headcount.append(.remove(rep: rep)) }
            scenarios.append(scenario)
        }
        guard !scenarios.isEmpty else { throw .invalidFile(path, reason: "no scenarios") }
        return scenarios
    }
}

/// A scenario that cannot be read or applied.
public enum ScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidChange(String, reason: String)
    case unreadable(String)
    case invalidFile(String, reason: String)
    case unknownActivity(String, known: [String])
    case unknownTarget(String)
    case unreachable(String)
    /// No scenario was given to compare.
    case empty

    public var description: String {
        switch self {
        case let .invalidChange(text, reason): "scenario change '\(text)': \(reason)"
        case let .unreadable(path): "\(path): cannot be read"
        case let .invalidFile(path, reason): "\(path): \(reason)"
        case let .unknownActivity(name, known): "'\(name)' is not an activity the model uses (it uses: \(known.joined(separator: ", ")))"
        case let .unknownTarget(name): "no team or rep named '\(name)' in the plan"
        case let .unreachable(reason): "goal seek: \(reason)"
        case .empty: "no scenario to compare with the baseline"
        }
    }
}
