/// The scanner's codes for reps and types, turned into the aggregator's indices as they are met.
struct ScannedCodeMap {
    /// Per scanner rep code: the aggregator's rep index (-1 for a rep left out, not in the roster) and its name.
    var reps: [Int32] = []
    var repNames: [String] = []
    /// Per scanner type code: the raw type index and its count column.
    var rawTypes: [Int] = []
    var typeColumns: [Int] = []
}

extension ExportAggregator {
    /// Adds a block of activity rows read by ``ActivityBlockScanner``: the same steps as
    /// ``addActivities(_:)`` (the scanner took only blocks with no id column, no team column to
    /// check and no cell it could not vouch for).
    mutating func addActivities(_ block: ScannedActivityBlock, codes: inout ScannedCodeMap, path: String) throws(ExportError) {
        let names = options.activityColumns
        let n = block.rowCount
        note.activityRows += n
        // New reps, then new types, in the order they were met: the errors the general path would give first.
        for (k, new) in block.newReps.enumerated() {
            assert(block.firstNewRep + k == codes.reps.count, "scanner rep codes out of step")
            codes.reps.append(try intern(rep: new.text, path: path, line: block.firstLine + new.row, column: names.rep))
            codes.repNames.append(new.text)
        }
        for (k, new) in block.newTypes.enumerated() {
            assert(block.firstNewType + k == codes.rawTypes.count, "scanner type codes out of step")
            let raw = try intern(type: new.text, path: path, line: block.firstLine + new.row)
            codes.rawTypes.append(raw)
            codes.typeColumns.append(rawTypes[raw].column)
        }
        dates.addInstants(block.instants, movedToAnotherDay: block.instantsMovedToAnotherDay)
        var typeCounts = [Int](repeating: 0, count: codes.rawTypes.count)
        let hasRoster = roster != nil
        var counted = 0, outside = 0
        let cells = block.rows
        for row in 0..<n {
            let repCode = Int(cells[row &* 4])
            let rep = codes.reps[repCode]
            if rep < 0 {
                let name = codes.repNames[repCode]
                skipped[name, default: .init(rep: name, activities: 0, deals: 0)].activities += 1
                continue
            }
            let day = Int(cells[row &* 4 &+ 2])
            if hasRoster && !isEmployed(rep, on: day) { outside += 1; continue }
            recordDay(rep, day)
            let type = Int(cells[row &* 4 &+ 1])
            guard table.addActivity(rep: Int(rep), period: Int(cells[row &* 4 &+ 3]), column: codes.typeColumns[type]) else {
                throw .tooLarge(path: path, line: block.firstLine + row, reason: "more than \(Int32.max) activities of one type for one rep in one period")
            }
            typeCounts[type] += 1
            counted += 1
        }
        for (code, count) in typeCounts.enumerated() where count > 0 { rawTypeCounts[codes.rawTypes[code]] += count }
        note.activitiesCounted += counted
        note.activitiesOutsideEmployment += outside
    }
}
