import Foundation
import Testing
import WAGateTestSupport

@testable import WAGateStore

@Suite struct MigratorTests {
    /// The repository's `sql/` directory, the migrations' single source of truth.
    static let sqlDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql")
    static let bundledSource = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/WAGateStore/Migration+Bundled.swift")

    /// `Migration.bundled` is generated from `sql/`; when they differ this test rewrites the Swift file and
    /// fails, so the next build and run pass and CI catches a stale commit.
    @Test func bundledMigrationsMatchSQLDirectory() throws {
        let files = try Migration.load(from: Self.sqlDirectory)
        #expect(!files.isEmpty)
        if files != Migration.bundled {
            try Self.generatedSource(files).write(to: Self.bundledSource, atomically: true, encoding: .utf8)
            Issue.record(
                "Migration+Bundled.swift was out of date with sql/ and has been regenerated; run the tests again")
        }
    }

    @Test func appliesEachMigrationOnce() async throws {
        try await withTestDatabase(migrated: false) { db in
            let migrator = Migrator(pool: db.pool)
            #expect(try await migrator.appliedVersions() == [])
            let first = try await migrator.migrate()
            #expect(first == Migration.bundled)
            let second = try await migrator.migrate()
            #expect(second.isEmpty)
            let counts = try await db.pool.query(
                "select version, count(*) as n, min(name) as name from schema_migrations group by version order by version"
            )
            #expect(counts.rowCount == Migration.bundled.count)
            for row in 0..<counts.rowCount {
                #expect(try counts.int(row: row, column: "n") == 1)
                #expect(try counts.int(row: row, column: "version") == Int64(Migration.bundled[row].version))
                #expect(try counts.string(row: row, column: "name") == Migration.bundled[row].name)
            }
            #expect(try await migrator.appliedVersions() == Migration.bundled.map(\.version))
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await withTestDatabase(migrated: false) { db in
            let slow = Migration(
                version: 900, name: "slow", sql: "SELECT pg_sleep(0.2); CREATE TABLE slow_marker (x int)")
            let migrations = Migration.bundled + [slow]
            let other = PGPool(connectionString: db.connectionString)
            async let a = Migrator(pool: db.pool, migrations: migrations).migrate()
            async let b = Migrator(pool: other, migrations: migrations).migrate()
            let (appliedByA, appliedByB) = try await (a, b)
            await other.close()
            let all = (appliedByA + appliedByB).map(\.version).sorted()
            #expect(all == migrations.map(\.version))
            let count = try await db.pool.query("select count(*) from schema_migrations").int(row: 0, column: 0)
            #expect(count == Int64(migrations.count))
        }
    }

    @Test func rollsBackAFailedMigration() async throws {
        try await withTestDatabase(migrated: false) { db in
            let broken = Migration(version: 999, name: "broken", sql: "CREATE TABLE half_done (x int); SELEC 1")
            let error = await #expect(throws: StoreError.self) {
                try await Migrator(pool: db.pool, migrations: Migration.bundled + [broken]).migrate()
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("999_broken") == true)
            #expect(error?.sqlState == "42601")
            let exists = try await db.pool.query("select to_regclass('half_done') is not null")
            #expect(try exists.bool(row: 0, column: 0) == false)
            let versions = try await Migrator(pool: db.pool).appliedVersions()
            #expect(versions == Migration.bundled.map(\.version))
        }
    }

    @Test func createsEveryTable() async throws {
        try await withTestDatabase { db in
            let result = try await db.pool.query(
                "select table_name from information_schema.tables where table_schema = 'public' order by 1")
            let tables = Set(try (0..<result.rowCount).compactMap { try result.string(row: $0, column: 0) })
            let expected: Set = [
                "schema_migrations", "agents", "accounts", "account_leases", "account_data_keys", "device_credentials",
                "messages", "outbox", "pairing_requests", "allow_list", "audit_log",
            ]
            #expect(expected.isSubset(of: tables), "missing: \(expected.subtracting(tables))")
        }
    }

    /// DESIGN.md §3: every per-account key starts with account_id, so the schema can be sharded by account.
    @Test func accountIDLeadsEveryPerAccountKey() async throws {
        try await withTestDatabase { db in
            let keys = try await db.pool.query(
                """
                select c.relname as table_name, i.indisprimary as is_primary,
                       (select a.attname from pg_attribute a where a.attrelid = c.oid and a.attnum = i.indkey[0])
                           as first_column
                from pg_index i join pg_class c on c.oid = i.indrelid
                where c.relnamespace = 'public'::regnamespace and (i.indisprimary or i.indisunique)
                  and exists (select 1 from pg_attribute a
                              where a.attrelid = c.oid and a.attname = 'account_id' and not a.attisdropped)
                order by 1
                """)
            var perAccountTables = Set<String>()
            for row in 0..<keys.rowCount {
                let table = try #require(try keys.string(row: row, column: "table_name"))
                if table == "audit_log" { continue }  // a global log that merely mentions accounts
                perAccountTables.insert(table)
                #expect(try keys.string(row: row, column: "first_column") == "account_id", "key of \(table)")
            }
            #expect(
                perAccountTables == [
                    "accounts", "account_leases", "account_data_keys", "device_credentials", "messages", "outbox",
                    "pairing_requests", "allow_list", "signal_state", "lid_mappings",
                ])
        }
    }

    @Test func readsMigrationFilesInVersionOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-migrations-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "select 2".write(to: directory.appendingPathComponent("010_second.sql"), atomically: true, encoding: .utf8)
        try "select 1".write(to: directory.appendingPathComponent("002_first.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "x".write(to: directory.appendingPathComponent("12_too_short.sql"), atomically: true, encoding: .utf8)
        let migrations = try Migration.load(from: directory)
        #expect(migrations.map(\.fileStem) == ["002_first", "010_second"])
        #expect(migrations.first?.sql == "select 1")

        try "dup".write(to: directory.appendingPathComponent("0010_again.sql"), atomically: true, encoding: .utf8)
        let error = #expect(throws: StoreError.self) { try Migration.load(from: directory) }
        #expect(error?.code == .migrationFailed)
        #expect(Migration.parseFileName("001_init.sql")! == (1, "init"))
        #expect(Migration.parseFileName("001-init.sql") == nil)
        #expect(Migration.parseFileName("001_.sql") == nil)
    }

    /// The Swift source of `Migration+Bundled.swift` for these migrations.
    static func generatedSource(_ migrations: [Migration]) -> String {
        var lines = [
            "// Generated from the repository's sql/*.sql files by MigratorTests.bundledMigrationsMatchSQLDirectory.",
            "// Do not edit: change or add a file in sql/ and run the WAGateStoreTests, which rewrite this file.",
            "",
            "extension Migration {",
            "    /// The migrations of the repository's `sql/` directory, compiled into the binary so that it needs",
            "    /// no resource files at run time (`sql/` stays the single source of truth; a test keeps this in sync).",
            "    public static let bundled: [Migration] = [",
        ]
        for migration in migrations {
            // Enough #s that the SQL cannot end the raw string early.
            var hashes = "#"
            while migration.sql.contains("\"" + hashes) || migration.sql.contains("\\" + hashes) { hashes += "#" }
            lines.append("        Migration(")
            lines.append("            version: \(migration.version), name: \"\(migration.name)\",")
            // The line break before the closing delimiter is not part of the string, hence the extra "\n".
            lines.append("            sql: \(hashes)\"\"\"\n\(migration.sql)\n\"\"\"\(hashes)),")
        }
        lines.append("    ]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
