import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import WAGateCore

/// A client of the control socket, for the CLI and tests.
///
/// ```swift
/// let status = try await ControlClient.withConnection(socketPath: path) { client in
///     try await client.call("gateway.status")
/// }
///
/// try await ControlClient.withConnection(socketPath: path) { client in
///     let subscription = try await client.subscribe(since: lastSeq, kinds: ["account.*"])
///     for try await event in subscription.events { print(event.seq, event.kind) }
/// }
/// ```
///
/// Built on a NIO client channel rather than blocking socket calls: blocking `read` on the cooperative pool (2
/// threads here) would starve other tasks — in tests the server runs in the same process — and NIO gives
/// concurrent calls, out-of-order answers and event notifications on one connection with a single reader task.
public final class ControlClient: Sendable {
    /// The socket path this client is connected to.
    public let socketPath: String

    private let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let idPrefix: String
    private let state = Mutex(State())

    /// The longest response line accepted (responses may carry history, so this is generous).
    static let maxResponseLineBytes = 64 << 20

    private init(
        socketPath: String, channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, idPrefix: String
    ) {
        self.socketPath = socketPath
        self.channel = channel
        self.outbound = outbound
        self.idPrefix = idPrefix
    }

    // MARK: - Connecting

    /// Connects, runs `body` with the client, and closes the connection when `body` returns or throws.
    ///
    /// - Parameters:
    ///   - socketPath: The gateway's control socket.
    ///   - idPrefix: The start of request ids, which the gateway logs: `"<prefix>:<method>#<n>"`.
    ///   - eventLoopGroup: Where the socket lives; the NIO singleton by default.
    ///   - body: Uses the client.
    /// - Returns: What `body` returns.
    /// - Throws: ``ControlClientError`` `client.NoGateway` ("no gateway is listening on <path> ...") or
    ///   `client.PermissionDenied` when connecting fails; whatever `body` throws.
    public static func withConnection<Result: Sendable>(
        socketPath: String,
        idPrefix: String = "cli",
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (ControlClient) async throws -> Result
    ) async throws -> Result {
        let asyncChannel = try await connect(socketPath: socketPath, eventLoopGroup: eventLoopGroup)
        return try await asyncChannel.executeThenClose { inbound, outbound in
            let client = ControlClient(
                socketPath: socketPath, channel: asyncChannel.channel, outbound: outbound, idPrefix: idPrefix)
            return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
                group.addTask { await client.readResponses(inbound) }
                defer {
                    // Ends the reader: closing the channel finishes the inbound stream.
                    client.channel.close(promise: nil)
                    group.cancelAll()
                }
                return try await body(client)
            }
        }
    }

    private static func connect(
        socketPath: String, eventLoopGroup: any EventLoopGroup
    ) async throws -> NIOAsyncChannel<ControlInboundFrame, ByteBuffer> {
        var info = stat()
        if stat(socketPath, &info) != 0 {
            throw connectError(errno: errno, socketPath: socketPath)
        }
        let logger = Logger(label: "wagate.control.client", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ControlLineFramer(
                                maxLineBytes: maxResponseLineBytes, partialLineTimeout: nil, logger: logger))
                        return try NIOAsyncChannel<ControlInboundFrame, ByteBuffer>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            if let code = Self.errnoCode(of: error) { throw connectError(errno: code, socketPath: socketPath) }
            throw ControlClientError(
                message: "cannot connect to \(socketPath): \(error)", kind: ControlClientError.connectFailedKind)
        }
    }

    private static func errnoCode(of error: any Error) -> Int32? {
        if let ioError = error as? IOError { return ioError.errnoCode }
        if let connectionError = error as? NIOConnectionError {
            for failure in connectionError.connectionErrors {
                if let code = errnoCode(of: failure.error) { return code }
            }
        }
        return nil
    }

    private static func connectError(errno code: Int32, socketPath: String) -> ControlClientError {
        switch code {
        case ENOENT, ECONNREFUSED:
            return ControlClientError(
                message: "no gateway is listening on \(socketPath) (is `wagate start` running? use --socket)",
                kind: ControlClientError.noGatewayKind)
        case EACCES, EPERM:
            return ControlClientError(
                message:
                    "permission denied on \(socketPath) (run as the gateway's user or a member of its group)",
                kind: ControlClientError.permissionDeniedKind)
        default:
            return ControlClientError(
                message: "cannot connect to \(socketPath): \(String(cString: strerror(code)))",
                kind: ControlClientError.connectFailedKind)
        }
    }

    // MARK: - Calls

    /// Calls `method` and waits for its answer. Several calls may run at once on one client.
    ///
    /// - Parameters:
    ///   - method: The method name, e.g. `"accounts.list"`.
    ///   - params: The params object.
    /// - Returns: The call's `result`.
    /// - Throws: ``ControlClientError`` with the remote `code`, `message` and `data.kind`, or a local
    ///   `client.*` kind when the connection closed.
    public func call(_ method: String, params: JSONValue = [:]) async throws -> JSONValue {
        try await call(method, params: params, subscription: nil)
    }

    /// Subscribes to gateway events.
    ///
    /// - Parameters:
    ///   - since: Replay events after this seq first (resume after a reconnect).
    ///   - kinds: Only these kinds (`"account.*"` matches a prefix).
    ///   - accounts: Only events about these accounts.
    ///   - agents: Only events about these agents.
    ///   - bufferLimit: Events buffered on the client side before the local stream ends with
    ///     `client.SubscriptionOverflow`.
    /// - Returns: The subscription and its event stream.
    /// - Throws: ``ControlClientError``, e.g. `gw.CursorExpired` (see ``ControlClientError/resumeSince``).
    public func subscribe(
        since: UInt64? = nil, kinds: [String]? = nil, accounts: [String]? = nil, agents: [String]? = nil,
        bufferLimit: Int = 10_000
    ) async throws -> ControlSubscription {
        var params: [String: JSONValue] = [:]
        if let since { params["since"] = .int(Int64(clamping: since)) }
        if let kinds { params["kinds"] = .array(kinds.map { .string($0) }) }
        if let accounts { params["accounts"] = .array(accounts.map { .string($0) }) }
        if let agents { params["agents"] = .array(agents.map { .string($0) }) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: ControlEvent.self, throwing: (any Error).self, bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        let result: JSONValue
        do {
            result = try await call("events.subscribe", params: .object(params), subscription: continuation)
        } catch {
            continuation.finish(throwing: error)
            throw error
        }
        guard case .string(let id)? = result["subscription"], let seq = result["seq"]?.intValue, seq >= 0 else {
            continuation.finish()
            throw ControlClientError(
                message: "events.subscribe returned no subscription id", kind: ControlClientError.invalidResponseKind)
        }
        return ControlSubscription(id: id, seq: UInt64(seq), events: stream)
    }

    /// Ends a subscription: the server stops sending, and its event stream finishes.
    public func unsubscribe(_ subscription: ControlSubscription) async throws {
        _ = try await call("events.unsubscribe", params: ["subscription": .string(subscription.id)])
        let continuation = state.withLock { $0.subscriptions.removeValue(forKey: subscription.id) }
        continuation?.finish()
    }

    private func call(
        _ method: String, params: JSONValue, subscription: AsyncThrowingStream<ControlEvent, any Error>.Continuation?
    ) async throws -> JSONValue {
        let promise = channel.eventLoop.makePromise(of: JSONValue.self)
        let id = try state.withLock { s throws(ControlClientError) -> String in
            if let closed = s.closedError { throw closed }
            s.nextNumber += 1
            let id = "\(idPrefix):\(method)#\(s.nextNumber)"
            s.pending[id] = Pending(promise: promise, subscription: subscription)
            return id
        }
        do {
            try await outbound.write(ControlWire.request(id: .string(id), method: method, params: params))
        } catch {
            let error = ControlClientError(
                message: "the control connection closed", kind: ControlClientError.connectionClosedKind)
            takePending(id)?.promise.fail(error)
            throw state.withLock { $0.closedError } ?? error
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            self.takePending(id)?.promise.fail(CancellationError())
        }
    }

    private func takePending(_ id: String) -> Pending? {
        state.withLock { $0.pending.removeValue(forKey: id) }
    }

    // MARK: - Reading

    private func readResponses(_ inbound: NIOAsyncChannelInboundStream<ControlInboundFrame>) async {
        var endError = ControlClientError(
            message: "the control connection closed", kind: ControlClientError.connectionClosedKind)
        do {
            frames: for try await frame in inbound {
                switch frame {
                case .line(let line):
                    dispatch(line)
                case .lineTooLong:
                    endError = ControlClientError(
                        message: "the gateway sent a line longer than \(Self.maxResponseLineBytes) bytes",
                        kind: ControlClientError.invalidResponseKind)
                    break frames
                }
            }
        } catch {
            // The connection failed (reset, or closed by us): same outcome as EOF.
        }
        finishAll(endError)
    }

    private func dispatch(_ line: ByteBuffer) {
        guard let message = try? JSONValue.parse(Data(line.readableBytesView)), case .object(let object) = message
        else { return }
        if let method = object["method"]?.stringValue, object["id"] == nil {
            handleNotification(method: method, params: object["params"] ?? .null)
            return
        }
        let remoteError = object["error"].map(Self.remoteError)
        guard case .string(let id)? = object["id"] else {
            // An error not tied to a call (line too long, too many connections...): it explains the close that
            // follows, so pending calls fail with it.
            if let remoteError { state.withLock { $0.serverError = remoteError } }
            return
        }
        let pending = state.withLock { s -> Pending? in
            guard let pending = s.pending.removeValue(forKey: id) else { return nil }
            // Register the event route before the caller resumes, so no event can arrive unrouted.
            if remoteError == nil, let continuation = pending.subscription,
                case .string(let subscription)? = object["result"]?["subscription"]
            {
                s.subscriptions[subscription] = continuation
            }
            return pending
        }
        guard let pending else { return }
        if let remoteError {
            pending.promise.fail(remoteError)
        } else {
            pending.promise.succeed(object["result"] ?? .null)
        }
    }

    private func handleNotification(method: String, params: JSONValue) {
        switch method {
        case "events":
            guard let event = ControlEvent(params: params) else { return }
            let continuation = state.withLock { $0.subscriptions[event.subscription] }
            guard let continuation else { return }
            if case .dropped = continuation.yield(event) {
                state.withLock { _ = $0.subscriptions.removeValue(forKey: event.subscription) }
                continuation.finish(
                    throwing: ControlClientError(
                        message: "subscription \(event.subscription): events arrived faster than they were consumed",
                        kind: ControlClientError.subscriptionOverflowKind,
                        data: ["dropped_from": .int(Int64(clamping: event.seq)),
                               "resume_with": ["since": .int(Int64(clamping: event.seq) - 1)]]))
            }
        case "events.lagged":
            guard case .string(let subscription)? = params["subscription"] else { return }
            let continuation = state.withLock { $0.subscriptions.removeValue(forKey: subscription) }
            let droppedFrom = params["dropped_from"]?.intValue ?? 0
            continuation?.finish(
                throwing: ControlClientError(
                    message: "subscription \(subscription) lagged: events from seq \(droppedFrom) on were dropped",
                    kind: ControlClientError.subscriptionLaggedKind, data: params))
        default:
            // Clients must ignore notifications they do not know (the protocol only adds).
            break
        }
    }

    private static func remoteError(_ error: JSONValue) -> ControlClientError {
        let code = error["code"]?.intValue.map { Int($0) } ?? ControlError.Code.internalError
        let message = error["message"]?.stringValue ?? "error"
        let data = error["data"] ?? .null
        let kind = data["kind"]?.stringValue ?? "gw.Unknown"
        return ControlClientError(code: code, message: message, kind: kind, data: data)
    }

    private func finishAll(_ endError: ControlClientError) {
        let (pending, subscriptions, error) = state.withLock {
            s -> ([Pending], [AsyncThrowingStream<ControlEvent, any Error>.Continuation], ControlClientError) in
            let error = s.serverError ?? endError
            s.closedError = error
            let pending = Array(s.pending.values)
            let subscriptions = Array(s.subscriptions.values)
            s.pending = [:]
            s.subscriptions = [:]
            return (pending, subscriptions, error)
        }
        for call in pending {
            call.promise.fail(error)
            call.subscription?.finish(throwing: error)
        }
        for subscription in subscriptions { subscription.finish(throwing: error) }
    }

    // MARK: - State

    private struct Pending {
        var promise: EventLoopPromise<JSONValue>
        var subscription: AsyncThrowingStream<ControlEvent, any Error>.Continuation?
    }

    private struct State {
        var nextNumber = 0
        var pending: [String: Pending] = [:]
        var subscriptions: [String: AsyncThrowingStream<ControlEvent, any Error>.Continuation] = [:]
        /// An error the server sent without an id, explaining an imminent close.
        var serverError: ControlClientError?
        /// Set once the connection is gone: later calls fail at once.
        var closedError: ControlClientError?
    }
}
