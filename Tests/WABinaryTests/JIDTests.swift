import Testing
import WABinary

@Suite struct JIDTests {
    /// Every form: text, parts, and the exact wire bytes of the JID (as an attribute value).
    static let forms: [(text: String, jid: JID, wire: String)] = [
        ("s.whatsapp.net", JID.server, "FA 00 03"),
        ("12025550123@s.whatsapp.net", JID(user: "12025550123", server: .defaultUser), "FA FF 86 12 02 55 50 12 3F 03"),
        ("12025550123:5@s.whatsapp.net", JID(user: "12025550123", device: 5, server: .defaultUser),
         "F7 00 05 FF 86 12 02 55 50 12 3F"),
        ("12025550123.7:2@s.whatsapp.net", JID(user: "12025550123", agent: 7, device: 2, server: .defaultUser),
         "F7 07 02 FF 86 12 02 55 50 12 3F"),
        ("12025550123.7:0@s.whatsapp.net", JID(user: "12025550123", agent: 7, server: .defaultUser),
         "F7 07 00 FF 86 12 02 55 50 12 3F"),
        ("123456789012345@lid", JID(user: "123456789012345", server: .lid), "FA FF 88 12 34 56 78 90 12 34 5F 76"),
        ("123456789012345:3@lid", JID(user: "123456789012345", device: 3, server: .lid),
         "F7 01 03 FF 88 12 34 56 78 90 12 34 5F"),
        ("120363012345678901@g.us", JID(user: "120363012345678901", server: .group),
         "FA FF 09 12 03 63 01 23 45 67 89 01 1C"),
        ("12025550123-1600000000@g.us", JID(user: "12025550123-1600000000", server: .group),
         "FA FF 0B 12 02 55 50 12 3A 16 00 00 00 00 1C"),
        ("g.us", JID.groupServer, "FA 00 1C"),
        ("status@broadcast", JID.statusBroadcast, "FA 0B 0D"),
        ("1700000000@broadcast", JID(user: "1700000000", server: .broadcast), "FA FF 05 17 00 00 00 00 0D"),
        ("120363000000000001@newsletter", JID(user: "120363000000000001", server: .newsletter),
         "FA FF 09 12 03 63 00 00 00 00 00 01 FC 0A" + " 6E 65 77 73 6C 65 74 74 65 72"),
        ("12025550123@hosted", JID(user: "12025550123", server: .hosted), "F7 80 00 FF 86 12 02 55 50 12 3F"),
        ("12025550123:99@hosted", JID(user: "12025550123", device: 99, server: .hosted),
         "F7 80 63 FF 86 12 02 55 50 12 3F"),
        ("123456789012345:1@hosted.lid", JID(user: "123456789012345", device: 1, server: .hostedLID),
         "F7 81 01 FF 88 12 34 56 78 90 12 34 5F"),
        ("867051314767696@bot", JID(user: "867051314767696", server: .bot),
         "FA FF 88 86 70 51 31 47 67 69 6F FC 03 62 6F 74"),
        ("16505361212@c.us", JID(user: "16505361212", server: .legacyUser), "FA FF 86 16 50 53 61 21 2F FC 04 63 2E 75 73"),
        ("100012345:4@msgr", JID(user: "100012345", device: 4, server: .messenger), "F6 FF 85 10 00 12 34 5F 00 04 CC"),
        ("100012345@msgr", JID(user: "100012345", server: .messenger), "F6 FF 85 10 00 12 34 5F 00 00 CC"),
        ("5-100012345:2@interop", JID(user: "100012345", device: 2, integrator: 5, server: .interop),
         "F5 FF 85 10 00 12 34 5F 00 02 00 05 FC 07 69 6E 74 65 72 6F 70"),
        ("0-100012345@interop", JID(user: "100012345", server: .interop),
         "F5 FF 85 10 00 12 34 5F 00 00 00 00 FC 07 69 6E 74 65 72 6F 70"),
    ]

