import WAGateCloud

/// Where the HTTP server hands verified, parsed webhook deliveries: the gateway's accounts.
///
/// The server calls the sink once per business phone number of a delivery, in payload order, and
/// answers Meta with 200 only after every call returned. A call that throws makes the server answer
/// 500, so Meta delivers the whole POST again later (sinks deduplicate messages by id and apply
/// statuses monotonically, so the retry is harmless).
///
/// ```swift
/// struct Accounts: CloudWebhookSink {
///     func receive(_ batch: CloudPhoneNumberBatch, appID: String) async throws -> CloudWebhookDisposition {
///         guard let account = registry.cloudAccount(phoneNumberID: batch.phoneNumberID, app: appID) else {
///             return .notServedHere
///         }
///         try await account.store(batch)    // durable before returning
///         return .accepted
///     }
/// }
/// ```
public protocol CloudWebhookSink: Sendable {
    /// Takes the items of one business phone number.
    ///
    /// Return after they are stored durably: the server acknowledges the delivery to Meta when every
    /// call has returned.
    /// - Parameters:
    ///   - batch: messages, statuses, errors and other events of `batch.phoneNumberID`.
    ///   - appID: the Meta app whose App Secret signed the delivery (``WebhookAppSecret/appID``); only
    ///     numbers of that app may take the batch.
    /// - Returns: ``CloudWebhookDisposition/notServedHere`` when no account of that app has this number.
    /// - Throws: anything, to make Meta deliver again later.
    func receive(_ batch: CloudPhoneNumberBatch, appID: String) async throws -> CloudWebhookDisposition

    /// Takes news about a WhatsApp Business Account as a whole (`account_update`, template status).
    ///
    /// The default implementation accepts and drops them.
    func receive(_ batch: CloudBusinessAccountBatch, appID: String) async throws -> CloudWebhookDisposition
}

extension CloudWebhookSink {
    /// Accepts and drops account-wide news.
    public func receive(_ batch: CloudBusinessAccountBatch, appID: String) async throws -> CloudWebhookDisposition {
        .accepted
    }
}
