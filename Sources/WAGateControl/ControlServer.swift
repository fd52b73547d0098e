import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import WAGateCore

/// The operator control API: JSON-RPC 2.0, one JSON object per line, on a Unix socket.
///
/// Security: the socket's directory is 0750 and the socket 0660, and every connection's peer uid
/// (`SO_PEERCRED`) must be in ``ControlServerConfiguration/allowedUIDs``; others are closed without a reply.
///
/// Protocol summary (details in `reference/control-socket.md` §4):
/// - requests `{"jsonrpc":"2.0","id":<string|integer>,"method":...,"params":{...}}`, one per line (`\n` or
///   `\r\n`; blank lines ignored); calls on one connection run concurrently and may be answered out of order;
/// - a request without `id` is a JSON-RPC notification: nothing is executed and nothing is answered;
/// - every error carries `error.data.kind` (`gw.ParseError`, `gw.InvalidRequest`, `gw.BatchNotSupported`,
///   `gw.LineTooLong`, `gw.MethodNotFound`, `gw.InvalidParams`, `gw.Internal`, or a method's own kind);
/// - built-ins: `rpc.info`, `events.subscribe`, `events.unsubscribe`.
///
/// ```swift
/// var methods = ControlMethods()
/// methods.register("gateway.status", description: "Gateway status") { _, _ in ["state": "running"] }
/// let server = ControlServer(
///     configuration: ControlServerConfiguration(socketPath: "/run/wagate/control.sock"),
///     methods: methods, eventBus: bus, logger: logger)
/// let group = ServiceGroup(services: [registry, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class ControlServer: Service, Sendable {
    /// The configuration the server was created with.
    public let configuration: ControlServerConfiguration

    private let shared: ControlServerContext
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex(State())

    /// Creates a server; nothing happens until ``run()``.
    /// - Parameters:
    ///   - configuration: Socket path, allowed uids, limits and timeouts.
    ///   - methods: The gateway's methods (the built-ins are added by the server).
    ///   - eventBus: The bus `events.subscribe` reads from.
    ///   - audit: Called after each call of a mutating method (see ``ControlAuditHandler``).
    ///   - eventLoopGroup: Where the sockets live; the NIO singleton by default.
    ///   - logger: Logs connections (with peer uid/pid), mutating calls and limit violations.
    public init(
        configuration: ControlServerConfiguration = ControlServerConfiguration(),
        methods: ControlMethods = ControlMethods(),
        eventBus: EventBus,
        audit: ControlAuditHandler? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.shared = ControlServerContext(
            configuration: configuration, methods: methods, eventBus: eventBus, audit: audit)
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "control.socket"] = "\(configuration.socketPath)"
        self.logger = logger
    }

    // MARK: - Service

    /// Listens until graceful shutdown or cancellation.
    ///
    /// Start-up: prepares the socket directory (0750), refuses to start when another server answers on the
    /// path, replaces a stale socket file, binds and sets the socket to 0660. Graceful shutdown closes the
    /// listener, removes the socket file, lets open connections finish their running calls (up to
    /// ``ControlServerConfiguration/shutdownGracePeriod``) and closes them.
    ///
    /// - Throws: ``ControlServerError`` when the server cannot start.
    public func run() async throws {
        try beginStarting()
        let socketFile: ControlSocketFile
        let identity: ControlSocketFile.Identity
        let serverChannel: NIOAsyncChannel<AcceptedControlChannel, Never>
        do {
            socketFile = try ControlSocketFile.prepare(path: configuration.socketPath, logger: logger)
            serverChannel = try await bind()
            do {
                identity = try socketFile.didBind()
            } catch {
                try? await serverChannel.channel.close()
                throw error
            }
        } catch {
            finishStarting(with: error)
            throw error
        }
        finishStarting(with: nil)
        logger.info("control socket listening")

        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await accepted in inbound {
                            group.addTask { await self.serve(accepted) }
                        }
                    }
                } catch {
                    logger.error("control socket accept loop failed", metadata: ["error": "\(error)"])
                }
            } onGracefulShutdown: {
                // Closing the listener ends the accept loop above; connections are closed after it.
                serverChannel.channel.close(promise: nil)
            }
            socketFile.remove(identity, logger: logger)
            await closeConnections()
        }
        state.withLock { $0.phase = .stopped }
        logger.info("control socket closed")
    }

    /// Returns once the socket is bound and accepting.
    /// - Throws: The start-up error when ``run()`` failed to start, or ``ControlServerError`` when it stopped.
    public func waitUntilListening() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { s -> Result<Void, any Error>? in
                switch s.phase {
                case .idle, .starting:
                    s.listeningWaiters.append(continuation)
                    return nil
                case .listening:
                    return .success(())
                case .failed(let error):
                    return .failure(error)
                case .stopped:
                    return .failure(ControlServerError(code: .socketSetup, message: "the control server has stopped"))
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// A snapshot of connections, subscriptions and queue lengths.
    public func statistics() -> ControlServerStatistics {
        let connections = state.withLock { Array($0.connections.values) }
        var statistics = ControlServerStatistics(
            openConnections: connections.count, subscriptions: 0, callsInFlight: 0, maxQueuedNotifications: 0,
            maxQueuedNotificationBytes: 0)
        for connection in connections {
            let (subscriptions, inFlight, outbox) = connection.statistics()
            statistics.subscriptions += subscriptions
            statistics.callsInFlight += inFlight
            statistics.maxQueuedNotifications = max(statistics.maxQueuedNotifications, outbox.queuedNotifications)
            statistics.maxQueuedNotificationBytes = max(
                statistics.maxQueuedNotificationBytes, outbox.queuedNotificationBytes)
        }
        return statistics
    }

    // MARK: - Listening

    private func bind() async throws -> NIOAsyncChannel<AcceptedControlChannel, Never> {
        let maxLineBytes = configuration.maxLineBytes
        let partialLineTimeout = TimeAmount(configuration.partialLineTimeout)
        let logger = self.logger
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 128)
            // Half-closure lets `printf req | socat - UNIX-CONNECT:...` work: the client's EOF ends its
            // requests, and the answers still go out before the server closes.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: true) { channel in
                ControlPeer.read(from: channel)
                    .map { Optional($0) }
                    .recover { _ in nil }
                    .flatMapThrowing { peer in
                        try channel.pipeline.syncOperations.addHandler(
                            ControlLineFramer(
                                maxLineBytes: maxLineBytes, partialLineTimeout: partialLineTimeout, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<ControlInboundFrame, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
                        return AcceptedControlChannel(peer: peer, channel: asyncChannel)
                    }
            }
    }

    private func serve(_ accepted: AcceptedControlChannel) async {
        let asyncChannel = accepted.channel
        guard let peer = accepted.peer else {
            logger.warning("control connection refused: peer credentials unavailable")
            try? await asyncChannel.executeThenClose { _, _ in }
            return
        }
        var connectionLogger = logger
        connectionLogger[metadataKey: "peer.uid"] = "\(peer.uid)"
        connectionLogger[metadataKey: "peer.gid"] = "\(peer.gid)"
        connectionLogger[metadataKey: "peer.pid"] = "\(peer.pid)"
        guard configuration.allowedUIDs.contains(peer.uid) else {
            // No reply: an unauthorised process learns nothing beyond the fact that the socket exists.
            connectionLogger.warning("control connection refused: uid not allowed")
            try? await asyncChannel.executeThenClose { _, _ in }
            return
        }
        guard let connection = register(peer: peer, channel: asyncChannel.channel, logger: connectionLogger) else {
            connectionLogger.warning(
                "control connection refused: too many connections",
                metadata: ["control.max_connections": "\(configuration.maxConnections)"])
            let error = ControlError(
                code: ControlError.Code.busy, message: "too many control connections", kind: "gw.TooManyConnections")
            try? await asyncChannel.executeThenClose { _, outbound in
                try await outbound.write(ControlWire.errorResponse(id: .null, error: error))
            }
            return
        }
        connectionLogger[metadataKey: "control.connection"] = "\(connection.id)"
        connectionLogger.info("control connection accepted")
        do {
            try await asyncChannel.executeThenClose { inbound, outbound in
                try await connection.run(inbound: inbound, outbound: outbound)
            }
        } catch {
            connectionLogger.debug("control connection ended with an error", metadata: ["error": "\(error)"])
        }
        unregister(connection.id)
        connectionLogger.info("control connection closed")
    }

    // MARK: - Connections

    private func register(peer: ControlPeer, channel: any Channel, logger: Logger) -> ControlConnection? {
        state.withLock { s -> ControlConnection? in
            guard s.connections.count < configuration.maxConnections else { return nil }
            let id = s.nextConnectionID
            s.nextConnectionID += 1
            var logger = logger
            logger[metadataKey: "control.connection"] = "\(id)"
            let connection = ControlConnection(id: id, peer: peer, channel: channel, server: shared, logger: logger)
            s.connections[id] = connection
            return connection
        }
    }

    private func unregister(_ id: UInt64) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.connections[id] = nil
            guard s.connections.isEmpty else { return [] }
            let waiters = Array(s.emptyWaiters.values)
            s.emptyWaiters = [:]
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Graceful part of shutdown: each connection stops reading and answers its running calls; whatever is
    /// still open after the grace period is closed.
    private func closeConnections() async {
        let open = state.withLock { Array($0.connections.values) }
        guard !open.isEmpty else { return }
        logger.info("closing control connections", metadata: ["count": "\(open.count)"])
        for connection in open { connection.beginShutdown() }
        let grace = configuration.shutdownGracePeriod
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilNoConnections() }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
        }
        for connection in state.withLock({ Array($0.connections.values) }) { connection.forceClose() }
    }

    private func waitUntilNoConnections() async {
        let waiterID = state.withLock { s -> Int in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { s -> Bool in
                    if s.connections.isEmpty || s.cancelledWaiters.remove(waiterID) != nil { return true }
                    s.emptyWaiters[waiterID] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                guard let waiter = s.emptyWaiters.removeValue(forKey: waiterID) else {
                    s.cancelledWaiters.insert(waiterID)
                    return nil
                }
                return waiter
            }
            waiter?.resume()
        }
    }

    // MARK: - Lifecycle state

    private func beginStarting() throws {
        try state.withLock { s in
            guard case .idle = s.phase else {
                throw ControlServerError(code: .alreadyStarted, message: "the control server was already started")
            }
            s.phase = .starting
        }
    }

    private func finishStarting(with error: (any Error)?) {
        typealias Waiters = [CheckedContinuation<Void, any Error>]
        let (waiters, result) = state.withLock { s -> (Waiters, Result<Void, any Error>) in
            if let error {
                s.phase = .failed(error)
            } else {
                s.phase = .listening
            }
            let waiters = s.listeningWaiters
            s.listeningWaiters = []
            return (waiters, error.map { .failure($0) } ?? .success(()))
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    private struct State {
        enum Phase {
            case idle
            case starting
            case listening
            case failed(any Error)
            case stopped
        }

        var phase = Phase.idle
        var listeningWaiters: [CheckedContinuation<Void, any Error>] = []
        var connections: [UInt64: ControlConnection] = [:]
        var nextConnectionID: UInt64 = 1
        var emptyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<Int> = []
        var nextWaiterID = 0
    }
}

/// A freshly accepted connection: its peer credentials (nil when they could not be read) and its channel.
private struct AcceptedControlChannel: Sendable {
    var peer: ControlPeer?
    var channel: NIOAsyncChannel<ControlInboundFrame, ByteBuffer>
}
