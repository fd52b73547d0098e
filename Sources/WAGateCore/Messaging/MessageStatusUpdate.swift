import Foundation

/// News about a message the account sent: WhatsApp's server took it, the phone got it, the user read it,
/// or it failed. Updates can arrive out of order and more than once; ``Status`` orders them so history
/// only moves forward.
public struct MessageStatusUpdate: Sendable, Hashable, Codable {
    /// Delivery states, in the order they happen; `failed` is final.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case sent, delivered, read, played, failed

        /// Rank for monotonic updates: a later state never goes back to an earlier one.
        public var rank: Int {
            switch self {
            case .sent: 1
            case .delivered: 2
            case .read: 3
            case .played: 4
            case .failed: 5
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// The id of the message the account sent.
    public var messageID: String
    /// The chat it was sent to (JID form).
    public var chat: String
    /// The new state.
    public var status: Status
    /// When WhatsApp says it happened.
    public var timestamp: Date
    /// Why it failed, for `failed` (and warnings WhatsApp attaches to other states).
    public var errors: [SendFailure]
    /// For a message sent to a group: the member (JID) this update is about.
    public var participant: String?
    /// The recipient's business-scoped user id (Cloud API `recipient_user_id`), when given.
    public var recipientBusinessScopedID: String?
    /// What the gateway attached when sending (Cloud API `biz_opaque_callback_data`), echoed back.
    public var callbackData: String?

    /// Creates an update.
    public init(
        messageID: String, chat: String, status: Status, timestamp: Date, errors: [SendFailure] = [],
        participant: String? = nil, recipientBusinessScopedID: String? = nil, callbackData: String? = nil
    ) {
        self.messageID = messageID
        self.chat = chat
        self.status = status
        self.timestamp = timestamp
        self.errors = errors
        self.participant = participant
        self.recipientBusinessScopedID = recipientBusinessScopedID
        self.callbackData = callbackData
    }
}
