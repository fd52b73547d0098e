import Testing
import WAGateCrypto

/// PBKDF2-HMAC-SHA256 against published vectors: RFC 7914 §11 and the RFC 6070 inputs with SHA-256
/// (the widely republished SHA-256 counterparts of RFC 6070's SHA-1 table).
@Suite struct PBKDF2Tests {
    struct Vector: Sendable, CustomStringConvertible {
        var password: [UInt8]
        var salt: [UInt8]
        var iterations: Int
        var expected: [UInt8]
        var description: String { "\(String(decoding: password, as: UTF8.self)) × \(iterations)" }
    }

    static let vectors: [Vector] = [
        // RFC 7914 §11.
        Vector(
            password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1,
            expected: bytes(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")),
        Vector(
            password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80000,
            expected: bytes(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")),
        // RFC 6070 inputs, HMAC-SHA256.
        Vector(
            password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1,
            expected: bytes("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")),
        Vector(
            password: Array("password".utf8), salt: Array("salt".utf8), iterations: 2,
            expected: bytes("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")),
        Vector(
            password: Array("password".utf8), salt: Array("salt".utf8), iterations: 4096,
            expected: bytes("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")),
        Vector(
            password: Array("passwordPASSWORDpassword".utf8), salt: Array("saltSALTsaltSALTsaltSALTsaltSALTsalt".utf8), iterations: 4096,
            expected: bytes("348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9")),
        // Embedded NUL bytes must not end the password or salt.
        Vector(
            password: Array("pass\u{0}word".utf8), salt: Array("sa\u{0}lt".utf8), iterations: 4096,
            expected: bytes("89b69d0516f829893c696226650a8687")),
    ]

    @Test(arguments: vectors)
    func matchesPublishedVector(_ vector: Vector) throws {
        let key = try PBKDF2.sha256(password: vector.password, salt: vector.salt, iterations: vector.iterations, length: vector.expected.count)
        #expect(key.copyBytes() == vector.expected)
    }

    @Test func differentSaltGivesDifferentKey() throws {
        let a = try PBKDF2.sha256(password: Array("ABCD1234".utf8), salt: [UInt8](repeating: 1, count: 32), iterations: 2, length: 32)
        let b = try PBKDF2.sha256(password: Array("ABCD1234".utf8), salt: [UInt8](repeating: 2, count: 32), iterations: 2, length: 32)
        #expect(!a.constantTimeEquals(b))
    }

    @Test func rejectsZeroIterationsAndEmptyOutput() {
        let iterations = #expect(throws: CryptoError.self) {
            try PBKDF2.sha256(password: [1], salt: [2], iterations: 0, length: 32)
        }
        #expect(iterations?.code == .invalidKey)
        #expect(iterations?.message.contains("iteration") == true)
        let length = #expect(throws: CryptoError.self) {
            try PBKDF2.sha256(password: [1], salt: [2], iterations: 1, length: 0)
        }
        #expect(length?.code == .invalidKey)
    }
}
