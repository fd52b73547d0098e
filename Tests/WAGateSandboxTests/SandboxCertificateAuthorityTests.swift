import Testing
import WAGateCrypto
import WAGateSandbox
import WAWeb

@Suite struct SandboxCertificateAuthorityTests {
    static let now: UInt64 = 1_700_000_000

    @Test func rootPublicKeyHexIsLowercaseAndMatchesTrustedKey() throws {
        let authority = try SandboxCertificateAuthority()
        let hex = authority.rootPublicKeyHex
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        // Parse the printed hex back and check the verifier accepts chains under it.
        let bytes = stride(from: 0, to: 64, by: 2).map { i in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
        }
        #expect(bytes == authority.rootPublicKey)
        let serverStatic = try Curve25519.KeyPair.generate().publicKey
        let chain = try authority.issueChain(serverStaticKey: serverStatic, validity: 60, now: Self.now)
        let verified = try ServerCertificateVerifier(trustedRootKey: bytes).verify(chain, serverStaticKey: serverStatic, now: Self.now)
        #expect(verified.leaf.key == serverStatic)
        #expect(verified.intermediate.issuerSerial == ServerCertificateVerifier.rootSerial)
    }

    @Test func rootFromPrivateKeyIsStable() throws {
        let secret = [UInt8](repeating: 7, count: 32)
        let a = try SandboxCertificateAuthority(rootPrivateKey: secret)
        let b = try SandboxCertificateAuthority(rootPrivateKey: secret)
        #expect(a.rootPublicKeyHex == b.rootPublicKeyHex)
        #expect(throws: (any Error).self) { _ = try SandboxCertificateAuthority(rootPrivateKey: [1, 2, 3]) }
    }

    @Test func chainExpiresAfterValidity() throws {
        let authority = try SandboxCertificateAuthority()
        let serverStatic = try Curve25519.KeyPair.generate().publicKey
        let chain = try authority.issueChain(serverStaticKey: serverStatic, validity: 60, now: Self.now)
        let verifier = ServerCertificateVerifier(trustedRootKey: authority.rootPublicKey)
        _ = try verifier.verify(chain, serverStaticKey: serverStatic, now: Self.now + 60)
        let error = try #require(throws: NoiseError.self) { _ = try verifier.verify(chain, serverStaticKey: serverStatic, now: Self.now + 61) }
        #expect(error.code == .invalidCertificate)
    }
}
