import NIOCore
import NIOWebSocket

/// The RFC 6455 message layer of one connection, free of I/O: frames in, actions out.
///
/// It reassembles fragmented binary messages up to a size limit, answers pings, runs the close handshake
/// and turns every protocol breach into one failure action. `WebSocketMessageHandler` is the thin shell
/// that performs the actions on a channel.
///
/// Text messages are an error (close 1003, `unexpectedTextMessage`): WhatsApp sends binary only, so text
/// means the peer is not what we think (a proxy or captive portal, say), and failing loudly beats
/// silently waiting for frames that will never come.
struct WebSocketMessageStateMachine {
    /// Which end we are; it decides the masking rule (RFC 6455 §5.1).
    enum Role: Sendable {
        case client, server
    }

    enum State: Equatable {
        /// Messages flow both ways.
        case open
        /// We sent a close frame and wait for the peer's; inbound messages are still delivered.
        case closeSent
        /// Nothing more is sent or delivered.
        case closed
    }

    enum FrameAction {
        case none
        /// A complete binary message for the consumer.
        case deliver(ByteBuffer)
        /// Answer a ping with this payload.
        case sendPong(ByteBuffer)
        /// A pong arrived (answers our pings).
        case receivedPong(ByteBuffer)
        /// The peer started the close handshake: send a close frame with `echo`, then close the connection.
        case replyToClose(WebSocketCloseFrame, echo: WebSocketCloseCode?)
        /// The peer answered our close frame: close the connection.
        case closeCompleted(WebSocketCloseFrame)
        /// A breach: send a close frame with `closeCode` (nil when one was already sent), fail the inbound
        /// stream with the error, close the connection.
        case fail(WebSocketError, closeCode: WebSocketCloseCode?)
    }

    let role: Role
    let maximumMessageLength: Int
    private(set) var state = State.open
    /// The message being reassembled from fragments.
    private var partial: ByteBuffer?

    init(role: Role, maximumMessageLength: Int) {
        self.role = role
        self.maximumMessageLength = maximumMessageLength
    }

    /// Whether a data or ping frame may be sent now.
    var canSend: Bool { state == .open }

    mutating func receive(_ frame: WebSocketFrame) -> FrameAction {
        guard state != .closed else { return .none }
        guard frame.reservedBits.isEmpty else {
            return fail(.protocolViolation, "reserved bits set without a negotiated extension", .protocolError)
        }
        switch (role, frame.maskKey) {
        case (.server, nil): return fail(.protocolViolation, "unmasked frame from a client", .protocolError)
        case (.client, .some): return fail(.protocolViolation, "masked frame from a server", .protocolError)
        default: break
        }
        let payload = frame.unmaskedData

        switch frame.opcode {
        case .binary:
            guard partial == nil else {
                return fail(.protocolViolation, "new message before the fragmented one ended", .protocolError)
            }
            guard payload.readableBytes <= maximumMessageLength else { return tooLarge(payload.readableBytes) }
            if frame.fin { return .deliver(payload) }
            partial = payload
            return .none

        case .continuation:
            guard var message = partial else {
                return fail(.protocolViolation, "continuation frame without a message to continue", .protocolError)
            }
            let length = message.readableBytes + payload.readableBytes
            guard length <= maximumMessageLength else { return tooLarge(length) }
            partial = nil  // drop our reference so the append below does not copy the buffer
            message.writeImmutableBuffer(payload)
            if frame.fin { return .deliver(message) }
            partial = message
            return .none

        case .text:
            return fail(.unexpectedTextMessage, "received a text message; only binary is accepted", .unsupportedData)

        case .ping:
            // After our close frame we send nothing more, pongs included.
            return state == .open ? .sendPong(payload) : .none

        case .pong:
            return .receivedPong(payload)

        case .connectionClose:
            var body = payload
            let closeFrame: WebSocketCloseFrame
            switch body.readableBytes {
            case 0:
                closeFrame = WebSocketCloseFrame(code: nil)
            case 1:
                return fail(.protocolViolation, "close frame with a one-byte body", .protocolError)
            default:
                let code = WebSocketCloseCode(body.readInteger(as: UInt16.self)!)
                guard code.isSendable else {
                    return fail(.protocolViolation, "close frame with the reserved code \(code)", .protocolError)
                }
                guard let reason = String(validating: body.readableBytesView, as: UTF8.self) else {
                    return fail(.protocolViolation, "close reason is not UTF-8", .protocolError)
                }
                closeFrame = WebSocketCloseFrame(code: code, reason: reason)
            }
            partial = nil
            let wasOpen = state == .open
            state = .closed
            return wasOpen ? .replyToClose(closeFrame, echo: closeFrame.code) : .closeCompleted(closeFrame)

        default:
            return fail(.protocolViolation, "unknown opcode \(frame.opcode)", .protocolError)
        }
    }

    /// The local side asked to close; returns whether to send a close frame (only the first time).
    mutating func closeRequested() -> Bool {
        guard state == .open else { return false }
        state = .closeSent
        return true
    }

    /// An error from below (the frame decoder) ends the connection; returns the close code to send, if any.
    mutating func failed(closeCode: WebSocketCloseCode) -> WebSocketCloseCode? {
        defer {
            state = .closed
            partial = nil
        }
        return state == .open ? closeCode : nil
    }

    private mutating func tooLarge(_ length: Int) -> FrameAction {
        fail(
            .messageTooLarge,
            "inbound message of at least \(length) bytes exceeds the \(maximumMessageLength)-byte limit",
            .messageTooBig
        )
    }

    private mutating func fail(_ code: WebSocketError.Code, _ message: String, _ closeCode: WebSocketCloseCode)
        -> FrameAction
    {
        .fail(WebSocketError(code, message), closeCode: failed(closeCode: closeCode))
    }
}
