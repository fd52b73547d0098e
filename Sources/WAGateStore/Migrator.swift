import Foundation
import Logging

/// Applies schema migrations in version order, each in its own transaction, and records them in
/// `schema_migrations`.
///
/// Every transaction first takes a transaction-level advisory lock (`pg_advisory_xact_lock`), so two
/// gateway processes starting together apply each migration once: the second waits, then sees it recorded.
/// Running again applies nothing.
///
/// ```swift
/// let applied = try await Migrator(pool: pool, logger: logger).migrate()
/// logger.info("schema up to date", metadata: ["migrations.applied": "\(applied.map(\.fileStem))"])
/// ```
public struct Migrator: Sendable {
    /// The advisory-lock key all wagate migrators share (the bytes of "wagate" followed by 0x0001).
    public static let advisoryLockKey: Int64 = 0x7761_6761_7465_0001

    private let pool: PGPool
    private let migrations: [Migration]
    private let logger: Logger

    /// - Parameters:
    ///   - pool: where to apply the migrations.
    ///   - migrations: the migrations to apply; the ones compiled from `sql/` by default.
    ///   - logger: receives one line per applied migration.
    public init(
        pool: PGPool, migrations: [Migration] = Migration.bundled, logger: Logger = Logger(label: "wagate.store")
    ) {
        self.pool = pool
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every migration not yet recorded in `schema_migrations`.
    /// - Returns: the migrations applied by this call, in order (empty when the schema was up to date).
    /// - Throws: `StoreError` (`migrationFailed`) naming the migration that failed, with the server's
    ///   SQLSTATE; earlier migrations stay applied, the failed one is rolled back entirely.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let migrations = try Migration.sortedAndChecked(self.migrations)
        let lockKey = Self.advisoryLockKey
        let recorded = try await pool.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
            try connection.executeScript(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            return try Self.recordedVersions(connection)
        }
        if let newest = recorded.max(), let known = migrations.last?.version, newest > known {
            logger.warning(
                "database schema is newer than this gateway",
                metadata: ["migrations.database": "\(newest)", "migrations.known": "\(known)"])
        }
        var applied: [Migration] = []
        for migration in migrations where !recorded.contains(migration.version) {
            let didApply: Bool
            do {
                didApply = try await pool.transaction { connection in
                    try connection.execute("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
                    // Another process may have applied it while this one waited for the lock.
                    let present = try connection.query(
                        "SELECT 1 FROM schema_migrations WHERE version = $1", [.int(Int64(migration.version))])
                    guard present.isEmpty else { return false }
                    try connection.executeScript(migration.sql)
                    try connection.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                        [.int(Int64(migration.version)), .text(migration.name)])
                    return true
                }
            } catch let error as StoreError {
                throw StoreError(
                    .migrationFailed, "migration \(migration.fileStem) failed: \(error.message)",
                    sqlState: error.sqlState, constraint: error.constraint,
                    underlyingMessage: error.underlyingMessage)
            }
            if didApply {
                logger.info("applied migration", metadata: ["migration": "\(migration.fileStem)"])
                applied.append(migration)
            }
        }
        return applied
    }

    /// The versions recorded in `schema_migrations`, or none when the table does not exist yet.
    public func appliedVersions() async throws -> [Int] {
        try await pool.transaction { connection in
            let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
            guard try exists.bool(row: 0, column: 0) == true else { return [] }
            return try Self.recordedVersions(connection).sorted()
        }
    }

    private static func recordedVersions(_ connection: isolated PGConnection) throws -> Set<Int> {
        let result = try connection.query("SELECT version FROM schema_migrations")
        var versions = Set<Int>()
        for row in 0..<result.rowCount {
            if let version = try result.int(row: row, column: 0) { versions.insert(Int(version)) }
        }
        return versions
    }
}
