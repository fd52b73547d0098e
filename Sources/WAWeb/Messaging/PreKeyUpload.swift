import WABinary
import WASignal

/// Our published Signal keys (reference §5.1): the `encrypt` IQ that uploads one-time prekeys with the
/// registration id, identity and signed prekey, and the `<count/>` query that tells when to upload more.
///
/// Both directions are here, so the sandbox server reads exactly what the client writes.
///
/// ```swift
/// let count = try PreKeyUpload.parseCount(try await session.sendIQ(PreKeyUpload.countRequest()))
/// let wanted = PreKeyUpload.keysToUpload(serverCount: count, uploadedLocally: uploaded)
/// if wanted > 0 {
///     let keys = try context.generatePreKeys(startingAt: nextID, count: wanted)
///     let upload = PreKeyUpload(registrationId: store.registrationId, identityKey: store.identityKeyPair.publicKey,
///                               preKeys: keys, signedPreKey: signedPreKey)
///     _ = try await session.sendIQ(upload.request())   // then mark them uploaded
/// }
/// ```
public struct PreKeyUpload: Sendable, Equatable {
    /// A signed prekey as published: id, public key and the identity key's signature over `05 ‖ key`.
    public struct SignedPreKey: Sendable, Equatable {
        /// The id (24-bit).
        public var id: UInt32
        /// The public key.
        public var publicKey: SignalPublicKey
        /// The 64-byte XEdDSA signature.
        public var signature: [UInt8]

        /// A signed prekey from its parts.
        public init(id: UInt32, publicKey: SignalPublicKey, signature: [UInt8]) {
            self.id = id
            self.publicKey = publicKey
            self.signature = signature
        }

        /// The public part of a stored signed prekey.
        public init(_ record: SignedPreKeyRecord) {
            self.init(id: record.id, publicKey: record.publicKey, signature: record.signature)
        }
    }

    /// The number of one-time prekeys uploaded on first login (whatsmeow and Baileys).
    public static let initialCount = 812
    /// The number uploaded when the server runs low (whatsmeow's `WantedPreKeyCount`).
    public static let topUpCount = 50
    /// Below this many keys on the server, upload more (whatsmeow's `MinPreKeyCount`).
    public static let minimumCount = 5

    /// Our registration id.
    public var registrationId: UInt32
    /// Our identity public key.
    public var identityKey: SignalPublicKey
    /// The one-time prekeys to publish (ids < 2^24).
    public var preKeys: [PreKeyBundle.PreKey]
    /// Our current signed prekey.
    public var signedPreKey: SignedPreKey

    /// An upload from its parts.
    public init(registrationId: UInt32, identityKey: SignalPublicKey, preKeys: [PreKeyBundle.PreKey], signedPreKey: SignedPreKey) {
        self.registrationId = registrationId
        self.identityKey = identityKey
        self.preKeys = preKeys
        self.signedPreKey = signedPreKey
    }

    /// An upload of generated records (only their public halves travel).
    public init(registrationId: UInt32, identityKey: SignalPublicKey, preKeys: [PreKeyRecord], signedPreKey: SignedPreKeyRecord) {
        self.init(
            registrationId: registrationId, identityKey: identityKey,
            preKeys: preKeys.map { PreKeyBundle.PreKey(id: $0.id, publicKey: $0.publicKey) }, signedPreKey: SignedPreKey(signedPreKey))
    }

    // MARK: - Upload

    /// `<iq xmlns="encrypt" type="set" to="s.whatsapp.net">` with `<registration>`, `<type>`, `<identity>`,
    /// `<list>` of `<key>` and `<skey>`; `sendIQ` gives it an id.
    public func request() -> Node {
        Node(
            tag: "iq", attributes: ["xmlns": "encrypt", "type": "set", "to": .jid(.server)],
            children: [
                KeyNodes.registration(registrationId), KeyNodes.type(), KeyNodes.identity(identityKey),
                Node(tag: "list", children: preKeys.map { KeyNodes.preKey(id: $0.id, publicKey: $0.publicKey) }),
                KeyNodes.signedPreKey(id: signedPreKey.id, publicKey: signedPreKey.publicKey, signature: signedPreKey.signature),
            ])
    }

    /// Reads an upload request (the server's side).
    /// - Throws: ``MessagingError/Code/malformedStanza`` when an element is missing or has the wrong size.
    public init(request: Node) throws {
        guard request.tag == "iq", request.attribute("xmlns") == "encrypt", request.attribute("type") == "set" else {
            throw MessagingError(.malformedStanza, "not an <iq xmlns=\"encrypt\" type=\"set\">")
        }
        if let type = request.child("type")?.contentBytes, type != [KeyNodes.keyType] {
            throw MessagingError(.malformedStanza, "<type> is not the Curve25519 key type")
        }
        guard let list = request.child("list"), let signed = request.child("skey") else {
            throw MessagingError(.malformedStanza, "the upload has no <list> or no <skey>")
        }
        self.init(
            registrationId: try KeyNodes.parseRegistration(in: request), identityKey: try KeyNodes.parseIdentity(in: request),
            preKeys: try list.children("key").map(KeyNodes.parsePreKey), signedPreKey: try KeyNodes.parseSignedPreKey(signed))
    }

    // MARK: - Count

    /// `<iq xmlns="encrypt" type="get" to="s.whatsapp.net"><count/></iq>`.
    public static func countRequest() -> Node {
        Node(tag: "iq", attributes: ["xmlns": "encrypt", "type": "get", "to": .jid(.server)], children: [Node(tag: "count")])
    }

    /// The number of our one-time prekeys the server still holds, from the answer to ``countRequest()``
    /// (or from `<notification type="encrypt"><count value=N/></notification>`).
    /// - Throws: ``MessagingError/Code/malformedStanza`` without a numeric `<count value>`.
    public static func parseCount(_ response: Node) throws -> Int {
        guard let text = response.child("count")?.attribute("value"), let count = Int(text), count >= 0 else {
            throw MessagingError(.malformedStanza, "no <count value=N> in the answer")
        }
        return count
    }

    /// The server's answer to a count query.
    public static func countResponse(id: String, count: Int) -> Node {
        Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)],
            children: [Node(tag: "count", attributes: ["value": .string(String(count))])])
    }

    /// How many one-time prekeys to upload now: ``initialCount`` when neither the server nor we have
    /// any (first login), ``topUpCount`` when either side is below ``minimumCount``, else 0 (whatsmeow).
    /// - Parameters:
    ///   - serverCount: the answer to ``countRequest()``.
    ///   - uploadedLocally: how many of our stored prekeys are marked uploaded and not yet consumed.
    public static func keysToUpload(serverCount: Int, uploadedLocally: Int) -> Int {
        if serverCount == 0 && uploadedLocally == 0 { return initialCount }
        if serverCount < minimumCount || uploadedLocally < minimumCount { return topUpCount }
        return 0
    }
}
