import Foundation
import Logging
import Synchronization

/// A small, fixed set of `PGConnection`s shared by the whole gateway.
///
/// Connections (each an actor with its own thread) are created on first use, up to
/// `Configuration.size`; when all are lent out, callers wait in a bounded FIFO queue. A connection the
/// server dropped (restart, `pg_terminate_backend`) is noticed when it is next lent out and reconnected
/// then, so one failed statement is the most a server restart costs each connection.
///
/// ```swift
/// let pool = try await PGPool.connect("postgresql:///wagate?host=/run/postgresql")
/// try await pool.transaction { conn in
///     try conn.execute("update accounts set state = $2 where account_id = $1", [.text(id), .text("running")])
///     try conn.execute("insert into audit_log (method, account_id, outcome) values ('start', $1, 'ok')", [.text(id)])
/// }
/// await pool.close()
/// ```
public final class PGPool: Sendable {
    /// The pool's size and naming.
    public let configuration: Configuration
    private let connectionString: String
    private let logger: Logger
    private let state = Mutex(State())

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PGConnection, any Error>
    }

    private struct State {
        var all: [PGConnection] = []
        var idle: [PGConnection] = []
        /// Lent out, or being closed after the pool closed.
        var busy = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a pool without connecting; connections open on first use.
    /// - Parameters:
    ///   - connectionString: any libpq connection string (URI or `key=value`, multi-host allowed).
    ///   - configuration: size, waiter bound and thread names.
    ///   - logger: used by the pool and its connections.
    public init(
        connectionString: String, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "wagate.store")
    ) {
        self.connectionString = connectionString
        self.configuration = configuration
        self.logger = logger
    }

    /// Creates a pool and opens all its connections, so a wrong connection string fails here.
    /// - Throws: `StoreError` (`connectionFailed`); the pool is closed again in that case.
    public static func connect(
        _ connectionString: String, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "wagate.store")
    ) async throws -> PGPool {
        let pool = PGPool(connectionString: connectionString, configuration: configuration, logger: logger)
        do {
            try await pool.warmUp()
        } catch {
            await pool.close()
            throw error
        }
        return pool
    }

    // MARK: Using connections

    /// Lends a connection to `body` and takes it back afterwards, whatever `body` does.
    ///
    /// Cancelling the calling task asks the server to cancel the statement running on the connection.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or `StoreError` (`poolClosed`, `poolExhausted`, `connectionFailed`),
    ///   or `CancellationError` when the task is cancelled while waiting.
    public func withConnection<T: Sendable>(_ body: (PGConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            try await connection.ensureHealthy()
            let value = try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.cancelRunningStatement()
            }
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on one connection's thread: `BEGIN`, `body`, `COMMIT`, or `ROLLBACK`
    /// when `body` throws.
    ///
    /// `body` is synchronous and receives the isolated connection, so its statements run back to back
    /// without suspending; keep it short, as it holds a pooled connection.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or `StoreError` (see `PGConnection.transaction(_:)`).
    @discardableResult
    public func transaction<T: Sendable>(_ body: @Sendable (isolated PGConnection) throws -> T) async throws -> T {
        try await withConnection { connection in try await connection.transaction(body) }
    }

    /// Runs one statement on a pooled connection and returns its rows.
    /// - Throws: `StoreError`, as `PGConnection.query(_:_:)`.
    public func query(_ sql: String, _ params: [PGValue] = []) async throws -> PGResult {
        try await withConnection { connection in try await connection.query(sql, params) }
    }

    /// Runs one statement on a pooled connection and returns the number of rows it affected.
    /// - Throws: `StoreError`, as `PGConnection.query(_:_:)`.
    @discardableResult
    public func execute(_ sql: String, _ params: [PGValue] = []) async throws -> Int {
        try await withConnection { connection in try await connection.execute(sql, params) }
    }

    // MARK: Lifecycle

    /// Creates and connects every connection of the pool.
    /// - Throws: `StoreError` (`connectionFailed`) from the first connection that cannot connect.
    public func warmUp() async throws {
        var leased: [PGConnection] = []
        do {
            for _ in 0..<configuration.size { leased.append(try await lease()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in leased { group.addTask { try await connection.ensureHealthy() } }
                try await group.waitForAll()
            }
        } catch {
            for connection in leased { await release(connection) }
            throw error
        }
        for connection in leased { await release(connection) }
    }

    /// Closes the pool: waiting callers fail with `poolClosed`, idle connections close now, lent ones when
    /// they come back. Returns when every connection is closed and its thread has exited.
    public func close() async {
        let (idle, waiters) = state.withLock { state -> ([PGConnection], [Waiter]) in
            state.closed = true
            defer {
                state.idle.removeAll()
                state.waiters.removeAll()
            }
            state.busy += state.idle.count
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: StoreError(.poolClosed, "the pool was closed")) }
        await withDiscardingTaskGroup { group in
            for connection in idle { group.addTask { await self.closed(connection) } }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.busy == 0 { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        logger.debug("connection pool closed")
    }

    /// Counts for tests and diagnostics.
    var statistics: (created: Int, idle: Int, busy: Int, waiting: Int) {
        state.withLock { ($0.all.count, $0.idle.count, $0.busy, $0.waiters.count) }
    }

    // MARK: Lending

    private enum LeaseDecision {
        case ready(PGConnection)
        case fail(any Error)
        case wait
    }

    private func lease() async throws -> PGConnection {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PGConnection, any Error>) in
                let decision = state.withLock { state -> LeaseDecision in
                    if state.closed { return .fail(StoreError(.poolClosed, "the pool is closed")) }
                    // Checked under the lock: a cancellation handler that ran before this found no waiter.
                    if Task.isCancelled { return .fail(CancellationError()) }
                    if let connection = state.idle.popLast() {
                        state.busy += 1
                        return .ready(connection)
                    }
                    if state.all.count < configuration.size {
                        let connection = PGConnection(
                            connectionString: connectionString,
                            name: "\(configuration.threadNamePrefix)-\(state.all.count + 1)", logger: logger)
                        state.all.append(connection)
                        state.busy += 1
                        return .ready(connection)
                    }
                    if state.waiters.count >= configuration.maxWaiters {
                        return .fail(
                            StoreError(
                                .poolExhausted,
                                "\(state.waiters.count) tasks are already waiting for a database connection"))
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .ready(let connection): continuation.resume(returning: connection)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private enum ReleaseDecision {
        case handOver(Waiter)
        case close
        case idle
    }

    private func release(_ connection: PGConnection) async {
        let decision = state.withLock { state -> ReleaseDecision in
            if state.closed { return .close }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.busy -= 1
            state.idle.append(connection)
            return .idle
        }
        switch decision {
        case .handOver(let waiter): waiter.continuation.resume(returning: connection)
        case .close: await closed(connection)
        case .idle: break
        }
    }

    /// Closes a connection that counts as busy, then wakes `close()` if it was the last one.
    private func closed(_ connection: PGConnection) async {
        await connection.close()
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.busy -= 1
            guard state.busy == 0 else { return [] }
            defer { state.closeWaiters.removeAll() }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
