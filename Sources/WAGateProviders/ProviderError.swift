/// A model provider could not produce a reply, or is not configured to.
///
/// The description is one sentence an operator can act on, for example
/// `Anthropic rejected the API key (401 authentication_error): invalid x-api-key; check ANTHROPIC_API_KEY`.
/// It never contains the API key: the provider's own message is scrubbed of it before it is stored here.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case configuration, authentication, permission, notFound, badRequest, rateLimited, overloaded
            case serverError, timeout, transport, malformedResponse, streamInterrupted
        }

        let base: Base

        /// The character's configuration is incomplete or invalid (missing key, unknown provider, ...).
        public static let configuration = Code(base: .configuration)
        /// The provider rejected the API key (401).
        public static let authentication = Code(base: .authentication)
        /// The key is valid but may not use this model or endpoint (403).
        public static let permission = Code(base: .permission)
        /// The model or the endpoint does not exist (404).
        public static let notFound = Code(base: .notFound)
        /// The provider rejected the request itself (400, 413, 422 and other 4xx).
        public static let badRequest = Code(base: .badRequest)
        /// Too many requests (429), after every retry.
        public static let rateLimited = Code(base: .rateLimited)
        /// The provider is overloaded (Anthropic's 529 or `overloaded_error`), after every retry.
        public static let overloaded = Code(base: .overloaded)
        /// The provider failed (5xx), after every retry.
        public static let serverError = Code(base: .serverError)
        /// No complete answer within the request timeout, after every retry.
        public static let timeout = Code(base: .timeout)
        /// The connection failed (refused, reset, TLS), after every retry.
        public static let transport = Code(base: .transport)
        /// The provider answered with something that is not a reply of its API.
        public static let malformedResponse = Code(base: .malformedResponse)
        /// A streamed reply broke off after part of it had been handed to the caller.
        public static let streamInterrupted = Code(base: .streamInterrupted)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The provider's display name (`Anthropic`, `OpenAI`, ...), or `nil` for errors found before choosing one.
    public var provider: String?
    /// The HTTP status, when the provider answered with one.
    public var status: Int?
    /// The provider's error type (`invalid_request_error`, `insufficient_quota`, ...), when it sent one.
    public var providerErrorType: String?
    /// The full sentence shown by ``description``.
    public var message: String

    /// Creates an error; `message` must already be free of secrets.
    public init(code: Code, provider: String?, status: Int? = nil, providerErrorType: String? = nil, message: String) {
        self.code = code
        self.provider = provider
        self.status = status
        self.providerErrorType = providerErrorType
        self.message = message
    }

    public var description: String { message }

    /// Whether another attempt may succeed: rate limits, overload, server errors, timeouts and broken
    /// connections. Configuration, key, permission and request errors would fail the same way again.
    public var isRetryable: Bool {
        switch code.base {
        case .rateLimited, .overloaded, .serverError, .timeout, .transport: true
        case .configuration, .authentication, .permission, .notFound, .badRequest, .malformedResponse, .streamInterrupted:
            false
        }
    }

    /// A configuration error (no provider call was made).
    static func configuration(_ message: String, provider: String? = nil) -> ProviderError {
        ProviderError(code: .configuration, provider: provider, message: message)
    }
}
