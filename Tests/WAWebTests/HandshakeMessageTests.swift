import Testing
import WAWeb

/// The temporary hand-written protobuf encoding of the handshake messages and certificate chain.
@Suite struct HandshakeMessageTests {
    @Test func encodesClientHelloAsProtobufDoes() {
        let key = [UInt8](repeating: 0xAB, count: 32)
        // field 2 (clientHello), length 34 → field 1 (ephemeral), length 32.
        #expect(HandshakeMessage(clientHello: .init(ephemeral: key)).serializedBytes() == [0x12, 0x22, 0x0A, 0x20] + key)
    }

    @Test func roundTripsEveryPart() throws {
        let message = HandshakeMessage(
            clientHello: .init(ephemeral: [1]),
            serverHello: .init(ephemeral: [2, 2], encryptedStatic: [UInt8](repeating: 3, count: 48), payload: [UInt8](repeating: 4, count: 200)),
            clientFinish: .init(encryptedStatic: [5], payload: []))
        #expect(try HandshakeMessage(serializedBytes: message.serializedBytes()) == message)
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        // serverHello{ 4: varint 300, 1: bytes [7], 9: fixed64, 10: fixed32, 5: bytes "" } and top-level field 15 varint.
        let inner: [UInt8] = [0x20, 0xAC, 0x02, 0x0A, 0x01, 0x07, 0x49] + [UInt8](repeating: 1, count: 8) + [0x55, 1, 2, 3, 4, 0x2A, 0x00]
        let bytes: [UInt8] = [0x78, 0x01, 0x1A, UInt8(inner.count)] + inner
        let decoded = try HandshakeMessage(serializedBytes: bytes)
        #expect(decoded.serverHello == .init(ephemeral: [7]))
        #expect(decoded.clientHello == nil)
    }

    @Test(arguments: [
        [0x12, 0x05, 0x0A],  // length beyond the end
        [0x12],  // key without value
        [0x10, 0xFF],  // truncated varint
        [0x13, 0x00],  // group start: unsupported wire type
        [0x12, 0x02, 0x0A, 0x05],  // inner length beyond its parent
        [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01],  // varint longer than 64 bits
    ] as [[UInt8]])
    func rejectsMalformedInput(bytes: [UInt8]) {
        let error = #expect(throws: NoiseError.self) { try HandshakeMessage(serializedBytes: bytes) }
        #expect(error?.code == .malformedMessage)
    }

    @Test func certChainRoundTripsAndDetailsDecode() throws {
        let details = CertChain.Details(
            serial: 300, issuerSerial: 0, key: [UInt8](repeating: 6, count: 32), notBefore: 1_700_000_000, notAfter: UInt64.max)
        let chain = CertChain(leaf: .init(details: details.serializedBytes(), signature: [1, 2]), intermediate: .init(details: [], signature: nil))
        let decoded = try CertChain(serializedBytes: chain.serializedBytes())
        #expect(decoded == chain)
        #expect(try CertChain.Details(serializedBytes: try #require(decoded.leaf?.details)) == details)
        // serial 300 is the varint AC 02 right after the field-1 key.
        #expect(Array(details.serializedBytes().prefix(3)) == [0x08, 0xAC, 0x02])
    }
}
