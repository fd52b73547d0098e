import Synchronization
import WABinary

/// One authenticated WhatsApp Web connection: the websocket, the Noise handshake carrying the
/// ClientPayload, then encrypted binary nodes both ways (protocol notes §1 and §5.0).
///
/// A session exists only inside `withSession`; leaving the closure closes it. Inside, any number of tasks
/// may `send` and `sendIQ`; one task iterates `events`. Answers to `sendIQ` are taken out of the inbound
/// stream by the session's reader, so they arrive even while nobody iterates `events` — but other stanzas
/// wait in a bounded buffer (`maximumBufferedEvents`) and, once it is full, reading stops until `events`
/// is drained: a caller that awaits IQs should also consume `events`.
///
/// ```swift
/// try await WAWebSession.withSession(configuration: configuration) { session in
///     let reply = try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "w:p", "type": "get", "to": "s.whatsapp.net"]))
///     for try await event in session.events { … }
/// }
/// ```
public final class WAWebSession: Sendable {
    /// The default `sendIQ` timeout: whatsmeow's 75 s.
    public static let defaultIQTimeout: Duration = .seconds(75)

    /// Inbound stanzas and undecodable frames, in order; ends when the connection closes, throws when it
    /// fails (`WebSocketError`, or `NoiseError` when a frame does not decrypt). Iterate it from one task.
    public let events: Events

    private let connection: WebSocketConnection
    private let sender: SessionSender
    private let pending = PendingIQs()
    private let queue: SessionEventQueue
    private let idPrefix: String
    private let idCounter = Atomic<UInt64>(0)
    private let ready = Mutex<ReadyState>(.waiting(nil))
    private let handshakeTimedOut = Atomic<Bool>(false)

    private enum ReadyState {
        case waiting(CheckedContinuation<Void, any Error>?)
        case done(Result<Void, any Error>)
    }

    private init(connection: WebSocketConnection, maximumBufferedEvents: Int) {
        self.connection = connection
        self.sender = SessionSender(connection: connection)
        self.queue = SessionEventQueue(capacity: maximumBufferedEvents)
        self.events = Events(queue: queue)
        // whatsmeow's shape, `<rand>.<rand>-<counter>`: the random prefix keeps ids of successive
        // sessions apart, the counter keeps them unique within one.
        self.idPrefix = "\(UInt8.random(in: 0...255)).\(UInt8.random(in: 0...255))-"
    }

