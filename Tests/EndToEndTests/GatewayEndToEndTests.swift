import Foundation
import Testing
import WAGateCore
import WAGateStore
import WAGateTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The gateway as a new user runs it: the real binary, a real PostgreSQL, the control socket, signals.
@Suite(.serialized) struct GatewayEndToEndTests {
    /// The guide's example character, with its authDir inside the test's scratch directory.
    static let exampleCharacter = """
        {
          "name": "Milady WhatsApp Test",
          "description": "Test configuration for WhatsApp connector with Baileys (QR code) authentication",
          "bio": ["A test bot for validating WhatsApp connector functionality"],
          "connectors": {
            "whatsapp": {
              "accounts": { "default": { "enabled": true, "authDir": "./auth/whatsapp-test" } },
              "dmPolicy": "pairing",
              "sendReadReceipts": true,
              "selfChatMode": false,
              "messagePrefix": "[Milady] "
            }
          },
          "modelProvider": "anthropic",
          "secrets": { "enableServerless": false }
        }
        """

    /// An agent whose account keeps its data key in PostgreSQL (no authDir).
    static let databaseKeyCharacter = """
        { "name": "Echo Bot", "modelProvider": "echo",
          "connectors": { "whatsapp": { "accounts": { "main": { "enabled": true } }, "dmPolicy": "allowlist", "allowFrom": ["+15550001111"] } } }
        """

    func startGateway(_ scratch: Scratch, character: String = "character.json", environment: [String: String]) async throws
        -> WagateProcess
    {
        let gateway = try WagateProcess(
            ["start", "--character=\(character)", "--state-dir", ".wagate"], environment: environment, directory: scratch.path)
        guard await gateway.waitForOutput("wagate started", timeout: .seconds(180)) else {
            gateway.kill9()
            Issue.record("gateway did not start; output:\n\(gateway.output)")
            throw GatewayDidNotStart()
        }
        return gateway
    }

    func status(_ scratch: Scratch) async throws -> JSONValue {
        let (code, output) = try await WagateProcess.run(
            ["status", "--json", "--socket", ".wagate/control.sock"], directory: scratch.path)
        #expect(code == 0, "wagate status failed: \(output)")
        let json = output.split(separator: "\n").drop { !$0.hasPrefix("{") }.joined(separator: "\n")
        return try JSONValue.parse(json)
    }

    func stop(_ gateway: WagateProcess, signal sig: Int32) async {
        gateway.signal(sig)
        let code = await gateway.waitForExit(timeout: .seconds(60))
        #expect(code == 0, "gateway did not exit cleanly after signal \(sig); output:\n\(gateway.output)")
        if code == nil { gateway.kill9() }
    }

