import WABinary

/// The usync device-list query (reference §5.7): which devices each user has, so a message can be
/// encrypted for every one of them.
///
/// ```swift
/// let answer = try await session.sendIQ(DeviceListQuery.request(users: [peer, ownUser], sid: session.generateID()))
/// let devices = try DeviceListQuery.parse(answer).flatMap(\.devices)
/// ```
public enum DeviceListQuery {
    /// One user's devices.
    public struct UserDevices: Sendable, Equatable {
        /// The user (no device part), as the server named it.
        public var user: JID
        /// The device JIDs, primary (device 0) included; hosted devices are on `hosted` / `hosted.lid`.
        public var devices: [JID]

        /// A user's device list.
        public init(user: JID, devices: [JID]) {
            self.user = user
            self.devices = devices
        }
    }

    /// `<iq xmlns="usync" type="get"><usync sid mode="query" last="true" index="0" context="message">`
    /// `<query><devices version="2"/></query><list><user jid=…/>…</list></usync></iq>`.
    /// - Parameters:
    ///   - users: the users (device parts are dropped).
    ///   - sid: a request id (any unique string, e.g. `session.generateID()`).
    ///   - context: `message` when sending, `interactive` or `background` otherwise.
    public static func request(users: [JID], sid: String, context: String = "message") -> Node {
        Node(
            tag: "iq", attributes: ["xmlns": "usync", "type": "get", "to": .jid(.server)],
            children: [
                Node(
                    tag: "usync",
                    attributes: ["sid": .string(sid), "mode": "query", "last": "true", "index": "0", "context": .string(context)],
                    children: [
                        Node(tag: "query", children: [Node(tag: "devices", attributes: ["version": "2"])]),
                        Node(tag: "list", children: users.map { Node(tag: "user", attributes: ["jid": .jid($0.withoutDevice)]) }),
                    ])
            ])
    }

    /// The device lists in an answer, in the answer's order. Users without a `<devices>` element (an
    /// error for that user) are left out; `<device>` elements without a numeric id are skipped.
    /// - Throws: ``MessagingError/Code/malformedStanza`` when there is no `<usync><list>`.
    public static func parse(_ response: Node) throws -> [UserDevices] {
        guard let list = response.child("usync")?.child("list") else {
            throw MessagingError(.malformedStanza, "the usync answer has no <usync><list>")
        }
        return list.children("user").compactMap { user -> UserDevices? in
            guard let jid = user.jidAttribute("jid"), let deviceList = user.child("devices")?.child("device-list") else { return nil }
            let base = jid.withoutDevice
            let devices = deviceList.children("device").compactMap { device -> JID? in
                guard let text = device.attribute("id"), let id = UInt16(text) else { return nil }
                var jid = base
                jid.device = id
                if device.attribute("is_hosted") == "true" {
                    jid.server = base.server == .lid ? .hostedLID : .hosted
                }
                return jid
            }
            return UserDevices(user: base, devices: devices)
        }
    }

    // MARK: - Server side

    /// The users a device-list query asks for (the server's side).
    /// - Throws: ``MessagingError/Code/malformedStanza`` when it is not a usync device query.
    public static func requestedUsers(_ request: Node) throws -> [JID] {
        guard request.tag == "iq", request.attribute("xmlns") == "usync", let usync = request.child("usync"),
            usync.child("query")?.child("devices") != nil, let list = usync.child("list")
        else { throw MessagingError(.malformedStanza, "not a usync device query") }
        return list.children("user").compactMap { $0.jidAttribute("jid")?.withoutDevice }
    }

    /// The answer listing `devices` (device numbers) for each user; key indexes are left out.
    public static func response(id: String, sid: String?, users: [(user: JID, devices: [UInt16])]) -> Node {
        var usyncAttributes: Node.Attributes = ["mode": "query", "last": "true", "index": "0", "context": "message"]
        if let sid { usyncAttributes["sid"] = .string(sid) }
        let list = users.map { user, devices in
            Node(
                tag: "user", attributes: ["jid": .jid(user.withoutDevice)],
                children: [
                    Node(
                        tag: "devices",
                        children: [
                            Node(
                                tag: "device-list",
                                children: devices.map { Node(tag: "device", attributes: ["id": .string(String($0))]) })
                        ])
                ])
        }
        return Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)],
            children: [Node(tag: "usync", attributes: usyncAttributes, children: [Node(tag: "list", children: list)])])
    }
}
