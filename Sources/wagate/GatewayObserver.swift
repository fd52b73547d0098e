import Logging
import WAGateCore
import WAGateStore

/// Persists every account transition and publishes it as an `account.state` event, in the order the
/// account's loop produced them.
struct GatewayObserver: AccountObserver {
    let accounts: AccountRepository
    let events: EventBus
    let logger: Logger

    func accountDidChange(_ status: AccountStatus) async {
        do {
            _ = try await accounts.setState(status.id.description, state: status.state.rawValue, reason: status.reason)
        } catch {
            // The state is still published and kept in memory; the next transition writes again.
            logger.error("cannot record the account's state", metadata: ["account": "\(status.id)", "error": "\(error)"])
        }
        events.publish(kind: "account.state", agent: status.id.agent, account: status.id.description, data: status.json)
    }
}
