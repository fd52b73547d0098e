import WAGateCrypto

/// Noise's SymmetricState for `Noise_XX_25519_AESGCM_SHA256`, with WhatsApp's one deviation.
///
/// Holds `h` (handshake hash), `ck` (chaining key) and, after the first MixKey, the cipher state `k`/`n`.
///
/// WhatsApp's deviation (protocol notes §1.4): EncryptAndHash / DecryptAndHash of a payload processed
/// before any key exists return it unchanged **without** MixHash. Textbook Noise hashes it anyway (an
/// empty ClientHello payload would become `h = SHA256(h)`); WhatsApp's server does not, and neither do
/// whatsmeow, Baileys or consonance. Keeping the rule here lets the handshake code follow the Noise
/// message pattern literally.
struct NoiseSymmetricState: Sendable {
    /// The handshake hash `h`: public transcript hash, used as associated data.
    private(set) var handshakeHash: [UInt8]
    private var chainingKey: SecretBytes
    private var cipher: NoiseCipherState?

    /// InitializeSymmetric(protocolName) followed by MixHash(prologue).
    ///
    /// A name of at most 32 bytes is zero-padded to 32 and used as is; a longer one is hashed.
    init(protocolName: String, prologue: [UInt8]) throws {
        let name = Array(protocolName.utf8)
        handshakeHash = name.count <= SHA256.digestCount ? name + [UInt8](repeating: 0, count: SHA256.digestCount - name.count) : SHA256.hash(name)
        chainingKey = try SecretBytes(copying: handshakeHash)
        mixHash(prologue)
    }

    /// Whether MixKey has run, i.e. payloads are encrypted.
    var hasKey: Bool { cipher != nil }

    /// MixHash(data): `h = SHA256(h ‖ data)`.
    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = SHA256.hash(parts: [handshakeHash, data])
    }

    /// MixKey(ikm): `ck, k = HKDF(salt: ck, ikm, info: "", 64)`; the nonce counter restarts at 0.
    mutating func mixKey(_ inputKeyMaterial: SecretBytes) throws {
        let (ck, k) = try Self.hkdfPair(ikm: inputKeyMaterial, salt: chainingKey)
        chainingKey = ck
        cipher = NoiseCipherState(key: k)
    }

    /// EncryptAndHash(plaintext) with the handshake hash as associated data (see the type's note for
    /// the keyless case).
    mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard var c = cipher else { return plaintext }
        let ciphertext = try c.encrypt(plaintext, associatedData: handshakeHash)
        cipher = c
        mixHash(ciphertext)
        return ciphertext
    }

    /// DecryptAndHash(ciphertext) with the handshake hash as associated data.
    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws -> [UInt8] {
        guard var c = cipher else { return ciphertext }
        defer { cipher = c }
        let plaintext = try c.decrypt(ciphertext, associatedData: handshakeHash)
        mixHash(ciphertext)
        return plaintext
    }

    /// Split(): `k1, k2 = HKDF(salt: ck, ikm: "", info: "", 64)`. The initiator sends with k1 and
    /// receives with k2.
    func split() throws -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let (k1, k2) = try Self.hkdfPair(ikm: nil, salt: chainingKey)
        return (NoiseCipherState(key: k1), NoiseCipherState(key: k2))
    }

    private static func hkdfPair(ikm: SecretBytes?, salt: SecretBytes) throws -> (SecretBytes, SecretBytes) {
        do {
            let okm =
                if let ikm { try HKDF.sha256(ikm: ikm, salt: salt, info: [UInt8](), outputCount: 64) } else {
                    try HKDF.sha256(ikm: [], salt: salt, info: [UInt8](), outputCount: 64)
                }
            return try okm.withUnsafeBytes { b in
                (try SecretBytes(copying: b[0..<32]), try SecretBytes(copying: b[32..<64]))
            }
        } catch {
            throw NoiseError(error, while: "deriving handshake keys")
        }
    }
}
