/// Where the gateway's HTTP server listens and how it treats webhooks.
public struct GatewayHTTPServerConfiguration: Sendable, Hashable {
    /// The environment variable naming the listen address (`HOST:PORT`).
    public static let listenEnvironmentKey = "WAGATE_HTTP_LISTEN"
    /// The listen address when none is configured.
    public static let defaultListen = "127.0.0.1:8080"
    /// The path Meta delivers webhooks to, for every Cloud API account of the process.
    public static let defaultWebhookPath = "/webhooks/whatsapp"

    /// Address to bind (`127.0.0.1`, `0.0.0.0`, `::1`, a host name).
    public var host: String
    /// Port to bind; 0 picks a free one (read it with ``GatewayHTTPServer/listeningPort()``).
    public var port: Int
    /// Path of the webhook endpoint (GET verification, POST deliveries).
    public var webhookPath: String
    /// Largest webhook body read (Meta sends up to 3 MB); larger requests get 413.
    public var maxWebhookBodyBytes: Int

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, webhookPath: String = Self.defaultWebhookPath,
        maxWebhookBodyBytes: Int = 4 << 20
    ) {
        self.host = host
        self.port = port
        self.webhookPath = webhookPath
        self.maxWebhookBodyBytes = maxWebhookBodyBytes
    }

    /// A configuration listening on `listen` (`HOST:PORT`, `[IPv6]:PORT`), as given by
    /// `WAGATE_HTTP_LISTEN` or `--http`.
    /// - Throws: ``GatewayHTTPServerError`` naming what is wrong with the address.
    public init(listen: String) throws(GatewayHTTPServerError) {
        let (host, port) = try Self.parseListen(listen)
        self.init(host: host, port: port)
    }

    /// Splits `HOST:PORT` (or `[IPv6]:PORT`) into its parts.
    public static func parseListen(_ listen: String) throws(GatewayHTTPServerError) -> (host: String, port: Int) {
        let text = listen.trimmingCharacters(in: " \t")
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw GatewayHTTPServerError.invalidListenAddress(listen, "expected [IPv6]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw GatewayHTTPServerError.invalidListenAddress(listen, "expected HOST:PORT, e.g. \(defaultListen)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw GatewayHTTPServerError.invalidListenAddress(listen, "write an IPv6 address in brackets: [::1]:8080")
            }
        }
        guard !host.isEmpty else { throw GatewayHTTPServerError.invalidListenAddress(listen, "the host is empty") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw GatewayHTTPServerError.invalidListenAddress(listen, "the port must be a number from 0 to 65535")
        }
        return (String(host), port)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
