import Testing
import WAGateCrypto
import WAWeb

/// A WhatsApp-variant Noise_XX responder written separately from the client (straight from the Noise
/// spec's message pattern, on the crypto primitives), standing in for the server in pure unit tests.
/// The dissononce interop tests are the independent check; this one makes failure cases easy to build.
struct TestNoiseResponder {
    let staticKey: Curve25519.KeyPair
    let ephemeralKey: Curve25519.KeyPair
    private(set) var h: [UInt8]
    private var ck: [UInt8]
    private var k: [UInt8]?
    private var n: UInt32 = 0
    private(set) var remoteEphemeral: [UInt8] = []

    init(prologue: [UInt8] = FrameCodec.connectionHeader) throws {
        staticKey = try Curve25519.KeyPair.generate()
        ephemeralKey = try Curve25519.KeyPair.generate()
        h = Array("Noise_XX_25519_AESGCM_SHA256".utf8) + [0, 0, 0, 0]
        ck = h
        mixHash(prologue)
    }

    static func nonce(_ n: UInt32) -> [UInt8] {
        [UInt8](repeating: 0, count: 8) + [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    }

    mutating func mixHash(_ data: [UInt8]) { h = SHA256.hash(h + data) }

    mutating func mixKey(_ ikm: SecretBytes) throws {
        let out = try HKDF.sha256(ikm: ikm, salt: ck, info: [UInt8](), outputCount: 64).copyBytes()
        ck = Array(out[0..<32])
        k = Array(out[32..<64])
        n = 0
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        let c = try AESGCM.seal(plaintext, key: SecretBytes(copying: k!), nonce: Self.nonce(n), authenticating: h)
        n += 1
        mixHash(c)
        return c
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws -> [UInt8] {
        let p = try AESGCM.open(ciphertext, key: SecretBytes(copying: k!), nonce: Self.nonce(n), authenticating: h)
        n += 1
        mixHash(ciphertext)
        return p
    }

    /// `-> e` (no payload hash: WhatsApp's variant).
    mutating func readClientHello(_ message: [UInt8]) throws {
        remoteEphemeral = try #require(try HandshakeMessage(serializedBytes: message).clientHello?.ephemeral)
        mixHash(remoteEphemeral)
    }

    /// `<- e, ee, s, es` with `certificate` as payload. `tamperStatic` flips a byte of the encrypted static key.
    mutating func writeServerHello(certificate: (_ serverStatic: [UInt8]) throws -> [UInt8], tamperStatic: Bool = false) throws -> [UInt8] {
        mixHash(ephemeralKey.publicKey)
        try mixKey(Curve25519.sharedSecret(privateKey: ephemeralKey.privateKey, publicKey: remoteEphemeral))
        var encryptedStatic = try encryptAndHash(staticKey.publicKey)
        try mixKey(Curve25519.sharedSecret(privateKey: staticKey.privateKey, publicKey: remoteEphemeral))
        let payload = try encryptAndHash(certificate(staticKey.publicKey))
        if tamperStatic { encryptedStatic[5] ^= 1 }
        return HandshakeMessage(serverHello: .init(ephemeral: ephemeralKey.publicKey, encryptedStatic: encryptedStatic, payload: payload))
            .serializedBytes()
    }

    /// `-> s, se` and Split: the client's static key, its payload, and the transport keys (c2s, s2c).
    mutating func readClientFinish(_ message: [UInt8]) throws -> (clientStatic: [UInt8], payload: [UInt8], c2s: SecretBytes, s2c: SecretBytes) {
        let finish = try #require(try HandshakeMessage(serializedBytes: message).clientFinish)
        let clientStatic = try decryptAndHash(try #require(finish.encryptedStatic))
        try mixKey(Curve25519.sharedSecret(privateKey: ephemeralKey.privateKey, publicKey: clientStatic))
        let payload = try decryptAndHash(try #require(finish.payload))
        let keys = try HKDF.sha256(ikm: [], salt: ck, info: [UInt8](), outputCount: 64).copyBytes()
        return (clientStatic, payload, try SecretBytes(copying: keys[0..<32]), try SecretBytes(copying: keys[32..<64]))
    }
}
