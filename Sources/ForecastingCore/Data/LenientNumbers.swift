/// Numbers as spreadsheets and CRM exports write them: `$1,200.50`, `€5`, `(300)` for −300, `1,234,567`.
/// Read only when asked (``CSVReadOptions/lenientNumbers``); by default such cells are refused with a hint.
enum LenientNumber {
    static let currencySymbols: Set<Character> = ["$", "€", "£", "¥"]

    /// The number in `text`, or `nil`. Thousands separators must group digits by three.
    static func parse(_ text: String) -> Double? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.hasPrefix("("), s.hasSuffix(")") { negative = true; s = s.dropFirst().dropLast() }
        if s.hasPrefix("-") { negative.toggle(); s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        if let first = s.first, currencySymbols.contains(first) { s = s.dropFirst() }
        if let last = s.last, currencySymbols.contains(last) { s = s.dropLast() }
        if s.hasPrefix("-"), !negative { negative = true; s = s.dropFirst() }
        s = Substring(s.trimmingCharacters(in: .whitespaces))
        guard !s.isEmpty else { return nil }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let whole = parts[0]
        if whole.contains(",") {
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
            guard let head = groups.first, (1...3).contains(head.count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 }),
                  groups.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        }
        let plain = whole.replacingOccurrences(of: ",", with: "") + (parts.count == 2 ? "." + parts[1] : "")
        guard let value = NumberParser.parse(plain) else { return nil }
        return negative ? -value : value
    }

    /// Whether a refused cell looks like a number in spreadsheet format, for the error's hint.
    static func looksFormatted(_ text: String) -> Bool {
        NumberParser.parse(text) == nil && parse(text) != nil
    }
}

extension Dataset {
    /// Text columns whose every present cell is a number in spreadsheet format become numeric.
    func readingLenientNumbers() throws(DataError) -> Dataset {
        var result = self
        for (name, column) in zip(columnNames, columns) {
            guard case .text(let text) = column else { continue }
            let values = text.levels.map(LenientNumber.parse)
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { continue }
            result = try result.replacingColumn(name, with: .numeric(text.codes.map { $0 < 0 ? .nan : values[Int($0)] ?? .nan }))
        }
        return result
    }
}
