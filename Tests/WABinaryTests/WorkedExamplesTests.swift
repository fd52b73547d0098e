import Testing
import WABinary

/// The three worked examples of the protocol reference §3.7, as exact frame payloads (flags byte first).
@Suite struct WorkedExamplesTests {
    static let examples: [(node: Node, payload: [UInt8])] = [
        (
            Node(tag: "iq", attributes: ["id": "2.47-1", "xmlns": "w:p", "type": "get", "to": .jid(.server)]),
            bytes("00 F8 09 19 08 FF 03 2B 47 A1 16 57 04 29 11 FA 00 03")
        ),
        (
            Node(
                tag: "ack",
                attributes: [
                    "class": "receipt", "id": "3EB0AB12CD34EF56",
                    "to": .jid(JID(user: "12025550123", device: 5, server: .defaultUser)),
                ]),
            bytes("00 F8 07 1B 15 07 08 FB 08 3E B0 AB 12 CD 34 EF 56 11 F7 00 05 FF 86 12 02 55 50 12 3F")
        ),
        (
            Node(
                tag: "iq", attributes: ["id": "1", "xmlns": "passive", "type": "set", "to": .jid(.server)],
                children: [Node(tag: "active")]),
            bytes("00 F8 0A 19 08 55 16 EC 18 04 5A 11 FA 00 03 F8 01 F8 01 EC 01")
        ),
    ]

    @Test(arguments: 0..<3)
    func encodesToTheReferenceBytes(index: Int) throws {
        let (node, payload) = Self.examples[index]
        let encoded = try BinaryEncoder().encodeFramePayload(node)
        #expect(encoded == payload, "got \(hex(encoded))")
    }

    @Test(arguments: 0..<3)
    func decodesToTheReferenceNode(index: Int) throws {
        let (node, payload) = Self.examples[index]
        let decoded = try BinaryDecoder().decodeFramePayload(payload)
        #expect(decoded == node)
        #expect(decoded.attributes.keys == node.attributes.keys, "wire order is kept")
    }

    @Test func readsTheExamplesThroughTheAccessors() throws {
        let ack = try BinaryDecoder().decodeFramePayload(Self.examples[1].payload)
        #expect(ack.attribute("class") == "receipt")
        #expect(ack.attribute("to") == "12025550123:5@s.whatsapp.net")
        #expect(ack.jidAttribute("to")?.device == 5)
        #expect(ack.jidAttribute("class") == nil)
        let iq = try BinaryDecoder().decodeFramePayload(Self.examples[2].payload)
        #expect(iq.child("active") == Node(tag: "active"))
        #expect(iq.children("active").count == 1)
        #expect(iq.child("passive") == nil)
        #expect(iq.description == #"<iq id="1" xmlns="passive" type="set" to="s.whatsapp.net"><active/></iq>"#)
    }
}
