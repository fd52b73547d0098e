import Logging
import ServiceLifecycle
import WAGateCore
import WAGateHTTP

/// Counts what the accounts' message paths do into the gateway's Prometheus metrics.
struct MetricsObserver: MessagingObserver {
    let metrics: GatewayMetrics
    let events: EventBus

    func messageFailed(account: AccountID, messageID: String, chat: String, reason: String) {
        _ = events.publish(
            kind: "message.failed", agent: account.agent, account: account.description,
            data: ["id": .string(messageID), "chat": .string(chat), "reason": .string(reason)])
    }

    func received(account: AccountID, count: Int) {
        for _ in 0..<count { metrics.messageReceived(account: account.description) }
    }

    func sent(account: AccountID) { metrics.messageSent(account: account.description) }

    func sendFailed(account: AccountID, code: String) { metrics.sendFailed(account: account.description, code: code) }
}

/// Refreshes the gauges (accounts by state, outbox depth per account) every few seconds.
struct MetricsGaugeReporter: Service {
    let registry: Registry
    let metrics: GatewayMetrics
    var interval: Duration = .seconds(5)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refresh()
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    func refresh() async {
        var byState: [String: Int] = [:]
        for state in AccountState.allCases { byState[state.rawValue] = 0 }
        for account in registry.accounts {
            let status = await account.snapshot()
            byState[status.state.rawValue, default: 0] += 1
            guard status.state.isActive, let messaging = account.messaging else { continue }
            if let queued = await messaging.limitsSnapshot()["queued"]?.intValue, queued >= 0 {
                metrics.setQueueDepth(account: account.id.description, depth: Int(queued))
            }
        }
        for (state, count) in byState { metrics.setAccounts(state: state, count: count) }
    }
}
