/// What a message refers to: the message it replies to, who it mentions, whether it was forwarded, and
/// the ad or post that started the conversation.
public struct MessageContext: Sendable, Hashable, Codable {
    /// The id of the message this one replies to.
    public var quotedMessageID: String?
    /// The JID (or, from the Cloud API, the `wa_id`) of the quoted message's author.
    public var quotedSender: String?
    /// JIDs @-mentioned in the text.
    public var mentions: [String]
    /// Whether WhatsApp marked the message as forwarded.
    public var forwarded: Bool
    /// Whether WhatsApp marked the message as forwarded many times (Cloud API `frequently_forwarded`);
    /// such a message is also `forwarded`.
    public var forwardedManyTimes: Bool
    /// The click-to-WhatsApp ad or post the user came from (Cloud API `referral`), as received.
    public var referral: JSONValue?
    /// The catalog product the user asked about (Cloud API `context.referred_product`: `catalog_id`,
    /// `product_retailer_id`), as received.
    public var referredProduct: JSONValue?

    /// Creates a context.
    public init(
        quotedMessageID: String? = nil, quotedSender: String? = nil, mentions: [String] = [], forwarded: Bool = false,
        forwardedManyTimes: Bool = false, referral: JSONValue? = nil, referredProduct: JSONValue? = nil
    ) {
        self.quotedMessageID = quotedMessageID
        self.quotedSender = quotedSender
        self.mentions = mentions
        self.forwarded = forwarded || forwardedManyTimes
        self.forwardedManyTimes = forwardedManyTimes
        self.referral = referral
        self.referredProduct = referredProduct
    }
}
