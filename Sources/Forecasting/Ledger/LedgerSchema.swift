import GRDB

/// The ledger's tables, built and upgraded by GRDB's migrator. The schema version is also kept in
/// `PRAGMA user_version`, and `PRAGMA application_id` marks the file as a forecast ledger.
enum LedgerSchema {
    /// The newest schema this version of the tool reads and writes.
    static let version = 1
    /// `SFLG`: marks an SQLite file as a forecast ledger.
    static let applicationID: Int32 = 0x5346_4C47

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    ran_at TEXT NOT NULL,
                    as_of TEXT NOT NULL,
                    horizon TEXT NOT NULL,
                    horizon_index INTEGER NOT NULL,
                    lead_periods INTEGER NOT NULL,
                    response TEXT NOT NULL,
                    formula TEXT NOT NULL,
                    model_choice TEXT NOT NULL,
                    covariance TEXT NOT NULL,
                    level REAL NOT NULL,
                    periods INTEGER NOT NULL,
                    tool_version TEXT NOT NULL,
                    line_count INTEGER NOT NULL
                );
                CREATE TABLE IF NOT EXISTS run_inputs (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    path TEXT NOT NULL,
                    sha256 TEXT
                );
                CREATE TABLE IF NOT EXISTS lines (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    team TEXT,
                    mean REAL NOT NULL,
                    se REAL NOT NULL,
                    lower REAL NOT NULL,
                    upper REAL NOT NULL,
                    quota REAL,
                    p_quota REAL,
                    naive_run_rate REAL,
                    naive_last_year REAL,
                    periods INTEGER NOT NULL,
                    PRIMARY KEY (run_id, kind, name)
                );
                CREATE TABLE IF NOT EXISTS actuals (
                    response TEXT NOT NULL,
                    rep TEXT NOT NULL,
                    period TEXT NOT NULL,
                    quarter_index INTEGER NOT NULL,
                    team TEXT,
                    value REAL NOT NULL,
                    loaded_at TEXT NOT NULL,
                    PRIMARY KEY (response, rep, period)
                );
                CREATE TABLE IF NOT EXISTS actual_revisions (
                    response TEXT NOT NULL,
                    rep TEXT NOT NULL,
                    period TEXT NOT NULL,
                    previous REAL NOT NULL,
                    value REAL NOT NULL,
                    revised_at TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS actuals_by_quarter ON actuals(response, quarter_index);
                PRAGMA application_id = \(applicationID);
                PRAGMA user_version = 1;
                """)
        }
        return migrator
    }
}
