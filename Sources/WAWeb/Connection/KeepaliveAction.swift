/// What the connection shell must do after feeding an input to ``KeepaliveStateMachine``.
public enum KeepaliveAction: Sendable, Hashable {
    /// Nothing to do now; sleep until ``KeepaliveStateMachine/nextDeadline``.
    case none
    /// Send a ping: `<iq id=… xmlns="w:p" type="get" to="s.whatsapp.net"/>` (protocol notes §8.3).
    case sendPing
    /// The socket is dead: close it and report `disconnected(reason, at:)` to ``ReconnectStateMachine``
    /// (the reason is ``DisconnectReason/keepaliveTimeout``).
    case declareDead(DisconnectReason)
}
