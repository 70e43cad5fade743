import Foundation

/// Produces items on a thread of its own, up to `ahead` items before the consumer, handed over in
/// order: reading and parsing the next block of a file overlaps with the work on the current one.
/// The first error (or the end, `nil`) ends the production. ``finish()`` stops the thread and waits
/// for it; the source may then be used again (rewound).
final class ReadAhead<Item>: @unchecked Sendable {
    // `produce` is only called on the reading thread until `finish()` has waited for it to stop;
    // everything else is guarded by `condition`.
    private let produce: () throws(CSVError) -> Item?
    private let condition = NSCondition()
    private var queue: [Result<Item?, CSVError>] = []
    private var stopped = false, running = true
    private let capacity: Int

    /// Starts the reading thread.
    /// - Parameters:
    ///   - ahead: How many items may wait to be taken.
    ///   - produce: The next item, or `nil` at the end.
    init(ahead: Int = 2, _ produce: @escaping () throws(CSVError) -> Item?) {
        self.produce = produce
        capacity = max(1, ahead)
        let thread = Thread { [self] in self.run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func run() {
        while true {
            let item: Result<Item?, CSVError>
            do throws(CSVError) {
                item = .success(try produce())
            } catch {
                item = .failure(error)
            }
            condition.lock()
            while queue.count >= capacity && !stopped { condition.wait() }
            if stopped { break }
            queue.append(item)
            condition.broadcast()
            condition.unlock()
            if case .success(.some) = item { continue }
            condition.lock()
            break
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, or `nil` at the end.
    func next() throws(CSVError) -> Item? {
        condition.lock()
        while queue.isEmpty && running { condition.wait() }
        guard !queue.isEmpty else { condition.unlock(); return nil }
        let item = queue.removeFirst()
        condition.broadcast()
        condition.unlock()
        return try item.get()
    }

    /// Stops producing and waits for the reading thread to end.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}
