import Logging
import Synchronization
import WABinary
import WASignal
import WAWeb

/// The sandbox's messaging counterpart (reference §5): published prekeys and their count, prekey
/// bundles and usync device lists for every device it knows, and `<message>` routing between linked
/// companions and simulated phones, with the server's `<ack class="message">` to the sender and the
/// recipients' receipts forwarded back.
///
/// Devices are named canonically by phone-number JIDs (`digits:device@s.whatsapp.net`); LID JIDs in
/// requests are mapped to them through the phones' and contacts' LIDs. Device 0 of every user is a
/// simulated phone (``SandboxContact``); other devices are linked companions, reached over their live
/// connection or queued until their next login.
extension SandboxServer {
    // MARK: - Simulated phones

    /// The simulated phone of a number, created on first use with a fresh Signal identity. The phone of
    /// an account linked to the sandbox is the same object the account's own-device copies reach.
    /// - Parameters:
    ///   - phone: `+` and digits.
    ///   - name: the push name its messages carry (first call only; default: the number).
    /// - Throws: ``SandboxError`` for a malformed number or when its keys cannot be generated.
    public func contact(phone: String, name: String? = nil) throws -> SandboxContact {
        let digits = try Self.digits(phone)
        return try registry.withLock { r in try makeContact(digits, name: name, in: &r) }
    }

    /// The simulated phone of a number, if it exists (a contact made earlier, or an account's phone).
    /// - Throws: ``SandboxError`` for a malformed number.
    public func existingContact(phone: String) throws -> SandboxContact? {
        let digits = try Self.digits(phone)
        return registry.withLock { r in
            if let contact = r.contacts[digits] { return contact }
            return r.state.phones[digits] == nil ? nil : try? makeContact(digits, name: nil, in: &r)
        }
    }

    /// Creates (or returns) the phone of `digits` and publishes its keys; call with the lock held.
    private func makeContact(_ digits: String, name: String?, in r: inout Registry) throws -> SandboxContact {
        if let contact = r.contacts[digits] { return contact }
        let lid = r.state.phones[digits]?.lid ?? String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
        let contact: SandboxContact
        do {
            contact = try SandboxContact(digits: digits, lid: lid, name: name ?? "+\(digits)", server: self)
        } catch {
            throw SandboxError("cannot make the Signal keys of +\(digits): \(error)")
        }
        r.contacts[digits] = contact
        r.keys[JID(user: digits, server: .defaultUser)] = contact.publishedKeys
        return contact
    }

    // MARK: - Devices and keys

    /// Every device of `users` (device JIDs on the phone-number server): the phone, then linked companions.
    func devices(of users: [JID]) -> [JID] {
        registry.withLock { r in
            users.flatMap { user in Self.deviceIDs(of: user, in: r).compactMap { id in Self.device(user, id, in: r) } }
        }
    }

    /// Prekey bundles for `devices`, each taking one of the device's one-time prekeys; devices without
    /// published keys are left out.
    func takeBundles(for devices: [JID]) -> [JID: PreKeyBundle] {
        registry.withLock { r in
            var bundles: [JID: PreKeyBundle] = [:]
            for requested in devices {
                if let bundle = takeBundle(for: requested, in: &r) { bundles[requested] = bundle }
            }
            return bundles
        }
    }

    private func takeBundle(for requested: JID, in r: inout Registry) -> PreKeyBundle? {
        guard let device = Self.canonical(requested, in: r) else { return nil }
        if device.device == 0, r.keys[device] == nil, r.state.phones[device.user] != nil {
            _ = try? makeContact(device.user, name: nil, in: &r)
        }
        guard var keys = r.keys[device] else { return nil }
        let preKey = keys.preKeys.isEmpty ? nil : keys.preKeys.removeFirst()
        r.keys[device] = keys
        return PreKeyBundle(
            registrationId: keys.registrationId, deviceId: requested.device, preKey: preKey, signedPreKeyId: keys.signedPreKey.id,
            signedPreKey: keys.signedPreKey.publicKey, signedPreKeySignature: keys.signedPreKey.signature, identityKey: keys.identityKey)
    }

    /// The device numbers of a user: 0 (the phone) when the number is known, then its linked, unrevoked companions.
    private static func deviceIDs(of user: JID, in r: Registry) -> [UInt16] {
        guard let canonical = canonical(user.withoutDevice, in: r) else { return [] }
        let digits = canonical.user
        let phone = r.state.phones[digits]
        guard phone != nil || r.contacts[digits] != nil else { return [] }
        return [0] + (phone?.devices.filter { !$0.revoked }.map { UInt16($0.id) } ?? [])
    }

