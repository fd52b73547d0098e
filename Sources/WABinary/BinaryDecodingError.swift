/// A failure to decode a binary node: what went wrong, where, and what the decoder expected there.
///
/// Malformed input always ends in this error, never in a crash; every length read from the input is
/// checked against the bytes that remain before anything is allocated.
public struct BinaryDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; an open set of static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case unexpectedEndOfInput
            case lengthExceedsInput
            case unexpectedTag
            case invalidPackedString
            case invalidNode
            case invalidJID
            case nestingTooDeep
            case trailingBytes
            case emptyPayload
            case compressedFramesUnsupported
            case decompressionFailed
            case decompressedSizeLimitExceeded
        }

        let base: Base

        /// The input ended in the middle of a value.
        public static let unexpectedEndOfInput = Code(base: .unexpectedEndOfInput)
        /// A length or list size claims more bytes than remain in the input.
        public static let lengthExceedsInput = Code(base: .lengthExceedsInput)
        /// A tag byte that is not allowed at this position (or unused, 240...244).
        public static let unexpectedTag = Code(base: .unexpectedTag)
        /// A NIBBLE_8 / HEX_8 string with an invalid nibble or an odd flag on zero bytes.
        public static let invalidPackedString = Code(base: .invalidPackedString)
        /// A node whose list size is 0 or whose tag is empty.
        public static let invalidNode = Code(base: .invalidNode)
        /// A JID with a missing or wrong server.
        public static let invalidJID = Code(base: .invalidJID)
        /// Nodes nested deeper than the decoder's limit.
        public static let nestingTooDeep = Code(base: .nestingTooDeep)
        /// Bytes left over after the node (a frame holds exactly one node).
        public static let trailingBytes = Code(base: .trailingBytes)
        /// A frame payload without even the flags byte.
        public static let emptyPayload = Code(base: .emptyPayload)
        /// A compressed frame, but the module was built without zlib.
        public static let compressedFramesUnsupported = Code(base: .compressedFramesUnsupported)
        /// zlib rejected a compressed frame.
        public static let decompressionFailed = Code(base: .decompressionFailed)
        /// A compressed frame inflates beyond the decoder's size limit.
        public static let decompressedSizeLimitExceeded = Code(base: .decompressedSizeLimitExceeded)

        /// A short name for logs.
        public var description: String {
            switch base {
            case .unexpectedEndOfInput: "unexpected end of input"
            case .lengthExceedsInput: "length exceeds input"
            case .unexpectedTag: "unexpected tag"
            case .invalidPackedString: "invalid packed string"
            case .invalidNode: "invalid node"
            case .invalidJID: "invalid JID"
            case .nestingTooDeep: "nesting too deep"
            case .trailingBytes: "trailing bytes"
            case .emptyPayload: "empty payload"
            case .compressedFramesUnsupported: "compressed frames unsupported"
            case .decompressionFailed: "decompression failed"
            case .decompressedSizeLimitExceeded: "decompressed size limit exceeded"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The byte offset of the offending byte in the decoded input. For a frame payload that was
    /// compressed, offsets past the flags byte refer to the inflated bytes.
    public var offset: Int
    /// What the decoder expected at `offset`, e.g. "a string tag", "3 bytes of BINARY_20 length".
    public var expected: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - offset: The byte offset of the offending byte.
    ///   - expected: What was expected there.
    public init(code: Code, offset: Int, expected: String) {
        self.code = code
        self.offset = offset
        self.expected = expected
    }

    /// `binary node: <code> at offset <n>, expected <what>`.
    public var description: String {
        "binary node: \(code) at offset \(offset), expected \(expected)"
    }
}
