import WAGateCrypto

/// Verifies the certificate chain the server sends in its ServerHello (protocol notes §1.6): root key →
/// intermediate certificate → leaf certificate → the server's Noise static key.
///
/// The trusted root is configuration: production uses `whatsAppRootKey`, loopback tests a key of their
/// own. Checks, in whatsmeow's order: intermediate signed by the root; intermediate issuer serial 0; leaf
/// signed by the intermediate's key; intermediate valid now; leaf issued by the intermediate's serial;
/// leaf key equal to the decrypted server static key; leaf valid now. Signatures are XEdDSA.
///
/// ```swift
/// let verifier = ServerCertificateVerifier(trustedRootKey: ServerCertificateVerifier.whatsAppRootKey)
/// let chain = try verifier.verify(certChainBytes, serverStaticKey: serverStatic, now: unixSeconds)
/// ```
public struct ServerCertificateVerifier: Sendable {
    /// WhatsApp's long-term root key ("WhatsAppLongTerm1", issuer serial 0): an X25519 public key.
    public static let whatsAppRootKey: [UInt8] = [
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ]
    /// The issuer serial an intermediate certificate must name: the root's.
    public static let rootSerial: UInt32 = 0

    /// The details of a chain that passed every check.
    public struct VerifiedChain: Sendable, Equatable {
        /// The intermediate certificate's details.
        public var intermediate: CertChain.Details
        /// The leaf certificate's details; `leaf.key` is the server's static key.
        public var leaf: CertChain.Details
    }

    /// The 32-byte X25519 public key the intermediate certificate must be signed with.
    public var trustedRootKey: [UInt8]

    /// Creates a verifier.
    /// - Parameter trustedRootKey: the root public key; WhatsApp's unless a test server signs with its own.
    public init(trustedRootKey: [UInt8] = ServerCertificateVerifier.whatsAppRootKey) {
        self.trustedRootKey = trustedRootKey
    }

    /// Verifies a serialized `CertChain`.
    /// - Parameters:
    ///   - certChain: the decrypted ServerHello payload.
    ///   - serverStaticKey: the server's static key, decrypted from the same ServerHello.
    ///   - now: the current time in unix seconds.
    /// - Returns: the details of both certificates.
    /// - Throws: `NoiseError.untrustedCertificate` when a signature does not verify (the message says the
    ///   server certificate is not trusted); `.invalidCertificate` for a serial, key or validity mismatch;
    ///   `.malformedMessage` for a chain that cannot be decoded or lacks a part.
    public func verify(_ certChain: [UInt8], serverStaticKey: [UInt8], now: UInt64) throws -> VerifiedChain {
        let chain = try CertChain(serializedBytes: certChain)
        guard let intermediateRaw = chain.intermediate?.details, let intermediateSignature = chain.intermediate?.signature,
            let leafRaw = chain.leaf?.details, let leafSignature = chain.leaf?.signature
        else { throw NoiseError(.malformedMessage, "server certificate chain lacks a certificate's details or signature") }
        for (name, signature) in [("intermediate", intermediateSignature), ("leaf", leafSignature)]
        where signature.count != XEdDSA.signatureCount {
            throw NoiseError(
                .malformedMessage, "server \(name) certificate signature is \(signature.count) bytes, not \(XEdDSA.signatureCount)")
        }

        guard XEdDSA.isValidSignature(intermediateSignature, for: intermediateRaw, publicKey: trustedRootKey) else {
            throw NoiseError(
                .untrustedCertificate,
                "server certificate is not trusted: the intermediate certificate is not signed by the configured root key")
        }
        let intermediate = try CertChain.Details(serializedBytes: intermediateRaw)
        guard intermediate.issuerSerial == Self.rootSerial else {
            throw NoiseError(
                .invalidCertificate,
                "server intermediate certificate names issuer serial \(intermediate.issuerSerial), not the root's \(Self.rootSerial)")
        }
        guard intermediate.key.count == Curve25519.keyCount else {
            throw NoiseError(.malformedMessage, "server intermediate certificate key is \(intermediate.key.count) bytes, not 32")
        }
        guard XEdDSA.isValidSignature(leafSignature, for: leafRaw, publicKey: intermediate.key) else {
            throw NoiseError(
                .untrustedCertificate,
                "server certificate is not trusted: the leaf certificate is not signed by the intermediate certificate's key")
        }
        try Self.checkValidity(intermediate, "intermediate", now: now)
        let leaf = try CertChain.Details(serializedBytes: leafRaw)
        guard leaf.issuerSerial == intermediate.serial else {
            throw NoiseError(
                .invalidCertificate, "server leaf certificate names issuer serial \(leaf.issuerSerial), not the intermediate's \(intermediate.serial)")
        }
        guard leaf.key == serverStaticKey else {
            throw NoiseError(.invalidCertificate, "server leaf certificate does not certify the server's Noise static key")
        }
        try Self.checkValidity(leaf, "leaf", now: now)
        return VerifiedChain(intermediate: intermediate, leaf: leaf)
    }

    private static func checkValidity(_ details: CertChain.Details, _ name: String, now: UInt64) throws {
        if now < details.notBefore {
            throw NoiseError(.invalidCertificate, "server \(name) certificate is not valid yet (now \(now) < notBefore \(details.notBefore))")
        }
        if now > details.notAfter {
            throw NoiseError(.invalidCertificate, "server \(name) certificate expired (now \(now) > notAfter \(details.notAfter))")
        }
    }
}
