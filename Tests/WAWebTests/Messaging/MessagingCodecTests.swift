import Foundation
import Testing
import WABinary
import WASignal
import WAWeb

/// The IQ and receipt codecs of the messaging layer: the shapes the reference gives (§5.1, §5.5, §5.7,
/// §5.8), read back by the other side's parser after a trip through the binary codec.
@Suite struct MessagingCodecTests {
    static func wire(_ node: Node) throws -> Node {
        try BinaryDecoder().decodeFramePayload(try BinaryEncoder().encodeFramePayload(node))
    }

    @Test func preKeyUploadHasTheReferenceShapeAndReadsBack() throws {
        let context = try SignalContext()
        let identity = try context.generateIdentityKeyPair()
        let signed = try context.generateSignedPreKey(id: 0x01_02_03, identity: identity)
        let keys = try context.generatePreKeys(startingAt: 0xFF_FFFE, count: 3)
        let upload = PreKeyUpload(registrationId: 0x0102_0304, identityKey: identity.publicKey, preKeys: keys, signedPreKey: signed)
        let node = try Self.wire(upload.request())
        #expect(node.attribute("xmlns") == "encrypt" && node.attribute("type") == "set" && node.jidAttribute("to") == .server)
        #expect(node.children.map(\.tag) == ["registration", "type", "identity", "list", "skey"])
        #expect(node.child("registration")?.contentBytes == [1, 2, 3, 4])
        #expect(node.child("type")?.contentBytes == [5])
        #expect(node.child("identity")?.contentBytes == identity.publicKey.raw)
        let list = try #require(node.child("list")).children("key")
        #expect(list.map { $0.child("id")?.contentBytes } == [[0xFF, 0xFF, 0xFE], [0, 0, 1], [0, 0, 2]])
        #expect(list.allSatisfy { $0.child("value")?.contentBytes?.count == 32 })
        #expect(node.child("skey")?.child("id")?.contentBytes == [1, 2, 3])
        #expect(node.child("skey")?.child("signature")?.contentBytes == signed.signature)
        #expect(try PreKeyUpload(request: node) == upload)
    }

    @Test func preKeyCountQueryAndTheUploadPolicy() throws {
        let query = try Self.wire(PreKeyUpload.countRequest())
        #expect(query.attribute("xmlns") == "encrypt" && query.attribute("type") == "get" && query.children.map(\.tag) == ["count"])
        #expect(try PreKeyUpload.parseCount(try Self.wire(PreKeyUpload.countResponse(id: "1", count: 37))) == 37)
        #expect(PreKeyUpload.keysToUpload(serverCount: 0, uploadedLocally: 0) == 812)
        #expect(PreKeyUpload.keysToUpload(serverCount: 4, uploadedLocally: 700) == 50)
        #expect(PreKeyUpload.keysToUpload(serverCount: 30, uploadedLocally: 2) == 50)
        #expect(PreKeyUpload.keysToUpload(serverCount: 5, uploadedLocally: 5) == 0)
    }

    @Test func bundleFetchRequestAndAnswer() throws {
        let device = JID("15550000002:4@s.whatsapp.net")!
        let request = try Self.wire(PreKeyBundleFetch.request(for: [device]))
        #expect(request.attribute("xmlns") == "encrypt" && request.attribute("type") == "get")
        #expect(request.child("key")?.child("user")?.jidAttribute("jid") == device)
        #expect(request.child("key")?.child("user")?.attribute("reason") == "identity")
        #expect(try PreKeyBundleFetch.requestedDevices(request) == [device])

        let party = try SignalParty("15550000002:4@s.whatsapp.net")
        let bundle = party.bundle()
        let answer = try Self.wire(PreKeyBundleFetch.response(id: "7", bundles: [(device, bundle)]))
        #expect(try PreKeyBundleFetch.parse(answer)[device]?.get() == bundle)
        // The `<keys>` wrapper some answers use is read the same.
        var wrapped = answer
        let user = try #require(answer.child("list")?.child("user"))
        let registration = try #require(user.child("registration"))
        wrapped.content = .nodes([
            Node(
                tag: "list",
                children: [Node(tag: "user", attributes: user.attributes, children: [registration, Node(tag: "keys", children: user.children.filter { $0.tag != "registration" })])])
        ])
        #expect(try PreKeyBundleFetch.parse(wrapped)[device]?.get() == bundle)
    }

