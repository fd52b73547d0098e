extension JID {
    /// The server (domain) part of a JID.
    ///
    /// A wrapper over the raw string so that unknown servers still round-trip; the known ones are
    /// static members (protocol reference §0).
    public struct Server: Sendable, Hashable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The server as written on the wire, e.g. `s.whatsapp.net`.
        public var rawValue: String

        /// Creates a server from its wire form.
        /// - Parameter rawValue: The server string, e.g. `g.us`.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Creates a server from its wire form.
        /// - Parameter rawValue: The server string, e.g. `g.us`.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Creates a server from a string literal.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The wire form.
        public var description: String { rawValue }

        /// Phone-number users, and the WhatsApp server itself: `s.whatsapp.net`.
        public static let defaultUser: Server = "s.whatsapp.net"
        /// Hidden-user identities: `lid`.
        public static let lid: Server = "lid"
        /// Groups: `g.us`.
        public static let group: Server = "g.us"
        /// Status and broadcast lists: `broadcast`.
        public static let broadcast: Server = "broadcast"
        /// Channels: `newsletter`.
        public static let newsletter: Server = "newsletter"
        /// Business hosted devices: `hosted`.
        public static let hosted: Server = "hosted"
        /// Business hosted devices by LID: `hosted.lid`.
        public static let hostedLID: Server = "hosted.lid"
        /// Meta AI bots: `bot`.
        public static let bot: Server = "bot"
        /// Messenger users (FB_JID on the wire): `msgr`.
        public static let messenger: Server = "msgr"
        /// Third-party interop users (INTEROP_JID on the wire): `interop`.
        public static let interop: Server = "interop"
        /// The legacy alias of `s.whatsapp.net`: `c.us`.
        public static let legacyUser: Server = "c.us"
        /// Calls: `call`.
        public static let call: Server = "call"
    }
}
