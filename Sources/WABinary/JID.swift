/// A WhatsApp address ("Jabber ID"): `user[.agent][:device]@server`, or a bare server.
///
/// Covers every form of the protocol reference §0 and §3.6:
/// - phone-number users `12025550123@s.whatsapp.net` and their devices `12025550123:5@s.whatsapp.net`
///   (device 0 is the primary phone and is not written);
/// - the older agent form `user.agent:device@s.whatsapp.net` (an AD_JID domain byte that is not a
///   known domain is kept as `agent`);
/// - LIDs `…@lid`, groups `…@g.us`, `status@broadcast` and broadcast lists, newsletters, `hosted`,
///   `hosted.lid`, bots, Messenger (`msgr`) and interop (`integrator-user:device@interop`) users;
/// - bare servers such as `s.whatsapp.net` (empty user).
///
/// ```swift
/// let jid = JID("12025550123:5@s.whatsapp.net")!
/// jid.device                // 5
/// jid.withoutDevice.description // "12025550123@s.whatsapp.net"
/// ```
public struct JID: Sendable, Hashable {
    /// The user part (phone number, LID, group id, `status`, …); empty for a bare server.
    public var user: String
    /// The raw agent byte of an AD JID whose domain byte is not a known domain (normally 0).
    public var agent: UInt8
    /// The device number; 0 is the primary device and means "no device".
    public var device: UInt16
    /// The integrator id of an interop JID (0 elsewhere).
    public var integrator: UInt16
    /// The server (domain) part.
    public var server: Server

    /// Creates a JID from its parts.
    /// - Parameters:
    ///   - user: The user part; empty for a bare server JID.
    ///   - agent: The raw agent byte (only meaningful on `s.whatsapp.net`).
    ///   - device: The device number (0 = primary / none).
    ///   - integrator: The interop integrator id.
    ///   - server: The server part.
    public init(user: String = "", agent: UInt8 = 0, device: UInt16 = 0, integrator: UInt16 = 0, server: Server) {
        self.user = user
        self.agent = agent
        self.device = device
        self.integrator = integrator
        self.server = server
    }

    // MARK: - Well-known JIDs

    /// The WhatsApp server itself, `s.whatsapp.net` (the `to` of most IQs).
    public static let server = JID(server: .defaultUser)
    /// The bare group server, `g.us`.
    public static let groupServer = JID(server: .group)
    /// The status broadcast, `status@broadcast`.
    public static let statusBroadcast = JID(user: "status", server: .broadcast)

    // MARK: - Derived values

    /// True when the JID has no user part (a bare server such as `s.whatsapp.net`).
    public var isServer: Bool { user.isEmpty }

    /// True for a device other than the primary one, or an agent-qualified JID.
    public var hasDevice: Bool { device != 0 || agent != 0 }

    /// The same JID without agent and device (the "user" JID of a device JID).
    public var withoutDevice: JID {
        JID(user: user, integrator: integrator, server: server)
    }

    /// The AD_JID domain byte: 0 for `s.whatsapp.net` (or the raw agent), 1 for `lid`, 128 for `hosted`,
    /// 129 for `hosted.lid`; for other servers the raw agent.
    public var domain: UInt8 {
        switch server {
        case .defaultUser: agent == 0 ? JID.Domain.whatsApp : agent
        case .lid: JID.Domain.lid
        case .hosted: JID.Domain.hosted
        case .hostedLID: JID.Domain.hostedLID
        default: agent
        }
    }

    /// The AD_JID domain bytes with a fixed meaning (protocol reference §3.6).
    public enum Domain {
        /// `s.whatsapp.net`.
        public static let whatsApp: UInt8 = 0
        /// `lid`.
        public static let lid: UInt8 = 1
        /// `hosted`.
        public static let hosted: UInt8 = 128
        /// `hosted.lid`.
        public static let hostedLID: UInt8 = 129

        /// The server a domain byte stands for, or `nil` for an unknown byte (an agent on `s.whatsapp.net`).
        static func server(for domain: UInt8) -> Server? {
            switch domain {
            case whatsApp: .defaultUser
            case lid: .lid
            case hosted: .hosted
            case hostedLID: .hostedLID
            default: nil
            }
        }
    }
}

// MARK: - Text form

extension JID: CustomStringConvertible {
    /// The text form, as parsed by ``init(_:)``:
    /// `server`, `user@server`, `user:device@server`, `user.agent:device@server`, or for interop
    /// `integrator-user[:device]@interop`.
    public var description: String {
        let server = server.rawValue
        if server.isEmpty { return "" }
        if self.server == .interop {
            let device = device != 0 ? ":\(device)" : ""
            return "\(integrator)-\(user)\(device)@\(server)"
        }
        if agent != 0 { return "\(user).\(agent):\(device)@\(server)" }
        if device != 0 { return "\(user):\(device)@\(server)" }
        if !user.isEmpty { return "\(user)@\(server)" }
        return server
    }
}
