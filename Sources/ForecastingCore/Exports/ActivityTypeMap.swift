import Foundation

/// How activity types become count columns: a rename or merge for some types (`Call=calls`,
/// `Inbound Call=calls`), and a naming rule for the rest.
///
/// ```swift
/// ActivityTypeMap.columnName(for: "Call")          // "calls"
/// ActivityTypeMap.columnName(for: "Proposal")      // "proposals"
/// ActivityTypeMap.columnName(for: "Sales Process") // "sales_process"
/// ```
public struct ActivityTypeMap: Sendable, Equatable {
    /// One rename: a type as written in the export and the column it is counted in.
    public struct Entry: Sendable, Equatable {
        /// The type as written in the export (matched ignoring case and surrounding spaces).
        public var type: String
        /// The count column.
        public var column: String

        /// Creates an entry.
        public init(type: String, column: String) {
            self.type = type
            self.column = column
        }
    }

    /// The renames, in the order given (their columns come first in the panel, in this order).
    public let entries: [Entry]
    private let columnByKey: [String: String]

    /// Creates a map from entries.
    public init(_ entries: [Entry] = []) {
        self.entries = entries
        var byKey: [String: String] = [:]
        for entry in entries { byKey[Self.key(entry.type)] = entry.column }
        self.columnByKey = byKey
    }

    /// Reads `Type=column,Other Type=column`.
    /// - Throws: ``ExportError/invalidTypeMap(entry:)`` for an entry without `=` or with an empty side.
    public init(parsing text: String) throws(ExportError) {
        var entries: [Entry] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let type = pieces.first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            let column = pieces.count == 2 ? String(pieces[1]).trimmingCharacters(in: .whitespaces) : ""
            guard !type.isEmpty, !column.isEmpty else { throw .invalidTypeMap(entry: String(part)) }
            entries.append(Entry(type: type, column: column))
        }
        self.init(entries)
    }

    /// The column a type is renamed to, or `nil` when the map does not name it.
    public func mappedColumn(for type: String) -> String? { columnByKey[Self.key(type)] }

    /// The column a type is counted in: the map's, or the naming rule's.
    public func column(for type: String) -> String { mappedColumn(for: type) ?? Self.columnName(for: type) }

    /// The naming rule: lower case, each run of spaces (or other characters a formula cannot name)
    /// as one underscore, and a trailing `s` unless the name already ends in `s`.
    public static func columnName(for type: String) -> String {
        var name = ""
        var pendingUnderscore = false
        for character in type.trimmingCharacters(in: .whitespaces).lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                if pendingUnderscore && !name.isEmpty { name.append("_") }
                pendingUnderscore = false
                name.append(character)
            } else {
                pendingUnderscore = true
            }
        }
        if name.isEmpty { name = "other" }
        return name.hasSuffix("s") ? name : name + "s"
    }

    private static func key(_ type: String) -> String { type.trimmingCharacters(in: .whitespaces).lowercased() }
}
