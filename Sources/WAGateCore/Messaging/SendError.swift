/// Why a send did not go through, and what the outbox should do about it.
public struct SendError: Error, Sendable, CustomStringConvertible {
    /// What to do next.
    public enum Disposition: Sendable, Hashable {
        /// Try the same message again after `after` (transient failure; `nil`: the dispatcher's backoff).
        case retry(after: Duration?)
        /// WhatsApp asked the whole account to slow down: pause every send for `pause`, then retry.
        case throttleAccount(pause: Duration)
        /// Too many messages to this one chat: hold this chat for `pause`, then retry.
        case throttleChat(pause: Duration)
        /// This message can never be sent as it is (recipient not on WhatsApp, outside the 24-hour
        /// window, invalid parameter): record the failure on the message and go on.
        case rejected
        /// The account itself cannot send any more (token expired, number banned): stop it and say why.
        case accountFailed(reason: String)
    }

    /// What to do next.
    public var disposition: Disposition
    /// WhatsApp's code and explanation, when it gave one.
    public var failure: SendFailure?
    /// A sentence for logs and the operator.
    public var description: String

    /// Creates an error.
    public init(_ disposition: Disposition, failure: SendFailure? = nil, description: String) {
        self.disposition = disposition
        self.failure = failure
        self.description = description
    }
}
