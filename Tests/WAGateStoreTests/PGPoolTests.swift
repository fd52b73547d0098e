import Foundation
import Synchronization
import Testing
import WAGateTestSupport

@testable import WAGateStore

@Suite struct PGPoolTests {
    @Test func keepsTheCooperativePoolFreeWhileConnectionsBlock() async throws {
        try await withTestDatabase(migrated: false, poolSize: 4) { db in
            let ticker = Ticker()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Six sleeps on four connections: all connections block, two callers wait.
                for _ in 0..<6 {
                    group.addTask { _ = try await db.pool.query("select pg_sleep(0.3)") }
                }
                group.addTask {
                    while !ticker.stopped.load(ordering: .relaxed) {
                        ticker.ticks.add(1, ordering: .relaxed)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                // Wait for the sleeps only (the ticker runs until told to stop).
                var finished = 0
                while finished < 6 {
                    try await group.next()
                    finished += 1
                    if finished == 6 { ticker.stopped.store(true, ordering: .relaxed) }
                }
                try await group.waitForAll()
            }
            // The ticker kept running on the cooperative pool while every connection thread was blocked.
            #expect(ticker.ticks.load(ordering: .relaxed) > 5)
            #expect(db.pool.statistics.created == 4)
        }
    }

    @Test func replacesAConnectionTheServerDropped() async throws {
        try await withTestDatabase(migrated: false, poolSize: 1) { db in
            let before = try await db.pool.query("select pg_backend_pid()").int(row: 0, column: 0)
            let admin = try await PGConnection.connect(db.connectionString)
            let terminated = try await admin.query("select pg_terminate_backend($1::int)", [.int(try #require(before))])
            #expect(try terminated.bool(row: 0, column: 0) == true)
            await admin.close()
            // Give the backend time to exit and close the socket.
            try await Task.sleep(for: .milliseconds(200))
            let after = try await db.pool.query("select pg_backend_pid()").int(row: 0, column: 0)
            #expect(after != nil)
            #expect(after != before)
        }
    }

    @Test func boundsTheWaitingQueue() async throws {
        try await withTestDatabase(migrated: false) { db in
            let pool = PGPool(
                connectionString: db.connectionString, configuration: PGPool.Configuration(size: 1, maxWaiters: 1))
            let holding = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            async let holder: Void = pool.withConnection { _ in
                holding.continuation.yield()
                for await _ in release.stream { break }
            }
            for await _ in holding.stream { break }
            async let waiter = pool.query("select 1")
            while pool.statistics.waiting < 1 { try await Task.sleep(for: .milliseconds(10)) }
            let error = await #expect(throws: StoreError.self) { try await pool.query("select 2") }
            #expect(error?.code == .poolExhausted)
            release.continuation.yield()
            try await holder
            #expect(try await waiter.int(row: 0, column: 0) == 1)
            await pool.close()
        }
    }

    @Test func cancelsAWaitingCaller() async throws {
        try await withTestDatabase(migrated: false) { db in
            let pool = PGPool(connectionString: db.connectionString, configuration: PGPool.Configuration(size: 1))
            let holding = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            async let holder: Void = pool.withConnection { _ in
                holding.continuation.yield()
                for await _ in release.stream { break }
            }
            for await _ in holding.stream { break }
            let waiter = Task { try await pool.query("select 1") }
            while pool.statistics.waiting < 1 { try await Task.sleep(for: .milliseconds(10)) }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(pool.statistics.waiting == 0)
            release.continuation.yield()
            try await holder
            await pool.close()
        }
    }

    @Test func cancelsARunningStatement() async throws {
        try await withTestDatabase(migrated: false) { db in
            let started = ContinuousClock.now
            let sleeper = Task { try await db.pool.query("select pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            sleeper.cancel()
            let error = await #expect(throws: StoreError.self) { try await sleeper.value }
            #expect(error?.sqlState == "57014")
            #expect(ContinuousClock.now - started < .seconds(20))
            // The connection is usable afterwards.
            let value = try await db.pool.query("select 7").int(row: 0, column: 0)
            #expect(value == 7)
        }
    }

    @Test func closeStopsEveryThreadAndFailsLaterCalls() async throws {
        try await withTestDatabase(migrated: false) { db in
            let prefix = "pgclose\(Int.random(in: 1000...9999))"
            let pool = try await PGPool.connect(
                db.connectionString, configuration: PGPool.Configuration(size: 3, threadNamePrefix: prefix))
            #expect(threadCount(prefix: prefix) == 3)
            #expect(pool.statistics.created == 3)
            // A connection lent out while closing is closed when it comes back.
            let lent = AsyncStream<Void>.makeStream()
            let back = AsyncStream<Void>.makeStream()
            async let user: Void = pool.withConnection { _ in
                lent.continuation.yield()
                for await _ in back.stream { break }
            }
            for await _ in lent.stream { break }
            async let closing: Void = pool.close()
            try await Task.sleep(for: .milliseconds(100))
            back.continuation.yield()
            try await user
            await closing
            #expect(await threadsExit(prefix: prefix))
            let error = await #expect(throws: StoreError.self) { try await pool.query("select 1") }
            #expect(error?.code == .poolClosed)
        }
    }

    @Test func failsFastWithABadConnectionString() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await PGPool.connect(
                "host=/nonexistent-wagate-dir dbname=x", configuration: PGPool.Configuration(size: 2))
        }
        #expect(error?.code == .connectionFailed)
    }
}

private final class Ticker: Sendable {
    let ticks = Atomic<Int>(0)
    let stopped = Atomic<Bool>(false)
}

/// Waits up to two seconds for the threads named `prefix…` to leave `/proc` (a thread that has returned
/// from its body still takes a moment to be torn down).
func threadsExit(prefix: String) async -> Bool {
    for _ in 0..<200 {
        if threadCount(prefix: prefix) == 0 { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

/// Threads of this process whose name starts with `prefix` (Linux: `/proc/self/task/*/comm`).
func threadCount(prefix: String) -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.filter { task in
        let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
        return comm?.hasPrefix(prefix) == true
    }.count
}
