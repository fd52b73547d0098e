import WABinary
import WASignal

/// The key elements shared by prekey uploads, prekey bundles and retry receipts (reference §5.1, §5.7,
/// §5.8): `<key>` / `<skey>` with a 3-byte big-endian `<id>`, a 32-byte `<value>` and, for signed
/// prekeys, a 64-byte `<signature>`; `<registration>` as 4 bytes big-endian; `<type>` as `05`.
enum KeyNodes {
    /// The key type byte WhatsApp sends in `<type>`: Curve25519 ("DJB").
    static let keyType: UInt8 = SignalPublicKey.djbType

    static func registration(_ id: UInt32) -> Node {
        Node(tag: "registration", content: .bytes(bigEndian(id, count: 4)))
    }

    static func type() -> Node { Node(tag: "type", content: .bytes([keyType])) }

    static func identity(_ key: SignalPublicKey) -> Node { Node(tag: "identity", content: .bytes(key.raw)) }

    static func preKey(id: UInt32, publicKey: SignalPublicKey) -> Node {
        Node(
            tag: "key",
            children: [Node(tag: "id", content: .bytes(bigEndian(id, count: 3))), Node(tag: "value", content: .bytes(publicKey.raw))])
    }

    static func signedPreKey(id: UInt32, publicKey: SignalPublicKey, signature: [UInt8]) -> Node {
        Node(
            tag: "skey",
            children: [
                Node(tag: "id", content: .bytes(bigEndian(id, count: 3))), Node(tag: "value", content: .bytes(publicKey.raw)),
                Node(tag: "signature", content: .bytes(signature)),
            ])
    }

    // MARK: - Parsing

    /// The bytes of child `tag`, which must be exactly `count` long.
    static func bytes(_ tag: String, of node: Node, count: Int) throws -> [UInt8] {
        guard let child = node.child(tag), let bytes = child.contentBytes else {
            throw MessagingError(.malformedStanza, "<\(node.tag)> has no <\(tag)>")
        }
        guard bytes.count == count else {
            throw MessagingError(.malformedStanza, "<\(tag)> in <\(node.tag)> has \(bytes.count) bytes, not \(count)")
        }
        return bytes
    }

    static func parseRegistration(in node: Node) throws -> UInt32 {
        UInt32(bigEndianBytes: try bytes("registration", of: node, count: 4))
    }

    static func parseIdentity(in node: Node) throws -> SignalPublicKey {
        try publicKey(try bytes("identity", of: node, count: 32), "identity")
    }

    /// `<key>`: id and public key.
    static func parsePreKey(_ node: Node) throws -> PreKeyBundle.PreKey {
        let id = UInt32(bigEndianBytes: try bytes("id", of: node, count: 3))
        return PreKeyBundle.PreKey(id: id, publicKey: try publicKey(try bytes("value", of: node, count: 32), "value"))
    }

    /// `<skey>`: id, public key and signature.
    static func parseSignedPreKey(_ node: Node) throws -> PreKeyUpload.SignedPreKey {
        let id = UInt32(bigEndianBytes: try bytes("id", of: node, count: 3))
        let key = try publicKey(try bytes("value", of: node, count: 32), "value")
        return PreKeyUpload.SignedPreKey(id: id, publicKey: key, signature: try bytes("signature", of: node, count: 64))
    }

    private static func publicKey(_ raw: [UInt8], _ what: String) throws -> SignalPublicKey {
        do {
            return try SignalPublicKey(raw: raw)
        } catch {
            throw MessagingError(.malformedStanza, "<\(what)> is not a public key")
        }
    }

    static func bigEndian(_ value: UInt32, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }
}

extension UInt32 {
    /// The value of up to 4 big-endian bytes.
    init(bigEndianBytes bytes: [UInt8]) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