    @Test func usyncDeviceQueryAndAnswer() throws {
        let alice = JID("15550000001:3@s.whatsapp.net")!
        let bob = JID("88880000002@lid")!
        let request = try Self.wire(DeviceListQuery.request(users: [alice, bob], sid: "sid-1"))
        #expect(request.attribute("xmlns") == "usync" && request.attribute("type") == "get")
        let usync = try #require(request.child("usync"))
        #expect(usync.attribute("sid") == "sid-1" && usync.attribute("mode") == "query" && usync.attribute("context") == "message")
        #expect(usync.attribute("last") == "true" && usync.attribute("index") == "0")
        #expect(usync.child("query")?.child("devices")?.attribute("version") == "2")
        #expect(try DeviceListQuery.requestedUsers(request) == [alice.withoutDevice, bob])

        var answer = DeviceListQuery.response(id: "1", sid: "sid-1", users: [(alice.withoutDevice, [0, 3]), (bob, [0])])
        // A hosted device and a device without id, as servers may send them.
        if case .nodes(var top) = answer.content, case .nodes(var lists) = top[0].content, case .nodes(var users) = lists[0].content {
            users[1] = Node(
                tag: "user", attributes: ["jid": .jid(bob)],
                children: [
                    Node(
                        tag: "devices",
                        children: [
                            Node(
                                tag: "device-list",
                                children: [
                                    Node(tag: "device", attributes: ["id": "0"]), Node(tag: "device", attributes: ["id": "99", "is_hosted": "true"]),
                                    Node(tag: "device", attributes: ["key-index": "3"]),
                                ])
                        ])
                ])
            lists[0].content = .nodes(users)
            top[0].content = .nodes(lists)
            answer.content = .nodes(top)
        }
        let parsed = try DeviceListQuery.parse(try Self.wire(answer))
        #expect(parsed.map(\.user) == [alice.withoutDevice, bob])
        #expect(parsed[0].devices == [JID("15550000001@s.whatsapp.net")!, alice])
        #expect(parsed[1].devices == [bob, JID(user: "88880000002", device: 99, server: .hostedLID)])
    }

    @Test func participantHashMatchesWhatsmeowsComputation() {
        // Computed independently: "2:" + base64(sha256("".join(sorted(ADStrings)))[:6]) without padding.
        let devices = ["15550000002@s.whatsapp.net", "15550000001:3@s.whatsapp.net", "99990000001:3@lid", "15550000001@s.whatsapp.net"]
        #expect(ParticipantHash.v2(devices.map { JID($0)! }) == "2:d2WrAscs")
        #expect(ParticipantHash.v2(devices.reversed().map { JID($0)! }) == "2:d2WrAscs")
    }

    @Test func receiptsAndAcksHaveTheReferenceShape() throws {
        let own = JID("15550000001:3@s.whatsapp.net")!
        let group = JID("120363025246125486@g.us")!
        let bob = JID("15550000002:1@s.whatsapp.net")!
        let node = Node(
            tag: "message", attributes: ["id": "ABC", "from": .jid(group), "participant": .jid(bob), "t": "1767225600", "type": "text"],
            children: [Node(tag: "enc", attributes: ["v": "2", "type": "skmsg", "count": "2"], content: .bytes([1]))])
        let stanza = try IncomingMessageStanza(node, ownJID: own, ownLID: nil)

        let active = Receipts.delivery(for: stanza, active: true)
        #expect(active.tag == "receipt" && active.attribute("id") == "ABC" && active.jidAttribute("to") == group)
        #expect(active.jidAttribute("participant") == bob && active.attribute("type") == nil)
        #expect(Receipts.delivery(for: stanza, active: false).attribute("type") == "inactive")

        let ack = Receipts.ack(for: node, error: 491)
        #expect(ack.attribute("class") == "message" && ack.attribute("id") == "ABC" && ack.jidAttribute("to") == group)
        #expect(ack.jidAttribute("participant") == bob && ack.attribute("type") == nil && ack.attribute("error") == "491")
        let receiptAck = Receipts.ack(for: Node(tag: "receipt", attributes: ["id": "R", "from": .jid(bob), "type": "read"]))
        #expect(receiptAck.attribute("class") == "receipt" && receiptAck.attribute("type") == "read" && receiptAck.attribute("error") == nil)

        let read = Receipts.read(messageIDs: ["A", "B", "C"], chat: group, sender: bob, timestamp: 1_767_225_700)
        #expect(read.attribute("type") == "read" && read.attribute("id") == "A" && read.attribute("t") == "1767225700")
        #expect(read.jidAttribute("participant") == bob.withoutDevice)
        #expect(read.child("list")?.children("item").map { $0.attribute("id") } == ["B", "C"])
        #expect(Receipts.read(messageIDs: ["A"], chat: bob.withoutDevice, sender: bob, timestamp: 1).attribute("participant") == nil)
    }

