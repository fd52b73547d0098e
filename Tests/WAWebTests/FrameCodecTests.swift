import Testing
import WAWeb

/// Framing: header once, 3-byte lengths, reassembly across arbitrary websocket message boundaries.
@Suite struct FrameCodecTests {
    @Test func firstFrameCarriesTheHeaderOnce() throws {
        var codec = FrameCodec()
        #expect(try codec.encode([0xAA, 0xBB]) == [0x57, 0x41, 0x06, 0x03, 0x00, 0x00, 0x02, 0xAA, 0xBB])
        #expect(try codec.encode([0xCC]) == [0x00, 0x00, 0x01, 0xCC])
        #expect(try codec.encode([UInt8]()) == [0x00, 0x00, 0x00])
    }

    @Test func lengthIsThreeBytesBigEndian() throws {
        var codec = FrameCodec(header: [])
        let frame = try codec.encode([UInt8](repeating: 7, count: 0x01_0203))
        #expect(Array(frame.prefix(3)) == [0x01, 0x02, 0x03])
        #expect(frame.count == 3 + 0x01_0203)
    }

    @Test func edgeRoutingIntroPrecedesTheHeader() throws {
        var codec = FrameCodec(routingInfo: [9, 8, 7])
        #expect(try codec.encode([1]) == [0x45, 0x44, 0x00, 0x01, 0x00, 0x00, 0x03, 9, 8, 7, 0x57, 0x41, 0x06, 0x03, 0x00, 0x00, 0x01, 1])
    }

    @Test func reassemblesFramesSplitAtEveryPossiblePoint() throws {
        var writer = FrameCodec(header: [])
        let payloads: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 5, count: 300), [9]]
        let stream = try payloads.flatMap { try writer.encode($0) }
        for chunkSize in [1, 2, 3, 4, 5, 7, 64, stream.count] {
            var reader = FrameCodec()
            var frames: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                let end = min(index + chunkSize, stream.count)
                frames += try reader.decode(stream[index..<end])
                index = end
            }
            #expect(frames == payloads, "chunk size \(chunkSize)")
            #expect(reader.bufferedCount == 0)
        }
    }

    @Test func waitsForTheRestOfASplitLengthPrefix() throws {
        var reader = FrameCodec()
        reader.append([0x00, 0x00])
        #expect(try reader.nextFrame() == nil)
        reader.append([0x02, 0xAB])
        #expect(try reader.nextFrame() == nil)
        #expect(reader.bufferedCount == 4)
        reader.append([0xCD, 0x00, 0x00, 0x01, 0xEF])
        #expect(try reader.nextFrame() == [0xAB, 0xCD])
        #expect(try reader.nextFrame() == [0xEF])
        #expect(try reader.nextFrame() == nil)
    }

    @Test func manySmallFramesInLargeMessages() throws {
        var writer = FrameCodec(header: [])
        // 200 KB of 5-byte frames: enough for the reader to drop its consumed prefix several times.
        let payloads = (0..<40_000).map { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        let stream = try payloads.flatMap { try writer.encode($0) }
        var reader = FrameCodec()
        #expect(try reader.decode(stream) == payloads)
        var chunked = FrameCodec()
        var frames: [[UInt8]] = []
        for start in stride(from: 0, to: stream.count, by: 70_001) {
            frames += try chunked.decode(stream[start..<min(start + 70_001, stream.count)])
        }
        #expect(frames == payloads)
        #expect(chunked.bufferedCount == 0)
    }

    @Test func enforcesTheMaximumFrameSize() throws {
        var small = FrameCodec(maximumFrameLength: 4)
        #expect(try small.encode([1, 2, 3, 4]).count == 4 + 3 + 4)
        let error = #expect(throws: NoiseError.self) { try small.encode([1, 2, 3, 4, 5]) }
        #expect(error?.code == .frameTooLarge)
        small.append([0x00, 0x00, 0x05])
        #expect(throws: NoiseError.self) { try small.nextFrame() }

        var full = FrameCodec()
        #expect(full.maximumFrameLength == (1 << 24) - 1)
        #expect(throws: NoiseError.self) { try full.encode([UInt8](repeating: 0, count: 1 << 24)) }
        full.append([0xFF, 0xFF, 0xFF])
        #expect(try full.nextFrame() == nil)  // 16 MiB - 1 is allowed; it just is not here yet
    }
}
