import WAGateCloud

/// The secrets the webhook endpoint checks deliveries against: every Cloud API account's App Secret
/// (grouped by Meta app) and verify token.
///
/// The server asks for them on every request, so accounts added or removed at run time take effect at
/// once.
public struct CloudWebhookCredentials: Sendable {
    /// The App Secret of every Meta app whose numbers this process serves.
    public var appSecrets: [WebhookAppSecret]
    /// Every configured `WHATSAPP_WEBHOOK_VERIFY_TOKEN`.
    public var verifyTokens: [String]

    /// Creates credentials.
    public init(appSecrets: [WebhookAppSecret] = [], verifyTokens: [String] = []) {
        self.appSecrets = appSecrets
        self.verifyTokens = verifyTokens
    }
}
