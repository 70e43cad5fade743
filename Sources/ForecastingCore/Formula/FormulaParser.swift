/// The right-hand side of a formula before term algebra: patsy's operators over factors.
indirect enum TermNode: Sendable {
    case factor(Factor)
    /// A literal `0` or `1` (intercept control).
    case literal(Int, offset: Int)
    case binary(String, TermNode, TermNode, offset: Int)
    case negate(TermNode, offset: Int)
}

/// Recursive-descent parser for patsy/R formulas.
///
/// Formula operators, loosest first (patsy's precedences): `~`; `+ -`; `* /`; `:`; `**` (and R's `^`).
/// Inside a function call the arguments are arithmetic: `+ - * / ^ **`, unary minus, numbers,
/// strings, column names and nested calls.
struct FormulaParser {
    let formula: String
    let characters: [Character]
    var tokens: [FormulaToken]
    var index = 0
    /// How deeply the parser has recursed; bounded so hostile input gets an error, not a stack overflow.
    var depth = 0
    static let maximumDepth = 200

    /// Enters one level of nesting, refusing formulas nested deeper than ``maximumDepth``.
    mutating func descend() throws(FormulaError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error("the formula is nested more than \(Self.maximumDepth) levels deep (each term of a sum inside a function counts as a level)")
        }
    }

    init(_ formula: String) throws(FormulaError) {
        self.formula = formula
        self.characters = Array(formula)
        self.tokens = try FormulaLexer.tokenize(formula)
        guard tokens.count <= Self.maximumTokens else {
            throw .syntax("the formula has more than \(Self.maximumTokens) tokens", position: 1, formula: formula)
        }
    }

    /// A bound on formula size: far beyond any real model, small enough that evaluating long sums
    /// recursively stays well inside a thread's stack.
    static let maximumTokens = 4000

    var current: FormulaToken { tokens[index] }

    func error(_ message: String, at token: FormulaToken? = nil) -> FormulaError {
        .syntax(message, position: (token ?? current).offset + 1, formula: formula)
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let s) = current.kind { return s == symbol }
        return false
    }

    mutating func expect(_ symbol: String, _ context: String) throws(FormulaError) {
        guard isSymbol(symbol) else { throw error("expected '\(symbol)' \(context)") }
        index += 1
    }

    /// Parses `response ~ terms` (the response may be omitted: `~ x`).
    mutating func parseFormula() throws(FormulaError) -> (response: Factor?, rhs: TermNode) {
        var response: Factor?
        if !isSymbol("~") {
            if case .end = current.kind { throw error("the formula is empty; write e.g. 'revenue ~ demos + calls'") }
            response = try parseFactor()
            guard isSymbol("~") else {
                if case .end = current.kind { throw error("a formula needs '~' between the response and the terms") }
                throw error("expected '~' after the response (the response is one column or expression)")
            }
        }
        index += 1
        return (response, try parseRightHandSide())
    }

    mutating func parseRightHandSide() throws(FormulaError) -> TermNode {
        if case .end = current.kind { throw error("expected terms after '~'") }
        let node = try parseTerms(minimumPrecedence: 0)
        if case .end = current.kind { return node }
        if isSymbol(")") { throw error("unbalanced ')'") }
        throw error("unexpected '\(current.text)'")
    }

    static func precedence(_ symbol: String) -> Int? {
        switch symbol {
        case "+", "-": 100
        case "*", "/": 200
        case ":": 300
        case "**", "^": 500
        default: nil
        }
    }

    mutating func parseTerms(minimumPrecedence: Int) throws(FormulaError) -> TermNode {
        try descend()
        defer { depth -= 1 }
        var left = try parseTermOperand()
        while case .symbol(let symbol) = current.kind, let precedence = Self.precedence(symbol), precedence >= minimumPrecedence {
            let token = current
            index += 1
            if case .end = current.kind { throw error("expected a term after '\(symbol)'") }
            if symbol == "**" || symbol == "^", case .number(let power) = current.kind {
                guard power >= 1, power == power.rounded(), power < 100 else {
                    throw error("the power of a group of terms must be a whole number from 1, e.g. (a + b)**2")
                }
                index += 1
                left = .binary("**", left, .literal(Int(power), offset: current.offset), offset: token.offset)
                continue
            }
            let right = try parseTerms(minimumPrecedence: precedence + 1)
            left = .binary(symbol == "^" ? "**" : symbol, left, right, offset: token.offset)
        }
        return left
    }

    mutating func parseTermOperand() throws(FormulaError) -> TermNode {
        try descend()
        defer { depth -= 1 }
        let token = current
        switch token.kind {
        case .symbol("-"), .symbol("+"):
            index += 1
            let operand = try parseTerms(minimumPrecedence: 101)
            if case .symbol("-") = token.kind { return .negate(operand, offset: token.offset) }
            return operand
        case .symbol("("):
            index += 1
            let inner = try parseTerms(minimumPrecedence: 0)
            guard isSymbol(")") else { throw error("expected ')' to close the '(' at character \(token.offset + 1)") }
            index += 1
            return inner
        case .number(let value):
            index += 1
            guard value == 0 || value == 1 else {
                throw error("a number alone is only 0 or 1 (the intercept); write arithmetic inside I(), e.g. I(x * \(token.text))", at: token)
            }
            return .literal(Int(value), offset: token.offset)
        case .name, .quotedName:
            return .factor(try parseFactor())
        case .end:
            throw error("expected a term")
        default:
            throw error("expected a term, found '\(token.text)'")
        }
    }

    /// A factor: a column name or a function call, named by its source text without spaces.
    mutating func parseFactor() throws(FormulaError) -> Factor {
        let start = current.offset
        let expression = try parsePostfix()
        let end = tokens[index - 1].offset + tokens[index - 1].text.count
        return Factor(name: Self.normalizedName(characters[start..<end]), expression: expression, offset: start)
    }

    /// The factor's name: backticks dropped, spaces removed outside quoted strings, one space after commas.
    static func normalizedName(_ text: ArraySlice<Character>) -> String {
        if text.first == "`", text.last == "`", text.count >= 2, !text.dropFirst().dropLast().contains("`") {
            return String(text.dropFirst().dropLast())
        }
        var name = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                name.append(c)
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" || c == "`" {
                quote = c
                name.append(c)
            } else if c == "," {
                name.append(", ")  // patsy writes a space after each comma: C(r, Treatment('c'))
            } else if !c.isWhitespace {
                name.append(c)
            }
        }
        return name
    }

    // MARK: Arithmetic inside calls

    mutating func parseArithmetic() throws(FormulaError) -> FactorExpression {
        try descend()
        defer { depth -= 1 }
        var left = try parseProduct()
        // Each link of a chain deepens the left-leaning tree by one; count it as nesting.
        var links = 0
        defer { depth -= links }
        while isSymbol("+") || isSymbol("-") {
            let op: Character = isSymbol("+") ? "+" : "-"
            index += 1
            try descend()
            links += 1
            left = .binary(op, left, try parseProduct())
        }
        return left
    }

    mutating func parseProduct() throws(FormulaError) -> FactorExpression {
        var left = try parseUnary()
        var links = 0
        defer { depth -= links }
        while isSymbol("*") || isSymbol("/") {
            let op: Character = isSymbol("*") ? "*" : "/"
            index += 1
            try descend()
            links += 1
            left = .binary(op, left, try parseUnary())
        }
        return left
    }

    mutating func parseUnary() throws(FormulaError) -> FactorExpression {
        try descend()
        defer { depth -= 1 }
        if isSymbol("-") { index += 1; return .negate(try parseUnary()) }
        if isSymbol("+") { index += 1; return try parseUnary() }
        let base = try parsePostfix()
        if isSymbol("^") || isSymbol("**") {
            index += 1
            return .binary("^", base, try parseUnary())
        }
        return base
    }

    mutating func parsePostfix() throws(FormulaError) -> FactorExpression {
        try descend()
        defer { depth -= 1 }
        let token = current
        switch token.kind {
        case .number(let value):
            index += 1
            return .number(value)
        case .string(let value):
            index += 1
            return .string(value)
        case .quotedName(let name):
            index += 1
            return .column(name)
        case .symbol("("):
            index += 1
            let inner = try parseArithmetic()
            guard isSymbol(")") else { throw error("expected ')' to close the '(' at character \(token.offset + 1)") }
            index += 1
            return inner
        case .name(let name):
            index += 1
            guard isSymbol("(") else { return .column(name) }
            guard let function = FunctionName(spelling: name) else {
                throw .unknownFunction(name, position: token.offset + 1, formula: formula)
            }
            index += 1
            var arguments: [FactorArgument] = []
            if !isSymbol(")") {
                while true {
                    var label: String?
                    if case .name(let candidate) = current.kind, case .symbol("=") = tokens[index + 1].kind {
                        label = candidate
                        index += 2
                    }
                    arguments.append(FactorArgument(label: label, value: try parseArithmetic()))
                    if isSymbol(",") { index += 1; continue }
                    break
                }
            }
            guard isSymbol(")") else {
                if case .end = current.kind { throw error("'\(name)(' is never closed", at: token) }
                throw error("expected ',' or ')' in the arguments of \(name)()")
            }
            index += 1
            return try Self.validated(function, arguments, offset: token.offset, formula: formula)
        case .end:
            throw error("expected a column name or a function")
        default:
            throw error("expected a column name or a function, found '\(token.text)'")
        }
    }

    /// Checks argument counts and rewrites `Q("name")` to a column reference.
    static func validated(_ function: FunctionName, _ arguments: [FactorArgument], offset: Int, formula: String)
        throws(FormulaError) -> FactorExpression
    {
        func fail(_ reason: String) -> FormulaError {
            .invalidArguments(function: function.rawValue, reason: reason, position: offset + 1, formula: formula)
        }
        switch function {
        case .quote:
            guard arguments.count == 1, arguments[0].label == nil, case .string(let name) = arguments[0].value else {
                throw fail("takes one quoted column name, e.g. Q(\"Deal Size\")")
            }
            return .column(name)
        case .categorical:
            guard (1...2).contains(arguments.count), arguments[0].label == nil else {
                throw fail("takes a column and optionally Treatment('level'), e.g. C(region, Treatment('West'))")
            }
            if arguments.count == 2 {
                guard case .call(.treatment, _, _) = arguments[1].value else {
                    throw fail("the second argument must be Treatment('reference level')")
                }
            }
        case .lag:
            guard (1...2).contains(arguments.count), arguments.allSatisfy({ $0.label == nil }) else {
                throw fail("takes a column and a whole number of periods, e.g. lag(demos, 1)")
            }
            if arguments.count == 2 {
                guard case .number(let k) = arguments[1].value, k >= 0, k == k.rounded(), k <= 1000 else {
                    throw fail("the lag must be a whole number of periods ≥ 0, e.g. lag(demos, 2)")
                }
            }
        case .adstock:
            guard arguments.count == 2, arguments.allSatisfy({ $0.label == nil }),
                  case .number(let rate) = arguments[1].value, rate >= 0, rate < 1 else {
                throw fail("takes a column and a carryover rate from 0 up to (not including) 1, e.g. adstock(demos, 0.5)")
            }
        case .season:
            guard arguments.count <= 2, arguments.allSatisfy({ $0.label == nil }) else {
                throw fail("takes the period column and optionally 'quarter' or 'month', e.g. season(period, 'quarter')")
            }
            if arguments.count == 2 {
                guard case .string(let unit) = arguments[1].value, ["quarter", "month", "week"].contains(unit) else {
                    throw fail("the second argument is 'quarter', 'month' or 'week'")
                }
            }
            if let first = arguments.first, case .column = first.value {} else if !arguments.isEmpty {
                throw fail("the first argument must be the period column")
            }
        case .trend:
            guard arguments.count <= 1, arguments.allSatisfy({ $0.label == nil }) else {
                throw fail("takes at most the period column, e.g. trend(period)")
            }
            if let first = arguments.first, case .column = first.value {} else if !arguments.isEmpty {
                throw fail("the argument must be the period column")
            }
        case .treatment:
            guard arguments.count == 1, arguments[0].label == nil || arguments[0].label == "reference" else {
                throw fail("takes the reference level, e.g. Treatment('West')")
            }
        default:
            guard arguments.count == 1, arguments[0].label == nil else { throw fail("takes exactly one argument") }
        }
        return .call(function, arguments, offset: offset)
    }
}
