import WAGateCore

/// Where and how a ``GraphClient`` talks to the Graph API.
public struct GraphClientConfiguration: Sendable, Hashable {
    /// Base URL without version (`WHATSAPP_GRAPH_URL`; default `https://graph.facebook.com`).
    public var baseURL: String
    /// API version path component (`WHATSAPP_GRAPH_VERSION`; default `v25.0`).
    public var version: String
    /// Time allowed for one request, including reading the response (media downloads too).
    public var requestTimeout: Duration
    /// Largest JSON response read from the Graph API (answers are small; this bounds a misbehaving peer).
    public var maxResponseBytes: Int
    /// Longest text body sent, in characters (Meta: 4096).
    public var maxTextLength: Int

    /// Creates a configuration; every argument has Meta's or the gateway's default.
    public init(
        baseURL: String = CloudAccountSettings.defaultGraphURL,
        version: String = CloudAccountSettings.defaultGraphVersion,
        requestTimeout: Duration = .seconds(30),
        maxResponseBytes: Int = 1 << 20,
        maxTextLength: Int = 4096
    ) {
        self.baseURL = baseURL
        self.version = version
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxTextLength = maxTextLength
    }

    /// The endpoint of a Cloud API account: its own `graphUrl`/`graphVersion`, else the defaults.
    public init(settings: CloudAccountSettings) {
        self.init(
            baseURL: settings.graphUrl ?? CloudAccountSettings.defaultGraphURL,
            version: settings.graphVersion ?? CloudAccountSettings.defaultGraphVersion)
    }

    /// `<baseURL>/<version>/<path components, percent-encoded>`.
    func url(_ components: String...) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return ([base, version] + components.map(Self.encodePathComponent)).joined(separator: "/")
    }

    /// Ids come from webhooks and callers; encoding keeps a `/` or `?` in one from changing the path.
    static func encodePathComponent(_ component: String) -> String {
        var out = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
