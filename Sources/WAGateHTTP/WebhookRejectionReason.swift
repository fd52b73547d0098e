/// Why the webhook endpoint refused a request; the `reason` label of
/// `wagate_webhook_rejections_total`.
public enum WebhookRejectionReason: String, Sendable, Hashable, CaseIterable {
    /// POST without `X-Hub-Signature-256` (401).
    case missingSignature = "missing_signature"
    /// POST whose signature header is not `sha256=<64 hex>` (401).
    case malformedSignature = "malformed_signature"
    /// POST whose signature no configured App Secret produces (401).
    case badSignature = "bad_signature"
    /// POST body over the limit (413).
    case bodyTooLarge = "body_too_large"
    /// Signed POST whose body is not a WhatsApp Business Account delivery (400).
    case malformedPayload = "malformed_payload"
    /// Signed POST that an account failed to store (500; Meta retries).
    case sinkFailed = "sink_failed"
    /// GET handshake refused (403).
    case verificationFailed = "verification_failed"
}
