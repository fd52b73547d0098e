import Foundation
import Logging
import Synchronization
import Testing
import WAGateConversation
import WAGateCore
import WAGateCrypto
import WAGateStore
import WAGateTestSupport

/// A transport that records what it is asked to send and answers from a script.
final class RecordingTransport: MessageTransport {
    struct Sent: Sendable, Equatable {
        var id: String
        var message: OutboundMessage
    }

    private let state = Mutex<(sent: [Sent], reads: [String], script: [SendError?])>(([], [], []))

    /// Errors to answer the next sends with, in order (`nil`: succeed).
    func script(_ errors: [SendError?]) { state.withLock { $0.script = errors } }
    var sent: [Sent] { state.withLock { $0.sent } }
    var reads: [String] { state.withLock { $0.reads } }

    func send(_ message: OutboundMessage, id: String) async throws -> String {
        let error = state.withLock { state -> SendError? in
            state.script.isEmpty ? nil : state.script.removeFirst()
        }
        if let error { throw error }
        state.withLock { $0.sent.append(Sent(id: id, message: message)) }
        return "remote-\(id)"
    }

    func markRead(_ message: InboundMessage) async throws { state.withLock { $0.reads.append(message.id) } }
    func showTyping(replyingTo message: InboundMessage) async throws {}
}

/// The reasons an account was failed for.
final class FailureLog: Sendable {
    private let reasons = Mutex<[String]>([])
    func append(_ reason: String) { reasons.withLock { $0.append(reason) } }
    var all: [String] { reasons.withLock { $0 } }
}

@Suite struct AccountConversationTests {
    let logger = Logger(label: "test")
    let account = AccountID(agent: "bot", account: "default")
    let chat = "15551234567@s.whatsapp.net"

    func settings(_ edit: (inout ResolvedAccountSettings) -> Void = { _ in }) -> ResolvedAccountSettings {
        var settings = ResolvedAccountSettings()
        settings.dmPolicy = .open
        settings.dmPolicyName = "open"
        settings.allowFrom = ["*"]
        settings.rateLimit = .init(messagesPerMinute: 6000, burst: 100, perChatIntervalMs: 0)
        edit(&settings)
        return settings
    }

    func message(_ id: String, _ text: String) -> InboundMessage {
        InboundMessage(
            id: id, chat: chat, sender: MessageSender(jid: chat, phone: "+15551234567"), timestamp: Date(), content: .text(text))
    }

    /// Runs a conversation with a live dispatcher over `transport` while `body` runs.
    func withConversation(
        _ db: TestDatabase, settings: ResolvedAccountSettings, transport: RecordingTransport,
        failures: FailureLog = FailureLog(), _ body: (AccountConversation, MessageStore) async throws -> Void
    ) async throws {
        let keys = AccountKeys(ring: KeyRing(current: try .generate()), repository: DataKeyRepository(pool: db.pool), logger: logger)
        let store = MessageStore(pool: db.pool, keys: keys)
        let conversation = AccountConversation(
            account: account, definition: AccountDefinition(id: "default", kind: .cloud, settings: settings),
            agent: AgentDefinition(name: "Milady", modelProvider: "echo", sourceFile: "test.json"), store: store, replier: EchoReplier(),
            pairing: PairingRepository(pool: db.pool), logger: logger)
        let background = Task { await conversation.run() }
        let delivery = Task {
            await conversation.deliver(through: transport) { reason in failures.append(reason) }
        }
        defer {
            background.cancel()
            delivery.cancel()
        }
        try await body(conversation, store)
        background.cancel()
        delivery.cancel()
        await background.value
        await delivery.value
    }

