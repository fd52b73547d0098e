import Foundation
import Testing
import WAGateCore
import WAGateStore
import WAGateTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end encrypted messaging over WhatsApp Web with the real binaries: a simulated contact writes
/// to a linked account, the gateway decrypts, stores and acknowledges, the `echo` agent answers through
/// the outbox, and the contact decrypts the answer — also after a gateway restart (the Signal state is
/// in PostgreSQL).
@Suite(.serialized) struct WebMessagingEndToEndTests {
    static let character = """
        { "name": "Echo Web", "modelProvider": "echo",
          "connectors": { "whatsapp": { "dmPolicy": "open", "allowFrom": ["*"], "messagePrefix": "[Echo] ",
            "rateLimit": { "messagesPerMinute": 600, "burst": 20, "perChatIntervalMs": 0 },
            "accounts": { "default": { "enabled": true } } } } }
        """
    static let account = "echo-web/default"
    static let phone = "+15550001111"
    static let contact = "+15550002222"

    let link = WebLinkEndToEndTests()

    func inbox(_ scratch: Scratch) async throws -> [String] {
        let (code, output) = try await link.cli(scratch, ["sandbox", "inbox", Self.contact, "--json", "--state", "sandbox"])
        #expect(code == 0, "\(output)")
        let json = output.split(separator: "\n").drop { !$0.hasPrefix("[") && !$0.hasPrefix("{") }.joined(separator: "\n")
        let value = try JSONValue.parse(json)
        let messages = value.arrayValue ?? value["messages"]?.arrayValue ?? []
        return messages.compactMap { $0["text"]?.stringValue }
    }

    func waitForInbox(_ scratch: Scratch, containing text: String) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(60)
        var last: [String] = []
        while ContinuousClock.now < deadline {
            last = try await inbox(scratch)
            if last.contains(text) { return last }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("the contact never received \"\(text)\"; inbox: \(last)")
        return last
    }

    /// Starts the gateway on the scratch directory's character, pointed at the sandbox.
    func startGateway(_ scratch: Scratch, environment: [String: String]) async throws -> WagateProcess {
        let gateway = try WagateProcess(
            ["start", "--character=character.json", "--state-dir", ".wagate"], environment: environment, directory: scratch.path)
        #expect(await gateway.waitForOutput("wagate started", timeout: .seconds(180)), "\(gateway.output)")
        return gateway
    }

    /// Links the account: its QR code scanned by the account's phone, then waits for the prekey upload.
    func linkAccount(_ scratch: Scratch, gateway: WagateProcess) async throws {
        var qr = ""
        for _ in 0..<300 {
            let (code, output) = try await link.cli(scratch, ["qr", Self.account, "--socket", ".wagate/control.sock"])
            qr = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if code == 0, qr.hasPrefix("https://wa.me/") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let (scanned, scanOutput) = try await link.cli(scratch, ["sandbox", "scan", qr, "--phone", Self.phone, "--state", "sandbox"])
        #expect(scanned == 0, "\(scanOutput)")
        #expect(await gateway.waitForOutput("uploaded prekeys", timeout: .seconds(60)), "\(gateway.output)")
    }

    @Test func aContactIsAnsweredByTheEchoAgentAcrossARestart() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("character.json", Self.character)
        try await withTestDatabase { db in
            let (sandbox, url, rootKey) = try await link.startSandbox(scratch)
            defer { sandbox.kill9() }
            let environment = ["DATABASE_URL": db.connectionString, "WAGATE_WA_URL": url, "WAGATE_WA_ROOT_KEY": rootKey]
            var gateway = try await startGateway(scratch, environment: environment)
            defer { gateway.kill9() }
            try await linkAccount(scratch, gateway: gateway)

            // A contact writes; the echo agent answers with the prefix.
            let (created, createOutput) = try await link.cli(scratch, ["sandbox", "contact", Self.contact, "--name", "Bob", "--state", "sandbox"])
            #expect(created == 0, "\(createOutput)")
            let (sent, sendOutput) = try await link.cli(
                scratch, ["sandbox", "send", "--from", Self.contact, Self.phone, "hello over the web", "--state", "sandbox"])
            #expect(sent == 0, "\(sendOutput)")
            #expect(try await waitForInbox(scratch, containing: "[Echo] hello over the web").contains("[Echo] hello over the web"))

            // The history has both, the body sealed at rest.
            let rows = try await db.pool.query("SELECT from_me, type, body_sealed FROM messages WHERE account_id = $1 ORDER BY ts", [.text(Self.account)])
            #expect(rows.rowCount == 2)
            for row in 0..<rows.rowCount {
                #expect(!Data(try rows.bytes(row: row, column: 2) ?? []).contains(Data("hello over the web".utf8)))
            }
            let state = try await db.pool.query("SELECT kind, count(*) FROM signal_state WHERE account_id = $1 GROUP BY kind ORDER BY kind", [.text(Self.account)])
            #expect(state.rowCount >= 2, "sessions and prekeys are persisted")

            // After a restart the sessions continue from PostgreSQL.
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
            gateway = try await startGateway(scratch, environment: environment)
            #expect(await gateway.waitForOutput("[WhatsApp] Connected to WhatsApp!", timeout: .seconds(60)), "\(gateway.output)")
            let (again, againOutput) = try await link.cli(
                scratch, ["sandbox", "send", "--from", Self.contact, Self.phone, "still there?", "--state", "sandbox"])
            #expect(again == 0, "\(againOutput)")
            #expect(try await waitForInbox(scratch, containing: "[Echo] still there?").contains("[Echo] still there?"))
            #expect(!gateway.output.contains("could not be decrypted"), "\(gateway.output)")
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
        }
    }

