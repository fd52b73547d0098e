import Glibc
import NIOCore

/// The process at the other end of a control connection, from `SO_PEERCRED` at accept time.
public struct ControlPeer: Sendable, Hashable, CustomStringConvertible {
    /// The peer's process id (at connect time; the process may since have exited).
    public var pid: pid_t
    /// The peer's effective user id.
    public var uid: uid_t
    /// The peer's effective group id.
    public var gid: gid_t

    /// Creates a peer description.
    public init(pid: pid_t, uid: uid_t, gid: gid_t) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "uid=\(uid) gid=\(gid) pid=\(pid)" }
}

/// The kernel's `struct ucred` (`pid_t pid; uid_t uid; gid_t gid;`, 12 bytes). Swift's Glibc module does not
/// export it, so it is declared here with the same field order and types.
struct UCred: Sendable {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}

extension ControlPeer {
    /// Reads `SO_PEERCRED` from a connected Unix-domain socket channel.
    /// - Returns: A future of the peer, failed when the channel is not a socket or the call fails.
    static func read(from channel: any Channel) -> EventLoopFuture<ControlPeer> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        return future.map { ControlPeer(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }
}
