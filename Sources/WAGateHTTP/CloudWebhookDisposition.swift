/// What a ``CloudWebhookSink`` did with a batch.
public enum CloudWebhookDisposition: Sendable, Hashable {
    /// Stored; the batch is the sink's now.
    case accepted
    /// No account here serves that phone number (or business account) for the signing app. The server
    /// logs it once per id and still acknowledges the delivery: Meta may deliver events to every app
    /// subscribed to a WhatsApp Business Account, and a non-200 answer would only make it retry.
    case notServedHere
}
