import Testing
import WASignal

/// WhatsApp's plaintext padding: 1 to 16 bytes of the pad length, checked on removal.
@Suite struct WhatsAppPaddingTests {
    @Test func paddingIsOneToSixteenBytesOfItsLength() throws {
        let message: [UInt8] = [0x0A, 0x03, 0x61, 0x62, 0x63]
        var lengths = Set<Int>()
        for _ in 0..<400 {
            let padded = try WhatsAppPadding.add(to: message)
            let count = padded.count - message.count
            #expect((1...16).contains(count))
            #expect(Array(padded.prefix(message.count)) == message)
            #expect(padded.suffix(count).allSatisfy { Int($0) == count })
            #expect(try WhatsAppPadding.remove(from: padded) == message)
            lengths.insert(count)
        }
        #expect(lengths.count > 8)  // random, not fixed (400 draws miss a length with odds ~2^-37)
    }

    @Test func anEmptyMessagePadsAndUnpads() throws {
        #expect(try WhatsAppPadding.remove(from: try WhatsAppPadding.add(to: [])) == [])
        #expect(try WhatsAppPadding.remove(from: [3, 3, 3]) == [])
    }

    @Test func removalValidatesThePadding() throws {
        #expect(throws: SignalError.invalidPadding) { try WhatsAppPadding.remove(from: []) }
        #expect(throws: SignalError.invalidPadding) { try WhatsAppPadding.remove(from: [0x41, 0x00]) }  // pad of 0
        #expect(throws: SignalError.invalidPadding) { try WhatsAppPadding.remove(from: [0x41, 0x05, 0x05]) }  // longer than the input
        #expect(throws: SignalError.invalidPadding) { try WhatsAppPadding.remove(from: [0x41, 0x01, 0x03, 0x03]) }  // not all equal
        #expect(try WhatsAppPadding.remove(from: [0x41, 0x02, 0x03, 0x03, 0x03]) == [0x41, 0x02])
    }
}
