import Foundation

/// Reads ISO 8601 dates and timestamps from their bytes and cuts them into days, in a time zone.
///
/// Accepted: `2026-03-15`, and timestamps `2026-03-15T09:30`, `…T09:30:00`, `…T09:30:00.250`
/// (`T` or a space between date and time), with or without an offset (`Z`, `+02:00`, `-0500`, `+02`).
/// A date, or a timestamp without an offset, is taken as written (it is already the team's local
/// time). A timestamp with an offset is an instant; it is cut into a day in ``timeZone``, or in UTC
/// when none is given.
///
/// No `DateFormatter` per row: the digits are read by hand, and the zone's offset is asked of
/// Foundation once per UTC day (and again only for instants past a transition within that day).
struct ExportDateReader {
    /// The zone instants are cut in; `nil` for UTC.
    let timeZone: TimeZone?
    /// Instants (timestamps with an offset) read so far.
    private(set) var instants = 0
    /// Instants whose day in ``timeZone`` differs from the day written in the cell.
    private(set) var instantsMovedToAnotherDay = 0
    private var offsetByUTCDay: [Int: ZoneDay] = [:]

    private struct ZoneDay {
        var offset: Int
        /// The first instant (seconds) after the day's start at which the offset changes.
        var nextTransition: Int
    }

    init(timeZone: TimeZone?) {
        self.timeZone = timeZone
    }

    /// The day (days since 1970-01-01) of a cell, or `nil` when it is not an ISO date or timestamp;
    /// `rows` is how many rows hold it, for the tally of instants.
    mutating func day(of text: String, rows: Int = 1) -> Int? {
        var text = text
        return text.withUTF8 { day(of: $0, rows: rows) }
    }

    /// The day of the cell's bytes, or `nil` when they are not an ISO date or timestamp.
    mutating func day(of s: UnsafeBufferPointer<UInt8>, rows: Int = 1) -> Int? {
        var n = s.count
        var start = 0
        while start < n, s[start] == 32 { start += 1 }
        while n > start, s[n - 1] == 32 { n -= 1 }
        guard n - start >= 10 else { return nil }
        @inline(__always) func digit(_ k: Int) -> Int? {
            let b = s[k]
            return b >= 48 && b <= 57 ? Int(b - 48) : nil
        }
        @inline(__always) func number(_ k: Int, _ width: Int) -> Int? {
            guard k + width <= n else { return nil }
            var value = 0
            for i in k..<(k + width) {
                guard let d = digit(i) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        let p = start
        guard let year = number(p, 4), s[p + 4] == 45, let month = number(p + 5, 2), s[p + 7] == 45,
              let dayOfMonth = number(p + 8, 2), year >= 1, (1...12).contains(month),
              dayOfMonth >= 1, dayOfMonth <= Period.daysInMonth(year, month) else { return nil }
        let day = Period.daysFromCivil(year, month, dayOfMonth)
        var k = p + 10
        if k == n { return day }
        // A time: T or space, HH:MM[:SS[.fraction]].
        guard s[k] == 84 || s[k] == 116 || s[k] == 32 else { return nil }
        k += 1
        guard let hour = number(k, 2), hour <= 24, k + 2 < n, s[k + 2] == 58, let minute = number(k + 3, 2), minute <= 59 else { return nil }
        k += 5
        var second = 0
        if k < n, s[k] == 58 {
            guard let value = number(k + 1, 2), value <= 60 else { return nil }
            second = value
            k += 3
            if k < n, s[k] == 46 || s[k] == 44 {
                k += 1
                let digitsStart = k
                while k < n, digit(k) != nil { k += 1 }
                guard k > digitsStart else { return nil }
            }
        }
        guard hour < 24 || (minute == 0 && second == 0) else { return nil }
        if k == n { return day + (hour == 24 ? 1 : 0) }
        // An offset: Z, ±HH, ±HHMM or ±HH:MM.
        var offset = 0
        if s[k] == 90 || s[k] == 122 {
            guard k + 1 == n else { return nil }
        } else if s[k] == 43 || s[k] == 45 {
            let sign = s[k] == 45 ? -1 : 1
            guard let hours = number(k + 1, 2), hours <= 23 else { return nil }
            var minutes = 0
            switch n - (k + 3) {
            case 0: break
            case 2: guard let m = number(k + 3, 2), m <= 59 else { return nil }; minutes = m
            case 3: guard s[k + 3] == 58, let m = number(k + 4, 2), m <= 59 else { return nil }; minutes = m
            default: return nil
            }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        let instant = day * 86400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        let local = localDay(of: instant)
        instants += rows
        if local != day + (hour == 24 ? 1 : 0) { instantsMovedToAnotherDay += rows }
        return local
    }

    /// Adds the tallies of instants read by another reader (the byte-level scanner's).
    mutating func addInstants(_ count: Int, movedToAnotherDay moved: Int) {
        instants += count
        instantsMovedToAnotherDay += moved
    }

    /// The day holding `instant` (seconds since 1970, UTC) in ``timeZone``.
    private mutating func localDay(of instant: Int) -> Int {
        guard let timeZone else { return Period.floorDivide(instant, 86400) }
        let utcDay = Period.floorDivide(instant, 86400)
        let zoneDay: ZoneDay
        if let cached = offsetByUTCDay[utcDay] {
            zoneDay = cached
        } else {
            let dayStart = Date(timeIntervalSince1970: TimeInterval(utcDay * 86400))
            let next = timeZone.nextDaylightSavingTimeTransition(after: dayStart).map { Int($0.timeIntervalSince1970.rounded(.down)) }
            zoneDay = ZoneDay(offset: timeZone.secondsFromGMT(for: dayStart), nextTransition: next ?? Int.max)
            offsetByUTCDay[utcDay] = zoneDay
        }
        let offset = instant < zoneDay.nextTransition
            ? zoneDay.offset
            : timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        return Period.floorDivide(instant + offset, 86400)
    }
}