    @Test(arguments: 0..<forms.count)
    func parsesAndRendersEveryForm(index: Int) {
        let (text, jid, _) = Self.forms[index]
        #expect(JID(text) == jid)
        #expect(jid.description == text)
    }

    @Test(arguments: 0..<forms.count)
    func encodesAndDecodesEveryForm(index: Int) throws {
        let (text, jid, wire) = Self.forms[index]
        let node = Node(tag: "iq", attributes: ["to": .jid(jid)])
        let encoded = try expectRoundTrip(node)
        #expect(Array(encoded.dropFirst(4)) == bytes(wire), "\(text) gave \(hex(encoded))")
        // The same JID as content.
        try expectRoundTrip(Node(tag: "iq", content: .jid(jid)))
    }

    @Test func acceptsTheOtherClientsSpellings() throws {
        #expect(JID("12025550123:0@s.whatsapp.net") == JID(user: "12025550123", server: .defaultUser))
        #expect(JID("12025550123.7@s.whatsapp.net") == JID(user: "12025550123", agent: 7, server: .defaultUser))
        #expect(JID("5-100012345@interop") == JID(user: "100012345", integrator: 5, server: .interop))
        #expect(JID("lid") == JID(server: .lid))
        // Baileys writes AD_JID even for device 0; it decodes to the plain JID.
        let node = try BinaryDecoder().decode(bytes("F8 03 19 11 F7 00 00 FF 86 12 02 55 50 12 3F"))
        #expect(node.jidAttribute("to") == JID(user: "12025550123", server: .defaultUser))
        // A JID_PAIR for a server that has its own form decodes to the same JID.
        let hosted = try BinaryDecoder().decode(bytes("F8 03 19 11 FA FF 01 12 FC 06 68 6F 73 74 65 64"))
        #expect(hosted.jidAttribute("to") == JID(user: "12", server: .hosted))
    }

    @Test(arguments: [
        "", "a@b@c", "user@", "1:2:3@s.whatsapp.net", "1.2.3@s.whatsapp.net", "1:x@s.whatsapp.net",
        "1.256@s.whatsapp.net", "1:65536@s.whatsapp.net", "1:+5@s.whatsapp.net", "x-1@interop", "1: 2@lid",
    ])
    func rejectsMalformedText(text: String) {
        #expect(JID(text) == nil)
    }

    @Test func keepsAnUnknownDomainByteAsAnAgent() throws {
        let node = try BinaryDecoder().decode(bytes("F8 03 19 11 F7 05 02 FF 81 1F"))
        let jid = try #require(node.jidAttribute("to"))
        #expect(jid == JID(user: "1", agent: 5, device: 2, server: .defaultUser))
        #expect(jid.domain == 5)
        #expect(jid.description == "1.5:2@s.whatsapp.net")
    }

    @Test(arguments: [
        JID(user: "1", device: 256, server: .defaultUser),
        JID(user: "1", device: 2, server: .group),
        JID(user: "1", agent: 1, server: .defaultUser),
        JID(user: "1", agent: 128, device: 1, server: .defaultUser),
        JID(user: "1", agent: 3, server: .lid),
        JID(user: "1", integrator: 3, server: .defaultUser),
        JID(user: "1", agent: 3, server: .messenger),
        JID(user: "1", server: ""),
    ])
    func refusesJIDsWithoutAWireForm(jid: JID) {
        let error = #expect(throws: BinaryEncodingError.self) {
            try BinaryEncoder().encode(Node(tag: "iq", attributes: ["to": .jid(jid)]))
        }
        #expect(error?.code == .unencodableJID)
    }

    @Test func derivedValues() {
        let device = JID("123456789012345:3@lid")!
        #expect(device.withoutDevice == JID("123456789012345@lid"))
        #expect(device.hasDevice)
        #expect(device.domain == JID.Domain.lid)
        #expect(JID.server.isServer)
        #expect(!JID.statusBroadcast.isServer)
        #expect(JID("1@hosted.lid")!.domain == 129)
    }
}