    @Test func exampleCharacterRunsShowsItsAccountAndStopsCleanly() async throws {
        try await withTestDatabase(migrated: false) { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", Self.exampleCharacter)
            let env = ["DATABASE_URL": db.connectionString]

            let gateway = try await startGateway(scratch, environment: env)
            defer { gateway.kill9() }
            #expect(gateway.output.contains("[WhatsApp] connector active"))

            let first = try await status(scratch)
            let agents = first["agents"]?.arrayValue ?? []
            #expect(agents.first?["slug"]?.stringValue == "milady-whatsapp-test")
            #expect(agents.first?["name"]?.stringValue == "Milady WhatsApp Test")
            let account = try #require(first["accounts"]?.arrayValue?.first)
            #expect(account["id"]?.stringValue == "milady-whatsapp-test/default")
            #expect(account["state"]?.stringValue != nil)

            // Human output, as a new user reads it.
            let (code, table) = try await WagateProcess.run(["accounts", "--socket", ".wagate/control.sock"], directory: scratch.path)
            #expect(code == 0)
            #expect(table.contains("milady-whatsapp-test/default"))
            #expect(table.contains("STATE"))
            let (agentsCode, agentsTable) = try await WagateProcess.run(["agents", "--socket", ".wagate/control.sock"], directory: scratch.path)
            #expect(agentsCode == 0 && agentsTable.contains("Milady WhatsApp Test"))

            // The account by name and by slug, and an unknown one with a stable error kind.
            let (getCode, get) = try await WagateProcess.run(
                ["ctl", "accounts.get", #"{"account":"Milady WhatsApp Test/default"}"#, "--socket", ".wagate/control.sock"],
                directory: scratch.path)
            #expect(getCode == 0 && get.contains("milady-whatsapp-test/default"))
            let (missingCode, missing) = try await WagateProcess.run(
                ["ctl", "accounts.get", #"{"account":"nobody/default"}"#, "--socket", ".wagate/control.sock"], directory: scratch.path)
            #expect(missingCode != 0 && missing.contains("gw.AccountNotFound"))

            // The authDir was created and holds the account's data key, 0600.
            let keyPath = scratch.file("auth/whatsapp-test/\(AccountKeys.keyFileName)")
            let keyBefore = try String(contentsOfFile: keyPath, encoding: .utf8)
            #expect((try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int) == 0o600)

            // A second gateway on the same state directory refuses to start: the socket is live.
            let (secondCode, second) = try await WagateProcess.run(
                ["start", "--character=character.json", "--state-dir", ".wagate"], environment: env, directory: scratch.path)
            #expect(secondCode != 0)
            #expect(second.contains(".wagate/control.sock"), "second start output:\n\(second)")

            await stop(gateway, signal: SIGINT)
            #expect(!FileManager.default.fileExists(atPath: scratch.file(".wagate/control.sock")))

            // A second start finds the same state: same master key, same data key, no migration to apply.
            let again = try await startGateway(scratch, environment: env)
            defer { again.kill9() }
            #expect(again.output.contains("migrations_applied=0"))
            let second2 = try await status(scratch)
            #expect(second2["master_key_id"] == first["master_key_id"])
            #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == keyBefore)
            await stop(again, signal: SIGTERM)

            // Each transition was recorded in PostgreSQL, the last one by the clean shutdown.
            let rows = try await db.pool.query(
                "SELECT state, state_reason FROM accounts WHERE account_id = 'milady-whatsapp-test/default'")
            #expect(rows.rowCount == 1)
            #expect(try rows.string(row: 0, column: 0) == "stopped")
            #expect(try rows.string(row: 0, column: 1) == "gateway shutting down")
        }
    }

    @Test func clusterListsThisProcessWhichLeavesOnShutdown() async throws {
        try await withTestDatabase { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", Self.exampleCharacter)
            let gateway = try await startGateway(scratch, environment: ["DATABASE_URL": db.connectionString])
            defer { gateway.kill9() }
            let (code, table) = try await WagateProcess.run(["cluster", "--socket", ".wagate/control.sock"], directory: scratch.path)
            #expect(code == 0, "\(table)")
            #expect(table.contains("MEMBER") && table.contains("(this)") && table.contains(".wagate/control.sock"), "\(table)")
            let members = try await db.pool.query("SELECT count(*) FROM cluster_members")
            #expect(try members.int(row: 0, column: 0) == 1)
            // The process holds the lease of its one account, and gives it up on a graceful shutdown.
            let held = try await db.pool.query("SELECT owner FROM account_leases WHERE account_id = 'milady-whatsapp-test/default'")
            #expect(try held.string(row: 0, column: 0)?.isEmpty == false)
            await stop(gateway, signal: SIGTERM)
            let after = try await db.pool.query("SELECT count(*) FROM cluster_members")
            #expect(try after.int(row: 0, column: 0) == 0, "a member that shut down gracefully leaves the cluster")
            let released = try await db.pool.query("SELECT owner FROM account_leases WHERE account_id = 'milady-whatsapp-test/default'")
            #expect(try released.string(row: 0, column: 0) == nil, "leases are released so a successor claims at once")
        }
    }

    @Test func sendQueuesThroughTheOutboxAndHistoryAndLimitsShowIt() async throws {
        try await withTestDatabase { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", Self.databaseKeyCharacter)
            let gateway = try await startGateway(scratch, environment: ["DATABASE_URL": db.connectionString, "WAGATE_OUTBOX_BOUND": "1"])
            defer { gateway.kill9() }
            let socket = ["--socket", ".wagate/control.sock"]
            let (sent, sendOutput) = try await WagateProcess.run(
                ["send", "echo-bot/main", "+1 555 000 1111", "hello from the operator"] + socket, directory: scratch.path)
            #expect(sent == 0, "\(sendOutput)")
            #expect(sendOutput.contains("queued 1 message to 15550001111@s.whatsapp.net"), "\(sendOutput)")

            let (listed, history) = try await WagateProcess.run(
                ["history", "echo-bot/main", "+15550001111", "--limit", "5", "--json"] + socket, directory: scratch.path)
            #expect(listed == 0, "\(history)")
            let json = try JSONValue.parse(history.split(separator: "\n").drop { !$0.hasPrefix("{") }.joined(separator: "\n"))
            let message = try #require(json["messages"]?.arrayValue?.first)
            #expect(message["text"]?.stringValue == "hello from the operator")
            #expect(message["status"]?.stringValue == "pending")
            #expect(message["from_me"]?.boolValue == true)

            // At rest the text is sealed; the metadata is not.
            let raw = try await db.pool.query("SELECT body_sealed FROM outbox UNION ALL SELECT body_sealed FROM messages")
            #expect(raw.rowCount >= 2)
            for row in 0..<raw.rowCount {
                #expect(!Data(try raw.bytes(row: row, column: 0) ?? []).contains(Data("hello from the operator".utf8)))
            }

            // Nothing can be sent (the account is not linked): past the bound, the operator is told.
            _ = try await WagateProcess.run(["send", "echo-bot/main", "+15550001111", "second"] + socket, directory: scratch.path)
            #expect(await gateway.waitForOutput("outbox past its bound", timeout: .seconds(20)), "\(gateway.output)")

            let (changed, limits) = try await WagateProcess.run(
                ["limits", "echo-bot/main", "--burst", "9", "--messages-per-minute", "30"] + socket, directory: scratch.path)
            #expect(changed == 0, "\(limits)")
            #expect(limits.contains("30/min, burst 9") && limits.contains("queued: 2"), "\(limits)")

            let (refused, error) = try await WagateProcess.run(
                ["send", "echo-bot/main", "not-a-number", "x"] + socket, directory: scratch.path)
            #expect(refused != 0)
            #expect(error.contains("to must be a phone number in international format"), "\(error)")
            await stop(gateway, signal: SIGTERM)
        }
    }

    @Test func embeddedPostgresStartsWithoutDatabaseURLAndKeepsItsState() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("character.json", Self.exampleCharacter)

        let gateway = try await startGateway(scratch, environment: [:])
        defer { gateway.kill9() }
        let first = try await status(scratch)
        #expect(first["database"]?.stringValue?.hasPrefix("embedded") == true)
        #expect(first["accounts"]?.arrayValue?.first?["id"]?.stringValue == "milady-whatsapp-test/default")
        // A short-lived command on the same state directory uses the running cluster and leaves it running.
        let (migrateCode, migrate) = try await WagateProcess.run(["migrate", "--state-dir", ".wagate"], directory: scratch.path)
        #expect(migrateCode == 0 && migrate.contains("database is up to date"), "\(migrate)")
        _ = try await status(scratch)
        // A second gateway on the same state directory is refused before it touches that cluster.
        let (refusedCode, refused) = try await WagateProcess.run(
            ["start", "--character=character.json", "--state-dir", ".wagate"], directory: scratch.path)
        #expect(refusedCode != 0 && refused.contains("another gateway is running"), "\(refused)")
        let stillServing = try await status(scratch)
        #expect(stillServing["master_key_id"] == first["master_key_id"])
        await stop(gateway, signal: SIGINT)

        let again = try await startGateway(scratch, environment: [:])
        defer { again.kill9() }
        #expect(again.output.contains("migrations_applied=0"), "the second start should find the migrated database:\n\(again.output)")
        let second = try await status(scratch)
        #expect(second["master_key_id"] == first["master_key_id"])
        await stop(again, signal: SIGTERM)
    }

    @Test func keyRotationRewrapsDataKeysAndTheGatewayStartsWithTheNewKeyAlone() async throws {
        try await withTestDatabase(migrated: false) { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", Self.databaseKeyCharacter)
            let env = ["DATABASE_URL": db.connectionString]

            let gateway = try await startGateway(scratch, environment: env)
            let before = try await status(scratch)
            await stop(gateway, signal: SIGTERM)
            let stored = try await db.pool.query("SELECT kek_id FROM account_data_keys WHERE account_id = 'echo-bot/main'")
            #expect(try stored.string(row: 0, column: 0) == before["master_key_id"]?.stringValue)

            let (code, output) = try await WagateProcess.run(["keys", "rotate", "--state-dir", ".wagate"], environment: env, directory: scratch.path)
            #expect(code == 0, "rotate failed: \(output)")
            #expect(output.contains("1 data key(s) re-wrapped"))
            #expect(FileManager.default.fileExists(atPath: scratch.file(".wagate/master.key.previous")))

            // Without the old key at all, the gateway still opens every account: the rows were re-wrapped.
            try FileManager.default.removeItem(atPath: scratch.file(".wagate/master.key.previous"))
            let again = try await startGateway(scratch, environment: env)
            defer { again.kill9() }
            let after = try await status(scratch)
            #expect(after["master_key_id"] != before["master_key_id"])
            let account = after["accounts"]?.arrayValue?.first
            #expect(account?["reason"]?.stringValue?.contains("cannot open the stored session") == false)
            await stop(again, signal: SIGTERM)
            let rewrapped = try await db.pool.query("SELECT kek_id FROM account_data_keys WHERE account_id = 'echo-bot/main'")
            #expect(try rewrapped.string(row: 0, column: 0) == after["master_key_id"]?.stringValue)
        }
    }

    @Test func aProcessWithAnotherMasterKeyRefusesToStart() async throws {
        try await withTestDatabase(migrated: false) { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", Self.databaseKeyCharacter)
            let gateway = try await startGateway(scratch, environment: ["DATABASE_URL": db.connectionString])
            await stop(gateway, signal: SIGTERM)

            let otherKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
            let (code, output) = try await WagateProcess.run(
                ["start", "--character=character.json", "--state-dir", ".wagate"],
                environment: ["DATABASE_URL": db.connectionString, "WAGATE_MASTER_KEY": otherKey], directory: scratch.path)
            #expect(code != 0)
            #expect(output.contains("cannot unwrap the data keys of 1 account(s) (echo-bot/main)"), "output:\n\(output)")
            #expect(!output.contains(otherKey))
        }
    }

    @Test func invalidConfigurationIsRefusedWithEveryError() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "bad.json",
            """
            { "name": "Bad", "connectors": { "whatsapp": {
                "dmPolicy": "open", "textChunkLimit": 0, "dmPolicyy": "pairing" } } }
            """)
        for command in [["check", "--character=bad.json"], ["start", "--character=bad.json", "--state-dir", ".wagate"]] {
            let (code, output) = try await WagateProcess.run(command, directory: scratch.path)
            #expect(code != 0)
            #expect(output.contains(#"requires connectors.whatsapp.allowFrom to include "*""#), "\(command): \(output)")
            #expect(output.contains("connectors.whatsapp.textChunkLimit"))
            #expect(output.contains(#"did you mean "dmPolicy"?"#))
        }
        try scratch.write("character.json", Self.exampleCharacter)
        let (code, output) = try await WagateProcess.run(["check", "--character=character.json"], directory: scratch.path)
        #expect(code == 0, "\(output)")
        #expect(output.contains("configuration is valid"))
    }

