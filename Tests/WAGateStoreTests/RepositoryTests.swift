import Foundation
import Testing
import WAGateTestSupport

@testable import WAGateStore

@Suite struct RepositoryTests {
    @Test func upsertsAndListsAgents() async throws {
        try await withTestDatabase { db in
            let agents = AgentRepository(pool: db.pool)
            try await agents.upsert(agentID: "b-agent", name: "B", definition: #"{"bio": "first"}"#)
            try await agents.upsert(agentID: "a-agent", name: "A", definition: "{}")
            try await agents.upsert(agentID: "b-agent", name: "B2", definition: #"{"bio": "second"}"#)
            let all = try await agents.list()
            #expect(all.map(\.agentID) == ["a-agent", "b-agent"])
            #expect(all[1].name == "B2")
            #expect(all[1].definition == #"{"bio": "second"}"#)
            #expect(try await agents.get("missing") == nil)
            await #expect(throws: StoreError.self) {
                try await agents.upsert(agentID: "c", name: "C", definition: "not json")
            }
        }
    }

    @Test func upsertsAccountsKeepingTheirState() async throws {
        try await withTestDatabase { db in
            try await AgentRepository(pool: db.pool).upsert(
                agentID: "milady-whatsapp-test", name: "Milady", definition: "{}")
            let accounts = AccountRepository(pool: db.pool)
            let id = "milady-whatsapp-test/default"
            try await accounts.upsert(
                accountID: id, agentID: "milady-whatsapp-test", name: "default", kind: .web,
                config: #"{"dmPolicy": "pairing"}"#)
            var account = try #require(try await accounts.get(id))
            #expect(account.state == "stopped")
            #expect(account.kind == .web)
            #expect(account.stateReason == nil)

            #expect(try await accounts.setState(id, state: "connected", reason: "paired"))
            #expect(try await accounts.setState("nobody/none", state: "connected", reason: nil) == false)
            try await accounts.upsert(
                accountID: id, agentID: "milady-whatsapp-test", name: "default", kind: .web,
                config: #"{"dmPolicy": "open"}"#)
            account = try #require(try await accounts.get(id))
            #expect(account.state == "connected")
            #expect(account.stateReason == "paired")
            #expect(account.config == #"{"dmPolicy": "open"}"#)

            #expect(try await accounts.list().map(\.accountID) == [id])
            #expect(try await accounts.list(agentID: "other").isEmpty)

            let badKind = await #expect(throws: StoreError.self) {
                try await accounts.upsert(
                    accountID: "milady-whatsapp-test/x", agentID: "milady-whatsapp-test", name: "x",
                    kind: AccountKind(rawValue: "sms"), config: "{}")
            }
            #expect(badKind?.sqlState == "23514")
            let noAgent = await #expect(throws: StoreError.self) {
                try await accounts.upsert(accountID: "ghost/x", agentID: "ghost", name: "x", kind: .cloud, config: "{}")
            }
            #expect(noAgent?.sqlState == "23503")
        }
    }

    @Test func appendsAndReadsTheAuditLog() async throws {
        try await withTestDatabase { db in
            let audit = AuditLogRepository(pool: db.pool)
            let first = try await audit.append(
                actor: "uid:1000", method: "accounts.start", accountID: "a/x", outcome: "ok")
            let second = try await audit.append(
                actor: nil, method: "pairing.approve", accountID: "a/y", outcome: "denied",
                details: #"{"sender": "1555"}"#)
            #expect(second > first)
            let recent = try await audit.recent(limit: 10)
            #expect(recent.map(\.id) == [second, first])
            #expect(recent[0].details == #"{"sender": "1555"}"#)
            #expect(recent[0].actor == nil)
            #expect(abs(recent[0].at.timeIntervalSinceNow) < 60)
            #expect(try await audit.recent(limit: 10, accountID: "a/x").map(\.method) == ["accounts.start"])
            #expect(try await audit.recent(limit: 1).count == 1)
        }
    }
}
