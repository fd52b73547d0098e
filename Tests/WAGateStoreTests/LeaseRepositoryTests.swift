import Foundation
import Testing
import WAGateStore
import WAGateTestSupport

/// Fenced leases against a real PostgreSQL, with racing claimers on separate pools (as separate
/// processes would be).
@Suite struct LeaseRepositoryTests {
    let accounts = (1...40).map { "agent/a\($0)" }

    @Test func racingMembersNeverShareAnAccount() async throws {
        try await withTestDatabase(poolSize: 4) { db in
            let a = LeaseRepository(pool: db.pool)
            let otherPool = try await PGPool.connect(db.connectionString, configuration: .init(size: 4))
            let b = LeaseRepository(pool: otherPool)
            async let wonByA = a.claim(accounts, owner: "A", ttl: .seconds(30))
            async let wonByB = b.claim(accounts.reversed(), owner: "B", ttl: .seconds(30))
            let x: [AccountLease]
            let y: [AccountLease]
            do {
                (x, y) = try await (wonByA, wonByB)
            } catch {
                await otherPool.close()
                throw error
            }
            await otherPool.close()
            #expect(Set(x.map(\.accountID)).isDisjoint(with: y.map(\.accountID)))
            #expect(x.count + y.count == accounts.count)
            let rows = try await a.all()
            #expect(rows.allSatisfy { $0.lease?.owner == "A" || $0.lease?.owner == "B" })
        }
    }

    @Test func aHeldLeaseIsNotClaimedAndAnExpiredOneIsWithAGreaterToken() async throws {
        try await withTestDatabase { db in
            let leases = LeaseRepository(pool: db.pool)
            let first = try #require(try await leases.claim(["agent/x"], owner: "A", ttl: .seconds(30)).first)
            #expect(try await leases.claim(["agent/x"], owner: "B", ttl: .seconds(30)).isEmpty)
            // A was paused past its lease (expired by the database's clock, without the test sleeping).
            _ = try await db.pool.execute(
                "UPDATE account_leases SET expires_at = now() - interval '1 second' WHERE account_id = 'agent/x'")
            let second = try #require(try await leases.claim(["agent/x"], owner: "B", ttl: .seconds(30)).first)
            #expect(second.fencingToken > first.fencingToken)
            // The old holder finds out: its renewal fails and its fenced writes are refused.
            #expect(try await leases.renew(first, ttl: .seconds(30)) == nil)
            await #expect(throws: StoreError.self) {
                try await db.pool.transaction { conn in try LeaseRepository.checkFence(conn, lease: first) }
            }
            try await db.pool.transaction { conn in try LeaseRepository.checkFence(conn, lease: second) }
            #expect(try await leases.release(first) == false)
        }
    }

    @Test func renewalKeepsTheTokenAndReleaseHandsTheLeaseOverAtOnce() async throws {
        try await withTestDatabase { db in
            let leases = LeaseRepository(pool: db.pool)
            let lease = try #require(try await leases.claim(["agent/y"], owner: "A", ttl: .seconds(30)).first)
            let renewed = try #require(try await leases.renew(lease, ttl: .seconds(60)))
            #expect(renewed.fencingToken == lease.fencingToken && renewed.expiresAt > lease.expiresAt)
            #expect(try await leases.release(renewed))
            let taken = try #require(try await leases.claim(["agent/y"], owner: "B", ttl: .seconds(30)).first)
            #expect(taken.fencingToken == lease.fencingToken + 1)
            await #expect(throws: StoreError.self) {
                try await db.pool.transaction { conn in try LeaseRepository.checkFence(conn, lease: renewed) }
            }
        }
    }

    @Test func claimsStopAtTheLimitInPreferenceOrder() async throws {
        try await withTestDatabase { db in
            let leases = LeaseRepository(pool: db.pool)
            let won = try await leases.claim(accounts, owner: "A", ttl: .seconds(30), limit: 5)
            #expect(won.map(\.accountID) == Array(accounts.prefix(5)))
        }
    }

    @Test func membersHeartbeatAndAgeOut() async throws {
        try await withTestDatabase { db in
            let leases = LeaseRepository(pool: db.pool)
            try await leases.heartbeat(memberID: "A", address: "/run/a.sock", capacity: 100)
            try await leases.heartbeat(memberID: "B", address: "/run/b.sock", capacity: 50)
            try await db.pool.execute("UPDATE cluster_members SET heartbeat_at = now() - interval '1 minute' WHERE member_id = 'B'")
            let alive = try await leases.members(aliveWithin: .seconds(15))
            #expect(alive.map(\.memberID) == ["A"])
            #expect(alive.first?.capacity == 100 && (alive.first?.heartbeatAge ?? 99) < 5)
            try await leases.leave(memberID: "A")
            #expect(try await leases.members(aliveWithin: .seconds(15)).isEmpty)
        }
    }
}
