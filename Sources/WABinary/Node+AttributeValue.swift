extension Node {
    /// An attribute value: a string or a JID (JIDs have their own wire forms, protocol reference §3.6).
    ///
    /// String literals and interpolations create ``string(_:)`` values:
    /// `["id": "\(counter)", "to": .jid(.server)]`.
    public enum AttributeValue: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
        /// A string, encoded as a token, a packed string or raw UTF-8.
        case string(String)
        /// A JID, encoded as JID_PAIR, AD_JID, FB_JID or INTEROP_JID.
        case jid(JID)

        /// Creates a string value from a literal.
        public init(stringLiteral value: String) { self = .string(value) }

        /// The value as text; a JID is rendered in its text form.
        public var text: String {
            switch self {
            case .string(let string): string
            case .jid(let jid): jid.description
            }
        }

        /// The JID, if this is a JID value.
        public var jid: JID? {
            if case .jid(let jid) = self { return jid }
            return nil
        }

        /// The value as text (same as ``text``).
        public var description: String { text }
    }
}
