/// Why a step of phone-number (link-code) pairing failed (reference §4.4).
///
/// Used by both sides: the companion (``LinkCodeCompanion``) and the sandbox's simulated phone.
/// Messages never contain key material; they may contain sizes, tags and the stage names.
public struct LinkCodeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case invalidPhoneNumber, invalidCode, malformedNode, unexpectedStage, refMismatch, wrongSize, undecryptable,
                identityMismatch, cryptoFailure
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// The phone number is not `+` followed by 7–15 digits.
        public static let invalidPhoneNumber = Code(.invalidPhoneNumber)
        /// A typed linking code is not 8 characters of the code alphabet.
        public static let invalidCode = Code(.invalidCode)
        /// A stanza lacks an element or attribute the step needs, or has the wrong tag or type.
        public static let malformedNode = Code(.malformedNode)
        /// A stanza or call arrived in the wrong stage of the exchange.
        public static let unexpectedStage = Code(.unexpectedStage)
        /// The pairing ref in a stanza is not the one this exchange was given.
        public static let refMismatch = Code(.refMismatch)
        /// A key, wrapped key or bundle has the wrong number of bytes.
        public static let wrongSize = Code(.wrongSize)
        /// The key bundle did not authenticate: a wrong code was typed on the phone, or the bytes were altered.
        public static let undecryptable = Code(.undecryptable)
        /// The key bundle names identity keys other than the ones the stanzas carry.
        public static let identityMismatch = Code(.identityMismatch)
        /// A cryptographic primitive failed (libsodium/OpenSSL unavailable, a small-order peer key).
        public static let cryptoFailure = Code(.cryptoFailure)

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

    public var description: String { message }
}
