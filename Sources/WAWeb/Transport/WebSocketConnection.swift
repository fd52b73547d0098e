import NIOCore

/// One upgraded websocket, client or server side: send binary messages, read them from `messages`, ping,
/// close.
///
/// A connection lives only inside `WebSocketClient.withConnection` or a `WebSocketServer` handler; when
/// that closure returns, the connection is closed. Sending from several tasks is safe (messages are not
/// interleaved); read `messages` from one task.
///
/// ```swift
/// try await client.withConnection { connection in
///     try await connection.send(hello)
///     for try await message in connection.messages { handle(message) }
///     print(connection.peerCloseFrame ?? "closed without a close frame")
/// }
/// ```
public struct WebSocketConnection: Sendable {
    /// Inbound binary messages; see `WebSocketInboundMessages` for how it ends.
    public let messages: WebSocketInboundMessages
    /// The peer's address, e.g. `127.0.0.1:54321`.
    public let remoteAddress: String?

    let outbound: NIOAsyncChannelOutboundWriter<WebSocketOutboundCommand>
    let channel: any Channel
    let state: WebSocketConnectionState
    let closeTimeout: Duration

    init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<WebSocketOutboundCommand>,
        channel: any Channel,
        state: WebSocketConnectionState,
        closeTimeout: Duration
    ) {
        self.closeTimeout = closeTimeout
        self.messages = WebSocketInboundMessages(base: inbound)
        self.outbound = outbound
        self.channel = channel
        self.state = state
        self.remoteAddress = channel.remoteAddress.map { address in
            guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
            return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
    }

    /// The peer's close frame, once it arrived; nil while open or if the connection ended without one.
    public var peerCloseFrame: WebSocketCloseFrame? { state.peerCloseFrame }

    /// Whether the close handshake started (either side) or the connection failed.
    public var isClosing: Bool { state.isClosing }

    /// Sends one binary message.
    ///
    /// Suspends while the socket is not writable, so a slow peer slows the sender instead of growing a buffer.
    /// - Parameter bytes: The message (for WhatsApp, one or more 3-byte-length frames from `FrameCodec`).
    /// - Throws: `WebSocketError.connectionClosed` once the connection is closing or closed.
    public func send(_ bytes: [UInt8]) async throws {
        try await send(ByteBuffer(bytes: bytes))
    }

    /// Sends one binary message from a `ByteBuffer`, without copying it.
    /// - Parameter buffer: The message.
    /// - Throws: `WebSocketError.connectionClosed` once the connection is closing or closed.
    public func send(_ buffer: ByteBuffer) async throws {
        guard !state.isClosing else { throw WebSocketConnectionState.closedError }
        do {
            try await outbound.write(.message(buffer))
        } catch {
            throw WebSocketConnectionState.closedError
        }
    }

    /// Sends one binary message split into frames of at most `fragmentLength` bytes, so that tests and the
    /// sandbox can exercise a peer's reassembly.
    func send(_ bytes: [UInt8], fragmentLength: Int) async throws {
        guard !state.isClosing else { throw WebSocketConnectionState.closedError }
        do {
            try await outbound.write(.fragmentedMessage(ByteBuffer(bytes: bytes), fragmentLength: fragmentLength))
        } catch {
            throw WebSocketConnectionState.closedError
        }
    }

    /// Sends a ping and waits for its pong.
    ///
    /// WhatsApp keeps connections alive with its own `<iq type="get" xmlns="w:p">` pings; this is for
    /// transport-level checks. There is no built-in timeout: race it against a sleep if one is needed.
    /// - Parameter payload: At most 125 bytes (default 8 random bytes).
    /// - Throws: `WebSocketError.connectionClosed` if the connection closes first, `CancellationError` if the
    ///   task is cancelled.
    public func ping(_ payload: [UInt8] = (0..<8).map { _ in UInt8.random(in: 0...255) }) async throws {
        precondition(payload.count <= 125, "a ping payload is at most 125 bytes")
        let id = state.makePingID()
        let state = self.state
        let channel = self.channel
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Registered before it is written, so the pong cannot arrive first. Written straight to the
                // channel rather than through `outbound` because this closure cannot suspend; pings need no
                // ordering with messages. The write's promise always completes, so a failed write fails the ping.
                state.addPing(id: id, payload: payload, continuation: continuation)
                let written = channel.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenFailure { error in
                    state.cancelPing(id: id, with: WebSocketError(wrapping: error, .connectionClosed, "ping not sent"))
                }
                channel.writeAndFlush(WebSocketOutboundCommand.ping(ByteBuffer(bytes: payload)), promise: written)
                if Task.isCancelled { state.cancelPing(id: id, with: CancellationError()) }
            }
        } onCancel: {
            state.cancelPing(id: id, with: CancellationError())
        }
    }

    /// Starts the close handshake and waits until the connection is closed: the peer answered, or
    /// `closeTimeout` passed. Does nothing if the connection is already closing.
    /// - Parameters:
    ///   - code: The status code (default 1000); one a peer may send: 1000–1003, 1007–1011 or 3000–4999
    ///     (a precondition: 1005, 1006 and 1015 exist only for reporting).
    ///   - reason: A short reason, cut to 123 UTF-8 bytes.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") async {
        precondition(code.isSendable, "close code \(code) may not be sent")
        // The handler bounds the handshake once the close frame is written; this bounds the write itself,
        // which waits for writability behind earlier messages when the peer has stopped reading.
        let channel = self.channel
        let fallback = channel.eventLoop.scheduleTask(in: TimeAmount(closeTimeout * 2)) { channel.close(promise: nil) }
        defer { fallback.cancel() }
        do {
            try await outbound.write(.close(code, reason: reason))
        } catch {
            // The writer is finished (channel gone) or the task is cancelled: the handshake cannot start, so
            // make sure the channel closes rather than wait for a close that was never asked for.
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
    }
}
