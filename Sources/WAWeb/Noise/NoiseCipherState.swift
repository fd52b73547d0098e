import WAGateCrypto

/// A Noise CipherState for AES-256-GCM: one key and its nonce counter.
///
/// During the handshake a single cipher state serves both directions (WhatsApp's `n` is shared by
/// encrypt and decrypt); after Split there is one per direction (`NoiseTransport`).
///
/// Nonce for counter n: `8 zero bytes ‖ BE32(n)` (protocol notes §1.4/§1.5). Standard Noise says
/// `4 zero bytes ‖ BE64(n)`; the two are the same 12 bytes for every n < 2^32, which is why the counter
/// stops there instead of wrapping into a reused nonce.
public struct NoiseCipherState: Sendable {
    /// Number of nonces a key can use: 2^32.
    public static let maximumCount: UInt64 = 1 << 32

    private let key: SecretBytes
    /// Messages this cipher has processed (the next nonce).
    public private(set) var counter: UInt64 = 0

    /// Creates a cipher state with counter 0.
    /// - Parameter key: a 32-byte AES-256 key.
    public init(key: SecretBytes) {
        self.key = key
    }

    /// Encrypts one message: `AES-256-GCM(k, nonce(n), ad, plaintext)`, then n += 1.
    /// - Parameters:
    ///   - plaintext: the message.
    ///   - ad: associated data (the handshake hash during the handshake; empty in transport).
    /// - Returns: `ciphertext ‖ tag`.
    /// - Throws: `NoiseError.counterExhausted` after 2^32 messages; `.cryptoFailure` if AES-GCM fails.
    public mutating func encrypt(_ plaintext: some Collection<UInt8>, associatedData ad: [UInt8] = []) throws -> [UInt8] {
        let index = counter
        let nonce = try nextNonce()
        do {
            return try AESGCM.seal(plaintext, key: key, nonce: nonce, authenticating: ad)
        } catch {
            throw NoiseError(error, while: "encrypting message \(index)")
        }
    }

    /// Decrypts one message with the next nonce.
    ///
    /// The counter advances even when authentication fails, like whatsmeow's receive path: the peer used
    /// that nonce for the frame, so a caller that chose to drop the frame and go on would stay in step.
    /// - Throws: `NoiseError.decryptFailed` when authentication fails; `.counterExhausted` after 2^32 messages.
    public mutating func decrypt(_ ciphertext: some Collection<UInt8>, associatedData ad: [UInt8] = []) throws -> [UInt8] {
        let index = counter
        let nonce = try nextNonce()
        do {
            return try AESGCM.open(ciphertext, key: key, nonce: nonce, authenticating: ad)
        } catch {
            throw NoiseError(error, while: "decrypting message \(index)")
        }
    }

    /// The nonce bytes for counter `n`.
    static func nonce(_ n: UInt32) -> [UInt8] {
        [0, 0, 0, 0, 0, 0, 0, 0, UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
    }

    private mutating func nextNonce() throws -> [UInt8] {
        guard counter < Self.maximumCount else {
            throw NoiseError(.counterExhausted, "cipher used all \(Self.maximumCount) nonces: reconnect to get fresh keys")
        }
        defer { counter += 1 }
        return Self.nonce(UInt32(counter))
    }
}
