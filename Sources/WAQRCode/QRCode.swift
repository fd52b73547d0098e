internal import CQREncode

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A QR code: a square grid of dark and light modules encoding some bytes, built by libqrencode.
///
/// The whole input is encoded in byte mode (ISO/IEC 18004 "8-bit", no ECI), in the smallest version
/// (size) that holds it at the chosen error correction level. WhatsApp's pairing text (protocol
/// reference §4.2, ~270 ASCII bytes) gives version 10 (57 × 57 modules) at the default level
/// ``ErrorCorrection/low``.
///
/// ```swift
/// let code = try QRCode(qrText)               // level L, byte mode
/// print(code.terminalString(), terminator: "") // half blocks, fits 80 columns
/// let png = try code.pngBytes(scale: 8)        // for the control API
/// ```
///
/// > Important: The WhatsApp pairing text holds the account's public keys and its ADV secret key;
/// > errors never repeat the text, but whatever the code is rendered into does show it.
public struct QRCode: Sendable, Hashable {
    /// How much of the symbol may be damaged and still decode; more recovery means more modules.
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable {
        /// Level L, about 7 % recoverable. The default: a QR shown on a screen is not soiled or torn,
        /// so the extra recovery of M would only buy a larger, harder to focus symbol.
        case low
        /// Level M, about 15 % recoverable.
        case medium
        /// Level Q, about 25 % recoverable.
        case quartile
        /// Level H, about 30 % recoverable.
        case high

        /// The most bytes a version-40 symbol holds in byte mode at this level (ISO/IEC 18004 table 7).
        public var maximumByteCount: Int {
            switch self {
            case .low: 2953
            case .medium: 2331
            case .quartile: 1663
            case .high: 1273
            }
        }

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// The quiet zone the QR specification asks for around the symbol, in modules.
    public static let standardQuietZone = 4

    /// The number of modules on each side (17 + 4 × ``version``), without any quiet zone.
    public let size: Int
    /// The symbol version, 1...40.
    public let version: Int
    /// The error correction level the symbol was built with.
    public let errorCorrection: ErrorCorrection
    /// Row-major, `true` for a dark module; `size * size` entries.
    private let modules: [Bool]

    /// Encodes text as its UTF-8 bytes in byte mode.
    ///
    /// - Parameters:
    ///   - text: The text to encode, e.g. the WhatsApp pairing text.
    ///   - errorCorrection: The error correction level; level L by default.
    /// - Throws: ``QRCodeError`` with code `.emptyInput`, `.inputTooLong` or `.encodingFailed`.
    public init(_ text: String, errorCorrection: ErrorCorrection = .low) throws(QRCodeError) {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes bytes in byte mode.
    ///
    /// Uses `QRcode_encodeData`, not `QRcode_encodeString`: it takes an explicit length (a NUL byte
    /// does not silently end the input) and encodes every byte in byte mode, whereas
    /// `QRcode_encodeString` splits the input into numeric, alphanumeric and byte segments on its own
    /// and returns NULL with `EINVAL` for any mode hint other than `QR_MODE_8` or `QR_MODE_KANJI`.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to encode.
    ///   - errorCorrection: The error correction level; level L by default.
    /// - Throws: ``QRCodeError`` with code `.emptyInput`, `.inputTooLong` or `.encodingFailed`.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .low) throws(QRCodeError) {
        guard !bytes.isEmpty else {
            throw QRCodeError(.emptyInput, "nothing to encode")
        }
        // Checked here as well as by libqrencode (ERANGE), so that the count always fits Int32.
        guard bytes.count <= errorCorrection.maximumByteCount else {
            throw QRCodeError(
                .inputTooLong,
                "\(bytes.count) bytes exceed the \(errorCorrection.maximumByteCount) a QR code holds at this level")
        }
        let (symbol, failure) = bytes.withUnsafeBufferPointer { buffer in
            errno = 0
            let symbol = QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, errorCorrection.level)
            // Read errno at once: later calls (even malloc) may overwrite it.
            return (symbol, errno)
        }
        guard let symbol else {
            if failure == ERANGE {
                throw QRCodeError(.inputTooLong, "\(bytes.count) bytes do not fit a QR code at this level")
            }
            throw QRCodeError(.encodingFailed, "libqrencode failed: \(String(cString: strerror(failure)))")
        }
        defer { QRcode_free(symbol) }

        let width = Int(symbol.pointee.width)
        guard width >= 21, let data = symbol.pointee.data else {
            throw QRCodeError(.encodingFailed, "libqrencode returned a symbol of width \(width)")
        }
        // Bit 0 of each byte is the module's colour; the other bits say what the module is for.
        self.modules = (0..<width * width).map { data[$0] & 1 == 1 }
        self.size = width
        self.version = Int(symbol.pointee.version)
        self.errorCorrection = errorCorrection
    }

    /// Whether the module at a position is dark.
    ///
    /// - Parameters:
    ///   - x: The column, 0 at the left.
    ///   - y: The row, 0 at the top.
    /// - Returns: `true` for a dark module; `false` for a light one and for any position outside the
    ///   symbol, which is where the (light) quiet zone lies.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, x < size, y >= 0, y < size else { return false }
        return modules[y * size + x]
    }
}
