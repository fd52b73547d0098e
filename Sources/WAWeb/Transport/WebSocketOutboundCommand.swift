import NIOCore

/// What the async side asks `WebSocketMessageHandler` to do; the outbound element of the `NIOAsyncChannel`.
///
/// Commands carry no promises: a command dropped because the channel closed first must not leak one.
/// Pings are matched to pongs through `WebSocketConnectionState` instead.
enum WebSocketOutboundCommand: Sendable {
    /// Send one binary message.
    case message(ByteBuffer)
    /// Send one binary message as frames of at most `fragmentLength` bytes (tests and the sandbox use this
    /// to exercise reassembly; real peers rarely fragment).
    case fragmentedMessage(ByteBuffer, fragmentLength: Int)
    /// Send a ping with this payload.
    case ping(ByteBuffer)
    /// Start the close handshake.
    case close(WebSocketCloseCode, reason: String)
}
