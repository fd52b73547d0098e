/// Hears what an account's message path does, for metrics: messages stored, sent, and failed sends.
public protocol MessagingObserver: Sendable {
    /// New inbound messages were stored for `account` (re-deliveries not counted).
    func received(account: AccountID, count: Int)
    /// A message of `account` was sent.
    func sent(account: AccountID)
    /// A send of `account` failed; `code` is WhatsApp's error code, or a word when there is none.
    func sendFailed(account: AccountID, code: String)
    /// WhatsApp refused a message for good (outside the 24-hour window, undeliverable, ...): the
    /// operator should hear of it.
    func messageFailed(account: AccountID, messageID: String, chat: String, reason: String)
}
