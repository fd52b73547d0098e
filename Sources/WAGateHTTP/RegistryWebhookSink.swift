import Foundation
import Logging
import WAGateCloud
import WAGateCore
import WAGateCrypto

/// Hands verified webhook deliveries to the Cloud API accounts of a registry: messages to the account's
/// durable write (so Meta gets its 200 only after the commit), statuses to its history and outbox.
public struct RegistryWebhookSink: CloudWebhookSink {
    private let registry: Registry
    private let ownership: (any AccountOwnership)?
    private let logger: Logger

    /// Creates the sink.
    /// - Parameter ownership: who runs the accounts this process does not; a delivery for one of them is
    ///   refused (500) so that Meta delivers it again, to the process that runs it.
    public init(registry: Registry, ownership: (any AccountOwnership)?, logger: Logger) {
        self.registry = registry
        self.ownership = ownership
        self.logger = logger
    }

    /// A stable id for the Meta app an App Secret belongs to: numbers that share a secret share an app.
    public static func appID(forSecret secret: String) -> String {
        "app-" + Hex.encode(Array(SHA256.hash(Array(secret.utf8)).prefix(8)))
    }

    /// The App Secrets and verify tokens of every Cloud API account of the registry.
    public static func credentials(of registry: Registry) -> CloudWebhookCredentials {
        var secrets: [String: WebhookAppSecret] = [:]
        var tokens: [String] = []
        for account in registry.accounts {
            guard let cloud = account.definition.cloud else { continue }
            if let secret = cloud.appSecret, !secret.isEmpty {
                let id = appID(forSecret: secret)
                if secrets[id] == nil, let value = try? WebhookAppSecret(appID: id, secret: secret) { secrets[id] = value }
            }
            if let token = cloud.webhookVerifyToken, !token.isEmpty, !tokens.contains(token) { tokens.append(token) }
        }
        return CloudWebhookCredentials(appSecrets: secrets.keys.sorted().compactMap { secrets[$0] }, verifyTokens: tokens)
    }

    public func receive(_ batch: CloudPhoneNumberBatch, appID: String) async throws -> CloudWebhookDisposition {
        guard let account = registry.cloudAccountsByPhoneNumberID[batch.phoneNumberID],
            let secret = account.definition.cloud?.appSecret, Self.appID(forSecret: secret) == appID
        else { return .notServedHere }
        if let owner = await ownership?.owner(of: account.id) {
            logger.warning(
                "webhook for an account another gateway process runs; refused so that Meta delivers it again",
                metadata: ["account": "\(account.id)", "owner": "\(owner.member)"])
            throw NotServedByThisProcess()
        }
        for error in batch.errors {
            logger.warning("Meta reports an error for this number", metadata: ["account": "\(account.id)", "error": "\(error)"])
        }
        for event in batch.events {
            logger.info("Cloud API event", metadata: ["account": "\(account.id)", "event": "\(event)"])
        }
        if !batch.messages.isEmpty { try await account.receive(batch.messages) }
        if !batch.statuses.isEmpty { try await account.apply(batch.statuses) }
        return .accepted
    }

    struct NotServedByThisProcess: Error {}
}
