import Testing
import WAGateCloud
import WAGateCore
import WAGateCrypto

/// `X-Hub-Signature-256`: the known-answer vector from a real Meta delivery, every altered byte,
/// missing and malformed headers, wrong secrets, and several apps in one process.
@Suite struct WebhookSignatureTests {
    struct Vector {
        var secret: String
        var header: String
        var body: [UInt8]
        var bodySHA256: String
    }

    static func vector() throws -> Vector {
        let json = try Fixtures.json("pywa/x-hub-signature-256-vector.json")
        return Vector(
            secret: try #require(json["app_secret"]?.stringValue),
            header: try #require(json["x_hub_signature_256"]?.stringValue),
            body: Array(try #require(json["raw_body_utf8"]?.stringValue).utf8),
            bodySHA256: try #require(json["raw_body_sha256_of_bytes"]?.stringValue))
    }

    @Test func theKnownAnswerVectorVerifies() throws {
        let vector = try Self.vector()
        // The body is the exact bytes Meta signed.
        #expect(Hex.encode(SHA256.hash(vector.body)) == vector.bodySHA256)
        let secret = try WebhookAppSecret(appID: "pywa-tests", secret: vector.secret)
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body, secrets: [secret]) == .valid(appID: "pywa-tests"))
        #expect(WebhookSignature.headerValue(body: vector.body, secret: secret) == vector.header)
    }

    @Test func everySingleAlteredByteOfTheBodyFails() throws {
        let vector = try Self.vector()
        let secret = try WebhookAppSecret(appID: "app", secret: vector.secret)
        var failures = 0
        for index in vector.body.indices {
            var altered = vector.body
            altered[index] ^= 0x01
            if WebhookSignature.verify(header: vector.header, body: altered, secrets: [secret]) == .mismatch {
                failures += 1
            }
        }
        #expect(failures == vector.body.count)
    }

    @Test func aTruncatedOrExtendedBodyFails() throws {
        let vector = try Self.vector()
        let secret = try WebhookAppSecret(appID: "app", secret: vector.secret)
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body.dropLast(), secrets: [secret]) == .mismatch)
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body + [0x0A], secrets: [secret]) == .mismatch)
    }

    @Test func theUnicodeEscapedBodyIsWhatIsSigned() throws {
        // Meta signs `\u00e9` as sent; the decoded `é` is different bytes and a different signature.
        let secret = try WebhookAppSecret(appID: "app", secret: "s3cret")
        let escaped = Array(#"{"text":"caf\u00e9"}"#.utf8)
        let decoded = Array(#"{"text":"café"}"#.utf8)
        let header = WebhookSignature.headerValue(body: escaped, secret: secret)
        #expect(WebhookSignature.verify(header: header, body: escaped, secrets: [secret]).isValid)
        #expect(WebhookSignature.verify(header: header, body: decoded, secrets: [secret]) == .mismatch)
    }

    @Test func missingHeaderIsMissing() throws {
        let vector = try Self.vector()
        let secret = try WebhookAppSecret(appID: "app", secret: vector.secret)
        #expect(WebhookSignature.verify(header: nil, body: vector.body, secrets: [secret]) == .missing)
        #expect(WebhookSignature.verify(header: "", body: vector.body, secrets: [secret]) == .missing)
        #expect(WebhookSignature.verify(header: "  ", body: vector.body, secrets: [secret]) == .missing)
    }

    @Test(arguments: [
        "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",  // no prefix
        "sha1=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",  // wrong algorithm
        "SHA256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",  // prefix case
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc4",  // short
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc44100",  // long
        "sha256=zzedfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",  // not hex
        "sha256=",
    ])
    func wrongPrefixOrDigestIsMalformed(header: String) throws {
        let vector = try Self.vector()
        let secret = try WebhookAppSecret(appID: "app", secret: vector.secret)
        #expect(WebhookSignature.verify(header: header, body: vector.body, secrets: [secret]) == .malformed)
    }

    @Test func upperCaseHexDigitsAreAccepted() throws {
        let vector = try Self.vector()
        let secret = try WebhookAppSecret(appID: "app", secret: vector.secret)
        let upper = "sha256=" + vector.header.dropFirst("sha256=".count).uppercased()
        #expect(WebhookSignature.verify(header: upper, body: vector.body, secrets: [secret]).isValid)
    }

    @Test func wrongSecretIsAMismatch() throws {
        let vector = try Self.vector()
        let wrong = try WebhookAppSecret(appID: "app", secret: vector.secret + "x")
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body, secrets: [wrong]) == .mismatch)
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body, secrets: []) == .mismatch)
    }

    @Test func theMatchingAppIsNamedAmongSeveral() throws {
        let vector = try Self.vector()
        let secrets = [
            try WebhookAppSecret(appID: "first", secret: "other-secret"),
            try WebhookAppSecret(appID: "second", secret: vector.secret),
            try WebhookAppSecret(appID: "third", secret: "yet-another"),
        ]
        #expect(WebhookSignature.verify(header: vector.header, body: vector.body, secrets: secrets) == .valid(appID: "second"))
    }

    @Test func theSecretNeverShowsInADescription() throws {
        let secret = try WebhookAppSecret(appID: "app", secret: "super-secret-value")
        #expect(!secret.description.contains("super-secret-value"))
        #expect(!"\(secret)".contains("super-secret-value"))
    }
}
