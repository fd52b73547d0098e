import Foundation
import Logging
import Testing
import WAGateCore
import WAGateCrypto
import WAGateStore
import WAGateTestSupport

@Suite struct SealedCredentialsTests {
    let logger = Logger(label: "test")
    let account = AccountID(agent: "bot", account: "default")

    func secret(_ text: String) throws -> SecretBytes { try SecretBytes(copying: Array(text.utf8)) }

    func text(_ s: SecretBytes?) -> String? { s.map { String(decoding: $0.copyBytes(), as: UTF8.self) } }

    @Test func credentialsRoundTripThroughPostgresSealed() async throws {
        try await withTestDatabase { db in
            let keys = AccountKeys(ring: KeyRing(current: try .generate()), repository: DataKeyRepository(pool: db.pool), logger: logger)
            let creds = SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool))
            try await creds.put(try secret("noise-private-key-bytes"), name: "noise", account: account, authDir: nil)
            guard case .values(let values) = try await creds.load(account: account, authDir: nil) else {
                Issue.record("credentials did not open")
                return
            }
            #expect(text(values["noise"]) == "noise-private-key-bytes")
            let raw = try await db.pool.query("SELECT sealed FROM device_credentials")
            let sealed = try #require(try raw.bytes(row: 0, column: 0))
            #expect(!Data(sealed).contains(Data("noise-private-key-bytes".utf8)))
        }
    }

    @Test func swappedRowsDoNotOpen() async throws {
        try await withTestDatabase { db in
            let keys = AccountKeys(ring: KeyRing(current: try .generate()), repository: DataKeyRepository(pool: db.pool), logger: logger)
            let creds = SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool))
            try await creds.put(try secret("A"), name: "noise", account: account, authDir: nil)
            try await creds.put(try secret("B"), name: "identity", account: account, authDir: nil)
            // Someone with write access to the database swaps the two values.
            _ = try await db.pool.execute(
                """
                UPDATE device_credentials d SET sealed = o.sealed FROM device_credentials o
                WHERE d.account_id = o.account_id AND d.name <> o.name
                """)
            guard case .unreadable(let reason) = try await creds.load(account: account, authDir: nil) else {
                Issue.record("swapped rows opened")
                return
            }
            #expect(reason.contains("does not open"))
        }
    }

    @Test func deletingTheAuthDirKeyMakesTheSessionUnlinkedNotACrash() async throws {
        try await withTestDatabase { db in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-auth-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let ring = KeyRing(current: try .generate())
            let definition = AccountDefinition(id: "default", authDir: dir)
            func opener() -> StoreSessionOpener {
                // A fresh AccountKeys each time: a restarted gateway has no cached keys.
                let keys = AccountKeys(ring: ring, repository: DataKeyRepository(pool: db.pool), logger: logger)
                return StoreSessionOpener(
                    credentials: SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool)), keys: keys,
                    logger: logger)
            }
            let keys = AccountKeys(ring: ring, repository: DataKeyRepository(pool: db.pool), logger: logger)
            let creds = SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool))
            try await creds.put(try secret("session"), name: "noise", account: account, authDir: dir)
            // Keys alone are a device still waiting for its first scan, not a linked one.
            #expect(try await opener().openSession(for: account, definition: definition).linked == false)
            try await creds.put(try secret("device"), name: OpenedSession.linkedDeviceEntry, account: account, authDir: dir)
            let keyFile = (dir as NSString).appendingPathComponent(AccountKeys.keyFileName)
            #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)

            let linked = try await opener().openSession(for: account, definition: definition)
            #expect(linked.linked && linked.credentialNames == ["noise", OpenedSession.linkedDeviceEntry])

            // The documented re-pair step: delete the authDir's contents.
            for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
                try FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(f))
            }
            let unlinked = try await opener().openSession(for: account, definition: definition)
            #expect(!unlinked.linked)
            #expect(unlinked.unreadableReason?.contains(dir) == true)
            let left = try await db.pool.query("SELECT count(*) FROM device_credentials")
            #expect(try left.int(row: 0, column: 0) == 0)
            // The account starts over cleanly with a new key.
            #expect(FileManager.default.fileExists(atPath: keyFile))
        }
    }

    @Test func pgDumpContainsNoSecretInClear() async throws {
        try await withTestDatabase { db in
            let master = try MasterKey.generate()
            let keys = AccountKeys(ring: KeyRing(current: master), repository: DataKeyRepository(pool: db.pool), logger: logger)
            let creds = SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool))
            let marker = "wagate-known-secret-\(UUID().uuidString)"
            try await creds.put(try secret(marker), name: "identity", account: account, authDir: nil)
            let dataKey = try await keys.dataKey(for: account, authDir: nil)

            let dump = try PGDump.run(connectionString: db.connectionString)
            #expect(dump.contains(Data("device_credentials".utf8)), "the dump should include the table")
            #expect(!dump.contains(Data(marker.utf8)))
            // Neither the data key nor the master key appear, raw or as bytea hex text.
            for key in [dataKey.copyBytes(), master.secret.copyBytes()] {
                #expect(!dump.contains(Data(key)))
                let hex = key.map { String(format: "%02x", $0) }.joined()
                #expect(!dump.contains(Data(hex.utf8)))
            }
            let markerHex = Array(marker.utf8).map { String(format: "%02x", $0) }.joined()
            #expect(!dump.contains(Data(markerHex.utf8)))
        }
    }
}

/// Runs `pg_dump` (from the PostgreSQL the tests run against) and returns its output.
enum PGDump {
    static func run(connectionString: String) throws -> Data {
        let bindir = ProcessInfo.processInfo.environment["WAGATE_TEST_PG_BINDIR"] ?? "/usr/bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (bindir as NSString).appendingPathComponent("pg_dump"))
        process.arguments = ["--dbname=\(connectionString)", "--no-owner"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PGDumpFailed(status: process.terminationStatus) }
        return data
    }
}

struct PGDumpFailed: Error { var status: Int32 }
