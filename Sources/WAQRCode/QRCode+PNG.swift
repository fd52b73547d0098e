extension QRCode {
    /// Draws the code as a PNG image: black modules on white, with a white quiet zone.
    ///
    /// The image is `(size + 2 × quietZone) × scale` pixels square, 1-bit grayscale (see
    /// ``PNGEncoder``); the WhatsApp pairing code at the defaults is 520 × 520 pixels and well under
    /// 2 KiB.
    ///
    /// ```swift
    /// let png = try QRCode(qrText).pngBytes(scale: 8)
    /// ```
    ///
    /// - Parameters:
    ///   - scale: Pixels per module, at least 1; 8 by default.
    ///   - quietZone: The white margin in modules on every side, at least 0; ``standardQuietZone`` by default.
    /// - Returns: The PNG file's bytes.
    /// - Throws: ``QRCodeError`` with code `.invalidImage` for a bad scale or quiet zone or an image
    ///   larger than ``PNGEncoder/maximumDimension``, or `.compressionFailed`.
    public func pngBytes(scale: Int = 8, quietZone: Int = QRCode.standardQuietZone) throws(QRCodeError) -> [UInt8] {
        let limit = PNGEncoder.maximumDimension
        // Bounding both first keeps the product below overflow on any 64-bit platform.
        guard (1...limit).contains(scale), (0...limit).contains(quietZone) else {
            throw QRCodeError(
                .invalidImage, "scale \(scale) must be in 1...\(limit) and quiet zone \(quietZone) in 0...\(limit)")
        }
        let pixels = (size + 2 * quietZone) * scale
        guard pixels <= limit else {
            throw QRCodeError(.invalidImage, "a \(pixels)-pixel image is wider than \(limit) pixels")
        }
        return try PNGEncoder.encodeBilevel(width: pixels, height: pixels) { x, y in
            isDark(x: x / scale - quietZone, y: y / scale - quietZone)
        }
    }
}
