import WABinary

/// The server's `<ack class="message" id …>` for a message we sent (reference §5.6 step 7): accepted,
/// or refused with an error code; `phash` is the participant hash the server expected.
public struct ServerAck: Sendable, Equatable {
    /// The acknowledged stanza's id.
    public var id: String
    /// `class`: `message`, `receipt`, ...
    public var stanzaClass: String
    /// `phash`, when present: compare with ``OutgoingMessage/phash``.
    public var phash: String?
    /// `error`, when present and non-zero (e.g. 463 missing privacy token, 479 invalid stanza).
    public var error: Int?
    /// `t`, Unix seconds.
    public var timestamp: UInt64?

    /// Reads an `<ack>`.
    /// - Throws: ``MessagingError/Code/malformedStanza`` for another tag or no `id`.
    public init(_ node: Node) throws {
        guard node.tag == "ack" else { throw MessagingError(.malformedStanza, "<\(node.tag)> is not an <ack>") }
        guard let id = node.attribute("id") else { throw MessagingError(.malformedStanza, "the <ack> has no id") }
        self.id = id
        stanzaClass = node.attribute("class") ?? ""
        phash = node.attribute("phash")
        error = node.attribute("error").flatMap(Int.init).flatMap { $0 == 0 ? nil : $0 }
        timestamp = node.attribute("t").flatMap(UInt64.init)
    }

    /// The ack the server sends for a message: `<ack class="message" id from=TO t [phash] [error]>`.
    public static func forMessage(id: String, to: JID, timestamp: UInt64, phash: String? = nil, error: Int? = nil) -> Node {
        var attributes: Node.Attributes = ["class": "message", "id": .string(id), "from": .jid(to), "t": .string(String(timestamp))]
        if let phash { attributes["phash"] = .string(phash) }
        if let error { attributes["error"] = .string(String(error)) }
        return Node(tag: "ack", attributes: attributes)
    }
}
