/// A failure to build a QR code or to encode an image of one.
///
/// Every failure of libqrencode or zlib ends here as a thrown value, never in a trap.
public struct QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; an open set of static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case emptyInput, inputTooLong, encodingFailed, invalidImage, compressionFailed
        }

        let base: Base

        /// The text has no bytes; libqrencode refuses to encode nothing.
        public static let emptyInput = Code(base: .emptyInput)
        /// The text does not fit the largest QR code (version 40) at the chosen error correction level.
        public static let inputTooLong = Code(base: .inputTooLong)
        /// libqrencode failed for another reason (out of memory, invalid arguments).
        public static let encodingFailed = Code(base: .encodingFailed)
        /// The requested image has a non-positive scale, a negative quiet zone, or is too large.
        public static let invalidImage = Code(base: .invalidImage)
        /// zlib could not compress the image data.
        public static let compressionFailed = Code(base: .compressionFailed)

        /// A short name for logs.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation (never the encoded text, which may hold key material).
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A human-readable explanation.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
