import WASignal

/// Why a messaging stanza could not be parsed, built, decrypted or encrypted (reference §5).
///
/// Malformed input from the server or a peer always ends up here, never in a trap. Messages name tags,
/// attributes, sizes and JIDs, never key material or plaintext.
public struct MessagingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case malformedStanza, unsupportedEncryption, decryptionFailed, duplicate, invalidPadding, invalidProtobuf,
                noSession, encryptionFailed, serverError
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// A stanza lacks a tag or attribute it needs, or one has the wrong form or size.
        public static let malformedStanza = Code(.malformedStanza)
        /// An `<enc>` of a type or version this client does not decrypt (`msmsg`, `v="3"`, unknown types).
        public static let unsupportedEncryption = Code(.unsupportedEncryption)
        /// The Signal layer refused the ciphertext (no session, bad MAC, unknown prekey, ...): ask for a retry.
        public static let decryptionFailed = Code(.decryptionFailed)
        /// The ciphertext was already decrypted (a re-delivery): acknowledge it and store nothing new.
        public static let duplicate = Code(.duplicate)
        /// The decrypted plaintext does not end in valid WhatsApp padding.
        public static let invalidPadding = Code(.invalidPadding)
        /// The plaintext is not a `Message` protobuf (nack 491).
        public static let invalidProtobuf = Code(.invalidProtobuf)
        /// No Signal session with a device and no prekey bundle to start one.
        public static let noSession = Code(.noSession)
        /// The Signal layer could not encrypt for a device (or make our sender key).
        public static let encryptionFailed = Code(.encryptionFailed)
        /// The server answered with an `<error>` (a prekey bundle it does not have, ...).
        public static let serverError = Code(.serverError)

        /// The code's stable name.
        public var description: String { base.rawValue }
    }

    /// The error's code.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The Signal error behind a `.decryptionFailed`, `.duplicate`, `.noSession` or `.encryptionFailed`.
    public var signalError: SignalError?

    /// Creates an error.
    public init(_ code: Code, _ message: String, signalError: SignalError? = nil) {
        self.code = code
        self.message = message
        self.signalError = signalError
    }

    /// The code and message.
    public var description: String { "\(code): \(message)" }
}
