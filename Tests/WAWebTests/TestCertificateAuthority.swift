import WAGateCrypto
import WAWeb

/// Builds server certificate chains signed by a test root, with knobs to break each check.
struct TestCertificateAuthority {
    let root: Curve25519.KeyPair
    let intermediate: Curve25519.KeyPair

    init() throws {
        root = try Curve25519.KeyPair.generate()
        intermediate = try Curve25519.KeyPair.generate()
    }

    struct Options {
        var intermediateSerial: UInt32 = 42
        var intermediateIssuerSerial: UInt32 = 0
        var leafIssuerSerial: UInt32 = 42
        var intermediateValidity: ClosedRange<UInt64> = 1_000...2_000
        var leafValidity: ClosedRange<UInt64> = 1_000...2_000
        var leafKey: [UInt8]? = nil
        var signLeafWithRoot = false
        var truncateSignature = false
    }

    /// A serialized CertChain for `serverStatic`.
    func chain(serverStatic: [UInt8], _ options: Options = Options()) throws -> [UInt8] {
        let intermediateDetails = CertChain.Details(
            serial: options.intermediateSerial, issuerSerial: options.intermediateIssuerSerial, key: intermediate.publicKey,
            notBefore: options.intermediateValidity.lowerBound, notAfter: options.intermediateValidity.upperBound
        ).serializedBytes()
        let leafDetails = CertChain.Details(
            serial: 43, issuerSerial: options.leafIssuerSerial, key: options.leafKey ?? serverStatic,
            notBefore: options.leafValidity.lowerBound, notAfter: options.leafValidity.upperBound
        ).serializedBytes()
        var leafSignature = try XEdDSA.sign(leafDetails, privateKey: options.signLeafWithRoot ? root.privateKey : intermediate.privateKey)
        if options.truncateSignature { leafSignature.removeLast() }
        return CertChain(
            leaf: .init(details: leafDetails, signature: leafSignature),
            intermediate: .init(details: intermediateDetails, signature: try XEdDSA.sign(intermediateDetails, privateKey: root.privateKey))
        ).serializedBytes()
    }
}
