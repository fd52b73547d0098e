import CLibPQ
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection, owned by an actor that runs on its own thread.
///
/// libpq blocks, so every method of this actor runs on the connection's `ThreadExecutor`, never on Swift's
/// cooperative pool (style guide §4.4, design A). Methods are synchronous inside the actor: a transaction
/// body receives the isolated connection and runs its statements without suspending in between.
///
/// ```swift
/// let connection = try await PGConnection.connect("postgresql:///wagate?host=/run/postgresql")
/// let result = try await connection.query("select $1::text as greeting", [.text("hello")])
/// let count = try await connection.transaction { conn in
///     try conn.execute("insert into agents (agent_id, name, definition) values ($1, $1, '{}')", [.text("a")])
///     return try conn.query("select count(*) from agents").int(row: 0, column: 0) ?? 0
/// }
/// await connection.close()
/// ```
///
/// Most code uses `PGPool` instead, which lends these connections out and replaces broken ones.
public actor PGConnection {
    private let executor: ThreadExecutor
    /// The connection's executor: its own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let connectionString: String
    private var logger: Logger
    // nonisolated(unsafe) only so that `deinit` may finish it; everything else uses it from the actor.
    nonisolated(unsafe) private var conn: OpaquePointer?
    private var transactionDepth = 0
    // Kept alive as long as `conn`: libpq holds an unretained pointer to it for notices.
    private let noticeSink: NoticeSink
    // Reachable without the actor, so that a task being cancelled can interrupt a running statement.
    private let cancelHandle = CancelHandle()

    /// Creates a connection object and its thread, without connecting yet.
    /// - Parameters:
    ///   - connectionString: any libpq connection string: a URI (`postgresql://…`) or `key=value` pairs,
    ///     including several hosts with `target_session_attrs`; passed to libpq unchanged.
    ///   - name: the thread's name.
    ///   - logger: where connection events and server notices go.
    public init(connectionString: String, name: String = "wagate-pg", logger: Logger = Logger(label: "wagate.store")) {
        self.executor = ThreadExecutor(name: name)
        self.connectionString = connectionString
        self.logger = logger
        self.noticeSink = NoticeSink(logger: logger)
    }

    /// Creates a connection and connects it.
    /// - Throws: `StoreError` (`connectionFailed`) with libpq's message.
    public static func connect(
        _ connectionString: String, name: String = "wagate-pg", logger: Logger = Logger(label: "wagate.store")
    ) async throws -> PGConnection {
        let connection = PGConnection(connectionString: connectionString, name: name, logger: logger)
        do {
            try await connection.open()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    deinit {
        // Nothing else can reach the connection any more, so it is safe to finish it from any thread.
        if let conn { PQfinish(conn) }
        cancelHandle.replace(with: nil)
        executor.stop()
    }

    // MARK: Connection state

    /// Whether the connection is open and was healthy at its last use.
    public var isConnected: Bool { conn.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// The server's process id for this connection (`pg_backend_pid()`), or `nil` when not connected.
    public var backendPID: Int32? { conn.map { PQbackendPID($0) } }

    /// Connects, unless already connected.
    /// - Throws: `StoreError` (`connectionFailed`).
    public func open() throws {
        if conn != nil, isConnected { return }
        if let old = conn {
            PQfinish(old)
            conn = nil
        }
        let new = PQconnectdb(connectionString)
        guard let new, PQstatus(new) == CONNECTION_OK else {
            let message = new.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let new { PQfinish(new) }
            throw StoreError(.connectionFailed, "could not connect to PostgreSQL", underlyingMessage: message)
        }
        conn = new
        try prepareSession(new)
        logger.debug("connected", metadata: ["pg.backend_pid": "\(PQbackendPID(new))"])
    }

    /// Makes the connection usable for the next lease: reconnects when the server dropped it, and rolls back
    /// a transaction a previous user left open.
    ///
    /// The health check costs no round trip: it looks whether the idle socket has something to read, which
    /// after a server restart or `pg_terminate_backend` is the server's goodbye and the end of the stream.
    /// - Throws: `StoreError` (`connectionFailed`) when reconnecting fails; the next call tries again.
    public func ensureHealthy() throws {
        guard let conn else {
            try open()
            return
        }
        if PQstatus(conn) == CONNECTION_OK { drainIdleInput(conn) }
        if PQstatus(conn) != CONNECTION_OK {
            logger.info("reconnecting broken connection")
            transactionDepth = 0
            PQreset(conn)
            guard PQstatus(conn) == CONNECTION_OK else {
                throw StoreError(
                    .connectionFailed, "could not reconnect to PostgreSQL",
                    underlyingMessage: String(cString: PQerrorMessage(conn)))
            }
            try prepareSession(conn)
            return
        }
        let status = PQtransactionStatus(conn)
        if status == PQTRANS_INTRANS || status == PQTRANS_INERROR {
            logger.warning("rolling back a transaction left open on a pooled connection")
            transactionDepth = 0
            try executeScript("ROLLBACK")
        }
    }

    /// Closes the connection and stops its thread. Later calls reconnect on a fallback queue, so close
    /// only connections you no longer use.
    public nonisolated func close() async {
        await finish()
        await executor.stopAndWait()
    }

    private func finish() {
        cancelHandle.replace(with: nil)
        if let conn { PQfinish(conn) }
        conn = nil
        transactionDepth = 0
    }

    /// Asks the server to cancel the statement running on this connection, if any; callable from any task.
    ///
    /// The statement then fails with SQLSTATE 57014 (`query_canceled`).
    public nonisolated func cancelRunningStatement() {
        cancelHandle.cancel()
    }

    // MARK: Statements

    /// Runs one statement with parameters (`$1`, `$2`, …) and returns its rows.
    ///
    /// - Parameters:
    ///   - sql: a single statement.
    ///   - params: values for `$1…$n`; see `PGValue` for how each is sent.
    /// - Returns: the rows, column names and affected-row count.
    /// - Throws: `StoreError`: `uniqueViolation` for SQLSTATE 23505, `connectionLost` when the connection
    ///   broke, `queryFailed` for other server errors, `invalidArgument` for more than 65 535 parameters.
    public func query(_ sql: String, _ params: [PGValue] = []) throws -> PGResult {
        let conn = try requireConnection()
        guard params.count <= 65_535 else {
            throw StoreError(.invalidArgument, "\(params.count) parameters; PostgreSQL accepts at most 65535")
        }
        // A task cancelled before its statement reached the server gets what a cancelled statement
        // gets: the server-side cancel would have found nothing to cancel, and the statement would run.
        if Task.isCancelled {
            throw StoreError(.queryFailed, "canceling statement due to user request (the task was cancelled)", sqlState: "57014")
        }
        let result = Self.withParameters(params) { count, types, values, lengths, formats in
            PQexecParams(conn, sql, count, types, values, lengths, formats, 0)
        }
        return try consume(result, conn)
    }

    /// Runs one statement that returns no rows (or whose rows are not needed).
    /// - Returns: the number of rows the statement affected.
    /// - Throws: `StoreError`, as `query(_:_:)`.
    @discardableResult
    public func execute(_ sql: String, _ params: [PGValue] = []) throws -> Int {
        try query(sql, params).affectedRows
    }

    /// Runs a script of several `;`-separated statements without parameters (simple query protocol), as
    /// migration files need.
    /// - Throws: `StoreError` for the first statement that fails; later statements do not run.
    public func executeScript(_ sql: String) throws {
        let conn = try requireConnection()
        _ = try consume(PQexec(conn, sql), conn)
    }

    /// Runs `body` in a transaction: `BEGIN`, the body, `COMMIT`; `ROLLBACK` when the body throws.
    ///
    /// Nested calls use savepoints, so an inner failure rolls back only the inner part. The body runs
    /// synchronously on the connection's thread, so nothing else uses the connection in between.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws (after rolling back), or `StoreError`; `transactionRolledBack` when
    ///   `COMMIT` found the transaction aborted (a failed statement whose error the body swallowed).
    @discardableResult
    public func transaction<T>(_ body: (isolated PGConnection) throws -> T) throws -> T {
        let depth = transactionDepth
        let savepoint = "wagate_sp_\(depth)"
        try executeScript(depth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)")
        transactionDepth = depth + 1
        defer { transactionDepth = depth }
        let value: T
        do {
            value = try body(self)
        } catch {
            if isConnected {
                do {
                    try executeScript(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)")
                } catch let rollbackError {
                    logger.warning("rollback failed", metadata: ["error": "\(rollbackError)"])
                }
            }
            throw error
        }
        if depth == 0 {
            let conn = try requireConnection()
            let tag = try consume(PQexec(conn, "COMMIT"), conn).commandTag
            if tag == "ROLLBACK" {
                throw StoreError(
                    .transactionRolledBack, "the transaction was rolled back because a statement in it failed")
            }
        } else {
            try executeScript("RELEASE SAVEPOINT \(savepoint)")
        }
        return value
    }

    // MARK: Internals

    private func requireConnection() throws -> OpaquePointer {
        if let conn { return conn }
        try open()
        guard let conn else { throw StoreError(.connectionFailed, "not connected") }
        return conn
    }

    /// Session settings the decoders rely on, whatever the server's defaults.
    private func prepareSession(_ conn: OpaquePointer) throws {
        PQsetNoticeReceiver(conn, noticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
        _ = try consume(
            PQexec(
                conn,
                "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; "
                    + "SET extra_float_digits = 3; SET bytea_output = 'hex'"), conn)
        cancelHandle.replace(with: PQgetCancel(conn))
    }

    /// Reads whatever arrived on an idle connection, so a server-side close turns into `CONNECTION_BAD`.
    private func drainIdleInput(_ conn: OpaquePointer) {
        var descriptor = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        var rounds = 0
        while rounds < 8, PQstatus(conn) == CONNECTION_OK, poll(&descriptor, 1, 0) > 0 {
            if PQconsumeInput(conn) == 0 { break }
            _ = PQisBusy(conn)  // parses what arrived: notices, notifications
            while let notification = PQnotifies(conn) { PQfreemem(notification) }
            rounds += 1
        }
    }

    /// Turns a `PGresult` into a `PGResult` or a `StoreError`, and frees it.
    private func consume(_ result: OpaquePointer?, _ conn: OpaquePointer) throws -> PGResult {
        guard let result else {
            throw StoreError(
                PQstatus(conn) == CONNECTION_OK ? .queryFailed : .connectionLost, "no result from libpq",
                underlyingMessage: String(cString: PQerrorMessage(conn)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGResult(result)
        default:
            throw Self.error(from: result, connectionOK: PQstatus(conn) == CONNECTION_OK)
        }
    }

    private static func error(from result: OpaquePointer, connectionOK: Bool) -> StoreError {
        // The PG_DIAG_* macros are character literals, which Swift does not import.
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let sqlState = field("C")  // PG_DIAG_SQLSTATE
        let full = String(cString: PQresultErrorMessage(result))
        let primary = field("M" /* PG_DIAG_MESSAGE_PRIMARY */) ?? full.trimmingTrailingNewlines()
        let code: StoreError.Code
        if !connectionOK {
            code = .connectionLost
        } else if sqlState == "23505" {
            code = .uniqueViolation
        } else {
            code = .queryFailed
        }
        let status = PQresultStatus(result)
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            return StoreError(.invalidArgument, "COPY is not supported through query/execute")
        }
        return StoreError(
            code, primary, sqlState: sqlState, constraint: field("n" /* PG_DIAG_CONSTRAINT_NAME */),
            underlyingMessage: full)
    }

    /// Lays the parameters out as libpq's parallel C arrays, valid for the duration of `body`.
    ///
    /// libpq reads the arrays during the call only, but Swift's implicit array-to-pointer conversions end
    /// with each expression (style guide §4.2), so the buffers are allocated explicitly and freed after.
    private static func withParameters<R>(
        _ params: [PGValue],
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) -> R
    ) -> R {
        let count = params.count
        if count == 0 { return body(0, nil, nil, nil, nil) }
        let types = UnsafeMutablePointer<Oid>.allocate(capacity: count)
        let values = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: count)
        let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        let formats = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        var buffers: [UnsafeMutablePointer<CChar>] = []
        buffers.reserveCapacity(count)
        defer {
            for buffer in buffers { buffer.deallocate() }
            types.deallocate()
            values.deallocate()
            lengths.deallocate()
            formats.deallocate()
        }
        for (i, param) in params.enumerated() {
            let encoded = param.encoded
            types[i] = Oid(encoded.oid)
            formats[i] = encoded.format
            guard let bytes = encoded.bytes else {
                values[i] = nil
                lengths[i] = 0
                continue
            }
            // One extra byte: text values need a terminating NUL, and an empty binary value still needs a
            // non-NULL pointer (NULL means SQL NULL).
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress {
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: raw.count)
                }
            }
            buffer[bytes.count] = 0
            buffers.append(buffer)
            values[i] = UnsafePointer(buffer)
            lengths[i] = Int32(bytes.count)
        }
        return body(Int32(count), types, values, lengths, formats)
    }
}

/// Forwards server notices (for example "relation already exists, skipping") to the logger instead of
/// libpq's default of printing them on stderr.
private final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private let noticeReceiver: PQnoticeReceiver = { argument, result in
    guard let argument, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
    let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
    sink.logger.debug("postgres notice", metadata: ["pg.notice": "\(message)"])
}

/// libpq's cancel object for the current connection, usable from any thread.
private final class CancelHandle: Sendable {
    // Mutex: the owning actor replaces the object on reconnect while another thread may be cancelling.
    private let handle = Mutex<CancelPointer?>(nil)

    func replace(with new: OpaquePointer?) {
        let old = handle.withLock { state -> CancelPointer? in
            let old = state
            state = new.map(CancelPointer.init)
            return old
        }
        if let old { PQfreeCancel(old.pointer) }
    }

    func cancel() {
        // PQcancel opens a connection to the server: keep that off the caller's (cooperative) thread.
        DispatchQueue.global().async {
            self.handle.withLock { state in
                guard let state else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(state.pointer, &buffer, Int32(buffer.count))
            }
        }
    }
}

/// A `PGcancel *`, which libpq documents as usable from any thread (even a signal handler).
private struct CancelPointer: @unchecked Sendable {
    let pointer: OpaquePointer
}
