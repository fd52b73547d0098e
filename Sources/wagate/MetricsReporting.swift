import Foundation
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

/// Refreshes the gauges (accounts by state, outbox depth per account) every few seconds, and says so
/// when an account's outbox grows past its bound (replies queue faster than the send limits let them
/// out): the messages stay queued, none is dropped, but the operator should know.
struct MetricsGaugeReporter: Service {
    let registry: Registry
    let metrics: GatewayMetrics
    let logger: Logger
    let events: EventBus
    var interval: Duration = .seconds(5)
    /// Queued messages per account beyond which the operator is told.
    var outboxBound = 1000
    private let overBound = OverBound()

    /// The accounts currently reported over the bound (so each crossing is said once).
    final class OverBound: @unchecked Sendable {
        private let lock = NSLock()
        private var accounts: Set<AccountID> = []
        func update(_ account: AccountID, over: Bool) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            return over ? accounts.insert(account).inserted : accounts.remove(account) != nil
        }
    }

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
                let over = queued > outboxBound
                if overBound.update(account.id, over: over) {
                    if over {
                        logger.warning(
                            "outbox past its bound: replies queue faster than the send limits let them out (none is dropped); see wagate limits",
                            metadata: ["account": "\(account.id)", "queued": "\(queued)", "bound": "\(outboxBound)"])
                    } else {
                        logger.notice("outbox back under its bound", metadata: ["account": "\(account.id)", "queued": "\(queued)"])
                    }
                    _ = events.publish(
                        kind: "account.outbox", agent: account.id.agent, account: account.id.description,
                        data: ["queued": .int(queued), "bound": .int(Int64(outboxBound)), "over": .bool(over)])
                }
            }
        }
        for (state, count) in byState { metrics.setAccounts(state: state, count: count) }
    }
}
