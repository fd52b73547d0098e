/// A node that cannot be written in the binary format (the encoder never writes what the decoder rejects).
public struct BinaryEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; an open set of static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case emptyTag
            case tooManyItems
            case tooLong
            case unencodableJID
            case nestingTooDeep
        }

        let base: Base

        /// A node with an empty tag.
        public static let emptyTag = Code(base: .emptyTag)
        /// More than 65535 children, or more than 32767 attributes.
        public static let tooManyItems = Code(base: .tooManyItems)
        /// Bytes or a string longer than BINARY_32 can carry (2^32 − 1).
        public static let tooLong = Code(base: .tooLong)
        /// A JID whose device, agent or integrator has no wire form on its server.
        public static let unencodableJID = Code(base: .unencodableJID)
        /// Nodes nested deeper than the encoder's limit (which matches the decoder's).
        public static let nestingTooDeep = Code(base: .nestingTooDeep)

        /// A short name for logs.
        public var description: String {
            switch base {
            case .emptyTag: "empty tag"
            case .tooManyItems: "too many items"
            case .tooLong: "too long"
            case .unencodableJID: "unencodable JID"
            case .nestingTooDeep: "nesting too deep"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// Details for logs (no message content).
    public var detail: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - detail: Details for logs.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `binary node encoding: <code>: <detail>`.
    public var description: String { "binary node encoding: \(code): \(detail)" }
}
