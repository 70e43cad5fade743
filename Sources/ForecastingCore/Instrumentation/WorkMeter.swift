import Foundation

/// Counts units of work (rows visited, cells built, rep lines matched) in the loops whose cost must
/// stay linear in the rows and reps, so a test can check that doubling the reps about doubles the
/// work; a scan of every row per row or per rep would square it. Off unless a test binds one with
/// `WorkMeter.$current.withValue(meter) { … }`; when off, each loop pays one task-local read.
package final class WorkMeter: @unchecked Sendable {
    /// The meter the current task counts into, if any.
    @TaskLocal package static var current: WorkMeter?

    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    /// A meter with every count at zero.
    package init() {}

    /// Adds `units` to the count of `area` (a short name, e.g. `panel index`).
    package func add(_ units: Int, to area: String) {
        lock.lock()
        counts[area, default: 0] += units
        lock.unlock()
    }

    /// The count of one area.
    package func count(_ area: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[area] ?? 0
    }

    /// The sum over every area.
    package var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return counts.values.reduce(0, +)
    }

    /// Every area's count.
    package var byArea: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }

    /// Adds `units` to `area` on the current task's meter, when there is one.
    package static func record(_ units: Int, in area: String) {
        current?.add(units, to: area)
    }
}
