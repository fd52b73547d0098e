import Testing
import WASignal

/// Hostile or damaged bytes never crash and never change the store: truncated messages, random bytes
/// and foreign version bytes all throw a `SignalError`.
@Suite struct MalformedInputTests {
    static let group = "120363000000000002@g.us"
    let alice: Party
    let bob: Party
    /// Alice's first message to Bob (pkmsg), Bob's answer (msg), Alice's sender key material.
    let pkmsg: [UInt8]
    let msg: [UInt8]
    let distribution: [UInt8]
    let skmsg: [UInt8]

    init() throws {
        alice = try Party(.phoneNumber("12025550100"))
        bob = try Party(.phoneNumber("12025550101"))
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        let first = try alice.send("first", to: bob)
        pkmsg = first.bytes
        _ = try bob.engine.decrypt(first, from: alice.address)  // Bob's session, for his msg
        msg = try bob.send("answer", to: alice).bytes
        let aliceName = SenderKeyName(groupId: Self.group, sender: alice.address)
        distribution = try alice.engine.senderKeyDistributionMessage(for: aliceName)
        skmsg = try alice.engine.groupEncrypt(Array("group".utf8), as: aliceName)
        _ = alice.store.takeChanges()
        _ = bob.store.takeChanges()
    }

    private var aliceName: SenderKeyName { SenderKeyName(groupId: Self.group, sender: alice.address) }
    private var bobName: SenderKeyName { SenderKeyName(groupId: Self.group, sender: bob.address) }

    /// Feeds `bytes` as every kind of message to the party that could accept the real one, expecting
    /// an error and no store change each time.
    private func expectRejected(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let attempts: [(String, () throws -> Void)] = [
            ("pkmsg", { _ = try alice.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: bytes), from: bob.address) }),
            ("msg", { _ = try alice.engine.decrypt(SignalCiphertext(kind: .msg, bytes: bytes), from: bob.address) }),
            ("skmsg", { _ = try bob.engine.groupDecrypt(bytes, from: aliceName) }),
            ("skdm", { _ = try bob.engine.processSenderKeyDistributionMessage(bytes, from: bobName) }),
        ]
        for (kind, attempt) in attempts {
            #expect(throws: SignalError.self, "\(label) as \(kind)", sourceLocation: sourceLocation) { try attempt() }
        }
        #expect(alice.store.takeChanges().isEmpty, "\(label)", sourceLocation: sourceLocation)
        #expect(bob.store.takeChanges().isEmpty, "\(label)", sourceLocation: sourceLocation)
    }

    @Test func everyTruncationOfEveryMessageKindThrows() throws {
        // Bob has Alice's sender key so a truncated skmsg gets as far as it can.
        #expect(try bob.engine.processSenderKeyDistributionMessage(distribution, from: aliceName))
        _ = bob.store.takeChanges()
        for (label, message) in [("pkmsg", pkmsg), ("msg", msg), ("skmsg", skmsg), ("skdm", distribution)] {
            for count in 0..<message.count {
                expectRejected(Array(message.prefix(count)), "\(label) cut to \(count) bytes")
            }
        }
        // The intact messages still work afterwards: nothing was consumed by the failures.
        #expect(try alice.receive(SignalCiphertext(kind: .msg, bytes: msg), from: bob) == "answer")
        #expect(String(decoding: try bob.engine.groupDecrypt(skmsg, from: aliceName), as: UTF8.self) == "group")
    }

    @Test func randomBytesThrow() throws {
        #expect(try bob.engine.processSenderKeyDistributionMessage(distribution, from: aliceName))
        _ = bob.store.takeChanges()
        var generator = SplitMix64(seed: 0x5157_4741_5445)
        for length in [1, 2, 9, 10, 33, 64, 100, 160, 500] {
            for trial in 0..<8 {
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if trial % 2 == 0 { bytes[0] = 0x33 }  // past the version check, into the parsers
                expectRejected(bytes, "\(length) random bytes, trial \(trial)")
            }
        }
        // Valid framing with a damaged body: every single-byte change of the msg fails its MAC (or parse).
        for index in 1..<msg.count {
            var damaged = msg
            damaged[index] ^= 0x40
            #expect(throws: SignalError.self, "msg byte \(index)") {
                try alice.engine.decrypt(SignalCiphertext(kind: .msg, bytes: damaged), from: bob.address)
            }
        }
        #expect(alice.store.takeChanges().isEmpty)
    }

    /// A second pair whose first pkmsg has not been delivered yet.
    private func undeliveredPkmsg() throws -> (sender: Party, receiver: Party, pkmsg: [UInt8]) {
        let sender = try Party(.phoneNumber("12025550200"))
        let receiver = try Party(.phoneNumber("12025550201"))
        try sender.engine.processPreKeyBundle(try receiver.bundle(preKeyId: 2), for: receiver.address)
        return (sender, receiver, try sender.send("first", to: receiver).bytes)
    }

    @Test func foreignVersionBytesAreRefused() throws {
        func withVersion(_ version: UInt8, _ bytes: [UInt8]) -> [UInt8] { [version] + bytes.dropFirst() }
        let (sender, receiver, undelivered) = try undeliveredPkmsg()

        #expect(throws: SignalError.legacyMessage) {
            try alice.engine.decrypt(SignalCiphertext(kind: .msg, bytes: withVersion(0x11, msg)), from: bob.address)
        }
        #expect(throws: SignalError.invalidMessage) {
            try alice.engine.decrypt(SignalCiphertext(kind: .msg, bytes: withVersion(0x43, msg)), from: bob.address)
        }
        #expect(throws: SignalError.legacyMessage) {
            try receiver.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: withVersion(0x22, undelivered)), from: sender.address)
        }
        #expect(throws: SignalError.invalidVersion) {
            try receiver.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: withVersion(0x43, undelivered)), from: sender.address)
        }
        for version: UInt8 in [0x00, 0x22, 0x43, 0xF3] {
            #expect(throws: SignalError.self) {
                try bob.engine.processSenderKeyDistributionMessage(withVersion(version, distribution), from: aliceName)
            }
            #expect(throws: SignalError.self) { try bob.engine.groupDecrypt(withVersion(version, skmsg), from: aliceName) }
        }
        #expect(receiver.store.takeChanges().isEmpty)
        #expect(bob.store.takeChanges().isEmpty)
        // The real pkmsg still decrypts: the refusals consumed nothing.
        #expect(try receiver.receive(SignalCiphertext(kind: .pkmsg, bytes: undelivered), from: sender) == "first")
    }

    @Test func messagesOfTheWrongKindThrow() throws {
        let (sender, receiver, undelivered) = try undeliveredPkmsg()
        #expect(throws: SignalError.self) {
            try receiver.engine.decrypt(SignalCiphertext(kind: .msg, bytes: undelivered), from: sender.address)
        }
        #expect(throws: SignalError.self) { try alice.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: msg), from: bob.address) }
        #expect(throws: SignalError.self) { try bob.engine.processSenderKeyDistributionMessage(skmsg, from: aliceName) }
        #expect(throws: SignalError.self) { try bob.engine.groupDecrypt(distribution, from: aliceName) }
        #expect(receiver.store.takeChanges().isEmpty)
        #expect(try receiver.receive(SignalCiphertext(kind: .pkmsg, bytes: undelivered), from: sender) == "first")
    }
}

/// A small deterministic generator, so a failing random-bytes case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
