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
    private var repFirstPeriod: [Int] = []
    /// Per rep, the slot of period `repFirstPeriod[rep] + k`, or -1.
    private var repSlots: [[Int32]] = []

    var slotCount: Int { slotRep.count }

    /// Makes room for one more rep (reps are numbered in order).
    mutating func addRep() {
        repFirstPeriod.append(0)
        repSlots.append([])
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
        let offset = period - repFirstPeriod[rep]
        if offset >= 0 && offset < repSlots[rep].count {
            let slot = repSlots[rep][offset]
            if slot >= 0 { return Int(slot) }
        }
        return makeSlot(rep: rep, period: period)
    }

    private mutating func makeSlot(rep: Int, period: Int) -> Int {
        if repSlots[rep].isEmpty {
            repFirstPeriod[rep] = period
            repSlots[rep] = [-1]
        } else if period < repFirstPeriod[rep] {
            let extra = repFirstPeriod[rep] - period
            repSlots[rep].insert(contentsOf: repeatElement(-1, count: extra), at: 0)
            repFirstPeriod[rep] = period
        } else if period - repFirstPeriod[rep] >= repSlots[rep].count {
            repSlots[rep].append(contentsOf: repeatElement(-1, count: period - repFirstPeriod[rep] - repSlots[rep].count + 1))
        }
        let slot = slotCount
        repSlots[rep][period - repFirstPeriod[rep]] = Int32(slot)
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
