import WAGateCrypto

/// An error of the Noise handshake, the transport ciphers or the frame layer underneath them.
///
/// Messages never contain key material or plaintext. Every one of these is fatal for the connection:
/// the shell closes the websocket and reconnects.
public struct NoiseError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case malformedMessage, decryptFailed, untrustedCertificate, invalidCertificate, invalidState
            case counterExhausted, frameTooLarge, cryptoFailure
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// A handshake message or certificate could not be decoded, or a field is missing or has the wrong length.
        public static let malformedMessage = Code(.malformedMessage)
        /// AES-GCM authentication failed: wrong keys, a reordered or altered frame, or a peer on another protocol.
        public static let decryptFailed = Code(.decryptFailed)
        /// The server's certificate chain does not verify up to the configured root key.
        public static let untrustedCertificate = Code(.untrustedCertificate)
        /// The chain verifies but is expired, not yet valid, or does not match the server's static key.
        public static let invalidCertificate = Code(.invalidCertificate)
        /// A method was called in the wrong state (for example twice, or after a failure).
        public static let invalidState = Code(.invalidState)
        /// 2^32 frames went through one cipher: its nonces are used up.
        public static let counterExhausted = Code(.counterExhausted)
        /// A frame is larger than the 3-byte length allows or than the configured maximum.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// A primitive failed for another reason (a small-order key, a library failure); see `underlying`.
        public static let cryptoFailure = Code(.cryptoFailure)

        /// The code's stable name, e.g. `untrustedCertificate`.
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

    /// The message.
    public var description: String { message }

    /// Wraps an error of a primitive, keeping authentication failures recognisable.
    init(_ error: any Error, while action: String) {
        if let crypto = error as? CryptoError, crypto.code == .authenticationFailed {
            self.init(.decryptFailed, "\(action): \(crypto.message)")
        } else if let noise = error as? NoiseError {
            self.init(noise.code, "\(action): \(noise.message)")
        } else {
            self.init(.cryptoFailure, "\(action): \(error)")
        }
    }
}
