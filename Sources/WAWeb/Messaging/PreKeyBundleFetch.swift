import WABinary
import WASignal

/// Fetching other devices' prekey bundles to start sessions with them (reference §5.7):
/// `<iq xmlns="encrypt" type="get"><key><user jid=DEVICE reason="identity"/>…</key></iq>` answered by
/// `<list><user jid=…>` with `<registration>`, `<type>`, `<identity>`, `<skey>` and maybe `<key>`
/// (possibly wrapped in `<keys>`), or an `<error>` for a device the server has no bundle for.
///
/// ```swift
/// let answer = try await session.sendIQ(PreKeyBundleFetch.request(for: encryptor.devicesWithoutSession(devices)))
/// let bundles = try PreKeyBundleFetch.parse(answer).compactMapValues { try? $0.get() }
/// ```
public enum PreKeyBundleFetch {
    /// The request for the bundles of `devices` (device JIDs).
    /// - Parameter reason: whatsmeow sends `identity`; `nil` leaves the attribute out.
    public static func request(for devices: [JID], reason: String? = "identity") -> Node {
        let users = devices.map { device -> Node in
            var attributes: Node.Attributes = ["jid": .jid(device)]
            if let reason { attributes["reason"] = .string(reason) }
            return Node(tag: "user", attributes: attributes)
        }
        return Node(
            tag: "iq", attributes: ["xmlns": "encrypt", "type": "get", "to": .jid(.server)], children: [Node(tag: "key", children: users)])
    }

    /// The bundles in an answer, per device JID: a bundle, or why that device has none. A malformed
    /// `<user>` fails only its own entry.
    /// - Throws: ``MessagingError/Code/malformedStanza`` when the answer has no `<list>`.
    public static func parse(_ response: Node) throws -> [JID: Result<PreKeyBundle, MessagingError>] {
        guard let list = response.child("list") else { throw MessagingError(.malformedStanza, "the prekey answer has no <list>") }
        var bundles: [JID: Result<PreKeyBundle, MessagingError>] = [:]
        for user in list.children("user") {
            guard let jid = user.jidAttribute("jid") else { continue }
            bundles[jid] = Result { try bundle(from: user, device: jid.device) }.mapError { error in
                error as? MessagingError ?? MessagingError(.malformedStanza, "\(error)")
            }
        }
        return bundles
    }

    /// One `<user>` element's bundle.
    static func bundle(from user: Node, device: UInt16) throws -> PreKeyBundle {
        if let error = user.child("error") {
            throw MessagingError(
                .serverError, "no bundle: \(error.attribute("code") ?? "?") \(error.attribute("text") ?? "")")
        }
        let registration = try KeyNodes.parseRegistration(in: user)
        let keys = user.child("keys") ?? user
        let identity = try KeyNodes.parseIdentity(in: keys)
        guard let signedNode = keys.child("skey") else { throw MessagingError(.malformedStanza, "the bundle has no <skey>") }
        let signed = try KeyNodes.parseSignedPreKey(signedNode)
        let preKey = try keys.child("key").map(KeyNodes.parsePreKey)
        return PreKeyBundle(
            registrationId: registration, deviceId: device, preKey: preKey, signedPreKeyId: signed.id, signedPreKey: signed.publicKey,
            signedPreKeySignature: signed.signature, identityKey: identity)
    }

    // MARK: - Server side

    /// The device JIDs a request asks for (the server's side).
    /// - Throws: ``MessagingError/Code/malformedStanza`` when it is not a bundle request.
    public static func requestedDevices(_ request: Node) throws -> [JID] {
        guard request.tag == "iq", request.attribute("xmlns") == "encrypt", let key = request.child("key") else {
            throw MessagingError(.malformedStanza, "not a prekey bundle request")
        }
        return key.children("user").compactMap { $0.jidAttribute("jid") }
    }

    /// The answer to a request: a `<user>` with the bundle, or with `<error code="404">` for `nil`.
    public static func response(id: String, bundles: [(device: JID, bundle: PreKeyBundle?)]) -> Node {
        let users = bundles.map { device, bundle -> Node in
            guard let bundle else {
                return Node(
                    tag: "user", attributes: ["jid": .jid(device)],
                    children: [Node(tag: "error", attributes: ["code": "404", "text": "item-not-found"])])
            }
            var children = [
                KeyNodes.registration(bundle.registrationId), KeyNodes.type(), KeyNodes.identity(bundle.identityKey),
                KeyNodes.signedPreKey(id: bundle.signedPreKeyId, publicKey: bundle.signedPreKey, signature: bundle.signedPreKeySignature),
            ]
            if let preKey = bundle.preKey { children.append(KeyNodes.preKey(id: preKey.id, publicKey: preKey.publicKey)) }
            return Node(tag: "user", attributes: ["jid": .jid(device)], children: children)
        }
        return Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)], children: [Node(tag: "list", children: users)])
    }
}
