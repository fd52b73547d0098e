import Logging
import NIOCore
import Synchronization
import WAGateCore

/// One accepted, authorised control connection: reads requests, runs them concurrently (up to the in-flight
/// limit), and writes responses and event notifications through its ``ControlOutbox``.
///
/// Structure: `run` owns a discarding task group holding the writer, a housekeeping timer, one child task per
/// call, and one pump task per subscription (the `events.subscribe` call's task turns into the pump after
/// answering). Closing the channel or the end of input tears the group down.
final class ControlConnection: Sendable {
    let id: UInt64
    let peer: ControlPeer
    let channel: any Channel
    let outbox: ControlOutbox
    private let server: ControlServerContext
    private let logger: Logger
    private let state: Mutex<State>

    init(id: UInt64, peer: ControlPeer, channel: any Channel, server: ControlServerContext, logger: Logger) {
        self.id = id
        self.peer = peer
        self.channel = channel
        self.server = server
        self.logger = logger
        self.outbox = ControlOutbox(
            maxNotificationMessages: server.configuration.outputQueueMaxMessages,
            maxNotificationBytes: server.configuration.outputQueueMaxBytes)
        self.state = Mutex(State(lastActivity: .now))
    }

    // MARK: - Lifecycle

    /// Serves the connection until the peer closes it, it is closed for a limit, or the server shuts down.
    func run(
        inbound: NIOAsyncChannelInboundStream<ControlInboundFrame>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.runWriter(outbound) }
            group.addTask { await self.runHousekeeping() }

            let violated = await self.readRequests(inbound, group: &group)

