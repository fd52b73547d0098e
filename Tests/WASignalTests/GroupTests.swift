import Testing
import WASignal

/// Sender keys: three members distribute their keys and read each other's group messages, in order,
/// out of order and replayed.
@Suite struct GroupTests {
    static let group = "120363000000000001@g.us"
    let members: [Party]

    init() throws {
        members = [
            try Party(.phoneNumber("12025550100", device: 0)),
            try Party(.lid("111111111111111", device: 7)),
            try Party(.phoneNumber("12025550102", device: 2)),
        ]
    }

    private func name(_ party: Party) -> SenderKeyName { SenderKeyName(groupId: Self.group, sender: party.address) }

    /// Every member creates its distribution message and every other member processes it.
    private func distributeAll() throws {
        for sender in members {
            let distribution = try sender.engine.senderKeyDistributionMessage(for: name(sender))
            #expect(distribution.first == 0x33)
            for receiver in members where receiver !== sender {
                #expect(try receiver.engine.processSenderKeyDistributionMessage(distribution, from: name(sender)))
            }
        }
    }

    @Test func threeMembersReadEachOthersMessages() throws {
        try distributeAll()
        for round in 0..<3 {
            for sender in members {
                let text = "round \(round) from \(sender.address)"
                let skmsg = try sender.engine.groupEncrypt(Array(text.utf8), as: name(sender))
                #expect(skmsg.first == 0x33)
                for receiver in members where receiver !== sender {
                    let plaintext = try receiver.engine.groupDecrypt(skmsg, from: name(sender))
                    #expect(String(decoding: plaintext, as: UTF8.self) == text)
                }
            }
        }
    }

    @Test func outOfOrderAndDuplicateGroupMessages() throws {
        try distributeAll()
        let (sender, receiver) = (members[0], members[1])
        let messages = try (0..<5).map { try sender.engine.groupEncrypt(Array("g\($0)".utf8), as: name(sender)) }
        for index in [3, 0, 4, 1, 2] {
            #expect(String(decoding: try receiver.engine.groupDecrypt(messages[index], from: name(sender)), as: UTF8.self) == "g\(index)")
        }
        _ = receiver.store.takeChanges()
        #expect(throws: SignalError.duplicateMessage) { try receiver.engine.groupDecrypt(messages[2], from: name(sender)) }
        #expect(receiver.store.takeChanges().isEmpty)
    }

    @Test func reprocessingADistributionMessageDoesNotRewindTheChain() throws {
        let (sender, receiver) = (members[0], members[2])
        let distribution = try sender.engine.senderKeyDistributionMessage(for: name(sender))
        #expect(try receiver.engine.processSenderKeyDistributionMessage(distribution, from: name(sender)))
        let skmsg = try sender.engine.groupEncrypt(Array("once".utf8), as: name(sender))
        _ = try receiver.engine.groupDecrypt(skmsg, from: name(sender))

        _ = receiver.store.takeChanges()
        #expect(try receiver.engine.processSenderKeyDistributionMessage(distribution, from: name(sender)) == false)
        #expect(receiver.store.takeChanges().isEmpty)
        #expect(throws: SignalError.duplicateMessage) { try receiver.engine.groupDecrypt(skmsg, from: name(sender)) }
    }

    @Test func groupErrorsWithoutKeys() throws {
        let (sender, stranger) = (members[0], members[1])
        #expect(throws: SignalError.noSession) { try sender.engine.groupEncrypt(Array("no key yet".utf8), as: name(sender)) }
        _ = try sender.engine.senderKeyDistributionMessage(for: name(sender))
        let skmsg = try sender.engine.groupEncrypt(Array("hello".utf8), as: name(sender))
        #expect(throws: SignalError.noSession) { try stranger.engine.groupDecrypt(skmsg, from: name(sender)) }
    }

    @Test func rotatingOurSenderKeyLocksOutOldKeyHolders() throws {
        try distributeAll()
        let (sender, stays, left) = (members[0], members[1], members[2])
        sender.store.removeSenderKey(for: name(sender))
        #expect(sender.store.takeChanges().senderKeys.deletions == [name(sender)])
        let rotated = try sender.engine.senderKeyDistributionMessage(for: name(sender))
        #expect(try stays.engine.processSenderKeyDistributionMessage(rotated, from: name(sender)))

        let skmsg = try sender.engine.groupEncrypt(Array("after rotation".utf8), as: name(sender))
        #expect(String(decoding: try stays.engine.groupDecrypt(skmsg, from: name(sender)), as: UTF8.self) == "after rotation")
        #expect(throws: SignalError.invalidMessage) { try left.engine.groupDecrypt(skmsg, from: name(sender)) }  // unknown key id
    }

    @Test func aForgedSignatureIsRejected() throws {
        try distributeAll()
        var skmsg = try members[0].engine.groupEncrypt(Array("signed".utf8), as: name(members[0]))
        skmsg[skmsg.count - 1] ^= 0x01
        #expect(throws: SignalError.invalidMessage) { try members[1].engine.groupDecrypt(skmsg, from: name(members[0])) }
    }
}
