import Foundation
import Logging
import Testing
import WAGateCore
import WAGateCrypto
import WAGateStore
import WAGateTestSupport

/// History and outbox against a real PostgreSQL: once-only inbound, sealed bodies, forward-only status,
/// ordered and rescheduled outbox rows, fenced writes.
@Suite struct MessageStoreTests {
    let logger = Logger(label: "test")
    let account = AccountID(agent: "bot", account: "default")
    let chat = "15551234567@s.whatsapp.net"

    func makeStore(_ db: TestDatabase) throws -> MessageStore {
        let keys = AccountKeys(ring: KeyRing(current: try .generate()), repository: DataKeyRepository(pool: db.pool), logger: logger)
        return MessageStore(pool: db.pool, keys: keys)
    }

    func inbound(_ id: String, _ text: String, at seconds: TimeInterval = 1_700_000_000) -> InboundMessage {
        InboundMessage(
            id: id, chat: chat, sender: MessageSender(jid: chat, phone: "+15551234567", pushName: "Ann"),
            timestamp: Date(timeIntervalSince1970: seconds), content: .text(text),
            context: MessageContext(quotedMessageID: "Q1", mentions: ["1@s.whatsapp.net"]))
    }

    @Test func inboundIsStoredOnceAndSealed() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            #expect(try await store.record([inbound("A", "secret words")], account: account, authDir: nil, lease: nil) == [true])
            // A re-delivery of A with a new message B: A is dropped, B stored.
            #expect(
                try await store.record([inbound("A", "secret words"), inbound("B", "more", at: 1_700_000_001)], account: account, authDir: nil, lease: nil)
                    == [false, true])
            let history = try await store.history(account: account, authDir: nil, chat: chat, limit: 10)
            #expect(history.map(\.id) == ["A", "B"])
            #expect(history.first?.text == "secret words")
            #expect(history.first?.inbound?.context?.quotedMessageID == "Q1")
            let raw = try await db.pool.query("SELECT body_sealed, metadata::text FROM messages WHERE message_id = 'A'")
            let sealed = try #require(try raw.bytes(row: 0, column: 0))
            #expect(!Data(sealed).contains(Data("secret words".utf8)))
            #expect(try raw.string(row: 0, column: 1)?.contains("\"quoted_id\"") == true)
        }
    }

    @Test func historyLimitKeepsTheLatestOldestFirst() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            let messages = (0..<5).map { inbound("M\($0)", "text \($0)", at: 1_700_000_000 + Double($0)) }
            _ = try await store.record(messages, account: account, authDir: nil, lease: nil)
            let last = try await store.history(account: account, authDir: nil, chat: chat, limit: 2)
            #expect(last.map(\.id) == ["M3", "M4"])
        }
    }

    @Test func outboxSendsInOrderAndStatusOnlyMovesForward() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            try await store.enqueue(
                [("ID1", OutboundMessage(chat: chat, content: .text("one"))), ("ID2", OutboundMessage(chat: chat, content: .text("two")))],
                account: account, authDir: nil, lease: nil)
            let due = try await store.due(account: account, authDir: nil, limit: 10)
            #expect(due.map(\.id) == ["ID1", "ID2"])
            #expect(due.first?.message.content == .text("one"))
            try await store.markSent(due[0], remoteID: "wamid.1", account: account, lease: nil)
            #expect(try await store.pendingCount(account: account) == 1)
            // News out of order: read, then a late "delivered" that must not move it back.
            try await store.apply(
                [MessageStatusUpdate(messageID: "wamid.1", chat: chat, status: .read, timestamp: Date())], account: account, lease: nil)
            try await store.apply(
                [MessageStatusUpdate(messageID: "wamid.1", chat: chat, status: .delivered, timestamp: Date())], account: account, lease: nil)
            let history = try await store.history(account: account, authDir: nil, chat: chat, limit: 10)
            #expect(history.first { $0.id == "ID1" }?.status == "read")
            #expect(history.first { $0.id == "ID2" }?.status == "pending")
            #expect(history.first { $0.id == "ID1" }?.text == "one")
        }
    }

    @Test func aRescheduledMessageHoldsBackItsChatButNotOthers() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            let other = "15559999999@s.whatsapp.net"
            try await store.enqueue(
                [
                    ("A1", OutboundMessage(chat: chat, content: .text("a1"))), ("B1", OutboundMessage(chat: other, content: .text("b1"))),
                    ("A2", OutboundMessage(chat: chat, content: .text("a2"))),
                ], account: account, authDir: nil, lease: nil)
            let first = try #require(try await store.due(account: account, authDir: nil, limit: 1).first)
            try await store.reschedule(first, after: .seconds(60), error: "131056 pair rate limit", code: 131056, account: account, lease: nil)
            #expect(try await store.due(account: account, authDir: nil, limit: 10).map(\.id) == ["B1"])
            let next = try #require(try await store.nextDue(account: account))
            #expect(next <= 0)
        }
    }

    @Test func failedNewsIsRecordedWithItsCode() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            try await store.enqueue([("F1", OutboundMessage(chat: chat, content: .text("x")))], account: account, authDir: nil, lease: nil)
            let due = try await store.due(account: account, authDir: nil, limit: 1)
            try await store.markSent(due[0], remoteID: "wamid.F", account: account, lease: nil)
            try await store.apply(
                [
                    MessageStatusUpdate(
                        messageID: "wamid.F", chat: chat, status: .failed, timestamp: Date(),
                        errors: [SendFailure(code: 131047, title: "Re-engagement message")])
                ], account: account, lease: nil)
            let row = try await db.pool.query("SELECT status, error_code FROM outbox WHERE message_id = 'F1'")
            #expect(try row.string(row: 0, column: 0) == "failed")
            #expect(try row.int(row: 0, column: 1) == 131047)
            let history = try await store.history(account: account, authDir: nil, chat: chat, limit: 1)
            #expect(history.first?.status == "failed")
        }
    }

    @Test func writesUnderALostLeaseAreRefused() async throws {
        try await withTestDatabase { db in
            let store = try makeStore(db)
            let leases = LeaseRepository(pool: db.pool)
            let lease = try #require(try await leases.claim([account.description], owner: "A", ttl: .seconds(30)).first)
            #expect(try await store.record([inbound("L1", "x")], account: account, authDir: nil, lease: lease) == [true])
            try await leases.release(lease)
            await #expect(throws: StoreError.self) {
                _ = try await store.record([inbound("L2", "y")], account: account, authDir: nil, lease: lease)
            }
            #expect(try await store.history(account: account, authDir: nil, chat: chat, limit: 10).map(\.id) == ["L1"])
        }
    }

    @Test func generatedIDsHaveWhatsAppWebShape() {
        let a = MessageIDGenerator.make(ownUser: "15551234567")
        let b = MessageIDGenerator.make(ownUser: "15551234567")
        #expect(a.count == 22 && a.hasPrefix("3EB0"))
        #expect(a.dropFirst(4).allSatisfy { "0123456789ABCDEF".contains($0) })
        #expect(a != b)
    }
}
