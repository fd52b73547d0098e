/// An error of the cryptographic layer.
///
/// Messages never contain key material or plaintext.
public struct CryptoError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable { case libraryUnavailable, invalidKey, unsupportedVersion, malformed, authenticationFailed, keyFile }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// libsodium or OpenSSL could not be used.
        public static let libraryUnavailable = Code(.libraryUnavailable)
        /// A key has the wrong length or encoding.
        public static let invalidKey = Code(.invalidKey)
        /// A sealed value carries a format version this build does not know.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A sealed value is too short to be one.
        public static let malformed = Code(.malformed)
        /// The value was altered, moved to another row, or sealed under another key.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A key file is missing, unreadable or has unsafe permissions.
        public static let keyFile = Code(.keyFile)

        public var description: String { base.rawValue }
    }

    /// The error's code.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
