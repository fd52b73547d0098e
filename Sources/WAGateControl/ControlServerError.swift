/// Why the ``ControlServer`` could not start.
public struct ControlServerError: Error, Sendable, CustomStringConvertible {
    /// The failure's category; extensible.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case socketPathTooLong, socketInUse, notASocket, socketDirectory, socketSetup, alreadyStarted
        }
        private let base: Base

        /// The path does not fit `sun_path`.
        public static let socketPathTooLong = Code(base: .socketPathTooLong)
        /// Another server answers on the path.
        public static let socketInUse = Code(base: .socketInUse)
        /// Something that is not a socket exists at the path.
        public static let notASocket = Code(base: .notASocket)
        /// The socket's directory could not be created or is not a directory.
        public static let socketDirectory = Code(base: .socketDirectory)
        /// Checking, binding or chmod-ing the socket failed.
        public static let socketSetup = Code(base: .socketSetup)
        /// `run()` was called twice.
        public static let alreadyStarted = Code(base: .alreadyStarted)

        public var description: String { base.rawValue }
    }

    /// The category.
    public var code: Code
    /// A sentence for the operator, naming the path.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
