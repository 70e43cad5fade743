/// A result that can be written in each ``ReportFormat``; `formatted(_:)` picks the writer.
public protocol Report: Sendable {
    /// The readable text version.
    func text() -> String
    /// The JSON document.
    func jsonDocument() -> JSONValue
    /// Markdown tables.
    func markdown() -> String
    /// CSV.
    func csv() -> String
}

extension Report {
    /// The report as text, JSON, Markdown or CSV.
    public func formatted(_ format: ReportFormat) -> String {
        switch format {
        case .text: text()
        case .json: jsonDocument().serialized()
        case .markdown: markdown()
        case .csv: csv()
        }
    }
}

extension Report {
    /// The readable text version, so `print(report)` shows it.
    public var description: String { text() }
}
