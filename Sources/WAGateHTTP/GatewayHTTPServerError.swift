/// Why the HTTP server cannot be configured or started.
public struct GatewayHTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case invalidListenAddress = "invalid_listen_address"
            case notListening = "not_listening"
        }
        let base: Base

        /// The listen address is not `HOST:PORT`.
        public static let invalidListenAddress = Code(base: .invalidListenAddress)
        /// The server stopped (or failed to bind) before it was listening.
        public static let notListening = Code(base: .notListening)

        /// A stable word for logs.
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong, in words.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidListenAddress(_ listen: String, _ why: String) -> Self {
        Self(.invalidListenAddress, "invalid HTTP listen address \"\(listen)\": \(why)")
    }

    /// What is wrong, in words.
    public var description: String { message }
}
