import CSignalProtocol

/// An error of the Signal layer: a libsignal-protocol-c result code, or a check of this module's own.
///
/// The cases mirror the library's `SG_ERR_*` codes so a caller can pick its reaction with one `switch`
/// (see the reference's table): a duplicate is acked and dropped, `noSession` / `invalidMessage` /
/// `invalidKeyId` ask the peer for a retry, `outOfMemory` and `library` are local faults worth retrying.
/// Malformed input never traps: it always ends up as one of these.
public enum SignalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message was already decrypted, or its counter is so old that its key is gone (`SG_ERR_DUPLICATE_MESSAGE`).
    case duplicateMessage
    /// A key is malformed, or a bundle's signed prekey signature does not verify (`SG_ERR_INVALID_KEY`).
    case invalidKey
    /// A pkmsg names a one-time or signed prekey we do not have (`SG_ERR_INVALID_KEY_ID`).
    case invalidKeyId
    /// A MAC check failed (`SG_ERR_INVALID_MAC`).
    case invalidMAC
    /// The message does not decrypt or verify on any session state, is too far ahead, or is
    /// structurally wrong (`SG_ERR_INVALID_MESSAGE`).
    case invalidMessage
    /// A pkmsg, skmsg or distribution message of an unsupported version (`SG_ERR_INVALID_VERSION`).
    case invalidVersion
    /// A message of protocol version 1 or older (`SG_ERR_LEGACY_MESSAGE`).
    case legacyMessage
    /// No session (pairwise) or no sender key (group) for the peer (`SG_ERR_NO_SESSION`).
    case noSession
    /// A stale key exchange (`SG_ERR_STALE_KEY_EXCHANGE`; not produced by the flows this module uses).
    case staleKeyExchange
    /// The peer's identity key changed and the store's trust policy refuses changes (`SG_ERR_UNTRUSTED_IDENTITY`).
    case untrustedIdentity
    /// The bytes are not a parsable protobuf of the expected message (`SG_ERR_INVALID_PROTO_BUF`).
    case invalidProtobuf
    /// Input too short to be a message, an out-of-range argument, or a call the library refused (`SG_ERR_INVAL`).
    case invalidArgument
    /// The decrypted plaintext does not end in valid WhatsApp padding.
    case invalidPadding
    /// An allocation failed (`SG_ERR_NOMEM`).
    case outOfMemory
    /// Any other library code (`SG_ERR_UNKNOWN` and the rest), kept as the raw value.
    case library(Int32)

    /// The error for a negative library result code.
    /// - Parameter code: a value below zero returned by a libsignal-protocol-c function.
    public init(code: Int32) {
        switch code {
        case SG_ERR_DUPLICATE_MESSAGE: self = .duplicateMessage
        case SG_ERR_INVALID_KEY: self = .invalidKey
        case SG_ERR_INVALID_KEY_ID: self = .invalidKeyId
        case SG_ERR_INVALID_MAC: self = .invalidMAC
        case SG_ERR_INVALID_MESSAGE: self = .invalidMessage
        case SG_ERR_INVALID_VERSION: self = .invalidVersion
        case SG_ERR_LEGACY_MESSAGE: self = .legacyMessage
        case SG_ERR_NO_SESSION: self = .noSession
        case SG_ERR_STALE_KEY_EXCHANGE: self = .staleKeyExchange
        case SG_ERR_UNTRUSTED_IDENTITY: self = .untrustedIdentity
        case SG_ERR_INVALID_PROTO_BUF: self = .invalidProtobuf
        case SG_ERR_INVAL: self = .invalidArgument
        case SG_ERR_NOMEM: self = .outOfMemory
        default: self = .library(code)
        }
    }

    /// The library result code for this error (for store callbacks, which answer the library in its codes).
    var resultCode: Int32 {
        switch self {
        case .duplicateMessage: return SG_ERR_DUPLICATE_MESSAGE
        case .invalidKey: return SG_ERR_INVALID_KEY
        case .invalidKeyId: return SG_ERR_INVALID_KEY_ID
        case .invalidMAC: return SG_ERR_INVALID_MAC
        case .invalidMessage, .invalidPadding: return SG_ERR_INVALID_MESSAGE
        case .invalidVersion: return SG_ERR_INVALID_VERSION
        case .legacyMessage: return SG_ERR_LEGACY_MESSAGE
        case .noSession: return SG_ERR_NO_SESSION
        case .staleKeyExchange: return SG_ERR_STALE_KEY_EXCHANGE
        case .untrustedIdentity: return SG_ERR_UNTRUSTED_IDENTITY
        case .invalidProtobuf: return SG_ERR_INVALID_PROTO_BUF
        case .invalidArgument: return SG_ERR_INVAL
        case .outOfMemory: return SG_ERR_NOMEM
        case .library(let code): return code
        }
    }

    /// True for errors caused by the bytes we were given (as opposed to local faults such as
    /// `outOfMemory` or an unknown library code): the message can be dropped, or a retry requested.
    public var isCausedByInput: Bool {
        switch self {
        case .outOfMemory, .library: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .duplicateMessage: return "duplicate message"
        case .invalidKey: return "invalid key"
        case .invalidKeyId: return "unknown prekey id"
        case .invalidMAC: return "invalid MAC"
        case .invalidMessage: return "invalid message"
        case .invalidVersion: return "unsupported message version"
        case .legacyMessage: return "legacy message version"
        case .noSession: return "no session"
        case .staleKeyExchange: return "stale key exchange"
        case .untrustedIdentity: return "untrusted identity"
        case .invalidProtobuf: return "unparsable protobuf"
        case .invalidArgument: return "invalid argument"
        case .invalidPadding: return "invalid WhatsApp padding"
        case .outOfMemory: return "out of memory"
        case .library(let code): return "libsignal-protocol-c error \(code)"
        }
    }

    /// Returns `result` when it is not negative, throws the matching error otherwise.
    @discardableResult
    static func check(_ result: Int32) throws -> Int32 {
        guard result >= 0 else { throw SignalError(code: result) }
        return result
    }
}
