import Testing
import WABinary
import WAGateCrypto

@testable import WAWeb

/// Pairing over a connected session: refs acked and rotated as QR codes, pair-success persisted then
/// answered, the 515 restart turned into a login, and everything else ignored.
@Suite struct PairingStateMachineTests {
    typealias Machine = PairingStateMachine<MockClock>

    let clock = MockClock()
    let device: DeviceCredentials
    let phone: SimulatedPhone

    init() throws {
        device = try DeviceCredentials.generate()
        phone = try SimulatedPhone()
    }

    static let refs = (1...6).map { "ref\($0)" }

    /// `<iq type="set" from="s.whatsapp.net" id=X><pair-device><ref>…</ref>…</pair-device></iq>`.
    static func pairDevice(id: String = "refs-1", refs: [String] = refs) -> Node {
        Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "set", "id": .string(id)],
            children: [Node(tag: "pair-device", children: refs.map { Node(tag: "ref", content: .bytes(Array($0.utf8))) })])
    }

    static let restart = Node(tag: "stream:error", attributes: ["code": "515"])

    /// Receives a node after a trip through the wire codec, as the shell would get it.
    func receive(_ node: Node, into machine: inout Machine) throws -> [PairingAction] {
        machine.receive(try BinaryDecoder().decode(BinaryEncoder().encode(node)), at: clock.now)
    }

    /// A machine that has shown the first QR code.
    func showing() throws -> Machine {
        var machine = Machine(credentials: device)
        _ = try receive(Self.pairDevice(), into: &machine)
        return machine
    }

    @Test func refsAreAckedWithTheirIdThenTheFirstQRIsShown() throws {
        var machine = Machine(credentials: device)
        let actions = try receive(Self.pairDevice(id: "abc.123"), into: &machine)
        #expect(
            actions == [
                .send(Node(tag: "iq", attributes: ["to": .jid(.server), "type": "result", "id": "abc.123"])),
                .showQR(text: device.qrText(ref: "ref1", platform: "9"), expiresIn: .seconds(60)),
            ])
        #expect(machine.phase == .showingQR)
        #expect(machine.nextDeadline == clock.now.advanced(by: .seconds(60)))
    }

    @Test func theSecondRefIsShownAfterSixtySecondsAndNewRefsAreFetchedAtTheEnd() throws {
        var machine = try showing()
        clock.advance(by: .seconds(59))
        #expect(machine.tick(at: clock.now).isEmpty)
        clock.advance(by: .seconds(1))
        #expect(machine.tick(at: clock.now) == [.showQR(text: device.qrText(ref: "ref2"), expiresIn: .seconds(20))])
        for _ in 3...6 {
            clock.advance(to: try #require(machine.nextDeadline))
            _ = machine.tick(at: clock.now)
        }
        clock.advance(to: try #require(machine.nextDeadline))
        #expect(machine.tick(at: clock.now) == [.reconnectForNewRefs])
        #expect(machine.phase == .awaitingRefs)
        #expect(machine.nextDeadline == nil)
        // The next connection's refs start a new round with the same machine.
        let next = try receive(Self.pairDevice(id: "refs-2", refs: ["new1"]), into: &machine)
        #expect(next.last == .showQR(text: device.qrText(ref: "new1"), expiresIn: .seconds(60)))
    }

    @Test func pairingGivesUpAfterTheLastRound() throws {
        var machine = Machine(credentials: device, account: "sales/main", configuration: QRRotationConfiguration(maxRounds: 1))
        _ = try receive(Self.pairDevice(refs: ["only"]), into: &machine)
        clock.advance(by: .seconds(60))
        let actions = machine.tick(at: clock.now)
        guard case .giveUp(let reason) = actions.first, actions.count == 1 else {
            Issue.record("expected a give-up, got \(actions)")
            return
        }
        #expect(reason.contains("sales/main"))
        #expect(machine.phase == .finished)
    }

    @Test func aGenuinePairSuccessIsPersistedThenAnsweredWithTheDeviceSignature() throws {
        var machine = try showing()
        let actions = try receive(phone.pairSuccess(for: device, keyIndex: 4, id: "ps-9"), into: &machine)
        guard actions.count == 2, case .persist(let paired) = actions[0], case .send(let reply) = actions[1] else {
            Issue.record("expected persist then send, got \(actions)")
            return
        }
        #expect(paired.jid.description == "15550001111:7@s.whatsapp.net")
        #expect(paired.accountSignatureKey == phone.accountKey.publicKey)
        #expect(reply.attribute("type") == "result" && reply.attribute("id") == "ps-9")
        #expect(reply.child("pair-device-sign")?.child("device-identity")?.attribute("key-index") == "4")
        #expect(machine.pairedDevice == paired)
        // No more QR codes once linked.
        #expect(machine.nextDeadline == nil)
        clock.advance(by: .seconds(600))
        #expect(machine.tick(at: clock.now).isEmpty)
    }

    @Test func aTamperedPairSuccessIsRefusedAndPairingFails() throws {
        var machine = try showing()
        let actions = try receive(phone.pairSuccess(for: device, id: "ps-1", tamperHMAC: true), into: &machine)
        guard actions.count == 2, case .send(let reply) = actions[0], case .fail = actions[1] else {
            Issue.record("expected an error reply then fail, got \(actions)")
            return
        }
        #expect(reply.attribute("type") == "error" && reply.attribute("id") == "ps-1")
        #expect(reply.child("error")?.attribute("text") == "hmac-mismatch")
        #expect(machine.phase == .finished)
        #expect(machine.pairedDevice == nil)
    }

    @Test func theRestartAfterPairingBecomesALoginAsTheDevice() throws {
        var machine = try showing()
        let linked = try receive(phone.pairSuccess(for: device), into: &machine)
        guard case .persist(let paired) = linked.first else {
            Issue.record("pair-success was not accepted: \(linked)")
            return
        }
        #expect(try receive(Self.restart, into: &machine) == [.reconnectAsLogin(paired)])
        #expect(machine.phase == .finished)
        #expect(try receive(Self.restart, into: &machine).isEmpty)
    }

    @Test func aRestartBeforePairingIsAFailure() throws {
        var machine = try showing()
        let actions = try receive(Self.restart, into: &machine)
        guard case .fail(let reason) = actions.first, actions.count == 1 else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(reason.contains("515"))
        #expect(machine.phase == .finished)
    }

    @Test func aDowngradeFailsWithAnUpdateHint() throws {
        var machine = try showing()
        let downgrade = Node(tag: "ib", children: [Node(tag: "downgrade_webclient")])
        #expect(
            try receive(downgrade, into: &machine)
                == [.fail(reason: "the phone scanned without multi-device support; update WhatsApp on the phone")])
        #expect(machine.nextDeadline == nil)
    }

    @Test func unrelatedStanzasAreIgnored() throws {
        var machine = try showing()
        let unrelated = [
            Node(tag: "message", attributes: ["id": "m1", "from": .jid(JID("15550002222@s.whatsapp.net")!)]),
            Node(tag: "iq", attributes: ["type": "result", "id": "x"]),
            Node(tag: "iq", attributes: ["type": "set", "id": "y"], children: [Node(tag: "something-else")]),
            Node(tag: "stream:error", attributes: ["code": "503"]),
            Node(tag: "ib", children: [Node(tag: "dirty")]),
            Node(tag: "pair-success"),
        ]
        for node in unrelated {
            #expect(try receive(node, into: &machine).isEmpty, "\(node)")
        }
        #expect(machine.phase == .showingQR)
        // A malformed pair-device (no id) cannot be acked and is ignored too.
        #expect(machine.receive(Node(tag: "iq", attributes: ["type": "set"], children: [Node(tag: "pair-device")]), at: clock.now).isEmpty)
    }
}
