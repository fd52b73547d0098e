import WAGateCrypto
import WAWeb

/// The sandbox server's own certificate authority: a root key that clients are told to trust
/// (`wagate sandbox` prints `rootPublicKeyHex`) and an intermediate key it signs, so the sandbox can
/// certify its Noise static key the way WhatsApp's servers do (protocol notes §1.6).
///
/// The chain is built to pass `ServerCertificateVerifier`: intermediate signed (XEdDSA) by the root with
/// issuer serial 0; leaf signed by the intermediate, naming the intermediate's serial, certifying the
/// server's static key; both valid at `now`.
///
/// ```swift
/// let authority = try SandboxCertificateAuthority()
/// let chain = try authority.issueChain(serverStaticKey: serverStatic.publicKey, validity: 86_400, now: unixNow)
/// ```
public struct SandboxCertificateAuthority: Sendable {
    /// The serial the intermediate certificate carries (any value but the root's 0 would do).
    public static let intermediateSerial: UInt32 = 1
    /// The serial the leaf certificate carries.
    public static let leafSerial: UInt32 = 2
    /// How far `notBefore` is backdated, so a client whose clock is a little behind still accepts the chain.
    public static let clockSkewAllowance: UInt64 = 300

    /// The root key pair; its public half is what clients trust.
    public let rootKey: Curve25519.KeyPair
    /// The intermediate key pair, certified by the root and signing leaf certificates.
    public let intermediateKey: Curve25519.KeyPair

    /// Creates an authority with fresh root and intermediate keys.
    /// - Throws: `CryptoError` when no key can be generated.
    public init() throws {
        self.init(rootKey: try Curve25519.KeyPair.generate(), intermediateKey: try Curve25519.KeyPair.generate())
    }

    /// Creates an authority from a stored 32-byte root private key, so the printed root key survives
    /// restarts; the intermediate is fresh (clients only pin the root).
    /// - Throws: `CryptoError` when the key is not 32 bytes or no intermediate key can be generated.
    public init(rootPrivateKey: [UInt8]) throws {
        self.init(
            rootKey: try Curve25519.KeyPair(privateKey: try SecretBytes(copying: rootPrivateKey)),
            intermediateKey: try Curve25519.KeyPair.generate())
    }

    /// Creates an authority from explicit key pairs.
    public init(rootKey: Curve25519.KeyPair, intermediateKey: Curve25519.KeyPair) {
        self.rootKey = rootKey
        self.intermediateKey = intermediateKey
    }

    /// The root public key (32 bytes): what a client passes as `ServerCertificateVerifier.trustedRootKey`.
    public var rootPublicKey: [UInt8] { rootKey.publicKey }

    /// The root public key as 64 lowercase hex digits ("sandbox root key").
    public var rootPublicKeyHex: String { Hex.encode(rootKey.publicKey) }

    /// Issues a serialized `CertChain` certifying `serverStaticKey`.
    /// - Parameters:
    ///   - serverStaticKey: the server's 32-byte Noise static public key.
    ///   - validity: seconds from `now` until both certificates expire.
    ///   - now: the current time in unix seconds.
    /// - Returns: the bytes to send, encrypted, as the ServerHello payload.
    /// - Throws: `CryptoError` when signing fails.
    public func issueChain(serverStaticKey: [UInt8], validity: UInt64, now: UInt64) throws -> [UInt8] {
        let notBefore = now >= Self.clockSkewAllowance ? now - Self.clockSkewAllowance : 0
        let (sum, overflow) = now.addingReportingOverflow(validity)
        let notAfter = overflow ? UInt64.max : sum
        let intermediateDetails = CertChain.Details(
            serial: Self.intermediateSerial, issuerSerial: ServerCertificateVerifier.rootSerial, key: intermediateKey.publicKey,
            notBefore: notBefore, notAfter: notAfter
        ).serializedBytes()
        let leafDetails = CertChain.Details(
            serial: Self.leafSerial, issuerSerial: Self.intermediateSerial, key: serverStaticKey,
            notBefore: notBefore, notAfter: notAfter
        ).serializedBytes()
        return CertChain(
            leaf: .init(details: leafDetails, signature: try XEdDSA.sign(leafDetails, privateKey: intermediateKey.privateKey)),
            intermediate: .init(details: intermediateDetails, signature: try XEdDSA.sign(intermediateDetails, privateKey: rootKey.privateKey))
        ).serializedBytes()
    }
}
