import CLibPQ
import Foundation
import Logging
import WAGateStore

/// A fresh, uniquely named database on the test server (`DATABASE_URL`), dropped after the test.
///
/// ```swift
/// @Test func storesAgents() async throws {
///     try await withTestDatabase { db in
///         try await AgentRepository(pool: db.pool).upsert(AgentRecord(agentID: "a", name: "A", definition: "{}"))
///     }
/// }
/// ```
///
/// Run tests through `scripts/with-postgres.sh swift test`, which starts a throwaway server and sets
/// `DATABASE_URL`. Without it the test fails (it is never skipped).
public struct TestDatabase: Sendable {
    /// The database's name (`wagate_test_…`).
    public let name: String
    /// A libpq connection string for the database.
    public let connectionString: String
    /// A pool connected to the database.
    public let pool: PGPool

    /// The server's connection string from `DATABASE_URL`.
    /// - Throws: `TestDatabaseError` with instructions when it is not set.
    public static func serverConnectionString() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw TestDatabaseError(
                message: "DATABASE_URL is not set: run the tests through scripts/with-postgres.sh "
                    + "or the README's test command")
        }
        return url
    }

    /// Creates the database (and applies the bundled migrations unless `migrated` is false).
    static func create(migrated: Bool, poolSize: Int, logger: Logger) async throws -> TestDatabase {
        let server = try serverConnectionString()
        let name = "wagate_test_\(getpid())_\(UInt32.random(in: 0...UInt32.max))_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try await PGConnection.connect(server, name: "test-db-admin", logger: logger)
        do {
            try await createDatabase(name, on: admin)
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        let connectionString = try replacingDatabase(in: server, with: name)
        let pool = PGPool(
            connectionString: connectionString,
            configuration: PGPool.Configuration(size: poolSize, threadNamePrefix: "test-pg"), logger: logger)
        let database = TestDatabase(name: name, connectionString: connectionString, pool: pool)
        if migrated {
            do {
                try await Migrator(pool: pool, logger: logger).migrate()
            } catch {
                await database.drop(logger: logger)
                throw error
            }
        }
        return database
    }

    /// Closes the pool and drops the database, terminating any connection a test left open.
    func drop(logger: Logger) async {
        await pool.close()
        do {
            let admin = try await PGConnection.connect(
                try Self.serverConnectionString(), name: "test-db-admin", logger: logger)
            do {
                try await admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            } catch {
                logger.warning("could not drop test database", metadata: ["database": "\(name)", "error": "\(error)"])
            }
            await admin.close()
        } catch {
            logger.warning("could not drop test database", metadata: ["database": "\(name)", "error": "\(error)"])
        }
    }

    private static func createDatabase(_ name: String, on admin: PGConnection) async throws {
        // Concurrent CREATE DATABASE from template1 can fail with "source database is being accessed by other
        // users" (55006) while another session copies it; retry briefly.
        var attempt = 0
        while true {
            do {
                try await admin.execute("CREATE DATABASE \"\(name)\"")
                return
            } catch let error as StoreError where error.sqlState == "55006" && attempt < 20 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Rebuilds a connection string (URI or `key=value`, multi-host allowed) with another `dbname`.
    static func replacingDatabase(in connectionString: String, with database: String) throws -> String {
        var pairs = try parseConnectionString(connectionString)
            .filter { $0.key != "dbname" }
            .map { "\($0.key)=\(quote($0.value))" }
        pairs.append("dbname=\(quote(database))")
        return pairs.joined(separator: " ")
    }

    /// The options a libpq connection string sets (URI or `key=value`), as libpq parses them.
    /// - Throws: `TestDatabaseError` with libpq's message when the string is malformed.
    public static func parseConnectionString(_ connectionString: String) throws -> [(key: String, value: String)] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw TestDatabaseError(message: "not a valid libpq connection string: \(message)")
        }
        defer { PQconninfoFree(options) }
        var pairs: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { pairs.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return pairs
    }

    private static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

/// Runs `body` with a fresh database and drops it afterwards, whether `body` succeeds or throws.
/// - Parameters:
///   - migrated: apply `Migration.bundled` first (the default), so the gateway's tables exist.
///   - poolSize: connections in `db.pool`.
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: `TestDatabaseError` when `DATABASE_URL` is missing, or what `body` throws.
public func withTestDatabase<T>(
    migrated: Bool = true, poolSize: Int = 4, _ body: (TestDatabase) async throws -> T
) async throws -> T {
    let logger = Logger(label: "wagate.test-database")
    let database = try await TestDatabase.create(migrated: migrated, poolSize: poolSize, logger: logger)
    let value: T
    do {
        value = try await body(database)
    } catch {
        await database.drop(logger: logger)
        throw error
    }
    await database.drop(logger: logger)
    return value
}

/// Why a test database could not be provided.
public struct TestDatabaseError: Error, CustomStringConvertible {
    /// What to do about it.
    public var message: String
    public var description: String { message }
}