    @Test func retryReceiptCarriesCountRegistrationAndKeys() throws {
        let own = JID("15550000001:3@s.whatsapp.net")!
        let bob = JID("15550000002@s.whatsapp.net")!
        let node = Node(
            tag: "message", attributes: ["id": "ABC", "from": .jid(bob), "t": "1767225600"],
            children: [Node(tag: "enc", attributes: ["v": "2", "type": "msg", "count": "2"], content: .bytes([1]))])
        let stanza = try IncomingMessageStanza(node, ownJID: own, ownLID: nil)
        #expect(Receipts.nextRetryCount(previous: 0, for: stanza) == 3)
        #expect(Receipts.nextRetryCount(previous: 3, for: stanza) == 4)

        let simple = try Self.wire(Receipts.retry(for: stanza, count: 1, registrationId: 0x0A0B_0C0D))
        #expect(simple.attribute("type") == "retry" && simple.jidAttribute("to") == bob && simple.attribute("id") == "ABC")
        #expect(simple.children.map(\.tag) == ["retry", "registration"])
        let retry = try #require(simple.child("retry"))
        #expect(retry.attribute("count") == "1" && retry.attribute("id") == "ABC" && retry.attribute("t") == "1767225600" && retry.attribute("v") == "1")
        #expect(simple.child("registration")?.contentBytes == [0x0A, 0x0B, 0x0C, 0x0D])

        let party = try SignalParty("15550000001:3@s.whatsapp.net")
        let bundle = party.bundle()
        let keys = Receipts.RetryKeys(
            identity: bundle.identityKey, preKey: try #require(bundle.preKey),
            signedPreKey: PreKeyUpload.SignedPreKey(party.signedPreKey), deviceIdentity: [9, 9])
        let full = try Self.wire(Receipts.retry(for: stanza, count: 2, registrationId: 1, keys: keys))
        let keysNode = try #require(full.child("keys"))
        #expect(keysNode.children.map(\.tag) == ["type", "identity", "key", "skey", "device-identity"])
        #expect(keysNode.child("key")?.child("id")?.contentBytes == [0, 0, 1])
        #expect(keysNode.child("skey")?.child("signature")?.contentBytes?.count == 64)
        #expect(keysNode.child("device-identity")?.contentBytes == [9, 9])
    }

    @Test func incomingReceiptsAndServerAcksAreRead() throws {
        let bob = JID("15550000002:1@s.whatsapp.net")!
        let receipt = try IncomingReceipt(
            Node(
                tag: "receipt", attributes: ["id": "A", "from": .jid(bob), "type": "read", "t": "5"],
                children: [Node(tag: "list", children: [Node(tag: "item", attributes: ["id": "B"])])]))
        #expect(receipt.messageIDs == ["A", "B"] && receipt.type == "read" && receipt.timestamp == 5 && receipt.from == bob)
        #expect(throws: MessagingError.self) { try IncomingReceipt(Node(tag: "receipt", attributes: ["id": "A"])) }

        let ack = try ServerAck(ServerAck.forMessage(id: "A", to: bob.withoutDevice, timestamp: 9, phash: "2:abcdefgh", error: 463))
        #expect(ack.id == "A" && ack.stanzaClass == "message" && ack.phash == "2:abcdefgh" && ack.error == 463 && ack.timestamp == 9)
        #expect(try ServerAck(Node(tag: "ack", attributes: ["id": "A", "error": "0"])).error == nil)
    }
}
