import Hummingbird
import NIOCore

/// The request context of the gateway's routes: Hummingbird's core context plus the peer's address,
/// which refused webhooks are logged with.
struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The peer for logs: `ip:port`, or `unknown`.
    var peer: String {
        guard let remoteAddress else { return "unknown" }
        if let ip = remoteAddress.ipAddress, let port = remoteAddress.port { return "\(ip):\(port)" }
        return "\(remoteAddress)"
    }
}
