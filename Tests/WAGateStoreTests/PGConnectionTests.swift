import Foundation
import Testing
import WAGateTestSupport

@testable import WAGateStore

@Suite struct PGConnectionTests {
    @Test func roundTripsEveryValueType() async throws {
        try await withTestDatabase(migrated: false) { db in
            let everyByte = (0...255).map { UInt8($0) }
            let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let params: [PGValue] = [
                .text("héllo 'quoted' \"double\" \\ ✓"), .int(.max), .int(.min), .bool(true), .bool(false),
                .bytes([0, 0, 1, 0, 255, 0]), .bytes(everyByte), .bytes([]), .double(0.1), .double(-1e300),
                .double(.infinity), .timestamp(date), .null, .text(""),
            ]
            let result = try await db.pool.query(
                "select $1::text, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text, $14::text", params)
            #expect(result.rowCount == 1)
            #expect(result.columns.count == 14)
            #expect(try result.string(row: 0, column: 0) == "héllo 'quoted' \"double\" \\ ✓")
            #expect(try result.int(row: 0, column: 1) == .max)
            #expect(try result.int(row: 0, column: 2) == .min)
            #expect(try result.bool(row: 0, column: 3) == true)
            #expect(try result.bool(row: 0, column: 4) == false)
            #expect(try result.bytes(row: 0, column: 5) == [0, 0, 1, 0, 255, 0])
            #expect(try result.bytes(row: 0, column: 6) == everyByte)
            #expect(try result.bytes(row: 0, column: 7) == [])
            #expect(try result.double(row: 0, column: 8) == 0.1)
            #expect(try result.double(row: 0, column: 9) == -1e300)
            #expect(try result.double(row: 0, column: 10) == .infinity)
            #expect(try result.date(row: 0, column: 11) == date)
            #expect(try result.string(row: 0, column: 12) == nil)
            #expect(try result.bytes(row: 0, column: 12) == nil)
            #expect(try result.string(row: 0, column: 13) == "")
            #expect(result.columnTypes[5] == PGType.bytea)

            let nan = try await db.pool.query("select $1", [.double(.nan)])
            #expect(try nan.double(row: 0, column: 0)?.isNaN == true)
        }
    }

    @Test func storesValuesInTypedColumns() async throws {
        try await withTestDatabase(migrated: false) { db in
            try await db.pool.execute(
                """
                create table t (id bigint primary key, flag bool, payload bytea, score float8, at timestamptz,
                                doc jsonb, small int)
                """)
            let at = Date(timeIntervalSince1970: -86_400 * 365.25 * 100 + 0.5)  // before 1970, half a second
            let inserted = try await db.pool.execute(
                "insert into t values ($1, $2, $3, $4, $5, $6, $7)",
                [
                    .int(1), .bool(true), .bytes([0x00, 0x5C, 0x78, 0x00]), .double(2.5), .timestamp(at),
                    .text(#"{"a": [1, 2]}"#), .int(7),
                ])
            #expect(inserted == 1)
            let result = try await db.pool.query("select * from t")
            #expect(result.columns == ["id", "flag", "payload", "score", "at", "doc", "small"])
            #expect(try result.int(row: 0, column: "id") == 1)
            #expect(try result.bool(row: 0, column: "flag") == true)
            #expect(try result.bytes(row: 0, column: "payload") == [0x00, 0x5C, 0x78, 0x00])
            #expect(try result.double(row: 0, column: "score") == 2.5)
            #expect(try result.date(row: 0, column: "at") == at)
            #expect(try result.string(row: 0, column: "doc") == #"{"a": [1, 2]}"#)
            #expect(try result.int(row: 0, column: "small") == 7)
            #expect(throws: StoreError.self) { try result.string(row: 0, column: "missing") }
            #expect(throws: StoreError.self) { try result.int(row: 0, column: "flag") }
            #expect(throws: StoreError.self) { try result.string(row: 1, column: 0) }

            let updated = try await db.pool.execute("update t set small = small + 1")
            #expect(updated == 1)
        }
    }

    @Test func mapsSyntaxErrors() async throws {
        try await withTestDatabase(migrated: false) { db in
            let error = await #expect(throws: StoreError.self) { try await db.pool.query("selec 1") }
            #expect(error?.code == .queryFailed)
            #expect(error?.sqlState == "42601")
            #expect(error?.isUniqueViolation == false)
            #expect(error?.message.contains("syntax error") == true)
            // The connection stays usable.
            let one = try await db.pool.query("select 1")
            #expect(try one.int(row: 0, column: 0) == 1)
        }
    }

    @Test func recognisesUniqueViolations() async throws {
        try await withTestDatabase(migrated: false) { db in
            try await db.pool.execute("create table u (k text constraint u_k_key unique)")
            try await db.pool.execute("insert into u values ($1)", [.text("a")])
            let error = await #expect(throws: StoreError.self) {
                try await db.pool.execute("insert into u values ($1)", [.text("a")])
            }
            #expect(error?.code == .uniqueViolation)
            #expect(error?.isUniqueViolation == true)
            #expect(error?.sqlState == "23505")
            #expect(error?.constraint == "u_k_key")
        }
    }