    /// Connects, completes the Noise handshake and runs `body` with the established session; the
    /// connection is closed when `body` returns or throws.
    /// - Parameters:
    ///   - configuration: Endpoint, trust, keys and payload.
    ///   - body: Uses the session; its result is returned.
    /// - Returns: What `body` returned.
    /// - Throws: `WebSocketError` if connecting fails; `NoiseError` if the handshake fails (e.g.
    ///   `.untrustedCertificate` for a chain not signed by `trustedRootKey`); `WAWebSessionError`
    ///   `.handshakeTimeout` / `.handshakeClosed`; or what `body` throws.
    @discardableResult
    public static func withSession<Result: Sendable>(
        configuration: WAWebSessionConfiguration,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (WAWebSession) async throws -> Result
    ) async throws -> Result {
        let client = try WebSocketClient(configuration: configuration.webSocket)
        return try await client.withConnection { connection in
            let session = WAWebSession(connection: connection, maximumBufferedEvents: configuration.maximumBufferedEvents)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                // The reader owns the inbound side for the whole connection (handshake included), so the
                // inbound iterator never crosses tasks.
                group.addTask { await session.run(configuration) }
                do {
                    try await session.waitUntilEstablished()
                    let result = try await body(session)
                    await session.shutDown()
                    group.cancelAll()
                    return result
                } catch {
                    await session.shutDown()
                    group.cancelAll()
                    throw error
                }
            }
        }
    }

    // MARK: Sending

    /// Encodes, encrypts, frames and sends one stanza.
    /// - Throws: `WAWebSessionError` `.invalidNode` if it cannot be encoded, `.connectionClosed` once the
    ///   connection is closing; `NoiseError.frameTooLarge`.
    public func send(_ node: Node) async throws {
        let payload: [UInt8]
        do {
            payload = try BinaryEncoder().encodeFramePayload(node)
        } catch {
            throw WAWebSessionError(.invalidNode, "cannot encode <\(node.tag)>: \(error)")
        }
        try await sender.send(payload)
    }

    /// A fresh stanza id, unique within this session.
    public func generateID() -> String {
        idPrefix + String(idCounter.add(1, ordering: .relaxed).newValue)
    }

    /// Sends an `<iq>` and waits for the `<iq type="result"|"error">` with the same `id`.
    ///
    /// If `node` has no `id`, a generated one is set.
    /// - Parameters:
    ///   - node: The request; its tag must be `iq`.
    ///   - timeout: Upper bound on the wait (default 75 s).
    /// - Returns: The `type="result"` response.
    /// - Throws: `IQError` for a `type="error"` response; `WAWebSessionError` `.iqTimeout`,
    ///   `.connectionClosed` (the session ended first) or `.invalidNode`; `CancellationError`.
    public func sendIQ(_ node: Node, timeout: Duration = WAWebSession.defaultIQTimeout) async throws -> Node {
        guard node.tag == "iq" else { throw WAWebSessionError(.invalidNode, "sendIQ needs an <iq>, not <\(node.tag)>") }
        var request = node
        let id: String
        if let existing = node.attribute("id") {
            id = existing
        } else {
            id = generateID()
            request.attributes["id"] = .string(id)
        }
        // Registered before sending, so an answer cannot overtake the registration.
        try pending.register(id)
        defer { pending.cancel(id) }
        try await send(request)
        let pending = self.pending
        return try await withThrowingTaskGroup(of: Node.self) { group in
            group.addTask { try await pending.wait(for: id) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw WAWebSessionError(.iqTimeout, "no answer to IQ \(id) within \(timeout)")
            }
            defer { group.cancelAll() }
            // The first child to finish decides; `next()` is non-nil as there are two children.
            return try await group.next()!
        }
    }

    /// Closes the websocket (status 1000) and waits until it is closed; `events` then ends and pending
    /// IQs fail with `.connectionClosed`. `withSession` does this on exit.
    public func close() async {
        await connection.close()
    }

    /// Ends the session on leaving `withSession`. Events nobody will read are dropped first: a reader
    /// held by a full buffer would otherwise leave the server's close frame unread until `closeTimeout`.
    private func shutDown() async {
        queue.finish()
        await connection.close()
    }

    // MARK: Reading

    private func waitUntilEstablished() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let immediate = ready.withLock { state -> Swift.Result<Void, any Error>? in
                switch state {
                case .done(let result): return result
                case .waiting: state = .waiting(continuation); return nil
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    private func markEstablished(_ result: Swift.Result<Void, any Error>) {
        let waiter = ready.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .done(result)
            return waiter
        }
        waiter?.resume(with: result)
    }

    /// Handshake, then the read loop until the connection ends; never throws: errors end `events`.
    private func run(_ configuration: WAWebSessionConfiguration) async {
        var inbound = connection.messages.makeAsyncIterator()
        var frames = FrameCodec()
        var receiver: NoiseCipherState
        do {
            receiver = try await handshake(configuration, inbound: &inbound, frames: &frames)
            markEstablished(.success(()))
        } catch {
            markEstablished(.failure(error))
            await connection.close(code: .policyViolation, reason: "handshake failed")
            let ended = WAWebSessionError(.connectionClosed, "the handshake failed")
            pending.close(with: ended)
            queue.finish(throwing: ended)
            return
        }

        var failure: (any Error)?
        do {
            reading: while true {
                // Frames already buffered (a message may carry several) are handled before reading more.
                while let frame = try frames.nextFrame() {
                    let plaintext = try receiver.decrypt(frame)
                    await handle(plaintext)
                }
                guard let message = try await inbound.next() else { break reading }
                frames.append(message)
            }
        } catch {
            failure = error
            // A decrypt failure or an oversized frame leaves the stream out of step: the connection is done.
            if !(error is WebSocketError) {
                await connection.close(code: .policyViolation, reason: "")
            }
        }
        pending.close(with: WAWebSessionError(.connectionClosed, "the connection closed before the answer arrived"))
        queue.finish(throwing: failure)
    }

    private func handshake(
        _ configuration: WAWebSessionConfiguration,
        inbound: inout WebSocketInboundMessages.AsyncIterator,
        frames: inout FrameCodec
    ) async throws -> NoiseCipherState {
        var outbound = FrameCodec(routingInfo: configuration.routingInfo)
        var machine = try NoiseHandshakeStateMachine(
            noiseKey: configuration.noiseKey,
            configuration: .init(certificateVerifier: ServerCertificateVerifier(trustedRootKey: configuration.trustedRootKey)))
        try await connection.send(outbound.encode(machine.start()))

        // The timer closes the connection, which ends the read below; the flag tells a timeout apart.
        let serverHello: [UInt8]? = try await withThrowingTaskGroup(of: Void.self) { group in
            let connection = self.connection
            let timeout = configuration.handshakeTimeout
            group.addTask { [self] in
                try await Task.sleep(for: timeout)
                handshakeTimedOut.store(true, ordering: .releasing)
                await connection.close(code: .policyViolation, reason: "handshake timeout")
            }
            defer { group.cancelAll() }
            while true {
                if let frame = try frames.nextFrame() { return frame }
                guard let message = try await inbound.next() else { return nil }
                frames.append(message)
            }
        }
        guard let serverHello else {
            if handshakeTimedOut.load(ordering: .acquiring) {
                throw WAWebSessionError(.handshakeTimeout, "no ServerHello within \(configuration.handshakeTimeout)")
            }
            throw WAWebSessionError(.handshakeClosed, "the connection closed during the handshake")
        }
        let finish = try machine.receiveServerHello(serverHello, clientPayload: configuration.clientPayload, now: configuration.now())
        try await connection.send(outbound.encode(finish.clientFinish))
        sender.install(codec: outbound, cipher: finish.transport.sender)
        return finish.transport.receiver
    }

    /// Routes one decrypted frame: an IQ answer to its waiter, anything else to `events`.
    private func handle(_ plaintext: [UInt8]) async {
        let node: Node
        do {
            node = try BinaryDecoder().decodeFramePayload(plaintext)
        } catch {
            await queue.push(.undecodableFrame(WAWebSessionError(.undecodableFrame, "\(error)")))
            return
        }
        if node.tag == "iq", let id = node.attribute("id") {
            switch node.attribute("type") {
            case "result":
                if pending.complete(id, with: .success(node)) { return }
            case "error":
                if pending.complete(id, with: .failure(IQError(response: node))) { return }
            default:
                break
            }
        }
        await queue.push(.node(node))
    }
}
