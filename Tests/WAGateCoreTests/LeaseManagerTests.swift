import Foundation
import Logging
import Testing
import WAGateCore
import WAGateStore
import WAGateTestSupport

/// Two "processes" (each its own registry, pool and lease manager) sharing one PostgreSQL.
@Suite struct LeaseManagerTests {
    let agent = AgentDefinition(
        name: "Bot", sourceFile: "bot.json",
        whatsapp: WhatsAppConnectorConfiguration(accounts: (1...10).map { AccountDefinition(id: "a\($0)") }))

    struct Process {
        var registry: Registry
        var manager: LeaseManager
        var loop: Task<Void, any Error>
    }

    func process(_ member: String, pool: PGPool, capacity: Int = 100) async throws -> Process {
        let registry = Registry(
            agents: [agent], opener: FixedOpener(result: .success(OpenedSession(linked: true, credentialNames: []))),
            links: AccountLinkFactory { _, _, _ in ScriptedLink() }, observer: RecordingObserver(), logger: Logger(label: member),
            autoStart: false)
        let leases = LeaseRepository(pool: pool)
        try await leases.heartbeat(memberID: member, address: "/run/\(member).sock", capacity: capacity)
        let manager = LeaseManager(
            registry: registry, leases: leases, memberID: member,
            configuration: .init(ttl: .seconds(30), capacity: capacity, maxMovesPerTick: 3), logger: Logger(label: member))
        return Process(registry: registry, manager: manager, loop: Task { try await registry.run() })
    }

    func connected(_ process: Process) async -> Set<String> {
        var result = Set<String>()
        for account in process.registry.accounts where await account.snapshot().state == .connected {
            result.insert(account.id.description)
        }
        return result
    }

    @Test func aJoiningProcessGetsItsShareGraduallyAndNoAccountRunsTwice() async throws {
        try await withTestDatabase(poolSize: 4) { db in
            let a = try await process("A", pool: db.pool)
            await a.manager.tick()
            #expect(await a.manager.heldAccounts.count == 10)
            #expect(await connected(a).count == 10)

            let b = try await process("B", pool: db.pool)
            await b.manager.tick()
            #expect(await b.manager.heldAccounts.isEmpty, "B claims nothing A still holds")
            // A call about an account A runs, made to B, names A.
            #expect(await b.manager.owner(of: AccountID(agent: "bot", account: "a1"))?.member == "A")

            var rounds = 0
            while rounds < 10 {
                await a.manager.tick()
                await b.manager.tick()
                rounds += 1
                let (heldA, heldB) = (await a.manager.heldAccounts, await b.manager.heldAccounts)
                #expect(Set(heldA).isDisjoint(with: heldB))
                let (runningA, runningB) = (await connected(a), await connected(b))
                #expect(runningA.isDisjoint(with: runningB), "an account ran in both processes")
                if heldA.count == 5 && heldB.count == 5 { break }
            }
            #expect(rounds >= 2, "at most 3 moves per tick: handing over 5 takes two rounds")
            #expect(await a.manager.heldAccounts.count == 5)
            #expect(await b.manager.heldAccounts.count == 5)
            #expect(await connected(b).count == 5)
            a.loop.cancel()
            b.loop.cancel()
        }
    }

    @Test func aProcessThatLostItsLeaseStopsTheAccount() async throws {
        try await withTestDatabase(poolSize: 4) { db in
            let a = try await process("A", pool: db.pool)
            await a.manager.tick()
            #expect(await connected(a).contains("bot/a1"))
            // Another process claims a1 after its lease expired (A was paused, say).
            _ = try await db.pool.execute("UPDATE account_leases SET expires_at = now() - interval '1 second' WHERE account_id = 'bot/a1'")
            #expect(try await LeaseRepository(pool: db.pool).claim(["bot/a1"], owner: "B", ttl: .seconds(30)).count == 1)
            await a.manager.tick()
            #expect(await !a.manager.heldAccounts.contains("bot/a1"))
            let account = try #require(a.registry.account("bot/a1"))
            for _ in 0..<500 where await account.snapshot().state != .stopped { try await Task.sleep(for: .milliseconds(20)) }
            let final = try #require(await a.registry.account("bot/a1")?.snapshot())
            #expect(final.state == .stopped)
            #expect(final.reason?.contains("lease lost") == true)
            a.loop.cancel()
        }
    }
}
