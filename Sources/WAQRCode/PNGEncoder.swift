internal import CZlib

/// Writes black-and-white images as PNG files (1-bit grayscale, no interlacing), by hand.
///
/// The file is the PNG signature, an `IHDR` chunk, one `IDAT` chunk holding the zlib-compressed
/// scanlines (each led by filter type 0, "None"), and `IEND`. Each chunk's CRC-32 is zlib's `crc32`
/// over the chunk type and data (PNG specification §5.3). One bit per pixel keeps a QR image a few
/// hundred bytes, and a bilevel image needs no more.
///
/// ```swift
/// let png = try PNGEncoder.encodeBilevel(width: 64, height: 64) { x, y in (x / 8 + y / 8) % 2 == 0 }
/// ```
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The largest width or height accepted, which bounds the scanline buffer at about 32 MiB.
    public static let maximumDimension = 16384

    /// Encodes a bilevel image.
    ///
    /// - Parameters:
    ///   - width: The width in pixels, 1...``maximumDimension``.
    ///   - height: The height in pixels, 1...``maximumDimension``.
    ///   - isDark: Whether the pixel at (x, y) is black (otherwise white); (0, 0) is the top left.
    /// - Returns: The PNG file's bytes.
    /// - Throws: ``QRCodeError`` with code `.invalidImage` for a size out of range, or
    ///   `.compressionFailed` if zlib fails.
    public static func encodeBilevel(
        width: Int, height: Int, isDark: (_ x: Int, _ y: Int) -> Bool
    ) throws(QRCodeError) -> [UInt8] {
        guard (1...maximumDimension).contains(width), (1...maximumDimension).contains(height) else {
            throw QRCodeError(
                .invalidImage, "image size \(width) × \(height) outside 1...\(maximumDimension)")
        }
        let rowBytes = 1 + (width + 7) / 8
        var scanlines = [UInt8](repeating: 0, count: rowBytes * height)
        for y in 0..<height {
            let row = y * rowBytes  // scanlines[row] is the filter byte, 0 = None
            for x in 0..<width where !isDark(x, y) {
                // Grayscale bit depth 1: 1 is white; pixels fill each byte from its high bit.
                scanlines[row + 1 + x / 8] |= 0x80 >> UInt8(x % 8)
            }
        }

        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        // Bit depth 1, colour type 0 (grayscale), compression 0, filter method 0, interlace 0 (none).
        header += [1, 0, 0, 0, 0]

        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", try compress(scanlines), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Compresses into one zlib stream (RFC 1950), which is what IDAT's compression method 0 is.
    private static func compress(_ input: [UInt8]) throws(QRCodeError) -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                compress2(out.baseAddress, &capacity, source.baseAddress, uLong(source.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK else {
            throw QRCodeError(.compressionFailed, "zlib compress2 failed: \(String(cString: zError(status)))")
        }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Appends length, type, data and the CRC-32 of type and data.
    private static func appendChunk(_ type: StaticString, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = type.withUTF8Buffer { Array($0) }
        file.appendBigEndian(UInt32(data.count))
        file += typeBytes
        file += data
        var crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        // Skipped when empty: an empty array may have no base address, and crc32 with a NULL buffer
        // returns the initial value (0) instead of `crc`, which would corrupt IEND's CRC.
        if !data.isEmpty {
            crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        }
        file.appendBigEndian(UInt32(truncatingIfNeeded: crc))
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF)])
        append(contentsOf: [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}
