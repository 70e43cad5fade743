import Foundation
import GRDB

/// The forecast ledger: an SQLite file that keeps every recorded run (its lines, with the two naive
/// forecasts), the actual results as they are loaded (with revisions), and scores the runs against them.
///
/// ```swift
/// let ledger = try ForecastLedger(path: "forecasts.sqlite")
/// let run = try model.forecast("2026-Q4")
/// try ledger.record(run, history: history)
/// try ledger.loadActuals(try SalesHistory(contentsOf: actualsURL), response: "revenue")
/// print(try ledger.score(level: .rep).text())
/// ```
///
/// Writes are transactions (a run is recorded whole or not at all); the file is in WAL mode with a busy
/// timeout, so several processes can record into one ledger at once.
public final class ForecastLedger: Sendable {
    /// The ledger file.
    public let path: String
    let pool: DatabasePool

    /// Opens a ledger, creating it when `create` is true and the file does not exist.
    ///
    /// - Throws: ``LedgerError`` for a missing or read-only folder, a file that is not a ledger, a damaged
    ///   file, or a ledger from a newer version of the tool; nothing is written then.
    public init(path: String, create: Bool = true, busyTimeout: TimeInterval = 60) throws {
        self.path = path
        let fm = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LedgerError.missingDirectory(path: directory)
        }
        let exists = fm.fileExists(atPath: path)
        if !exists {
            guard create else { throw LedgerError.missingLedger(path: path) }
            guard fm.isWritableFile(atPath: directory) else { throw LedgerError.readOnly(path: path) }
        } else {
            guard fm.isWritableFile(atPath: path), fm.isWritableFile(atPath: directory) else { throw LedgerError.readOnly(path: path) }
            try Self.check(path: path, busyTimeout: busyTimeout)
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrate(pool)
        } catch let error as DatabaseError {
            throw Self.ledgerError(error, path: path)
        }
    }

    /// Checks an existing file before anything is written to it: a database, a ledger, not from a newer schema.
    private static func check(path: String, busyTimeout: TimeInterval) throws {
        // Read-write (without changing the journal mode), so a hot journal left by a killed writer is rolled back.
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                // GRDB's own table is created before the first migration's transaction: a ledger another process is creating.
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE '%grdb_migrations%'") ?? 0
                let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if tables > 0 && application != LedgerSchema.applicationID { throw LedgerError.notALedger(path: path) }
                if version > LedgerSchema.version {
                    throw LedgerError.newerSchema(path: path, version: version, supported: LedgerSchema.version)
                }
                if try db.tableExists("grdb_migrations"), try LedgerSchema.migrator.hasBeenSuperseded(db) {
                    throw LedgerError.newerSchema(path: path, version: version, supported: LedgerSchema.version)
                }
            }
        } catch let error as DatabaseError {
            throw ledgerError(error, path: path)
        }
    }

    /// Runs the migrator; a concurrent process creating the same ledger makes one attempt fail, and the retry finds it done.
    private static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            do {
                try LedgerSchema.migrator.migrate(pool)
                return
            } catch let error as DatabaseError where attempt < 8 && [.SQLITE_CONSTRAINT, .SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode) {
                attempt += 1
                usleep(useconds_t(20_000 * attempt))
            }
        }
    }

    static func ledgerError(_ error: DatabaseError, path: String) -> LedgerError {
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: .corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: .readOnly(path: path)
        default: .database(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Runs `work` in an immediate write transaction (the write lock taken at once, waiting for other writers).
    func write<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try work(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw Self.ledgerError(error, path: path)
        }
    }

    /// Runs `work` reading a consistent snapshot.
    func read<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(work)
        } catch let error as DatabaseError {
            throw Self.ledgerError(error, path: path)
        }
    }

    /// `PRAGMA integrity_check`: `ok` for a sound file.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
