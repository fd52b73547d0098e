import Foundation
import SwiftProtobuf
import Testing
import WAProto

/// The Signal wire messages have no counterpart in neonize: their encodings are checked against bytes
/// written by hand from the field table (wa-proto-fields.md §8), tag = field number << 3 | wire type.
@Suite struct SignalWireTests {
    static let key33 = [UInt8](repeating: 0x05, count: 1) + [UInt8](repeating: 0xAB, count: 32)

    @Test func signalMessageEncodesAsTheFieldTableSays() throws {
        var message = Signal_SignalMessage()
        message.ratchetKey = Data(Self.key33)
        message.counter = 5
        message.previousCounter = 300
        message.ciphertext = Data([0xC1, 0xC2, 0xC3])
        let expected: [UInt8] = [0x0A, 33] + Self.key33 + [0x10, 5, 0x18, 0xAC, 0x02, 0x22, 3, 0xC1, 0xC2, 0xC3]
        #expect(try message.serializedBytes() as [UInt8] == expected)
        #expect(try Signal_SignalMessage(serializedBytes: expected) == message)
    }

    @Test func preKeySignalMessageEncodesAsTheFieldTableSays() throws {
        var message = Signal_PreKeySignalMessage()
        message.preKeyID = 31
        message.baseKey = Data(Self.key33)
        message.identityKey = Data(Self.key33)
        message.message = Data([0x33, 0x0A])
        message.registrationID = 0x3FFC
        message.signedPreKeyID = 1
        let expected: [UInt8] = [0x08, 31, 0x12, 33] + Self.key33 + [0x1A, 33] + Self.key33
            + [0x22, 2, 0x33, 0x0A, 0x28, 0xFC, 0x7F, 0x30, 1]
        #expect(try message.serializedBytes() as [UInt8] == expected)
        // A pkmsg without a one-time prekey has no field 1.
        message.clearPreKeyID()
        #expect(try message.serializedBytes() as [UInt8] == Array(expected.dropFirst(2)))
    }

    @Test func senderKeyMessagesEncodeAsTheFieldTableSays() throws {
        var message = Signal_SenderKeyMessage()
        message.id = 7
        message.iteration = 0
        message.ciphertext = Data([0xEE])
        #expect(try message.serializedBytes() as [UInt8] == [0x08, 7, 0x10, 0, 0x1A, 1, 0xEE])

        var distribution = Signal_SenderKeyDistributionMessage()
        distribution.id = 7
        distribution.iteration = 2
        distribution.chainKey = Data(repeating: 0x11, count: 32)
        distribution.signingKey = Data(Self.key33)
        let expected: [UInt8] = [0x08, 7, 0x10, 2, 0x1A, 32] + [UInt8](repeating: 0x11, count: 32) + [0x22, 33] + Self.key33
        #expect(try distribution.serializedBytes() as [UInt8] == expected)
    }

    @Test func clientHelloEncodesAsTheFieldTableSays() throws {
        let hello = SwiftBuilt.clientHello()
        let key = [UInt8](SwiftBuilt.bytes(32, seed: 4))
        #expect(try hello.serializedBytes() as [UInt8] == [0x12, 34, 0x0A, 32] + key)
    }
}