    static let pairingCharacter = """
        { "name": "Echo Web", "modelProvider": "echo",
          "connectors": { "whatsapp": { "dmPolicy": "pairing", "messagePrefix": "[Echo] ",
            "rateLimit": { "messagesPerMinute": 600, "burst": 20, "perChatIntervalMs": 0 },
            "accounts": { "default": { "enabled": true } } } } }
        """

    @Test func anUnknownContactGetsAPairingCodeAndIsAnsweredOnceApproved() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("character.json", Self.pairingCharacter)
        try await withTestDatabase { db in
            let (sandbox, url, rootKey) = try await link.startSandbox(scratch)
            defer { sandbox.kill9() }
            let gateway = try await startGateway(
                scratch, environment: ["DATABASE_URL": db.connectionString, "WAGATE_WA_URL": url, "WAGATE_WA_ROOT_KEY": rootKey])
            defer { gateway.kill9() }
            try await linkAccount(scratch, gateway: gateway)
            _ = try await link.cli(scratch, ["sandbox", "contact", Self.contact, "--state", "sandbox"])

            // Unknown: one reply with a code, not an echo.
            _ = try await link.cli(scratch, ["sandbox", "send", "--from", Self.contact, Self.phone, "let me in", "--state", "sandbox"])
            var received: [String] = []
            for _ in 0..<200 {
                received = try await self.inbox(scratch)
                if !received.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let reply = try #require(received.first)
            #expect(reply.hasPrefix("[Echo] Access not configured.") && reply.contains("Your WhatsApp phone number: \(Self.contact)"), "\(reply)")
            let code = try #require(reply.split(separator: "\n").first { $0.hasPrefix("Pairing code: ") }.map { String($0.dropFirst(14)) })
            let (listed, list) = try await link.cli(scratch, ["pairing", "list", Self.account, "--socket", ".wagate/control.sock"])
            #expect(listed == 0 && list.contains(code) && list.contains(Self.contact), "\(list)")

            // The operator approves; the next message is answered.
            let (approved, approval) = try await link.cli(scratch, ["pairing", "approve", Self.account, code.lowercased(), "--socket", ".wagate/control.sock"])
            #expect(approved == 0 && approval.contains("Approved whatsapp sender \(Self.contact)."), "\(approval)")
            _ = try await link.cli(scratch, ["sandbox", "send", "--from", Self.contact, Self.phone, "now?", "--state", "sandbox"])
            #expect(try await waitForInbox(scratch, containing: "[Echo] now?").contains("[Echo] now?"))
            #expect(try await inbox(scratch).filter { $0.contains("Pairing code") }.count == 1, "one pairing reply only")
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
        }
    }
}
