#if canImport(CZlib)
internal import CZlib
#endif

/// Inflates compressed frame payloads (flag 0x02: RFC 1950 zlib stream, protocol reference §3.1).
///
/// Uses the system zlib through the `CZlib` system-library module when the package links it; without
/// it, compressed frames fail with `.compressedFramesUnsupported`. Senders never compress, so only the
/// decode side exists.
enum Zlib {
    #if canImport(CZlib)
    static let isAvailable = true
    #else
    static let isAvailable = false
    #endif

    /// Inflates one zlib stream (bytes after its end are ignored, as in whatsmeow and Baileys).
    /// - Parameters:
    ///   - input: The compressed bytes.
    ///   - offset: The offset of `input` in the payload, for errors.
    ///   - limit: The largest output accepted.
    static func inflate(_ input: UnsafeRawBufferPointer, offset: Int, limit: Int) throws(BinaryDecodingError) -> [UInt8] {
        #if canImport(CZlib)
        var stream = z_stream()
        guard czlib_inflate_init(&stream) == Z_OK else {
            throw BinaryDecodingError(code: .decompressionFailed, offset: offset, expected: "zlib to initialise")
        }
        defer { inflateEnd(&stream) }
        // zlib takes a mutable pointer but never writes through next_in.
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(clamping: input.count)

        var output: [UInt8] = []
        var capacity = min(limit, max(256, input.count * 4))
        while true {
            if output.count == capacity {
                guard capacity < limit else {
                    throw BinaryDecodingError(
                        code: .decompressedSizeLimitExceeded, offset: offset,
                        expected: "at most \(limit) inflated bytes")
                }
                capacity = min(limit, capacity * 2)
            }
            let produced = output.count
            let room = capacity - produced
            var status: Int32 = Z_OK
            output.append(contentsOf: repeatElement(0, count: room))
            output.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress! + produced
                stream.avail_out = uInt(room)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            output.removeLast(Int(stream.avail_out))
            switch status {
            case Z_STREAM_END:
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_out > 0:
                // No progress with room left: the input ended inside the stream.
                throw BinaryDecodingError(
                    code: .decompressionFailed, offset: offset + Int(stream.total_in),
                    expected: "a complete zlib stream")
            case Z_BUF_ERROR:
                continue
            default:
                throw BinaryDecodingError(
                    code: .decompressionFailed, offset: offset + Int(stream.total_in),
                    expected: "valid zlib data (\(stream.msg.map { String(cString: $0) } ?? String(cString: zError(status))))")
            }
        }
        #else
        throw BinaryDecodingError(
            code: .compressedFramesUnsupported, offset: offset - 1,
            expected: "an uncompressed frame (compressed frames unsupported: WABinary was built without CZlib)")
        #endif
    }
}
