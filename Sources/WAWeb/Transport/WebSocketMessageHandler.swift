import NIOCore
import NIOWebSocket

/// The channel shell of `WebSocketMessageStateMachine`: frames in, whole binary messages out, commands in,
/// frames out. It only performs the actions the state machine returns.
///
/// Sits after NIO's frame decoder (whose `maxFrameSize` is the message limit, so one huge frame is refused
/// before it is buffered) and before the `NIOAsyncChannel` handler, which sees `ByteBuffer` messages and
/// `WebSocketOutboundCommand`s. Confined to the channel's event loop.
final class WebSocketMessageHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = WebSocketOutboundCommand
    typealias OutboundOut = WebSocketFrame

    /// Longest close reason in bytes: a control frame carries at most 125, two of which are the code.
    static let maximumCloseReasonLength = 123

    private var stateMachine: WebSocketMessageStateMachine
    private let state: WebSocketConnectionState
    private let closeTimeout: TimeAmount
    private var closeTimer: Scheduled<Void>?

    init(
        role: WebSocketMessageStateMachine.Role,
        maximumMessageLength: Int,
        closeTimeout: Duration,
        state: WebSocketConnectionState
    ) {
        self.stateMachine = WebSocketMessageStateMachine(role: role, maximumMessageLength: maximumMessageLength)
        self.state = state
        self.closeTimeout = TimeAmount(closeTimeout)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch stateMachine.receive(unwrapInboundIn(data)) {
        case .none:
            break
        case .deliver(let message):
            context.fireChannelRead(wrapInboundOut(message))
        case .sendPong(let payload):
            context.writeAndFlush(wrapOutboundOut(frame(.pong, payload)), promise: nil)
        case .receivedPong(let payload):
            state.receivedPong(payload: Array(payload.readableBytesView))
        case .replyToClose(let closeFrame, let echo):
            state.recordPeerClose(closeFrame)
            writeCloseThenClose(context: context, code: echo, reason: "")
        case .closeCompleted(let closeFrame):
            state.recordPeerClose(closeFrame)
            closeTimer?.cancel()
            context.close(promise: nil)
        case .fail(let error, let closeCode):
            fail(context: context, error: error, closeCode: closeCode)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After the connection failed or closed, later errors (data arriving after a decoder error, a reset
        // after the close handshake) say nothing new.
        guard stateMachine.state != .closed else {
            context.close(promise: nil)
            return
        }
        if let decoderError = error as? NIOWebSocketError {
            let tooLarge = decoderError == .invalidFrameLength
            let code: WebSocketCloseCode = tooLarge ? .messageTooBig : .protocolError
            let failure =
                tooLarge
                ? WebSocketError(
                    .messageTooLarge,
                    "inbound frame exceeds the \(stateMachine.maximumMessageLength)-byte message limit"
                )
                : WebSocketError(.protocolViolation, "malformed control frame (\(decoderError))")
            fail(context: context, error: failure, closeCode: stateMachine.failed(closeCode: code))
        } else {
            _ = stateMachine.failed(closeCode: .internalError)
            state.markClosing()
            context.fireErrorCaught(WebSocketError(wrapping: error, .connectionFailed, "the connection failed"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .message(let message):
            guard stateMachine.canSend else {
                promise?.fail(WebSocketConnectionState.closedError)
                return
            }
            context.write(wrapOutboundOut(frame(.binary, message)), promise: promise)
        case .fragmentedMessage(var message, let fragmentLength):
            guard stateMachine.canSend else {
                promise?.fail(WebSocketConnectionState.closedError)
                return
            }
            var opcode = WebSocketOpcode.binary
            repeat {
                let fragment = message.readSlice(length: min(max(fragmentLength, 1), message.readableBytes))!
                let isLast = message.readableBytes == 0
                var frame = frame(opcode, fragment)
                frame.fin = isLast
                context.write(wrapOutboundOut(frame), promise: isLast ? promise : nil)
                opcode = .continuation
            } while message.readableBytes > 0
        case .ping(let payload):
            guard stateMachine.canSend else {
                promise?.fail(WebSocketConnectionState.closedError)
                return
            }
            context.write(wrapOutboundOut(frame(.ping, payload)), promise: promise)
        case .close(let code, let reason):
            guard stateMachine.closeRequested() else {
                promise?.succeed(())
                return
            }
            state.markClosing()
            context.write(
                wrapOutboundOut(closeFrame(code: code, reason: reason, allocator: context.channel.allocator)),
                promise: promise
            )
            // The peer has `closeTimeout` to answer before we drop the connection without its close frame.
            closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: closeTimeout) {
                context.close(promise: nil)
            }
        }
    }

    // MARK: Helpers

    private func fail(context: ChannelHandlerContext, error: WebSocketError, closeCode: WebSocketCloseCode?) {
        state.markClosing()
        // The error reaches the NIOAsyncChannel after the messages already delivered, so the consumer
        // reads those first and then gets the error.
        context.fireErrorCaught(error)
        if let closeCode {
            writeCloseThenClose(context: context, code: closeCode, reason: error.message)
        } else {
            // Our close frame is already out; the peer's answer no longer matters.
            closeTimer?.cancel()
            context.close(promise: nil)
        }
    }

    /// Sends a close frame (an empty one when `code` is nil) and closes once it is written; closing in the
    /// same tick could discard the frame while the socket is backed up.
    private func writeCloseThenClose(context: ChannelHandlerContext, code: WebSocketCloseCode?, reason: String) {
        closeTimer?.cancel()
        let frame = closeFrame(code: code, reason: reason, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func finish() {
        closeTimer?.cancel()
        closeTimer = nil
        state.markClosed()
    }

    private func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        // Clients mask every frame (RFC 6455 §5.3); servers never do.
        WebSocketFrame(fin: true, opcode: opcode, maskKey: stateMachine.role == .client ? .random() : nil, data: data)
    }

    private func closeFrame(code: WebSocketCloseCode?, reason: String, allocator: ByteBufferAllocator)
        -> WebSocketFrame
    {
        var body = allocator.buffer(capacity: 2 + Self.maximumCloseReasonLength)
        if let code {
            body.writeInteger(code.rawValue)
            body.writeString(Self.truncated(reason))
        }
        return frame(.connectionClose, body)
    }

    /// `reason` cut to at most 123 UTF-8 bytes on a scalar boundary.
    static func truncated(_ reason: String) -> String {
        guard reason.utf8.count > maximumCloseReasonLength else { return reason }
        var result = String.UnicodeScalarView()
        var length = 0
        for scalar in reason.unicodeScalars {
            length += String(scalar).utf8.count
            guard length <= maximumCloseReasonLength else { break }
            result.append(scalar)
        }
        return String(result)
    }
}

extension WebSocketMessageHandler {
    /// Installs the message handler on an upgraded channel and wraps it for async use, with the
    /// back-pressure both sides use: at most `highWatermark` inbound messages wait before the socket
    /// stops being read. Runs on the channel's event loop (inside the upgrader's completion).
    static func installAsync(
        on channel: any Channel, role: WebSocketMessageStateMachine.Role, maximumMessageLength: Int, closeTimeout: Duration, highWatermark: Int
    ) throws -> (NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>, WebSocketConnectionState) {
        let state = WebSocketConnectionState()
        try channel.pipeline.syncOperations.addHandler(
            WebSocketMessageHandler(role: role, maximumMessageLength: maximumMessageLength, closeTimeout: closeTimeout, state: state))
        let asyncChannel = try NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>(
            wrappingChannelSynchronously: channel,
            configuration: .init(
                backPressureStrategy: .init(lowWatermark: max(highWatermark / 2, 1), highWatermark: highWatermark)))
        return (asyncChannel, state)
    }
}
