/// A random-effect term of a formula in lme4's syntax: `(1 | rep)`, `(1 + demos | rep)`,
/// `(0 + demos | rep)`, `(1 | team/rep)` (nested: `(1 | team) + (1 | rep:team)`), or
/// `(1 + demos || rep)` (uncorrelated: one term per column).
///
/// Each level of the grouping (each rep) gets its own deviation of the effects from the
/// population's, drawn from a normal distribution whose covariance the fit estimates.
public struct RandomTerm: Sendable, Equatable, CustomStringConvertible {
    /// The varying effects as a one-sided formula, e.g. `~ 1 + demos`.
    public let effects: Formula
    /// The columns whose combination defines a group: `["rep"]`, or `["rep", "team"]` for `rep:team`.
    public let grouping: [String]
    /// Whether the effects of one group are correlated (`|`) or independent (`||`, split into terms).
    public let correlated: Bool

    /// The group's name as lme4 prints it: `rep`, `rep:team`.
    public var groupName: String { grouping.joined(separator: ":") }

    /// The term as lme4 would print it, e.g. `(1 + demos | rep)`.
    public var description: String {
        let names = (effects.hasIntercept ? ["1"] : ["0"]) + effects.terms.map(\.description)
        return "(\(names.joined(separator: " + ")) | \(groupName))"
    }

    public static func == (a: RandomTerm, b: RandomTerm) -> Bool {
        a.effects.text == b.effects.text && a.grouping == b.grouping && a.correlated == b.correlated
    }

    /// The data columns the term reads: its effects' columns and the grouping columns.
    public var columns: [String] {
        Array(Set(effects.terms.flatMap(\.factors).flatMap(\.expression.columns) + grouping)).sorted()
    }
}

/// Finds lme4's bar terms in a formula's text and parses them; the rest is the fixed part.
package enum RandomTermSyntax {
    /// The formula text without its bar terms, and the bar terms.
    package static func split(_ text: String) throws(FormulaError) -> (fixed: String, random: [RandomTerm]) {
        let characters = Array(text)
        guard let tilde = topLevelIndex(of: "~", in: characters, from: 0) else { return (text, []) }
        var fixed = Array(characters[...tilde])
        var random: [RandomTerm] = []
        var k = tilde + 1
        var pendingOperator: (index: Int, symbol: Character)?
        let closing = matchingParentheses(characters)
        while k < characters.count {
            let c = characters[k]
            if c == "(" , let close = closing[k] {
                let inner = Array(characters[(k + 1)..<close])
                if let bar = topLevelIndex(of: "|", in: inner, from: 0) {
                    if let pending = pendingOperator, pending.symbol != "+" {
                        throw .syntax("a random-effect term is added with '+'", position: pending.index + 1, formula: text)
                    }
                    if let pending = pendingOperator { fixed.removeSubrange(pending.index..<fixed.count) }
                    random += try parse(inner, bar: bar, offset: k + 1, formula: text)
                    pendingOperator = nil
                    k = close + 1
                    // A following '+' of a term that led the right-hand side is dropped with it.
                    var next = k
                    while next < characters.count, characters[next] == " " { next += 1 }
                    if fixed.count == tilde + 1 || fixed[(tilde + 1)...].allSatisfy({ $0 == " " }), next < characters.count, characters[next] == "+" {
                        k = next + 1
                    }
                    continue
                }
                fixed += characters[k...close]
                pendingOperator = nil
                k = close + 1
                continue
            }
            if c == "`" || c == "'" || c == "\"" {
                var end = k + 1
                while end < characters.count, characters[end] != c { end += 1 }
                fixed += characters[k...min(end, characters.count - 1)]
                k = end + 1
                pendingOperator = nil
                continue
            }
            if c == "+" || c == "-" { pendingOperator = (fixed.count, c) } else if c != " " { pendingOperator = nil }
            fixed.append(c)
            k += 1
        }
        var fixedText = String(fixed)
        if random.isEmpty { return (text, []) }
        if fixedText[fixedText.index(after: fixedText.firstIndex(of: "~") ?? fixedText.startIndex)...].allSatisfy({ $0 == " " }) {
            fixedText += " 1"
        }
        return (fixedText, random)
    }

    /// Parses `effects | grouping` (or `||`).
    private static func parse(_ inner: [Character], bar: Int, offset: Int, formula: String) throws(FormulaError) -> [RandomTerm] {
        let double = bar + 1 < inner.count && inner[bar + 1] == "|"
        let left = String(inner[..<bar]).trimmingSpaces
        let right = String(inner[(bar + (double ? 2 : 1))...]).trimmingSpaces
        guard !left.isEmpty else { throw .syntax("the random effects before '|' are missing, e.g. (1 | rep)", position: offset + 1, formula: formula) }
        guard !right.isEmpty else { throw .syntax("the grouping column after '|' is missing, e.g. (1 | rep)", position: offset + bar + 2, formula: formula) }
        let effects: Formula
        do { effects = try Formula("~ " + left) } catch {
            throw .syntax("the random effects '\(left)' do not parse: \(error)", position: offset + 1, formula: formula)
        }
        guard effects.hasIntercept || !effects.terms.isEmpty else {
            throw .syntax("a random-effect term needs at least one effect", position: offset + 1, formula: formula)
        }
        // Grouping: `g`, `a:b`, or nested `a/b` (= a and b:a, as lme4 names it).
        let nested = right.split(separator: "/").map { String($0).trimmingSpaces }
        var groupings: [[String]] = []
        for (depth, _) in nested.enumerated() {
            let path = nested[...depth].map { part in part.split(separator: ":").map { column(String($0)) } }
            groupings.append(path.reversed().flatMap { $0 })
        }
        for grouping in groupings where grouping.contains(where: \.isEmpty) {
            throw .syntax("the grouping '\(right)' is not a column, an interaction a:b or nesting a/b", position: offset + bar + 2, formula: formula)
        }
        var terms: [RandomTerm] = []
        for grouping in groupings {
            if double {
                // `||`: the intercept and each effect vary independently.
                if effects.hasIntercept { terms.append(RandomTerm(effects: try Formula("~ 1"), grouping: grouping, correlated: true)) }
                for term in effects.terms {
                    terms.append(RandomTerm(effects: try Formula("~ 0 + " + term.description),
                                            grouping: grouping, correlated: true))
                }
            } else {
                terms.append(RandomTerm(effects: effects, grouping: grouping, correlated: true))
            }
        }
        return terms.map { RandomTerm(effects: $0.effects, grouping: $0.grouping, correlated: !double) }
    }

    private static func column(_ text: String) -> String {
        var name = text.trimmingSpaces
        if name.hasPrefix("`"), name.hasSuffix("`"), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        return name
    }

    private static func topLevelIndex(of symbol: Character, in characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var quote: Character?
        for k in start..<characters.count {
            let c = characters[k]
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case "`", "'", "\"": quote = c
            case "(": depth += 1
            case ")": depth -= 1
            default: if c == symbol && depth == 0 { return k }
            }
        }
        return nil
    }

    /// Each '(' that is closed, with its ')', in one pass (quotes and backticks skipped).
    private static func matchingParentheses(_ characters: [Character]) -> [Int: Int] {
        var open: [Int] = [], result: [Int: Int] = [:]
        var quote: Character?
        for (k, c) in characters.enumerated() {
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case "`", "'", "\"": quote = c
            case "(": open.append(k)
            case ")": if let start = open.popLast() { result[start] = k }
            default: break
            }
        }
        return result
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
