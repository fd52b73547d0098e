import Testing
import WABinary
import WAGateCrypto

@testable import WAWeb

/// The companion's side of phone-number pairing (reference §4.4) on its own: the code, the stanzas it
/// builds and reads, its refusals, and one known-answer run against an independent implementation.
@Suite struct LinkCodeTests {
    /// A deterministic random source: byte p of the stream is (p · 7 + 3) mod 256, from `seed` on.
    /// The independent implementation that produced the known answers uses the same stream.
    final class Stream {
        var position: Int
        init(seed: Int) { position = seed }
        func draw(_ count: Int) -> [UInt8] {
            defer { position += count }
            return (0..<count).map { UInt8(truncatingIfNeeded: (position + $0) * 7 + 3) }
        }
    }

    /// Credentials with fixed noise and identity keys (the prekey plays no part in this exchange).
    static func credentials(noise: UInt8 = 0x11, identity: UInt8 = 0x22) throws -> DeviceCredentials {
        let preKey = try Curve25519.KeyPair(privateKey: SecretBytes(copying: [UInt8](repeating: 0x44, count: 32)))
        return DeviceCredentials(
            noiseKey: try Curve25519.KeyPair(privateKey: SecretBytes(copying: [UInt8](repeating: noise, count: 32))),
            identityKey: try Curve25519.KeyPair(privateKey: SecretBytes(copying: [UInt8](repeating: identity, count: 32))),
            registrationID: 1, signedPreKey: .init(id: 1, keyPair: preKey, signature: [UInt8](repeating: 0, count: 64)),
            advSecret: try SecretBytes(copying: [UInt8](repeating: 0x55, count: 32)))
    }

    /// A cheap companion for the tests that are not about PBKDF2's cost.
    static let fastIterations = 2

    static func companion(phone: String = "+15550001111", seed: Int = 0) throws -> LinkCodeCompanion {
        let stream = Stream(seed: seed)
        return try LinkCodeCompanion(
            phoneNumber: phone, credentials: credentials(), platformID: "1", platformDisplay: "Chrome (Linux)",
            iterations: fastIterations, random: stream.draw)
    }

