import Prometheus

/// The gateway's Prometheus metrics, served by `GET /metrics`.
///
/// The HTTP server counts webhook rejections itself; the gateway reports the rest through the
/// methods below (or adds its own metrics to ``registry``).
///
/// | metric | type | labels |
/// |---|---|---|
/// | `wagate_webhook_rejections_total` | counter | `reason` (``WebhookRejectionReason``) |
/// | `wagate_webhook_deliveries_total` | counter | — (signed, parsed and acknowledged POSTs) |
/// | `wagate_accounts` | gauge | `state` |
/// | `wagate_messages_received_total` | counter | `account` |
/// | `wagate_messages_sent_total` | counter | `account` |
/// | `wagate_outbox_queue_depth` | gauge | `account` |
/// | `wagate_send_errors_total` | counter | `account`, `code` |
public struct GatewayMetrics: Sendable {
    /// The registry every metric lives in; emit it for the text exposition.
    public let registry: PrometheusCollectorRegistry

    /// Uses `registry` (a new one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        // Registered up front so that `/metrics` lists the counter (at 0) before the first rejection.
        for reason in WebhookRejectionReason.allCases { _ = rejections(reason) }
        _ = registry.makeCounter(descriptor: Self.deliveries)
    }

    // MARK: - Webhooks

    /// Counts a refused webhook request.
    public func webhookRejected(_ reason: WebhookRejectionReason) {
        rejections(reason).increment()
    }

    /// Counts a webhook delivery that was acknowledged with 200.
    public func webhookDelivered() {
        registry.makeCounter(descriptor: Self.deliveries).increment()
    }

    // MARK: - Gateway

    /// Sets how many accounts are in `state` (e.g. `connected`, `failed`).
    public func setAccounts(state: String, count: Int) {
        registry.makeGauge(descriptor: Self.accounts, labels: [("state", state)]).set(Int64(count))
    }

    /// Counts a message received by `account`.
    public func messageReceived(account: String) {
        registry.makeCounter(descriptor: Self.received, labels: [("account", account)]).increment()
    }

    /// Counts a message sent by `account`.
    public func messageSent(account: String) {
        registry.makeCounter(descriptor: Self.sent, labels: [("account", account)]).increment()
    }

    /// Sets the number of messages waiting in `account`'s outbox.
    public func setQueueDepth(account: String, depth: Int) {
        registry.makeGauge(descriptor: Self.queueDepth, labels: [("account", account)]).set(Int64(depth))
    }

    /// Counts a failed send of `account`; `code` is the Cloud API error code (`131047`) or a word for
    /// failures without one (`transport`).
    public func sendFailed(account: String, code: String) {
        registry.makeCounter(descriptor: Self.sendErrors, labels: [("account", account), ("code", code)]).increment()
    }

    /// The text exposition of every metric (what `GET /metrics` serves).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: - Descriptors

    private func rejections(_ reason: WebhookRejectionReason) -> Counter {
        registry.makeCounter(descriptor: Self.rejections, labels: [("reason", reason.rawValue)])
    }

    // Help texts must be identical on every registration (the registry checks), hence one place each.
    static var rejections: MetricNameDescriptor { descriptor("webhook_rejections", "total", "Webhook requests refused, by reason") }
    static var deliveries: MetricNameDescriptor {
        descriptor("webhook_deliveries", "total", "Webhook deliveries verified, parsed and acknowledged")
    }
    static var accounts: MetricNameDescriptor { descriptor("accounts", "", "Accounts by state") }
    static var received: MetricNameDescriptor { descriptor("messages_received", "total", "Messages received") }
    static var sent: MetricNameDescriptor { descriptor("messages_sent", "total", "Messages sent") }
    static var queueDepth: MetricNameDescriptor { descriptor("outbox_queue_depth", "", "Messages waiting in the outbox") }
    static var sendErrors: MetricNameDescriptor { descriptor("send_errors", "total", "Failed sends, by error code") }

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wagate", metricName: name, unitName: unit, helpText: help)
    }
}