            // End of input: subscriptions end; running calls still get their answers, unless the peer broke the
            // framing, in which case only the error already queued is sent.
            self.endSubscriptions()
            if !violated { await self.waitForCallsToFinish() }
            self.outbox.finish()
            await self.outbox.waitForWriterExit()
            // Close now rather than when the group ends: a handler that ignores cancellation must not keep the
            // peer waiting (its late answer would be dropped anyway).
            self.channel.close(promise: nil)
            group.cancelAll()
        }
    }

    /// Graceful shutdown: stop reading (the input side is shut down), answer what is running, then close.
    func beginShutdown() {
        state.withLock { $0.shuttingDown = true }
        channel.close(mode: .input, promise: nil)
    }

    /// Closes the connection now.
    func forceClose() {
        channel.close(promise: nil)
    }

    /// Counters for ``ControlServer/statistics()``.
    func statistics() -> (subscriptions: Int, inFlight: Int, outbox: ControlOutbox.Statistics) {
        let (subscriptions, inFlight) = state.withLock { ($0.subscriptions.count, $0.inFlight) }
        return (subscriptions, inFlight, outbox.statistics())
    }

    // MARK: - Reading

    /// Reads and dispatches requests until the input ends.
    /// - Returns: Whether the peer violated the framing (line too long).
    private func readRequests(
        _ inbound: NIOAsyncChannelInboundStream<ControlInboundFrame>,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) async -> Bool {
        do {
            for try await frame in inbound {
                switch frame {
                case .lineTooLong:
                    logger.notice(
                        "control connection closed: line too long",
                        metadata: ["control.max_line_bytes": "\(server.configuration.maxLineBytes)"])
                    let error = ControlError.invalidRequest(
                        "line longer than \(server.configuration.maxLineBytes) bytes", kind: "gw.LineTooLong")
                    outbox.enqueue(ControlWire.errorResponse(id: .null, error: error), kind: .control)
                    return true

                case .line(let line):
                    touch()
                    // Every line that gets an answer holds a slot until that answer is written. At the limit we
                    // wait here instead of pulling more lines, so NIOAsyncChannel's back-pressure stops reading
                    // from the socket: the client sees back-pressure, not errors, and unread answers cannot
                    // pile up in memory.
                    await acquireCallSlot()
                    if state.withLock({ $0.stopping }) { return false }
                    switch ControlWire.parse(line) {
                    case .invalid(let error, let id):
                        respond(ControlWire.errorResponse(id: id, error: error))
                    case .notification(let method):
                        // JSON-RPC notifications (no id) are not executed: every gateway method has an effect or
                        // a result the caller needs to see.
                        releaseCallSlots(1)
                        logger.debug("ignored JSON-RPC notification", metadata: ["control.method": "\(method)"])
                    case .request(let request):
                        if state.withLock({ $0.shuttingDown }) {
                            respond(ControlWire.errorResponse(id: request.id, error: .shuttingDown))
                        } else {
                            group.addTask { await self.handle(request) }
                        }
                    }
                }
            }
        } catch {
            logger.debug("control connection read ended", metadata: ["error": "\(error)"])
        }
        return false
    }

    private func touch() {
        state.withLock { $0.lastActivity = .now }
    }

    // MARK: - Calls

    private enum FollowUp {
        case none
        case pump(EventSubscription, name: String)
    }

    /// Runs one call. Its slot is released by the writer once the answer is written (see ``respond(_:)``).
    private func handle(_ request: ControlWire.Request) async {
        let followUp = await process(request)
        if case .pump(let subscription, let name) = followUp {
            await pump(subscription, name: name)
        }
    }

    private func process(_ request: ControlWire.Request) async -> FollowUp {
        var callLogger = logger
        callLogger[metadataKey: "control.method"] = "\(request.method)"
        callLogger[metadataKey: "control.request_id"] = "\(Self.idText(request.id))"
        let context = ControlRequestContext(
            peer: peer, connectionID: id, requestID: request.id, method: request.method, logger: callLogger)

        let method: ControlMethods.Method?
        if ControlMethods.builtInNames.contains(request.method) {
            method = nil
        } else if let registered = server.methods[request.method] {
            method = registered
        } else {
            respond(ControlWire.errorResponse(id: request.id, error: .methodNotFound(request.method)))
            return .none
        }

        let params: JSONValue
        switch request.params {
        case nil: params = [:]
        case .object?: params = request.params!
        case let other?:
            let error = ControlError.invalidParams(field: nil, "params must be an object (got: \(other.typeName))")
            respond(ControlWire.errorResponse(id: request.id, error: error))
            return .none
        }

        guard let method else { return builtIn(request, params: params, context: context) }

        let outcome: ControlCallOutcome
        do {
            let result = try await method.handler(context, params)
            respond(ControlWire.response(id: request.id, result: result))
            outcome = .success
        } catch {
            let controlError = Self.controlError(for: error, logger: callLogger)
            respond(ControlWire.errorResponse(id: request.id, error: controlError))
            outcome = .failure(controlError)
        }
        if method.isMutating {
            var metadata: Logger.Metadata = ["outcome": "success"]
            if case .failure(let error) = outcome { metadata = ["outcome": "failure", "error.kind": "\(error.kind)"] }
            callLogger.info("control call", metadata: metadata)
            await server.audit?(context, request.method, params, outcome)
        }
        return .none
    }

    /// Maps a handler's error to what the caller sees: ``ControlError`` as is, anything else as `gw.Internal`
    /// with a short message (the details go to the log, never to the wire).
    static func controlError(for error: any Error, logger: Logger) -> ControlError {
        if let controlError = error as? ControlError { return controlError }
        if error is CancellationError {
            return ControlError(
                code: ControlError.Code.internalError, message: "the call was cancelled", kind: "gw.Cancelled")
        }
        logger.error("control method failed", metadata: ["error": "\(String(reflecting: error))"])
        return .internalError("internal error (\(type(of: error)))")
    }

    /// Queues the answer to a call; the call's slot is released when the writer has written it.
    private func respond(_ line: ByteBuffer) {
        if !outbox.enqueue(line, kind: .response) {
            // Closing: the answer is dropped, so is its slot.
            releaseCallSlots(1)
        }
        touch()
    }

    // MARK: - Writing

    private func runWriter(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        defer {
            outbox.writerExited()
            // Answers can no longer be written, so their slots will never come back: unblock the reader. (A
            // failing child cancels the group's children, not the task running the group's body.)
            stop()
        }
        while let batch = await outbox.nextBatch() {
            try await outbound.write(contentsOf: batch.buffers)
            outbox.didWrite(batch)
            if batch.responses > 0 { releaseCallSlots(batch.responses) }
        }
    }

    private static func idText(_ id: JSONValue) -> String {
        switch id {
        case .string(let string): return string
        case .int(let int): return String(int)
        default: return "null"
        }
    }

    // MARK: - Built-in methods

    private func builtIn(
        _ request: ControlWire.Request, params: JSONValue, context: ControlRequestContext
    ) -> FollowUp {
        do {
            switch request.method {
            case "rpc.info":
                respond(ControlWire.response(id: request.id, result: rpcInfo()))
                return .none
            case "events.subscribe":
                return try subscribe(request, params: params)
            case "events.unsubscribe":
                try unsubscribe(request, params: params)
                return .none
            default:
                throw ControlError.methodNotFound(request.method)
            }
        } catch {
            let controlError = Self.controlError(for: error, logger: context.logger)
            respond(ControlWire.errorResponse(id: request.id, error: controlError))
            return .none
        }
    }

    private func rpcInfo() -> JSONValue {
        var methods: [JSONValue] = [
            [
                "name": "events.subscribe", "mutating": false,
                "description": """
                    Subscribe to gateway events: {since?, kinds?, accounts?, agents?} -> {subscription, seq}; \
                    then "events" notifications.
                    """,
            ],
            ["name": "events.unsubscribe", "mutating": false,
             "description": "End a subscription: {subscription}."],
            ["name": "rpc.info", "mutating": false,
             "description": "The protocol, the server version and the methods."],
        ]
        for method in server.methods.all {
            methods.append([
                "name": .string(method.name), "description": .string(method.description),
                "mutating": .bool(method.isMutating),
            ])
        }
        methods.sort { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
        return [
            "protocol": .string(ControlWire.protocolName),
            "server_version": .string(server.configuration.serverVersion),
            "methods": .array(methods),
        ]
    }

    private func subscribe(_ request: ControlWire.Request, params: JSONValue) throws -> FollowUp {
        let since = try params.optionalUInt64("since")
        let kinds = try params.optionalStringArray("kinds")
        let accounts = try params.optionalStringArray("accounts")
        let agents = try params.optionalStringArray("agents")
        let filter = EventFilter(
            kinds: kinds.map(Set.init), accounts: accounts.map(Set.init), agents: agents.map(Set.init))

        let limit = server.configuration.maxSubscriptionsPerConnection
        guard state.withLock({ $0.subscriptions.count }) < limit else {
            throw ControlError(
                code: ControlError.Code.busy, message: "at most \(limit) subscriptions per connection",
                kind: "gw.TooManySubscriptions", data: ["limit": .int(Int64(limit))])
        }
        let subscription: EventSubscription
        do {
            subscription = try server.eventBus.subscribe(
                since: since, filter: filter, bufferLimit: server.configuration.subscriptionBufferLimit)
        } catch {
            guard case .cursorExpired(let since, let oldest, let current) = error else { throw error }
            throw ControlError(
                code: ControlError.Code.cursorExpired,
                message: "cursor expired: events after \(since) are no longer available; the oldest is \(oldest)",
                kind: "gw.CursorExpired",
                data: [
                    "since": .int(Int64(clamping: since)), "oldest_available": .int(Int64(clamping: oldest)),
                    "current": .int(Int64(clamping: current)),
                    "resume_with": ["since": .int(Int64(clamping: oldest - 1))],
                ])
        }
        let name = state.withLock { s -> String in
            let name = "s\(s.nextSubscription)"
            s.nextSubscription += 1
            s.subscriptions[name] = subscription
            return name
        }
        logger.debug("control subscription started", metadata: ["control.subscription": "\(name)"])
        respond(
            ControlWire.response(
                id: request.id,
                result: ["subscription": .string(name), "seq": .int(Int64(clamping: subscription.startSeq))]))
        return .pump(subscription, name: name)
    }

    private func unsubscribe(_ request: ControlWire.Request, params: JSONValue) throws {
        let name = try params.requireString("subscription")
        // Removing under the lock that the pump holds while queueing guarantees no notification of this
        // subscription follows the response.
        guard let subscription = state.withLock({ $0.subscriptions.removeValue(forKey: name) }) else {
            throw ControlError(
                code: ControlError.Code.invalidParams, message: "no subscription \(name) on this connection",
                kind: "gw.SubscriptionNotFound", data: ["subscription": .string(name)])
        }
        subscription.cancel()
        respond(ControlWire.response(id: request.id, result: ["subscription": .string(name), "unsubscribed": true]))
    }

    // MARK: - Subscriptions

    private enum PumpStep {
        case next
        case stop
        case lagged
    }

    /// Moves events from the bus subscription into the outbox until the subscription ends, is unsubscribed, or
    /// lags (bus queue or outbox full): then exactly one `events.lagged` is queued and the subscription is gone.
    private func pump(_ subscription: EventSubscription, name: String) async {
        var iterator = subscription.makeAsyncIterator()
        while true {
            let event: GatewayEvent?
            do {
                event = try await iterator.next()
            } catch {
                guard case .lagged(let droppedFrom) = error else { return }
                _ = endAsLagged(subscription, name: name, droppedFrom: droppedFrom)
                return
            }
            guard let event else {
                removeSubscription(subscription, name: name)
                return
            }
            let line = ControlWire.notification(
                method: "events",
                params: ["subscription": .string(name), "seq": .int(Int64(clamping: event.seq)), "event": event.jsonValue])
            let step = state.withLock { s -> PumpStep in
                guard s.subscriptions[name] === subscription else { return .stop }
                switch outbox.tryEnqueueNotification(line) {
                case .enqueued: return .next
                case .closed: return .stop
                case .full: return .lagged
                }
            }
            switch step {
            case .next:
                continue
            case .stop:
                subscription.cancel()
                removeSubscription(subscription, name: name)
                return
            case .lagged:
                subscription.cancel()
                _ = endAsLagged(subscription, name: name, droppedFrom: event.seq)
                return
            }
        }
    }

    /// Queues the one `events.lagged` notification and forgets the subscription (unless it was unsubscribed).
    private func endAsLagged(_ subscription: EventSubscription, name: String, droppedFrom: UInt64) -> Bool {
        let notified = state.withLock { s -> Bool in
            guard s.subscriptions[name] === subscription else { return false }
            s.subscriptions[name] = nil
            let resumeSince = droppedFrom - 1
            outbox.enqueue(
                ControlWire.notification(
                    method: "events.lagged",
                    params: [
                        "subscription": .string(name), "dropped_from": .int(Int64(clamping: droppedFrom)),
                        "resume_with": ["since": .int(Int64(clamping: resumeSince))],
                    ]),
                kind: .control)
            return true
        }
        if notified {
            logger.notice(
                "control subscription lagged; closed it",
                metadata: ["control.subscription": "\(name)", "dropped_from": "\(droppedFrom)"])
        }
        return notified
    }

    private func removeSubscription(_ subscription: EventSubscription, name: String) {
        state.withLock { s in
            if s.subscriptions[name] === subscription { s.subscriptions[name] = nil }
        }
    }

    private func endSubscriptions() {
        let subscriptions = state.withLock { s -> [EventSubscription] in
            let all = Array(s.subscriptions.values)
            s.subscriptions = [:]
            return all
        }
        for subscription in subscriptions { subscription.cancel() }
    }

    // MARK: - In-flight limit

    private func acquireCallSlot() async {
        let limit = max(1, server.configuration.maxInFlightPerConnection)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let acquired = state.withLock { s -> Bool in
                    if s.inFlight < limit || s.stopping {
                        s.inFlight += 1
                        return true
                    }
                    s.slotWaiter = continuation
                    return false
                }
                if acquired { continuation.resume() }
            }
        } onCancel: {
            self.stop()
        }
    }

    private func releaseCallSlots(_ count: Int) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            var waiters: [CheckedContinuation<Void, Never>] = []
            for _ in 0..<count {
                if let slotWaiter = s.slotWaiter {
                    // Hand the slot over directly: the count stays the same.
                    s.slotWaiter = nil
                    waiters.append(slotWaiter)
                } else {
                    s.inFlight -= 1
                }
            }
            s.lastActivity = .now
            if s.inFlight == 0 {
                waiters += s.drainWaiters
                s.drainWaiters = []
            }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Makes slot and drain waits return at once from now on.
    private func stop() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.stopping = true
            var waiters = s.drainWaiters
            s.drainWaiters = []
            if let slotWaiter = s.slotWaiter {
                s.slotWaiter = nil
                s.inFlight += 1
                waiters.append(slotWaiter)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitForCallsToFinish() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { s -> Bool in
                    if s.inFlight == 0 || s.stopping { return true }
                    s.drainWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            self.stop()
        }
    }

    // MARK: - Timers

    /// Closes the connection when responses stall or when it has been idle too long.
    private func runHousekeeping() async {
        let configuration = server.configuration
        let interval = Self.clamp(
            min(configuration.writeStallTimeout, configuration.idleTimeout) / 4,
            lower: .milliseconds(10), upper: .seconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let now = ContinuousClock.now
            if let stalled = outbox.stalledDuration(now: now), stalled > configuration.writeStallTimeout {
                logger.notice("control connection closed: responses could not be written (write stall)")
                channel.close(promise: nil)
                return
            }
            let idle = state.withLock { s -> Bool in
                s.subscriptions.isEmpty && s.inFlight == 0 && now - s.lastActivity > configuration.idleTimeout
            }
            if idle && !outbox.hasPendingResponses {
                logger.info("control connection closed: idle")
                channel.close(promise: nil)
                return
            }
        }
    }

    private static func clamp(_ value: Duration, lower: Duration, upper: Duration) -> Duration {
        min(max(value, lower), upper)
    }

    // MARK: - State

    private struct State {
        var inFlight = 0
        var slotWaiter: CheckedContinuation<Void, Never>?
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var subscriptions: [String: EventSubscription] = [:]
        var nextSubscription = 1
        var lastActivity: ContinuousClock.Instant
        var shuttingDown = false
    }
}
