import Testing
import WAQRCode

@Suite struct QRCodeTests {
    @Test func pairingTextIsVersion10AtLevelL() throws {
        let text = PairingTextSample.make(seed: 1)
        #expect(text.utf8.count == 269)
        let code = try QRCode(text)
        #expect(code.errorCorrection == .low)
        #expect(code.version == 10)
        #expect(code.size == 57)
    }

    @Test func higherLevelsNeedLargerSymbols() throws {
        let text = PairingTextSample.make(seed: 2)
        let sizes = try QRCode.ErrorCorrection.allCases.map { try QRCode(text, errorCorrection: $0).size }
        #expect(sizes == sizes.sorted())
        #expect(sizes.first! < sizes.last!)
        for size in sizes { #expect((size - 17) % 4 == 0) }
    }

    @Test func finderPatternsAreWhereTheSpecPutsThem() throws {
        let code = try QRCode(PairingTextSample.make(seed: 3))
        let last = code.size - 1
        // Top-left, top-right and bottom-left finders: dark outer ring, light ring, dark 3 × 3 centre,
        // light separator.
        for (ox, oy) in [(0, 0), (last - 6, 0), (0, last - 6)] {
            #expect(code.isDark(x: ox, y: oy))
            #expect(code.isDark(x: ox + 6, y: oy + 6))
            #expect(!code.isDark(x: ox + 1, y: oy + 1))
            #expect(code.isDark(x: ox + 3, y: oy + 3))
        }
        #expect(!code.isDark(x: 7, y: 7))
        #expect(!code.isDark(x: last - 7, y: 7))
    }

    @Test func positionsOutsideTheSymbolAreLight() throws {
        let code = try QRCode("x")
        #expect(code.size == 21)
        for (x, y) in [(-1, 0), (0, -1), (21, 0), (0, 21), (Int.min, Int.max), (Int.max, Int.min)] {
            #expect(!code.isDark(x: x, y: y))
        }
    }

    @Test func capacityMatchesTheSpecAtEveryLevel() throws {
        for level in QRCode.ErrorCorrection.allCases {
            let bytes = [UInt8](repeating: 0x61, count: level.maximumByteCount)
            let largest = try QRCode(bytes: bytes, errorCorrection: level)
            #expect(largest.version == 40)
            #expect(largest.size == 177)
        }
    }

    @Test func textTooLongThrows() {
        for level in QRCode.ErrorCorrection.allCases {
            let text = String(repeating: "a", count: level.maximumByteCount + 1)
            #expect {
                try QRCode(text, errorCorrection: level)
            } throws: { error in
                (error as? QRCodeError)?.code == .inputTooLong
            }
        }
        #expect(throws: QRCodeError.self) { try QRCode(String(repeating: "€", count: 1000)) }  // 3000 UTF-8 bytes
    }

    @Test func emptyTextThrows() {
        #expect {
            try QRCode("")
        } throws: { error in
            (error as? QRCodeError)?.code == .emptyInput
        }
    }

    @Test func bytesAfterANulAreEncoded() throws {
        // QRcode_encodeString would stop at the NUL; QRcode_encodeData takes the length.
        let short = try QRCode(bytes: [0x61])
        let withNul = try QRCode(bytes: [0x61, 0x00] + [UInt8](repeating: 0x62, count: 40))
        #expect(withNul.size > short.size)
    }
}
