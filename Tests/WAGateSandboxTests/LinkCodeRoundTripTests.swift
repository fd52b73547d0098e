import Testing
import WABinary
import WAGateCrypto

@testable import WAGateSandbox
@testable import WAWeb

/// Phone-number pairing (reference §4.4) end to end: the companion (`LinkCodeCompanion`) against the
/// sandbox's simulated phone (`LinkCodePrimary`), every stanza through the binary codec in between.
@Suite struct LinkCodeRoundTripTests {
    static let fastIterations = 2

    /// What the wire does to a stanza: encode, then decode (strings may come back as bytes).
    static func wire(_ node: Node) throws -> Node {
        try BinaryDecoder().decode(BinaryEncoder().encode(node))
    }

    /// A companion and a phone after companion_hello and its result.
    struct Pair {
        var credentials: DeviceCredentials
        var phoneIdentity: Curve25519.KeyPair
        var companion: LinkCodeCompanion
        var phone: LinkCodePrimary

        init(iterations: Int = LinkCodeRoundTripTests.fastIterations, ref: [UInt8] = Array("2@pairing-ref".utf8)) throws {
            credentials = try DeviceCredentials.generate()
            phoneIdentity = try Curve25519.KeyPair.generate()
            companion = try LinkCodeCompanion(
                phoneNumber: "+15550001111", credentials: credentials, platformID: "1", platformDisplay: "Chrome (Linux)",
                iterations: iterations, random: LinkCode.systemRandom)
            var hello = try LinkCodeRoundTripTests.wire(companion.companionHello)
            hello.attributes["id"] = "hello-1"  // as sendIQ would
            phone = try LinkCodePrimary(companionHello: hello, identityKey: phoneIdentity, ref: ref, iterations: iterations)
            try companion.receiveHelloResponse(LinkCodeRoundTripTests.wire(phone.helloResult(id: "hello-1")))
        }

        /// The phone's notification for `typed`, through the wire.
        mutating func typeCode(_ typed: String) throws -> Node {
            try LinkCodeRoundTripTests.wire(phone.enterCode(typed, notificationID: "n-1"))
        }
    }

    /// The one round trip with the real 131072 PBKDF2 iterations.
    @Test func bothSidesDeriveTheSameAdvSecret() throws {
        var pair = try Pair(iterations: LinkCode.iterations)
        #expect(pair.phone.phoneNumber == "15550001111")
        #expect(pair.phone.companionNoiseKey == pair.credentials.noiseKey.publicKey)
        #expect(pair.phone.platformID == "1")
        #expect(pair.phone.platformDisplay == "Chrome (Linux)")
        #expect(pair.companion.phase == .awaitingPrimaryHello(ref: Array("2@pairing-ref".utf8)))

        // The user types what the companion shows, in lower case with the hyphen.
        let notification = try pair.typeCode(pair.companion.displayCode.lowercased())
        #expect(notification.tag == "notification")
        #expect(notification.attribute("type") == "link_code_companion_reg")
        #expect(notification.jidAttribute("from") == .server)
        #expect(notification.attribute("id") == "n-1")
        #expect(notification.child("link_code_companion_reg")?.attribute("stage") == "primary_hello")

        let finish = try pair.companion.receivePrimaryHello(notification)
        let linked = try pair.phone.receiveCompanionFinish(Self.wire(finish.companionFinish))
        #expect(linked.advSecret.count == 32)
        #expect(linked.advSecret.constantTimeEquals(finish.advSecret))
        #expect(!linked.advSecret.constantTimeEquals(pair.credentials.advSecret))
        #expect(linked.companionIdentityKey == pair.credentials.identityKey.publicKey)
        #expect(linked.companionNoiseKey == pair.credentials.noiseKey.publicKey)
        #expect(linked.phoneNumber == "15550001111")
        #expect(pair.phone.phase == .finished)

        // The adv secret does what it is for: the phone's pair-success HMAC verifies with the companion's copy.
        let details: [UInt8] = [1, 2, 3, 4]
        let mac = HMAC.sha256(key: linked.advSecret, message: details)
        #expect(HMAC.isValid(mac, sha256Key: finish.advSecret, message: details))
    }

    @Test func aWrongCodeFailsWhenThePhoneOpensTheBundle() throws {
        var pair = try Pair()
        // A well-formed code that is not the one shown: nothing can notice it yet.
        let wrong = pair.companion.code == "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ"
        let notification = try pair.typeCode(wrong)
        let finish = try pair.companion.receivePrimaryHello(notification)
        let error = #expect(throws: LinkCodeError.self) { try pair.phone.receiveCompanionFinish(Self.wire(finish.companionFinish)) }
        #expect(error?.code == .undecryptable)
        #expect(error?.message.contains("code") == true)
        #expect(pair.phone.phase == .awaitingFinish)
    }

    @Test func aCodeThatIsNotACodeIsRefusedAtOnce() throws {
        var pair = try Pair()
        let error = #expect(throws: LinkCodeError.self) { try pair.phone.enterCode("ABC", notificationID: "n-1") }
        #expect(error?.code == .invalidCode)
        #expect(pair.phone.phase == .awaitingCode)
    }

