/// Everything one webhook POST carried, grouped for routing: per business phone number, and per
/// WhatsApp Business Account for account-wide news. Groups appear in the order of their first item,
/// and items keep the order of the payload.
public struct CloudWebhookBatch: Sendable, Hashable {
    /// One group per `metadata.phone_number_id`.
    public var phoneNumbers: [CloudPhoneNumberBatch]
    /// One group per WhatsApp Business Account with news that concerns no single number.
    public var businessAccounts: [CloudBusinessAccountBatch]

    /// Creates a batch.
    public init(phoneNumbers: [CloudPhoneNumberBatch] = [], businessAccounts: [CloudBusinessAccountBatch] = []) {
        self.phoneNumbers = phoneNumbers
        self.businessAccounts = businessAccounts
    }

    /// The group of `phoneNumberID`, if the delivery had one.
    public func phoneNumber(_ phoneNumberID: String) -> CloudPhoneNumberBatch? {
        phoneNumbers.first { $0.phoneNumberID == phoneNumberID }
    }
}
