/// The counts of a panel being built: one slot per (rep, period) that has a record, holding a count
/// per activity column and the won deals and revenue.
///
/// A rep's periods are looked up in a dense array over the span of periods it has records in, so the
/// per-row step is two array reads and an increment, with no hashing (a dictionary keyed by rep,
/// period and column was half the time of a 20-million-row export).
struct ExportCountTable {
    /// Room per slot for activity columns; grows by doubling (and re-lays the counts out) when a type adds one.
    private(set) var columnCapacity = 8
    /// `counts[slot * columnCapacity + column]`, 32-bit to halve what random rows pull through the cache.
    private(set) var counts: [Int32] = []
    private(set) var dealsWon: [Int] = []
    private(set) var revenue: [CentAmount] = []
    /// Each slot's rep and period index.
    private(set) var slotRep: [Int32] = []
    private(set) var slotPeriod: [Int] = []
    /// Per rep, a window of `windowSlots`: the slot of period `first + k` (or -1) at `windowSlots[start + k]`,
    /// `k < count`; `capacity` places are kept at `start`. One flat array, so a lookup is two reads.
    private struct RepWindow {
        var first = 0
        var start = 0
        var count = 0
        var capacity = 0
    }
    private var windows: [RepWindow] = []
    private var windowSlots: [Int32] = []

    var slotCount: Int { slotRep.count }

    /// Makes room for one more rep (reps are numbered in order).
    mutating func addRep() {
        windows.append(RepWindow())
    }

    /// Makes room for `columns` activity columns.
    mutating func reserveColumns(_ columns: Int) {
        guard columns > columnCapacity else { return }
        var capacity = columnCapacity
        while capacity < columns { capacity *= 2 }
        var grown = [Int32](repeating: 0, count: slotCount * capacity)
        for slot in 0..<slotCount {
            for column in 0..<columnCapacity { grown[slot * capacity + column] = counts[slot * columnCapacity + column] }
        }
        counts = grown
        columnCapacity = capacity
    }

    /// The slot of (rep, period), made when missing.
    @inline(__always) mutating func slot(rep: Int, period: Int) -> Int {
        let window = windows[rep]
        let offset = period &- window.first
        if offset >= 0 && offset < window.count {
            let slot = windowSlots[window.start &+ offset]
            if slot >= 0 { return Int(slot) }
        }
        return makeSlot(rep: rep, period: period)
    }

    private mutating func makeSlot(rep: Int, period: Int) -> Int {
        var window = windows[rep]
        if window.count == 0 {
            window = RepWindow(first: period, start: windowSlots.count, count: 1, capacity: 4)
            windowSlots.append(contentsOf: repeatElement(-1, count: 4))
        } else if period < window.first || period - window.first >= window.count {
            let first = min(window.first, period)
            let count = max(window.first + window.count, period + 1) - first
            if period >= window.first && count <= window.capacity {
                // Room after the periods so far.
                for k in window.count..<count { windowSlots[window.start + k] = -1 }
                window.count = count
            } else {
                // Move the window to the end of the array with room to spare (the old places are left unused).
                let capacity = max(count, window.capacity * 2)
                let start = windowSlots.count
                windowSlots.append(contentsOf: repeatElement(-1, count: capacity))
                let shift = window.first - first
                for k in 0..<window.count { windowSlots[start + shift + k] = windowSlots[window.start + k] }
                window = RepWindow(first: first, start: start, count: count, capacity: capacity)
            }
        }
        let slot = slotCount
        windowSlots[window.start + period - window.first] = Int32(slot)
        windows[rep] = window
        slotRep.append(Int32(rep))
        slotPeriod.append(period)
        counts.append(contentsOf: repeatElement(0, count: columnCapacity))
        dealsWon.append(0)
        revenue.append(.zero)
        return slot
    }

    /// Counts one activity; `false` when the cell already holds 2³¹ − 1 activities.
    @inline(__always) mutating func addActivity(rep: Int, period: Int, column: Int) -> Bool {
        let index = slot(rep: rep, period: period) * columnCapacity + column
        let (sum, overflow) = counts[index].addingReportingOverflow(1)
        counts[index] = sum
        return !overflow
    }

    /// Adds a won deal; `false` when the revenue would overflow.
    mutating func addDeal(rep: Int, period: Int, amount: CentAmount) -> Bool {
        let slot = slot(rep: rep, period: period)
        guard let sum = revenue[slot].adding(amount) else { return false }
        revenue[slot] = sum
        dealsWon[slot] += 1
        return true
    }

    /// The count of `column` in `slot`.
    func count(slot: Int, column: Int) -> Int { Int(counts[slot * columnCapacity + column]) }
}
