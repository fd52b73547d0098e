import WAGateCrypto
import WAWeb

/// Noise's SymmetricState (`h`, `ck`, cipher) for the responder.
///
/// A minimal re-implementation because WAWeb's `NoiseSymmetricState` is internal. It keeps the same
/// WhatsApp deviation: a payload processed before the first MixKey is passed through without MixHash.
struct SandboxSymmetricState: Sendable {
    private(set) var handshakeHash: [UInt8]
    private var chainingKey: SecretBytes
    private var cipher: NoiseCipherState?

    /// InitializeSymmetric(protocolName) + MixHash(prologue); a name of ≤ 32 bytes is zero-padded.
    init(protocolName: String, prologue: [UInt8]) throws {
        let name = Array(protocolName.utf8)
        handshakeHash =
            name.count <= SHA256.digestCount ? name + [UInt8](repeating: 0, count: SHA256.digestCount - name.count) : SHA256.hash(name)
        chainingKey = try SecretBytes(copying: handshakeHash)
        mixHash(prologue)
    }

    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = SHA256.hash(parts: [handshakeHash, data])
    }

    mutating func mixKey(_ inputKeyMaterial: SecretBytes) throws {
        let (ck, k) = try Self.hkdfPair(try HKDF.sha256(ikm: inputKeyMaterial, salt: chainingKey, info: [UInt8](), outputCount: 64))
        chainingKey = ck
        cipher = NoiseCipherState(key: k)
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard var c = cipher else { return plaintext }
        let ciphertext = try c.encrypt(plaintext, associatedData: handshakeHash)
        cipher = c
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws -> [UInt8] {
        guard var c = cipher else { return ciphertext }
        defer { cipher = c }
        let plaintext = try c.decrypt(ciphertext, associatedData: handshakeHash)
        mixHash(ciphertext)
        return plaintext
    }

    /// Split(): the initiator→responder and responder→initiator cipher states.
    func split() throws -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let (k1, k2) = try Self.hkdfPair(try HKDF.sha256(ikm: [UInt8](), salt: chainingKey, info: [UInt8](), outputCount: 64))
        return (NoiseCipherState(key: k1), NoiseCipherState(key: k2))
    }

    private static func hkdfPair(_ okm: SecretBytes) throws -> (SecretBytes, SecretBytes) {
        try okm.withUnsafeBytes { b in
            (try SecretBytes(copying: b[0..<32]), try SecretBytes(copying: b[32..<64]))
        }
    }
}