    @Test func rollsBackWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        try await withTestDatabase(migrated: false) { db in
            try await db.pool.execute("create table r (k int)")
            await #expect(throws: Boom.self) {
                try await db.pool.transaction { conn in
                    try conn.execute("insert into r values (1)")
                    throw Boom()
                }
            }
            #expect(try await db.pool.query("select count(*) from r").int(row: 0, column: 0) == 0)

            let committed = try await db.pool.transaction { conn in
                try conn.execute("insert into r values (2)")
                return try conn.query("select count(*) from r").int(row: 0, column: 0)
            }
            #expect(committed == 1)
            #expect(try await db.pool.query("select count(*) from r").int(row: 0, column: 0) == 1)
        }
    }

    @Test func reportsACommitThatRolledBack() async throws {
        try await withTestDatabase(migrated: false) { db in
            try await db.pool.execute("create table c (k int primary key)")
            let error = await #expect(throws: StoreError.self) {
                try await db.pool.transaction { conn in
                    try conn.execute("insert into c values (1)")
                    _ = try? conn.execute("insert into c values (1)")  // swallowed: the transaction is aborted
                }
            }
            #expect(error?.code == .transactionRolledBack)
            #expect(try await db.pool.query("select count(*) from c").int(row: 0, column: 0) == 0)
        }
    }

    @Test func nestedTransactionsUseSavepoints() async throws {
        struct Inner: Error {}
        try await withTestDatabase(migrated: false) { db in
            try await db.pool.execute("create table n (k int)")
            try await db.pool.transaction { conn in
                try conn.execute("insert into n values (1)")
                _ = try? conn.transaction { inner in
                    try inner.execute("insert into n values (2)")
                    throw Inner()
                }
                try conn.transaction { inner in try inner.execute("insert into n values (3)") }
            }
            let rows = try await db.pool.query("select k from n order by k")
            #expect(try (0..<rows.rowCount).map { try rows.int(row: $0, column: 0) } == [1, 3])
        }
    }

    @Test func acceptsKeyValueURIAndMultiHostConnectionStrings() async throws {
        try await withTestDatabase(migrated: false) { db in
            let options = try TestDatabase.parseConnectionString(db.connectionString)
            let host = try #require(options.first { $0.key == "host" }?.value)
            let user = options.first { $0.key == "user" }?.value ?? NSUserName()
            let multiHost =
                "host=/nonexistent-wagate-dir,\(host) dbname=\(db.name) user=\(user) target_session_attrs=read-write"
            let uri =
                "postgresql:///\(db.name)?host=\(host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host)&user=\(user)"
            for connectionString in [db.connectionString, multiHost, uri] {
                let connection = try await PGConnection.connect(connectionString)
                #expect(try await connection.query("select current_database()").string(row: 0, column: 0) == db.name)
                await connection.close()
            }
            let error = await #expect(throws: StoreError.self) {
                try await PGConnection.connect("host=/nonexistent-wagate-dir dbname=x")
            }
            #expect(error?.code == .connectionFailed)
        }
    }

    @Test func runsOnItsOwnThread() async throws {
        try await withTestDatabase(migrated: false) { db in
            let connection = try await PGConnection.connect(db.connectionString, name: "pgconn-test")
            let threadName = await connection.currentThreadName()
            #expect(threadName == "pgconn-test")
            await connection.close()
        }
    }
}

extension PGConnection {
    fileprivate func currentThreadName() -> String? { Thread.current.name }
}