    private static func device(_ user: JID, _ id: UInt16, in r: Registry) -> JID? {
        guard var canonical = canonical(user.withoutDevice, in: r) else { return nil }
        canonical.device = id
        return canonical
    }

    /// The phone-number device JID of `jid` (a LID is mapped through the known LIDs); nil for other servers.
    static func canonical(_ jid: JID, in r: Registry) -> JID? {
        switch jid.server {
        case .defaultUser, .legacyUser:
            return JID(user: jid.user, device: jid.device, server: .defaultUser)
        case .lid:
            if let digits = r.state.phones.first(where: { $0.value.lid == jid.user })?.key
                ?? r.contacts.first(where: { $0.value.lid.user == jid.user })?.key
            {
                return JID(user: digits, device: jid.device, server: .defaultUser)
            }
            return nil
        default:
            return nil
        }
    }

    /// The LID user of a number, when known.
    private static func lid(of digits: String, in r: Registry) -> JID? {
        if let phone = r.state.phones[digits] { return JID(user: phone.lid, server: .lid) }
        return r.contacts[digits]?.lid
    }

    // MARK: - IQs

    /// `xmlns="encrypt"`: prekey upload, count, bundle fetch.
    func encryptIQ(_ node: Node, id: String, on connectionID: Int) {
        guard let device = loginDevice(of: connectionID) else { return }
        let type = node.attribute("type")
        if type == "set", node.child("list") != nil {
            do {
                let upload = try PreKeyUpload(request: node)
                registry.withLock { r in
                    // A top-up adds keys; the identity and signed prekey are the latest ones.
                    var merged = upload
                    if let old = r.keys[device], old.identityKey == upload.identityKey {
                        let fresh = Set(upload.preKeys.map(\.id))
                        merged.preKeys = old.preKeys.filter { !fresh.contains($0.id) } + upload.preKeys
                    }
                    r.keys[device] = merged
                }
                logger.debug("prekeys uploaded", metadata: ["device": "\(device)", "count": "\(upload.preKeys.count)"])
                send(.node(Node(tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)])), to: connectionID)
            } catch {
                send(.node(Self.errorIQ(id, 400, "bad-request")), to: connectionID)
            }
        } else if type == "get", node.child("count") != nil {
            let count = registry.withLock { $0.keys[device]?.preKeys.count ?? 0 }
            send(.node(PreKeyUpload.countResponse(id: id, count: count)), to: connectionID)
        } else if type == "get", let devices = try? PreKeyBundleFetch.requestedDevices(node) {
            let bundles = takeBundles(for: devices)
            send(.node(PreKeyBundleFetch.response(id: id, bundles: devices.map { ($0, bundles[$0]) })), to: connectionID)
        } else {
            send(.node(Self.errorIQ(id, 501, "feature-not-implemented")), to: connectionID)
        }
    }

    /// `xmlns="usync"`: device lists (other usync protocols are not simulated).
    func usyncIQ(_ node: Node, id: String, on connectionID: Int) {
        guard let users = try? DeviceListQuery.requestedUsers(node) else {
            send(.node(Self.errorIQ(id, 501, "feature-not-implemented")), to: connectionID)
            return
        }
        let answer = registry.withLock { r in users.map { ($0, Self.deviceIDs(of: $0, in: r)) } }
        send(.node(DeviceListQuery.response(id: id, sid: node.child("usync")?.attribute("sid"), users: answer)), to: connectionID)
    }

    // MARK: - Routing

    /// A `<message>` from a companion: the server's ack, then one copy per `<to>` device.
    func messageFromConnection(_ node: Node, on connectionID: Int) async {
        guard let sender = loginDevice(of: connectionID) else { return }
        if let id = node.attribute("id"), let to = node.jidAttribute("to") {
            let phash = to.server == .group ? nil : ParticipantHash.v2(devices(of: [to, sender.withoutDevice]))
            send(.node(ServerAck.forMessage(id: id, to: to, timestamp: configuration.now(), phash: phash)), to: connectionID)
        }
        await route(node, from: sender)
    }

    /// Delivers a sent `<message>` (from a companion or a simulated phone) to each device it names, as the
    /// server does: `from` the sending device, `recipient` on copies for the sender's own devices, the
    /// sender's LID and push name, the `<enc>` for that device and the sender's `<device-identity>`.
    func route(_ node: Node, from sender: JID) async {
        guard let id = node.attribute("id"), let to = node.jidAttribute("to"), to.server != .group else {
            // Groups are not simulated: the stanza is acknowledged and goes nowhere.
            return
        }
        let identity = node.child("device-identity")
        let deliveries: [(JID, Node)] = registry.withLock { r in
            r.senders.record(id, sender: sender)
            let senderLID = Self.lid(of: sender.user, in: r)
            let pushName = r.contacts[sender.user]?.name
            return (node.child("participants")?.children("to") ?? []).compactMap { target -> (JID, Node)? in
                guard let requested = target.jidAttribute("jid"), let device = Self.canonical(requested, in: r) else { return nil }
                var attributes: Node.Attributes = [
                    "id": .string(id), "from": .jid(sender), "t": .string(String(configuration.now())),
                    "type": .string(node.attribute("type") ?? "text"),
                ]
                if let edit = node.attribute("edit") { attributes["edit"] = .string(edit) }
                if device.user == sender.user {
                    attributes["recipient"] = .jid(to)
                } else {
                    if let senderLID { attributes["sender_lid"] = .jid(senderLID) }
                    if let pushName { attributes["notify"] = .string(pushName) }
                }
                let children = target.children("enc") + (identity.map { [$0] } ?? [])
                return (device, Node(tag: "message", attributes: attributes, children: children))
            }
        }
        for (device, message) in deliveries { await deliver(message, to: device) }
    }

    /// Hands a stanza to a device: a simulated phone decrypts it; a companion gets it on its connection
    /// when it has one, and keeps getting it after each login until it sends a receipt (or an ack) for
    /// it, as WhatsApp's servers redeliver what was not acknowledged.
    private func deliver(_ node: Node, to device: JID) async {
        if device.device == 0 {
            let phone = registry.withLock { r -> SandboxContact? in
                r.contacts[device.user] ?? (r.state.phones[device.user] == nil ? nil : try? makeContact(device.user, name: nil, in: &r))
            }
            await phone?.receive(node)
            return
        }
        registry.withLock { r in
            r.pending[device, default: []].append(node)
            if let live = r.connections.values.first(where: { $0.login?.phone == device.user && $0.login?.device == Int(device.device) }) {
                live.outbox.yield(.node(node))
            }
        }
    }

    /// The companion acknowledged messages (receipt or ack): they are not delivered again.
    func acknowledged(_ ids: Set<String>, by device: JID) {
        guard !ids.isEmpty else { return }
        registry.withLock { r in
            r.pending[device]?.removeAll { $0.attribute("id").map(ids.contains) ?? false }
            if r.pending[device]?.isEmpty == true { r.pending[device] = nil }
        }
    }

    /// A `<receipt>` from a companion: forwarded to the message's sender, then acknowledged (so a client
    /// that waits for the ack knows the sender has it).
    func receiptFromConnection(_ node: Node, on connectionID: Int) async {
        guard let device = loginDevice(of: connectionID), let id = node.attribute("id") else { return }
        acknowledged(Set((try? IncomingReceipt(node).messageIDs) ?? [id]).union([id]), by: device)
        await forwardReceipt(node, from: device)
        var ack: Node.Attributes = ["class": "receipt", "id": .string(id)]
        if let to = node.attributes["to"] { ack["from"] = to }
        if let type = node.attributes["type"] { ack["type"] = type }
        send(.node(Node(tag: "ack", attributes: ack)), to: connectionID)
    }

    /// A receipt a simulated phone sends for a message it received.
    func routeReceipt(_ receipt: Node, from phone: JID) async {
        await forwardReceipt(receipt, from: phone)
    }

    /// `<receipt id from=DEVICE t [type]>` to the sender of every message the receipt names.
    private func forwardReceipt(_ receipt: Node, from device: JID) async {
        guard let id = receipt.attribute("id") else { return }
        let ids = [id] + (receipt.child("list")?.children("item").compactMap { $0.attribute("id") } ?? [])
        let type = receipt.attribute("type")
        for messageID in ids {
            guard let sender = registry.withLock({ $0.senders.sender(of: messageID) }) else { continue }
            if sender.device == 0 {
                let phone = registry.withLock { $0.contacts[sender.user] }
                await phone?.noteReceipt(for: messageID, from: device, type: type)
                continue
            }
            var attributes: Node.Attributes = ["id": .string(messageID), "from": .jid(device), "t": .string(String(configuration.now()))]
            if let type { attributes["type"] = .string(type) }
            await deliver(Node(tag: "receipt", attributes: attributes), to: sender)
        }
    }

    /// The device JID a logged-in connection speaks for.
    func loginDevice(of connectionID: Int) -> JID? {
        registry.withLock { r in
            r.connections[connectionID]?.login.map { JID(user: $0.phone, device: UInt16($0.device), server: .defaultUser) }
        }
    }
}