    @Test func aMismatchedRefFailsOnTheCompanion() throws {
        var pair = try Pair()
        // The companion was told another ref than the one the phone's notification carries.
        var other = try LinkCodeCompanion(
            phoneNumber: "+15550001111", credentials: pair.credentials, platformID: "1", platformDisplay: "Chrome (Linux)",
            iterations: Self.fastIterations, random: LinkCode.systemRandom)
        try other.receiveHelloResponse(
            Self.wire(
                Node(
                    tag: "iq", attributes: ["type": "result", "id": "x"],
                    children: [Node(tag: "link_code_companion_reg", children: [Node(tag: "link_code_pairing_ref", content: .bytes(Array("other".utf8)))])])))
        let notification = try pair.typeCode(pair.companion.code)
        let error = #expect(throws: LinkCodeError.self) { try other.receivePrimaryHello(notification) }
        #expect(error?.code == .refMismatch)
    }

    @Test func aMismatchedRefFailsOnThePhone() throws {
        var pair = try Pair()
        let finish = try pair.companion.receivePrimaryHello(pair.typeCode(pair.companion.code))
        var iq = try Self.wire(finish.companionFinish)
        iq = Self.replacing("link_code_pairing_ref", with: Array("2@another-ref".utf8), in: iq)
        let error = #expect(throws: LinkCodeError.self) { try pair.phone.receiveCompanionFinish(iq) }
        #expect(error?.code == .refMismatch)
        // The genuine stanza still completes.
        _ = try pair.phone.receiveCompanionFinish(Self.wire(finish.companionFinish))
        #expect(pair.phone.phase == .finished)
    }

    @Test func anAlteredBundleOrIdentityIsRefused() throws {
        var pair = try Pair()
        let finish = try pair.companion.receivePrimaryHello(pair.typeCode(pair.companion.code))
        let iq = try Self.wire(finish.companionFinish)
        let bundle = try #require(iq.child("link_code_companion_reg")?.child("link_code_pairing_wrapped_key_bundle")?.contentBytes)
        var flipped = bundle
        flipped[bundle.count - 1] ^= 1
        let tampered = #expect(throws: LinkCodeError.self) {
            try pair.phone.receiveCompanionFinish(Self.replacing("link_code_pairing_wrapped_key_bundle", with: flipped, in: iq))
        }
        #expect(tampered?.code == .undecryptable)
        let short = #expect(throws: LinkCodeError.self) {
            try pair.phone.receiveCompanionFinish(Self.replacing("link_code_pairing_wrapped_key_bundle", with: Array(bundle.dropLast()), in: iq))
        }
        #expect(short?.code == .wrongSize)
        let otherIdentity = try Curve25519.KeyPair.generate().publicKey
        let swapped = #expect(throws: LinkCodeError.self) {
            try pair.phone.receiveCompanionFinish(Self.replacing("companion_identity_public", with: otherIdentity, in: iq))
        }
        #expect(swapped?.code == .identityMismatch)
        #expect(pair.phone.phase == .awaitingFinish)
    }

    @Test func thePhoneRefusesStanzasOutOfOrderOrMalformed() throws {
        var pair = try Pair()
        let early = #expect(throws: LinkCodeError.self) { try pair.phone.receiveCompanionFinish(pair.companion.companionHello) }
        #expect(early?.code == .unexpectedStage)
        _ = try pair.typeCode(pair.companion.code)
        let twice = #expect(throws: LinkCodeError.self) { try pair.phone.enterCode(pair.companion.code, notificationID: "n-2") }
        #expect(twice?.code == .unexpectedStage)

        let hello = try Self.wire(pair.companion.companionHello)
        let shortKey = #expect(throws: LinkCodeError.self) {
            try LinkCodePrimary(
                companionHello: Self.replacing("link_code_pairing_wrapped_companion_ephemeral_pub", with: [UInt8](repeating: 1, count: 79), in: hello),
                identityKey: pair.phoneIdentity, ref: nil, iterations: Self.fastIterations)
        }
        #expect(shortKey?.code == .wrongSize)
        let finishStage = Node(
            tag: hello.tag, attributes: hello.attributes,
            children: [
                Node(
                    tag: "link_code_companion_reg", attributes: ["jid": .jid(JID(user: "15550001111", server: .defaultUser)), "stage": "companion_finish"],
                    children: hello.child("link_code_companion_reg")!.children)
            ])
        let stage = #expect(throws: LinkCodeError.self) {
            try LinkCodePrimary(companionHello: finishStage, identityKey: pair.phoneIdentity, ref: nil, iterations: Self.fastIterations)
        }
        #expect(stage?.code == .unexpectedStage)
        // Without an explicit ref the phone makes a printable one.
        let generated = try LinkCodePrimary(companionHello: hello, identityKey: pair.phoneIdentity)
        #expect(!generated.ref.isEmpty && generated.ref.allSatisfy { (0x21...0x7e).contains($0) })
    }

    /// `iq` with the content of `<link_code_companion_reg><tag>` replaced by `bytes`.
    static func replacing(_ tag: String, with bytes: [UInt8], in iq: Node) -> Node {
        var registration = iq.child("link_code_companion_reg")!
        registration.content = .nodes(registration.children.map { $0.tag == tag ? Node(tag: tag, content: .bytes(bytes)) : $0 })
        var copy = iq
        copy.content = .nodes([registration])
        return copy
    }
}
