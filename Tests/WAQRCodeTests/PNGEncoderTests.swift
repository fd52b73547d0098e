import Testing
import WAQRCode

@Suite struct PNGEncoderTests {
    /// One chunk of a PNG file, as read back by the test.
    struct Chunk {
        var type: String
        var data: [UInt8]
        var crc: UInt32
    }

    @Test func pairingQRCodeDecodesWithZbar() throws {
        for seed: UInt64 in [10, 11, 12] {
            let text = PairingTextSample.make(seed: seed)
            let png = try QRCode(text).pngBytes()
            #expect(try Zbar.decode(png: png) == text)
        }
    }

    @Test func smallScalesAndNarrowQuietZonesDecodeToo() throws {
        let text = PairingTextSample.make(seed: 13)
        let code = try QRCode(text)
        #expect(try Zbar.decode(png: code.pngBytes(scale: 3)) == text)
        #expect(try Zbar.decode(png: code.pngBytes(scale: 4, quietZone: 2)) == text)
    }

    @Test func fileStructureFollowsThePNGSpecification() throws {
        let code = try QRCode(PairingTextSample.make(seed: 14))
        let png = try code.pngBytes(scale: 8, quietZone: 4)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png.prefix(8)) == PNGEncoder.signature)

        let chunks = try Self.chunks(of: png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in chunks {
            #expect(chunk.crc == Self.crc32(Array(chunk.type.utf8) + chunk.data), "CRC of \(chunk.type)")
        }

        let header = chunks[0].data
        #expect(header.count == 13)
        let side = UInt32((57 + 2 * 4) * 8)
        #expect(Self.bigEndian(header, at: 0) == side)  // width
        #expect(Self.bigEndian(header, at: 4) == side)  // height
        #expect(header[8] == 1)  // bit depth
        #expect(header[9] == 0)  // colour type: grayscale
        #expect(header[10] == 0)  // compression: deflate
        #expect(header[11] == 0)  // filter method 0
        #expect(header[12] == 0)  // no interlace

        // IDAT is one zlib stream: CMF 0x78 (deflate, 32 KiB window), and CMF·256+FLG divisible by 31.
        let idat = chunks[1].data
        #expect(idat[0] == 0x78)
        #expect((UInt16(idat[0]) << 8 | UInt16(idat[1])) % 31 == 0)
        #expect(chunks[2].data.isEmpty)
        #expect(chunks[2].crc == 0xAE42_6082)  // every IEND's CRC
        #expect(png.count < 2048)
    }

    @Test func chunksAreValidForWidthsThatAreNotAMultipleOf8() throws {
        // 13 px need two bytes per scanline, the last one padded.
        let png = try PNGEncoder.encodeBilevel(width: 13, height: 3) { x, _ in x % 2 == 0 }
        let chunks = try Self.chunks(of: png)
        #expect(Self.bigEndian(chunks[0].data, at: 0) == 13)
        #expect(Self.bigEndian(chunks[0].data, at: 4) == 3)
        for chunk in chunks { #expect(chunk.crc == Self.crc32(Array(chunk.type.utf8) + chunk.data)) }
    }

    @Test func invalidSizesThrow() throws {
        let code = try QRCode("wagate")
        for (scale, quietZone) in [(0, 4), (-1, 4), (8, -1), (Int.max, 4), (8, Int.max), (600, 4)] {
            #expect {
                _ = try code.pngBytes(scale: scale, quietZone: quietZone)
            } throws: { error in
                (error as? QRCodeError)?.code == .invalidImage
            }
        }
        for (width, height) in [(0, 1), (1, 0), (PNGEncoder.maximumDimension + 1, 1), (1, -5)] {
            #expect(throws: QRCodeError.self) {
                _ = try PNGEncoder.encodeBilevel(width: width, height: height) { _, _ in true }
            }
        }
    }

    // MARK: - Reading PNG files back

    static func chunks(of png: [UInt8]) throws -> [Chunk] {
        var chunks: [Chunk] = []
        var offset = 8
        while offset < png.count {
            try #require(offset + 12 <= png.count, "truncated chunk header at \(offset)")
            let length = Int(bigEndian(png, at: offset))
            try #require(offset + 12 + length <= png.count, "truncated chunk at \(offset)")
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            let data = Array(png[offset + 8..<offset + 8 + length])
            chunks.append(Chunk(type: type, data: data, crc: bigEndian(png, at: offset + 8 + length)))
            offset += 12 + length
        }
        return chunks
    }

    static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// CRC-32 as in PNG §5.3 (reflected polynomial 0xEDB88320), bit by bit: independent of zlib.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
