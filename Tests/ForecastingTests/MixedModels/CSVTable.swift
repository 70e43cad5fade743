import Foundation

/// A tiny CSV reader for the test fixtures (no quoting: the fixtures have none).
struct CSVTable {
    let header: [String]
    let rows: [[String]]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw TestDataError.malformed(path) }
        header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func strings(_ name: String) throws -> [String] {
        guard let index = header.firstIndex(of: name) else { throw TestDataError.missingColumn(name) }
        return rows.map { $0[index] }
    }

    func numbers(_ name: String) throws -> [Double] {
        try strings(name).map { text in
            guard let value = Double(text) else { throw TestDataError.malformed("\(name): \(text)") }
            return value
        }
    }
}

/// A grouping factor coded as R's factor(): levels sorted, indices per row.
struct Factor {
    let names: [String]
    let indices: [Int32]

    init(_ values: [String]) {
        names = Array(Set(values)).sorted()
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        indices = values.map { position[$0] ?? -1 }
    }

    /// The interaction a:b with levels "aLevel:bLevel" (lme4's naming for nested terms).
    static func interaction(_ a: [String], _ b: [String]) -> Factor {
        Factor(zip(a, b).map { "\($0):\($1)" })
    }
}

enum TestDataError: Error { case malformed(String), missingColumn(String), missingCase(String) }

/// Paths relative to this package.
enum TestPaths {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/\(name)").path }
    static let reference = root.appendingPathComponent("Tests/Reference/lme4_reference.json").path
}
