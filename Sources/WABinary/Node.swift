/// One element of WhatsApp's binary XML: a tag, attributes and optional content.
///
/// ```swift
/// let ping = Node(
///     tag: "iq",
///     attributes: ["id": "2.47-1", "xmlns": "w:p", "type": "get", "to": .jid(.server)],
///     content: nil)
/// let payload = try BinaryEncoder().encodeFramePayload(ping)
/// ```
public struct Node: Sendable, Hashable {
    /// The element name, e.g. `iq`, `message`, `ack`. Never empty on the wire.
    public var tag: String
    /// The attributes, in the order they are written (order is irrelevant to equality).
    public var attributes: Attributes
    /// The content, or `nil` for an element without content.
    public var content: Content?

    /// Creates a node.
    /// - Parameters:
    ///   - tag: The element name.
    ///   - attributes: The attributes, written in this order.
    ///   - content: The content, or `nil`.
    public init(tag: String, attributes: Attributes = [:], content: Content? = nil) {
        self.tag = tag
        self.attributes = attributes
        self.content = content
    }

    /// Creates a node whose content is a list of child nodes.
    /// - Parameters:
    ///   - tag: The element name.
    ///   - attributes: The attributes, written in this order.
    ///   - children: The child nodes.
    public init(tag: String, attributes: Attributes = [:], children: [Node]) {
        self.init(tag: tag, attributes: attributes, content: .nodes(children))
    }

    // MARK: - Attributes

    /// The text of an attribute (a JID value is rendered as text), or `nil` if absent.
    /// - Parameter key: The attribute name.
    public func attribute(_ key: String) -> String? {
        attributes[key]?.text
    }

    /// The JID value of an attribute, or `nil` if absent or not a JID.
    ///
    /// Servers send JIDs with JID tags, so a plain string value is not parsed.
    /// - Parameter key: The attribute name.
    public func jidAttribute(_ key: String) -> JID? {
        attributes[key]?.jid
    }

    // MARK: - Children

    /// The child nodes, or an empty array when the content is not a node list.
    public var children: [Node] {
        if case .nodes(let nodes) = content { return nodes }
        return []
    }

    /// The first child with the given tag.
    /// - Parameter tag: The child's element name.
    public func child(_ tag: String) -> Node? {
        guard case .nodes(let nodes) = content else { return nil }
        return nodes.first { $0.tag == tag }
    }

    /// Every child with the given tag, in order.
    /// - Parameter tag: The children's element name.
    public func children(_ tag: String) -> [Node] {
        guard case .nodes(let nodes) = content else { return [] }
        return nodes.filter { $0.tag == tag }
    }

    // MARK: - Content

    /// The content as bytes: binary content as is, string content as UTF-8; `nil` otherwise.
    public var contentBytes: [UInt8]? {
        switch content {
        case .bytes(let bytes): bytes
        case .string(let string): Array(string.utf8)
        default: nil
        }
    }

    /// The content as text: string content, valid UTF-8 binary content, or a JID's text form.
    public var contentText: String? {
        switch content {
        case .string(let string): string
        case .bytes(let bytes): String(validating: bytes, as: UTF8.self)
        case .jid(let jid): jid.description
        default: nil
        }
    }
}
