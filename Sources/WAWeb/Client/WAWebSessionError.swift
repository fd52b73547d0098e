/// An error of a `WAWebSession` itself (handshake and transport errors keep their own types:
/// `NoiseError`, `WebSocketError`).
public struct WAWebSessionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case handshakeTimeout, handshakeClosed, iqTimeout, connectionClosed, undecodableFrame, invalidNode
        }
        let base: Base
        /// The server did not answer the ClientHello within `handshakeTimeout`.
        public static let handshakeTimeout = Code(base: .handshakeTimeout)
        /// The connection closed before the handshake finished.
        public static let handshakeClosed = Code(base: .handshakeClosed)
        /// No answer to an IQ arrived within its timeout.
        public static let iqTimeout = Code(base: .iqTimeout)
        /// The session ended (closed, or the connection failed) while sending or awaiting an answer.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// An inbound frame is not a valid binary node.
        public static let undecodableFrame = Code(base: .undecodableFrame)
        /// A node to send cannot be encoded (or an IQ is not an `<iq>`).
        public static let invalidNode = Code(base: .invalidNode)
        /// The code's stable name.
        public var description: String { base.rawValue }
    }

    /// The error's code.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and message.
    public var description: String { "\(code): \(message)" }
}
