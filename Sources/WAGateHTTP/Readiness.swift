/// Whether the gateway can do its work now (`GET /readyz`): the database is reachable, accounts are
/// started, ...
public enum Readiness: Sendable, Hashable {
    /// 200.
    case ready
    /// 503 with the reason as the body.
    case notReady(reason: String)
}
