/// Why a webhook body could not be read as a Cloud API delivery at all.
///
/// Only the envelope is checked this strictly (JSON, `object`, `entry`, `changes`): inside a change,
/// unknown fields, types and values become ignored entries or `.unsupported` messages instead, so one
/// odd item never costs the rest of the batch.
public struct WebhookPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case invalidJSON = "invalid_json"
            case wrongEnvelope = "wrong_envelope"
        }
        let base: Base

        /// The body is not JSON text.
        public static let invalidJSON = Code(base: .invalidJSON)
        /// The body is JSON but not a `whatsapp_business_account` delivery (`object`, `entry`, `changes`).
        public static let wrongEnvelope = Code(base: .wrongEnvelope)

        /// A stable word for logs and metrics labels.
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// Where in the document, e.g. `entry[0].changes`; empty for the whole body.
    public var path: String
    /// What is wrong, in words.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, path: String = "", _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// The path and what is wrong, for logs.
    public var description: String {
        path.isEmpty ? "webhook payload: \(message)" : "webhook payload: \(path): \(message)"
    }
}