    static func helloResult(ref: [UInt8] = Array("REF-1".utf8)) -> Node {
        Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": "1"],
            children: [Node(tag: "link_code_companion_reg", children: [Node(tag: "link_code_pairing_ref", content: .bytes(ref))])])
    }

    /// A primary_hello as a phone would send it for `code`.
    static func primaryHello(
        code: String, ref: [UInt8] = Array("REF-1".utf8), iterations: Int = fastIterations, stage: String = "primary_hello",
        type: String = "link_code_companion_reg", wrapped: [UInt8]? = nil, identity: [UInt8]? = nil
    ) throws -> Node {
        let phoneEphemeral = try Curve25519.KeyPair.generate()
        let wrapped = try wrapped ?? LinkCode.wrap(
            publicKey: phoneEphemeral.publicKey, code: code, salt: [UInt8](repeating: 7, count: 32), iv: [UInt8](repeating: 8, count: 16),
            iterations: iterations)
        let identity = try identity ?? Curve25519.KeyPair.generate().publicKey
        return Node(
            tag: "notification", attributes: ["type": .string(type), "from": .jid(.server), "id": "n1"],
            children: [
                Node(
                    tag: "link_code_companion_reg", attributes: ["stage": .string(stage)],
                    children: [
                        Node(tag: "link_code_pairing_ref", content: .bytes(ref)),
                        Node(tag: "link_code_pairing_wrapped_primary_ephemeral_pub", content: .bytes(wrapped)),
                        Node(tag: "primary_identity_pub", content: .bytes(identity)),
                    ])
            ])
    }

    // MARK: - Known answers (independent Python implementation of §4.4 with `cryptography`, real 131072 iterations)

    @Test func matchesIndependentImplementation() throws {
        let stream = Stream(seed: 0)
        var link = try LinkCodeCompanion(
            phoneNumber: "+15550001111", credentials: Self.credentials(), platformID: "1", platformDisplay: "Chrome (Linux)",
            random: stream.draw)
        #expect(link.code == "1D62371Z")
        #expect(link.displayCode == "1D62-371Z")
        let registration = try #require(link.companionHello.child("link_code_companion_reg"))
        #expect(
            registration.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.contentBytes
                == Hex.bytes(
                    "060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f856e822c51019774168a2f7ce2227729714b868c72f36fac07c49bbbcf8c88b8"
                ))
        #expect(
            registration.child("companion_server_auth_key_pub")?.contentBytes
                == Hex.bytes("7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13"))

        try link.receiveHelloResponse(Self.helloResult())
        let notification = try Self.primaryHello(
            code: link.code, iterations: LinkCode.iterations,
            wrapped: Hex.bytes(
                "8f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d81be3002cfb44de8c3a2e1d4659f6a45ecc6621e1d32eedb1cd4eeaf431dcfddb"
            ),
            identity: Hex.bytes("7b0d47d93427f8311160781c7c733fd89f88970aef490d8aa0ee19a4cb8a1b14"))
        let finishStream = Stream(seed: 1000)
        let finish = try link.receivePrimaryHello(notification, random: finishStream.draw)
        let finishRegistration = try #require(finish.companionFinish.child("link_code_companion_reg"))
        #expect(
            finishRegistration.child("link_code_pairing_wrapped_key_bundle")?.contentBytes
                == Hex.bytes(
                    "5b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a8188cb0cf9375b4125e554c731c1fd5c904f0e32b4943ed1b72cace54fa10edcfc879b4dd665fbe7718d56402ecf48d3e17ded3f9fdfe0b99812f21f2247f18341c10d56abcbadfdb8b9229ba93bc7f290aab8d19ea5c0fa597de5418410a4b00c0a698cc53959864112a637896a9518d84a"
                ))
        #expect(
            finishRegistration.child("companion_identity_public")?.contentBytes
                == Hex.bytes("0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"))
        #expect(finish.advSecret.copyBytes() == Hex.bytes("4d026fb9f82c16b5c590882ad7a8436edba5b9a101f0566915044814ca1f26d8"))
    }

    // MARK: - The code

    @Test func codeEncodesFortyBitsMostSignificantFirst() {
        #expect(LinkCode.code(entropy: [0, 0, 0, 0, 0]) == "11111111")
        #expect(LinkCode.code(entropy: [0xff, 0xff, 0xff, 0xff, 0xff]) == "ZZZZZZZZ")
        // 00001 00010 00011 ... : the five-bit groups 1, 2, 3, 4, 5, 6, 7, 8.
        #expect(LinkCode.code(entropy: [0b0000_1000, 0b1000_0110, 0b0100_0010, 0b1001_1000, 0b1110_1000]) == "23456789")
        // The last group alone: 31 → "Z"; the first alone: 16 → "H" (alphabet index 16).
        #expect(LinkCode.code(entropy: [0, 0, 0, 0, 0x1f]) == "1111111Z")
        #expect(LinkCode.code(entropy: [0x80, 0, 0, 0, 0]) == "H1111111")
    }

    @Test func generatedCodesUseOnlyTheAlphabetAndDisplayWithAHyphen() throws {
        let allowed = Set("123456789ABCDEFGHJKLMNPQRSTVWXYZ")
        var seen = Set<Character>()
        for _ in 0..<64 {
            let link = try LinkCodeCompanion(
                phoneNumber: "+15550001111", credentials: Self.credentials(), platformID: "1", platformDisplay: "Chrome (Linux)",
                iterations: Self.fastIterations, random: LinkCode.systemRandom)
            #expect(link.code.count == 8)
            #expect(link.code.allSatisfy { allowed.contains($0) })
            seen.formUnion(link.code)
            let shown = Array(link.displayCode)
            #expect(shown.count == 9 && shown[4] == "-")
            #expect(String(shown[0..<4] + shown[5...]) == link.code)
        }
        // 512 characters from a 32-letter alphabet: all but a handful must have appeared.
        #expect(seen.count > 24)
        #expect(!seen.contains("0") && !seen.contains("O") && !seen.contains("I") && !seen.contains("U"))
    }

    @Test func typedCodesAreNormalisedOrRefused() throws {
        #expect(try LinkCode.normalizedCode("abcd-efgh") == "ABCDEFGH")
        #expect(try LinkCode.normalizedCode(" 1D62 371Z ") == "1D62371Z")
        for bad in ["ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI", "ABCD_EFGH", ""] {
            let error = #expect(throws: LinkCodeError.self, "\(bad)") { try LinkCode.normalizedCode(bad) }
            #expect(error?.code == .invalidCode)
        }
    }

    // MARK: - Phone numbers

    @Test func phoneNumbersParseToDigits() throws {
        #expect(try LinkCode.phoneNumberDigits("+15550001111") == "15550001111")
        #expect(try LinkCode.phoneNumberDigits("15550001111") == "15550001111")
        #expect(try LinkCode.phoneNumberDigits("+4930123") == "4930123")
        #expect(try LinkCode.phoneNumberDigits("+123456789012345") == "123456789012345")
    }

    @Test(arguments: [
        ("", "empty"), ("+", "empty"), ("+1555abc1111", "only digits"), ("+1 555 000 1111", "only digits"), ("++15550001111", "only digits"),
        ("+123456", "6 digits"), ("+1234567890123456", "16 digits"), ("+05550001111", "starts with 0"), ("+١٢٣٤٥٦٧٨", "only digits"),
    ])
    func badPhoneNumbersAreRefusedWithAReason(input: String, reason: String) {
        let error = #expect(throws: LinkCodeError.self) { try LinkCode.phoneNumberDigits(input) }
        #expect(error?.code == .invalidPhoneNumber)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test func companionRefusesABadPhoneNumber() throws {
        let error = #expect(throws: LinkCodeError.self) { try Self.companion(phone: "555-0001") }
        #expect(error?.code == .invalidPhoneNumber)
    }

    // MARK: - companion_hello

    @Test func companionHelloHasTheShapeOfReference44() throws {
        let link = try Self.companion()
        let iq = link.companionHello
        #expect(iq.tag == "iq")
        #expect(iq.jidAttribute("to") == .server)
        #expect(iq.attribute("type") == "set")
        #expect(iq.attribute("xmlns") == "md")
        #expect(iq.attribute("id") == nil)  // sendIQ assigns it
        #expect(iq.children.count == 1)
        let registration = try #require(iq.child("link_code_companion_reg"))
        #expect(registration.jidAttribute("jid") == JID(user: "15550001111", server: .defaultUser))
        #expect(registration.attribute("stage") == "companion_hello")
        #expect(registration.attribute("should_show_push_notification") == "true")
        #expect(
            registration.children.map(\.tag) == [
                "link_code_pairing_wrapped_companion_ephemeral_pub", "companion_server_auth_key_pub", "companion_platform_id",
                "companion_platform_display", "link_code_pairing_nonce",
            ])
        let wrapped = try #require(registration.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.contentBytes)
        #expect(wrapped.count == 80)
        #expect(registration.child("companion_server_auth_key_pub")?.contentBytes == (try Self.credentials().noiseKey.publicKey))
        #expect(registration.child("companion_platform_id")?.contentText == "1")
        #expect(registration.child("companion_platform_display")?.contentText == "Chrome (Linux)")
        #expect(registration.child("link_code_pairing_nonce")?.content == .bytes([0]))
        #expect(link.phase == .awaitingRef)
        #expect(link.phoneNumber == "15550001111")
    }

    @Test func companionHelloSurvivesTheBinaryCodec() throws {
        let link = try Self.companion()
        let decoded = try BinaryDecoder().decode(BinaryEncoder().encode(link.companionHello))
        let registration = try #require(decoded.child("link_code_companion_reg"))
        #expect(registration.jidAttribute("jid")?.user == "15550001111")
        #expect(registration.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.contentBytes?.count == 80)
        #expect(registration.child("link_code_pairing_nonce")?.contentBytes == [0])
        #expect(registration.child("companion_platform_display")?.contentText == "Chrome (Linux)")
    }

    /// The wrapped key opens with the code (to some key) and is salted: two exchanges never share bytes.
    @Test func wrappedKeysDifferPerExchangeAndOpenWithTheCode() throws {
        let a = try Self.companion(seed: 0), b = try Self.companion(seed: 1)
        let wa = try #require(a.companionHello.child("link_code_companion_reg")?.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.contentBytes)
        let wb = try #require(b.companionHello.child("link_code_companion_reg")?.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.contentBytes)
        #expect(wa != wb)
        let right = try LinkCode.unwrap(wa, code: a.code, what: "test", iterations: Self.fastIterations)
        let wrong = try LinkCode.unwrap(wa, code: "ZZZZZZZZ", what: "test", iterations: Self.fastIterations)
        #expect(right.count == 32 && wrong.count == 32 && right != wrong)
        // Re-wrapping the recovered key with the same salt and IV gives back the same bytes.
        #expect(
            try LinkCode.wrap(publicKey: right, code: a.code, salt: Array(wa[0..<32]), iv: Array(wa[32..<48]), iterations: Self.fastIterations)
                == wa)
    }

    // MARK: - The ref

    @Test func helloResponseGivesTheRefOnce() throws {
        var link = try Self.companion()
        try link.receiveHelloResponse(Self.helloResult(ref: Array("2@abc".utf8)))
        #expect(link.phase == .awaitingPrimaryHello(ref: Array("2@abc".utf8)))
        let again = #expect(throws: LinkCodeError.self) { try link.receiveHelloResponse(Self.helloResult()) }
        #expect(again?.code == .unexpectedStage)
    }

    @Test func helloResponseWithoutARefIsRefused() throws {
        var link = try Self.companion()
        let empty = Node(tag: "iq", attributes: ["type": "result", "id": "1"], children: [Node(tag: "link_code_companion_reg", children: [])])
        let missing = #expect(throws: LinkCodeError.self) { try link.receiveHelloResponse(empty) }
        #expect(missing?.code == .malformedNode)
        #expect(missing?.message.contains("link_code_pairing_ref") == true)
        let error = Node(tag: "iq", attributes: ["type": "error", "id": "1"], children: [Node(tag: "error", attributes: ["code": "400"])])
        #expect(throws: LinkCodeError.self) { try link.receiveHelloResponse(error) }
        #expect(link.phase == .awaitingRef)
    }

    // MARK: - primary_hello and companion_finish

    @Test func primaryHelloYieldsCompanionFinishAndANewAdvSecret() throws {
        var link = try Self.companion()
        try link.receiveHelloResponse(Self.helloResult())
        let identity = try Self.credentials().identityKey.publicKey
        let finish = try link.receivePrimaryHello(try Self.primaryHello(code: link.code))
        #expect(link.phase == .finished)
        let iq = finish.companionFinish
        #expect(iq.tag == "iq" && iq.attribute("type") == "set" && iq.attribute("xmlns") == "md" && iq.jidAttribute("to") == .server)
        let registration = try #require(iq.child("link_code_companion_reg"))
        #expect(registration.attribute("stage") == "companion_finish")
        #expect(registration.jidAttribute("jid") == JID(user: "15550001111", server: .defaultUser))
        #expect(
            registration.children.map(\.tag) == ["link_code_pairing_wrapped_key_bundle", "companion_identity_public", "link_code_pairing_ref"])
        #expect(registration.child("link_code_pairing_wrapped_key_bundle")?.contentBytes?.count == 32 + 12 + 96 + 16)
        #expect(registration.child("companion_identity_public")?.contentBytes == identity)
        #expect(registration.child("link_code_pairing_ref")?.contentBytes == Array("REF-1".utf8))
        #expect(finish.advSecret.count == 32)
        #expect(!finish.advSecret.constantTimeEquals(try Self.credentials().advSecret))

        let late = #expect(throws: LinkCodeError.self) { try link.receivePrimaryHello(try Self.primaryHello(code: link.code)) }
        #expect(late?.code == .unexpectedStage)
    }

    @Test func primaryHelloBeforeTheRefIsRefused() throws {
        var link = try Self.companion()
        let error = #expect(throws: LinkCodeError.self) { try link.receivePrimaryHello(try Self.primaryHello(code: link.code)) }
        #expect(error?.code == .unexpectedStage)
        #expect(error?.message.contains("before") == true)
    }

    @Test func badPrimaryHellosAreRefusedAndLeaveTheExchangeOpen() throws {
        var link = try Self.companion()
        try link.receiveHelloResponse(Self.helloResult())
        let code = link.code
        let cases: [(Node, LinkCodeError.Code)] = [
            (try Self.primaryHello(code: code, ref: Array("REF-2".utf8)), .refMismatch),
            (try Self.primaryHello(code: code, wrapped: [UInt8](repeating: 1, count: 79)), .wrongSize),
            (try Self.primaryHello(code: code, identity: [UInt8](repeating: 1, count: 33)), .wrongSize),
            (try Self.primaryHello(code: code, stage: "companion_finish"), .unexpectedStage),
            (try Self.primaryHello(code: code, type: "devices"), .malformedNode),
            (Node(tag: "notification", attributes: ["type": "link_code_companion_reg"], children: [Node(tag: "link_code_companion_reg", children: [])]),
             .malformedNode),
        ]
        for (node, code) in cases {
            let error = #expect(throws: LinkCodeError.self) { try link.receivePrimaryHello(node) }
            #expect(error?.code == code, "\(error?.message ?? "no error")")
            #expect(link.phase == .awaitingPrimaryHello(ref: Array("REF-1".utf8)))
        }
        // A small-order "ephemeral key" (all zeros) is refused as a crypto failure, not used.
        let zero = try LinkCode.wrap(
            publicKey: [UInt8](repeating: 0, count: 32), code: code, salt: [UInt8](repeating: 7, count: 32), iv: [UInt8](repeating: 8, count: 16),
            iterations: Self.fastIterations)
        let smallOrder = #expect(throws: LinkCodeError.self) { try link.receivePrimaryHello(try Self.primaryHello(code: code, wrapped: zero)) }
        #expect(smallOrder?.code == .cryptoFailure)
        // The genuine notification still completes the exchange.
        _ = try link.receivePrimaryHello(try Self.primaryHello(code: code))
        #expect(link.phase == .finished)
    }

    @Test func aShortRandomSourceIsAnError() throws {
        let error = #expect(throws: LinkCodeError.self) {
            try LinkCodeCompanion(
                phoneNumber: "+15550001111", credentials: Self.credentials(), platformID: "1", platformDisplay: "Chrome (Linux)",
                iterations: Self.fastIterations, random: { [UInt8](repeating: 0, count: $0 - 1) })
        }
        #expect(error?.code == .cryptoFailure)
    }
}
