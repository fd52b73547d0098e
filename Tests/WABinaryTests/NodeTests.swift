import Testing
import WABinary

@Suite struct NodeTests {
    @Test func attributesKeepOrderButCompareWithout() {
        var attributes: Node.Attributes = ["id": "1", "type": "get", "id": "2"]
        #expect(attributes.keys == ["id", "type"])
        #expect(attributes["id"] == "2")
        attributes["to"] = .jid(.server)
        attributes["type"] = nil
        #expect(attributes.keys == ["id", "to"])
        let reordered: Node.Attributes = ["to": .jid(.server), "id": "2"]
        #expect(attributes == reordered)
        #expect(attributes.hashValue == reordered.hashValue)
        #expect(attributes != ["to": .jid(.server), "id": "3"])
        #expect(attributes != ["to": .jid(.server)])
        #expect(Node.Attributes(["b": "2", "a": "1"]).keys == ["a", "b"])
        #expect(attributes.dictionary == ["id": "2", "to": .jid(.server)])
    }

    @Test func accessors() {
        let node = Node(
            tag: "pair-device",
            children: [
                Node(tag: "ref", content: .bytes(Array("first".utf8))),
                Node(tag: "other", content: .string("x")),
                Node(tag: "ref", content: .bytes(Array("second".utf8))),
            ])
        #expect(node.children.count == 3)
        #expect(node.child("ref")?.contentText == "first")
        #expect(node.children("ref").map(\.contentText) == ["first", "second"])
        #expect(node.child("other")?.contentBytes == Array("x".utf8))
        #expect(node.child("missing") == nil)
        #expect(Node(tag: "x", content: .bytes([0xFF])).contentText == nil)
        #expect(Node(tag: "x", content: .jid(.statusBroadcast)).contentText == "status@broadcast")
        #expect(Node(tag: "x").children.isEmpty)
        #expect(Node(tag: "x", attributes: ["n": "\(42)"]).attribute("n") == "42")
    }

    @Test func describesLikeXMLAndCutsBinary() {
        let node = Node(
            tag: "message",
            attributes: ["to": .jid(JID(user: "1", device: 2, server: .lid)), "note": "a\"b<c"],
            children: [
                Node(tag: "enc", content: .bytes(Array(0..<100))),
                Node(tag: "body", content: .bytes(Array("hello".utf8))),
                Node(tag: "list", content: .nodes([])),
            ])
        let hexPrefix = (0..<64).map { String(format: $0) }.joined()
        #expect(
            node.description
                == #"<message to="1:2@lid" note="a&quot;b&lt;c"><enc>"# + hexPrefix
                + #"…(100 bytes)</enc><body>hello</body><list/></message>"#)
    }

    private func String(format byte: Int) -> String {
        let digits = Array("0123456789abcdef")
        return Swift.String([digits[byte >> 4], digits[byte & 0xF]])
    }
}