    @Test func migrateAppliesOnce() async throws {
        try await withTestDatabase(migrated: false) { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let env = ["DATABASE_URL": db.connectionString]
            let (c1, o1) = try await WagateProcess.run(["migrate", "--state-dir", ".wagate"], environment: env, directory: scratch.path)
            #expect(c1 == 0 && o1.contains("applied 001_init"), "\(o1)")
            let (c2, o2) = try await WagateProcess.run(["migrate", "--state-dir", ".wagate"], environment: env, directory: scratch.path)
            #expect(c2 == 0 && o2.contains("database is up to date"), "\(o2)")
        }
    }
}

struct GatewayDidNotStart: Error {}

/// The control socket's two gates, tried with a real second user: filesystem permissions, then the
/// peer uid read with SO_PEERCRED. Switching users needs root, which CI has.
@Suite(.serialized) struct ControlSocketAccessEndToEndTests {
    @Test(.enabled(if: geteuid() == 0, "switching to another user needs root"))
    func anotherUserIsRefusedByPermissionsAndThenByPeerUID() async throws {
        try await withTestDatabase(migrated: false) { db in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("character.json", GatewayEndToEndTests.databaseKeyCharacter)
            let gateway = try WagateProcess(
                ["start", "--character=character.json", "--state-dir", ".wagate"], environment: ["DATABASE_URL": db.connectionString],
                directory: scratch.path)
            defer { gateway.kill9() }
            guard await gateway.waitForOutput("control socket listening") else {
                Issue.record("gateway did not start:\n\(gateway.output)")
                return
            }
            let socket = scratch.file(".wagate/control.sock")
            // nobody must be able to run the client itself, wherever the checkout is (a clone in a 0700
            // directory would otherwise fail on exec, not on the socket): a copy in a world-readable place.
            let binDirectory = "/tmp/wagate-bin-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: binDirectory) }
            let client = binDirectory + "/wagate"
            try FileManager.default.copyItem(atPath: WagateProcess.binary, toPath: client)
            chmod(binDirectory, 0o755)
            chmod(client, 0o755)
            func asNobody() async throws -> (Int32, String) {
                try await WagateProcess.run(
                    ["/usr/sbin/runuser", "-u", "nobody", "--", client, "status", "--socket", socket],
                    directory: "/", executable: "/usr/sbin/runuser")
            }
            // Gate 1: the state directory is 0750 and the socket 0660, so another user cannot connect.
            let (deniedCode, denied) = try await asNobody()
            #expect(deniedCode != 0)
            #expect(denied.lowercased().contains("permission denied"), "\(denied)")

            // Gate 2: with the filesystem opened up, the server still reads the peer's uid and closes
            // the connection without a word.
            chmod(scratch.file(".wagate"), 0o755)
            chmod(socket, 0o666)
            let (refusedCode, refused) = try await asNobody()
            #expect(refusedCode != 0, "\(refused)")
            #expect(!refused.contains("master key"), "nobody must not see any status")
            #expect(await gateway.waitForOutput("control connection refused: uid not allowed"))
            #expect(gateway.output.contains("peer.uid=65534"))

            // The owner still gets answers.
            let (okCode, ok) = try await WagateProcess.run(["status", "--socket", socket], directory: scratch.path)
            #expect(okCode == 0, "\(ok)")
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
        }
    }
}