    func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<300 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test func echoAnswersOnceEvenWhenTheMessageIsDeliveredTwice() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            try await withConversation(db, settings: settings { $0.messagePrefix = "[Milady] " }, transport: transport) { conversation, store in
                try await conversation.receive([message("IN1", "hello there")])
                try await conversation.receive([message("IN1", "hello there")])
                try await eventually { transport.sent.count >= 1 }
                try await Task.sleep(for: .milliseconds(200))
                #expect(transport.sent.map(\.message) == [OutboundMessage(chat: chat, content: .text("[Milady] hello there"))])
                #expect(transport.reads == ["IN1"])
                let history = try await store.history(account: account, authDir: nil, chat: chat, limit: 10)
                #expect(history.map(\.fromMe) == [false, true])
                let sent = try await store.history(account: account, authDir: nil, chat: chat, limit: 10).last
                #expect(sent?.status == "sent")
            }
        }
    }

    @Test func longRepliesArriveAsChunksInOrder() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            let text = (1...30).map { "word\($0)" }.joined(separator: " ")
            try await withConversation(db, settings: settings { $0.textChunkLimit = 50 }, transport: transport) { conversation, _ in
                try await conversation.receive([message("IN2", text)])
                try await eventually { transport.sent.map(textOf).joined(separator: " ") == text }
                #expect(transport.sent.count > 1)
                #expect(transport.sent.allSatisfy { textOf($0).count <= 50 })
                #expect(transport.sent.map(textOf).joined(separator: " ") == text)
            }
        }
    }

    func textOf(_ sent: RecordingTransport.Sent) -> String {
        if case .text(let text, _) = sent.message.content { return text }
        return ""
    }

    @Test func blockedSendersAreStoredButNotAnswered() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            let strict = settings {
                $0.dmPolicy = .allowlist
                $0.dmPolicyName = "allowlist"
                $0.allowFrom = ["+15550000000"]
            }
            try await withConversation(db, settings: strict, transport: transport) { conversation, store in
                try await conversation.receive([message("IN3", "let me in")])
                try await Task.sleep(for: .milliseconds(300))
                #expect(transport.sent.isEmpty)
                #expect(try await store.history(account: account, authDir: nil, chat: chat, limit: 10).map(\.id) == ["IN3"])
            }
        }
    }

    @Test func aThrottledAccountRetriesAndAnExpiredTokenStopsIt() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            transport.script([SendError(.throttleAccount(pause: .milliseconds(300)), failure: SendFailure(code: 130429, title: "Rate limit hit"), description: "130429")])
            let failures = FailureLog()
            try await withConversation(db, settings: settings(), transport: transport, failures: failures) { conversation, store in
                let start = ContinuousClock.now
                try await conversation.receive([message("IN4", "ping")])
                try await eventually { transport.sent.count == 1 }
                #expect(transport.sent.count == 1)
                #expect(ContinuousClock.now - start >= .milliseconds(300))
                // Next: the token expired.
                transport.script([SendError(.accountFailed(reason: "190: access token expired"), description: "190")])
                try await conversation.receive([message("IN5", "pong")])
                try await eventually { !failures.all.isEmpty }
                #expect(failures.all == ["190: access token expired"])
                // The message stays queued for when the account is fixed.
                #expect(try await store.pendingCount(account: account) == 1)
            }
        }
    }

    @Test func aRejectedMessageIsRecordedAndTheNextOneGoes() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            transport.script([SendError(.rejected, failure: SendFailure(code: 131026, title: "Message undeliverable"), description: "131026")])
            try await withConversation(db, settings: settings(), transport: transport) { conversation, store in
                try await conversation.receive([message("IN6", "first")])
                for _ in 0..<200 where try await db.pool.query("SELECT 1 FROM outbox WHERE status = 'failed'").isEmpty {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await store.pendingCount(account: account) == 0)
                try await conversation.receive([message("IN7", "second")])
                try await eventually { transport.sent.count == 1 }
                #expect(textOf(transport.sent[0]) == "second")
                let row = try await db.pool.query("SELECT error_code FROM outbox WHERE status = 'failed'")
                #expect(try row.int(row: 0, column: 0) == 131026)
            }
        }
    }

    func from(_ phone: String, _ id: String, _ text: String) -> InboundMessage {
        let jid = "\(phone.dropFirst())@s.whatsapp.net"
        return InboundMessage(id: id, chat: jid, sender: MessageSender(jid: jid, pushName: "P\(phone.suffix(2))"), timestamp: Date(), content: .text(text))
    }

    @Test func unknownSendersGetOnePairingCodeAndAreAnsweredOnceApproved() async throws {
        try await withTestDatabase { db in
            let transport = RecordingTransport()
            let pairingPolicy = settings {
                $0.dmPolicy = .pairing
                $0.dmPolicyName = "pairing"
                $0.allowFrom = []
                $0.messagePrefix = "[Milady] "
            }
            try await withConversation(db, settings: pairingPolicy, transport: transport) { conversation, _ in
                try await conversation.receive([from("+15550000001", "P1", "hi")])
                try await eventually { transport.sent.count == 1 }
                let reply = textOf(transport.sent[0])
                #expect(reply.hasPrefix("[Milady] Access not configured."))
                #expect(reply.contains("Your WhatsApp phone number: +15550000001"))
                let code = try #require(reply.split(separator: "\n").first { $0.hasPrefix("Pairing code: ") }?.dropFirst(14))
                #expect(code.count == 8 && code.allSatisfy { PairingCode.alphabet.contains($0) })
                #expect(reply.hasSuffix("wagate pairing approve bot/default \(code)"))

                // The same sender again: no second reply.
                try await conversation.receive([from("+15550000001", "P2", "hello?")])
                // Two more unknown senders fill the three pending slots; a fourth is dropped without a reply.
                try await conversation.receive([from("+15550000002", "P3", "hi")])
                try await conversation.receive([from("+15550000003", "P4", "hi")])
                try await conversation.receive([from("+15550000004", "P5", "hi")])
                try await eventually { transport.sent.count >= 3 }
                try await Task.sleep(for: .milliseconds(300))
                #expect(transport.sent.count == 3)
                #expect(!transport.sent.contains { $0.message.chat.hasPrefix("15550000004") })
                let pending = try await PairingRepository(pool: db.pool).pending(accountID: "bot/default", ttl: PairingCode.ttl)
                #expect(pending.map(\.sender) == ["+15550000001", "+15550000002", "+15550000003"])
                #expect(pending.first?.meta?.contains("P01") == true)

                // Approved (in lower case, as a user might type it): the next message is answered.
                #expect(
                    try await PairingRepository(pool: db.pool).approve(
                        accountID: "bot/default", code: code.lowercased(), ttl: PairingCode.ttl, approvedBy: "test") == "+15550000001")
                try await conversation.receive([from("+15550000001", "P6", "now?")])
                try await eventually { transport.sent.count == 4 }
                #expect(textOf(transport.sent[3]) == "[Milady] now?")
            }
        }
    }
}
