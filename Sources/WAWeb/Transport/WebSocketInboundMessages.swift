import NIOCore

/// The inbound binary messages of a `WebSocketConnection`, in order, each one complete (fragments are
/// reassembled).
///
/// Back-pressure is NIO's: when the consumer falls `maximumBufferedMessages` behind, the socket stops being
/// read until it catches up. Iterate it once, from one task.
///
/// The sequence ends (`nil`) when the connection closes: check `WebSocketConnection.peerCloseFrame` for the
/// peer's code and reason. It throws a `WebSocketError` when the connection fails: `messageTooLarge`,
/// `unexpectedTextMessage`, `protocolViolation`, or `connectionFailed` for socket and TLS errors.
public struct WebSocketInboundMessages: AsyncSequence, Sendable {
    /// One complete binary message.
    public typealias Element = [UInt8]

    let base: NIOAsyncChannelInboundStream<ByteBuffer>

    /// Creates the iterator; call this once.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator())
    }

    /// Iterates the messages.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

        /// The next message, or nil once the connection closed.
        /// - Throws: `WebSocketError` when the connection failed.
        public mutating func next() async throws -> [UInt8]? {
            do {
                guard let message = try await base.next() else { return nil }
                return Array(message.readableBytesView)
            } catch {
                throw WebSocketError(wrapping: error, .connectionFailed, "the connection failed")
            }
        }
    }
}
