/// A model formula in the R/patsy style that statsmodels users know.
///
/// ```swift
/// let formula = try Formula("revenue ~ demos + proposals + C(team) + I(calls^2)")
/// ```
///
/// Supported: `+` (add terms), `-` (remove terms), `:` (interaction), `*` (`a*b` = `a + b + a:b`),
/// `/` (`a/b` = `a + a:b`), `**` or `^` on term groups (`(a + b + c)**2`: interactions up to two),
/// `0`, `+ 0`, `- 1` (no intercept) and `1`; factors are columns (bare, in backticks, or `Q("...")`),
/// `I(...)` for arithmetic (`^` and `**` are powers), `log`, `log10`, `log2`, `log1p`, `exp`, `sqrt`,
/// `abs` (also as `np.log`), `center`, `standardize`, and `C(x)` or `C(x, Treatment('level'))`.
/// Text columns are categorical automatically. Names follow patsy: `Intercept`, `x`, `I(x^2)`,
/// `C(region)[T.West]`, `a:b`.
public struct Formula: Sendable, CustomStringConvertible {
    /// The formula as written.
    public let text: String
    /// The left-hand side, or `nil` for a one-sided formula (`~ x`).
    public let response: Factor?
    /// The terms of the right-hand side in the order written, without the intercept.
    public let terms: [Term]
    /// Offsets: terms `offset(expr)` that enter the linear predictor with coefficient 1 and get no
    /// column, as in R (`offset(log(days_worked))` makes the others' effects rates per day). Each is
    /// the expression inside `offset(…)`, named as written.
    public let offsets: [Factor]
    /// Whether the model has an intercept (true unless `0`, `+ 0` or `- 1` removes it).
    public let hasIntercept: Bool
    /// The random-effect terms in lme4's syntax (`(1 | rep)`, `(1 + demos | rep)`, …), expanded:
    /// nesting `a/b` into `a` and `b:a`, `||` into one term per effect. Empty for a fixed-effects model.
    public let randomTerms: [RandomTerm]

    /// Whether the formula has random effects (a linear mixed model).
    public var isMixed: Bool { !randomTerms.isEmpty }

    /// Parses a formula.
    /// - Throws: ``FormulaError`` pointing at the character where the text stops making sense.
    public init(_ text: String) throws(FormulaError) {
        let (fixed, random) = try RandomTermSyntax.split(text)
        var parser = try FormulaParser(fixed)
        let (response, rhs) = try parser.parseFormula()
        let expanded = try TermAlgebra(formula: text).evaluate(rhs)
        // offset(…) terms leave the columns; alone they are offsets, inside an interaction an error.
        var offsets: [Factor] = [], terms: [Term] = []
        for term in expanded.terms {
            guard let call = term.factors.first(where: { if case .call(.offset, _, _) = $0.expression { true } else { false } }) else {
                terms.append(term)
                continue
            }
            guard term.factors.count == 1, case .call(.offset, let arguments, _) = call.expression, let inner = arguments.first else {
                throw .syntax("offset() adds a known term to the linear predictor and cannot be part of an interaction",
                              position: call.offset + 1, formula: text)
            }
            offsets.append(Factor(name: call.name, expression: inner.value, offset: call.offset))
        }
        if let response, case .call(.offset, _, let position) = response.expression {
            throw .syntax("offset() belongs on the right-hand side", position: position + 1, formula: text)
        }
        self.text = text
        self.response = response
        self.offsets = offsets
        self.terms = terms
        self.hasIntercept = expanded.intercept
        self.randomTerms = random
    }

    public var description: String { text }

    /// Whether a term uses the periods of a panel (`lag`, `season`, `trend`, `adstock`).
    public var usesTime: Bool {
        terms.contains { $0.factors.contains { $0.expression.usesTime } } || (response?.expression.usesTime ?? false)
            || offsets.contains { $0.expression.usesTime }
            || randomTerms.contains { $0.effects.usesTime }
    }
}

/// patsy's rules for combining terms (see patsy's `desc.py`), with intercept bookkeeping.
struct TermAlgebra {
    let formula: String

    /// The most terms a formula may expand to: `a*b*c*…` doubles the terms with each factor, so a
    /// bound keeps hostile or mistyped formulas from exhausting memory (far beyond real models).
    static let maximumTerms = 2000

    func checkSize(_ count: Int, offset: Int) throws(FormulaError) {
        guard count <= Self.maximumTerms else {
            throw .syntax("the formula expands to more than \(Self.maximumTerms) terms", position: offset + 1, formula: formula)
        }
    }

    struct Expression {
        var intercept: Bool
        var interceptRemoved: Bool
        var terms: [Term]
        var isLiteral: Bool = false
    }

    func evaluate(_ node: TermNode) throws(FormulaError) -> (terms: [Term], intercept: Bool) {
        let result = try eval(node)
        return (result.terms, result.intercept || !result.interceptRemoved)
    }

    static func unique(_ terms: [Term]) -> [Term] {
        var seen = Set<Term>()
        return terms.filter { seen.insert($0).inserted }
    }

