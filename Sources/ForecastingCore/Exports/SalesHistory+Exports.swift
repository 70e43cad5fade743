import Foundation

extension SalesHistory {
    /// A history built straight from CRM exports: the panel of ``ActivityPanel/init(activities:deals:roster:options:)``,
    /// laid out by `period`, `rep` and (when the roster or the exports give one) `team`.
    ///
    /// ```swift
    /// let history = try SalesHistory(activities: "crm/activities.csv", deals: "crm/deals.csv", roster: "crm/roster.csv")
    /// let model = try history.fit("revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')")
    /// ```
    ///
    /// - Parameters:
    ///   - activities: The activity export.
    ///   - deals: The deal export.
    ///   - roster: An optional roster file.
    ///   - options: Columns, period, won stages, time zone and type names.
    /// - Throws: ``ExportError`` or ``CSVError`` for bad exports, ``TimeError`` if the panel cannot be laid out.
    public init(activities: String, deals: String, roster: String? = nil, options: ExportPanelOptions = .init()) throws {
        self = try ActivityPanel(activities: activities, deals: deals, roster: roster, options: options).history()
    }
}
