/// One token of a formula, with its 0-based character offset.
struct FormulaToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare name: letters, digits, `_` and `.` (so `np.log` and `deal.size` are one name).
        case name(String)
        /// A name in backticks, taken literally: `` `Deal Size ($)` ``.
        case quotedName(String)
        case number(Double)
        case string(String)
        /// `~ + - * / : ** ^ ( ) , = [ ]`
        case symbol(String)
        case end
    }
    var kind: Kind
    /// 0-based character offset of the token's first character.
    var offset: Int
    /// The token's source text.
    var text: String
}

enum FormulaLexer {
    static func tokenize(_ formula: String) throws(FormulaError) -> [FormulaToken] {
        let characters = Array(formula)
        var tokens: [FormulaToken] = []
        var i = 0
        func fail(_ message: String, _ at: Int) -> FormulaError {
            .syntax(message, position: at + 1, formula: formula)
        }
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isLetter || c == "_" {
                while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" || characters[i] == "." {
                    i += 1
                }
                let text = String(characters[start..<i])
                tokens.append(FormulaToken(kind: .name(text), offset: start, text: text))
            } else if c.isNumber || (c == "." && i + 1 < characters.count && characters[i + 1].isNumber) {
                while i < characters.count, characters[i].isNumber || characters[i] == "." { i += 1 }
                if i < characters.count, characters[i] == "e" || characters[i] == "E" {
                    var j = i + 1
                    if j < characters.count, characters[j] == "+" || characters[j] == "-" { j += 1 }
                    if j < characters.count, characters[j].isNumber {
                        i = j
                        while i < characters.count, characters[i].isNumber { i += 1 }
                    }
                }
                let text = String(characters[start..<i])
                guard let value = Double(text) else { throw fail("'\(text)' is not a number", start) }
                tokens.append(FormulaToken(kind: .number(value), offset: start, text: text))
            } else if c == "`" {
                i += 1
                while i < characters.count, characters[i] != "`" { i += 1 }
                guard i < characters.count else { throw fail("a backtick-quoted name is never closed", start) }
                let name = String(characters[(start + 1)..<i])
                guard !name.isEmpty else { throw fail("empty backtick-quoted name", start) }
                i += 1
                tokens.append(FormulaToken(kind: .quotedName(name), offset: start, text: String(characters[start..<i])))
            } else if c == "\"" || c == "'" {
                i += 1
                var value = ""
                while i < characters.count, characters[i] != c {
                    if characters[i] == "\\", i + 1 < characters.count { i += 1 }
                    value.append(characters[i])
                    i += 1
                }
                guard i < characters.count else { throw fail("a quoted string is never closed", start) }
                i += 1
                tokens.append(FormulaToken(kind: .string(value), offset: start, text: String(characters[start..<i])))
            } else if c == "*" && i + 1 < characters.count && characters[i + 1] == "*" {
                i += 2
                tokens.append(FormulaToken(kind: .symbol("**"), offset: start, text: "**"))
            } else if "~+-*/:^(),=[]".contains(c) {
                i += 1
                tokens.append(FormulaToken(kind: .symbol(String(c)), offset: start, text: String(c)))
            } else {
                throw fail("unexpected character '\(c)'", start)
            }
        }
        tokens.append(FormulaToken(kind: .end, offset: characters.count, text: ""))
        return tokens
    }
}