    func interact(_ left: [Term], _ right: [Term]) -> [Term] {
        var result: [Term] = []
        for l in left {
            for r in right {
                var factors = l.factors
                for factor in r.factors where !factors.contains(factor) { factors.append(factor) }
                result.append(Term(factors: factors))
            }
        }
        return Self.unique(result)
    }

    func eval(_ node: TermNode) throws(FormulaError) -> Expression {
        switch node {
        case .factor(let factor):
            return Expression(intercept: false, interceptRemoved: false, terms: [Term(factors: [factor])])
        case .literal(let value, _):
            return value == 1
                ? Expression(intercept: true, interceptRemoved: false, terms: [], isLiteral: true)
                : Expression(intercept: false, interceptRemoved: true, terms: [], isLiteral: true)
        case let .negate(inner, offset):
            guard case .literal(let value, _) = inner else {
                throw .syntax("unary '-' only removes the intercept ('-1'); to drop a term write 'a - b'",
                              position: offset + 1, formula: formula)
            }
            return value == 1
                ? Expression(intercept: false, interceptRemoved: true, terms: [])
                : Expression(intercept: true, interceptRemoved: false, terms: [])
        case let .binary(op, _, _, _) where op == "+" || op == "-":
            // Fold a chain a + b - c + … along its left spine without recursing once per term.
            var spine: [(op: String, right: TermNode)] = []
            var node = node
            while case let .binary(o, l, r, _) = node, o == "+" || o == "-" { spine.append((o, r)); node = l }
            var accumulated = try eval(node)
            for step in spine.reversed() { accumulated = try combine(accumulated, step.op, step.right) }
            return accumulated
        case let .binary(op, leftNode, rightNode, offset):
            // `+` and `-` are folded above; here are the products, nesting and powers.
            let left = try eval(leftNode)
            if op == "**" {
                guard case .literal(let n, _) = rightNode else {
                    throw .syntax("the power of a group of terms must be a whole number, e.g. (a + b)**2",
                                  position: offset + 1, formula: formula)
                }
                return try power(left, n, offset: offset)
            }
            let right = try eval(rightNode)
            guard !left.isLiteral, !right.isLiteral, !left.intercept, !right.intercept else {
                throw .syntax("the intercept (0 or 1) cannot be part of an interaction", position: offset + 1, formula: formula)
            }
            let (product, overflow) = left.terms.count.multipliedReportingOverflow(by: right.terms.count)
            try checkSize(overflow ? Int.max : product + left.terms.count + right.terms.count, offset: offset)
            switch op {
            case ":":
                return Expression(intercept: false, interceptRemoved: false, terms: interact(left.terms, right.terms))
            case "*":
                return Expression(intercept: false, interceptRemoved: false,
                                  terms: Self.unique(left.terms + right.terms + interact(left.terms, right.terms)))
            case "/":
                let allLeftFactors = Term(factors: Self.unique(left.terms).flatMap(\.factors).reduce(into: [Factor]()) {
                    if !$0.contains($1) { $0.append($1) }
                })
                return Expression(intercept: false, interceptRemoved: false,
                                  terms: Self.unique(left.terms + interact([allLeftFactors], right.terms)))
            default:
                throw .syntax("unknown operator '\(op)'", position: offset + 1, formula: formula)
            }
        }
    }

    /// `left op right` for the additive operators, with patsy's intercept rules.
    func combine(_ left: Expression, _ op: String, _ rightNode: TermNode) throws(FormulaError) -> Expression {
        if op == "+" {
            if case .literal(0, _) = rightNode {
                return Expression(intercept: false, interceptRemoved: true, terms: left.terms)
            }
            let right = try eval(rightNode)
            if right.intercept {
                return Expression(intercept: true, interceptRemoved: false, terms: Self.unique(left.terms + right.terms))
            }
            return Expression(intercept: left.intercept, interceptRemoved: left.interceptRemoved || right.interceptRemoved,
                              terms: Self.unique(left.terms + right.terms))
        }
        if case .literal(let value, _) = rightNode {
            return value == 1
                ? Expression(intercept: false, interceptRemoved: true, terms: left.terms)
                : Expression(intercept: true, interceptRemoved: false, terms: left.terms)
        }
        let right = try eval(rightNode)
        let removed = Set(right.terms)
        return Expression(intercept: left.intercept, interceptRemoved: left.interceptRemoved, terms: left.terms.filter { !removed.contains($0) })
    }

    func power(_ base: Expression, _ n: Int, offset: Int) throws(FormulaError) -> Expression {
        guard !base.isLiteral, !base.intercept else {
            throw .syntax("the intercept cannot be raised to a power", position: offset + 1, formula: formula)
        }
        guard n >= 1 else {
            throw .syntax("the power of a group of terms must be at least 1", position: offset + 1, formula: formula)
        }
        var terms = base.terms
        for _ in 1..<max(1, n) {
            let (product, overflow) = terms.count.multipliedReportingOverflow(by: base.terms.count)
            try checkSize(overflow ? Int.max : product + terms.count, offset: offset)
            terms = Self.unique(terms + interact(terms, base.terms))
        }
        return Expression(intercept: false, interceptRemoved: false, terms: terms)
    }
}
