/// One shared contact.
public struct ContactCard: Sendable, Hashable, Codable {
    /// The formatted name.
    public var name: String
    /// Phone numbers as given.
    public var phones: [String]
    /// The WhatsApp ids of those numbers, where WhatsApp resolved them.
    public var whatsappIDs: [String]
    /// The full card as received (vCard text for WhatsApp Web, the JSON object for the Cloud API).
    public var raw: JSONValue?

    /// Creates a card.
    public init(name: String, phones: [String] = [], whatsappIDs: [String] = [], raw: JSONValue? = nil) {
        self.name = name
        self.phones = phones
        self.whatsappIDs = whatsappIDs
        self.raw = raw
    }
}
