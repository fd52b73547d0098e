/// Why a ``GraphClient`` call failed.
///
/// > Note: descriptions never contain the access token or message text.
public struct GraphClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable {
            case textTooLong = "text_too_long"
            case invalidRequest = "invalid_request"
            case api
            case httpStatus = "http_status"
            case transport
            case invalidResponse = "invalid_response"
            case mediaTooLarge = "media_too_large"
        }
        let base: Base

        /// The text is longer than the Cloud API's limit; nothing was sent (splitting is the caller's job).
        public static let textTooLong = Code(base: .textTooLong)
        /// The request cannot be built as given (empty text, a caption on audio, ...); nothing was sent.
        public static let invalidRequest = Code(base: .invalidRequest)
        /// Meta answered with a Graph error object (``GraphClientError/apiError``).
        public static let api = Code(base: .api)
        /// Meta answered with an error status and no Graph error object.
        public static let httpStatus = Code(base: .httpStatus)
        /// The request did not get an answer (connection, TLS, timeout).
        public static let transport = Code(base: .transport)
        /// A success status with a body the client cannot read.
        public static let invalidResponse = Code(base: .invalidResponse)
        /// The media is larger than the caller's limit; the download was stopped.
        public static let mediaTooLarge = Code(base: .mediaTooLarge)

        /// A stable word for logs and metrics labels.
        /// The kind and what happened (Meta's error when there is one), for logs.
    public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, in words.
    public var message: String
    /// Meta's error object, for ``Code/api``.
    public var apiError: GraphAPIError?
    /// The response status, when there was a response.
    public var httpStatus: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, apiError: GraphAPIError? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.apiError = apiError
        self.httpStatus = httpStatus ?? apiError?.httpStatus
    }

    /// What to do about it: by Meta's error code when there is one; transport failures and 5xx are
    /// transient; requests refused before sending are permanent.
    public var classification: GraphErrorClass {
        switch code.base {
        case .api:
            return apiError.map(GraphErrorClassifier.classify) ?? .permanent
        case .httpStatus:
            return GraphErrorClassifier.classify(code: nil, httpStatus: httpStatus)
        case .transport:
            return .transient
        case .invalidResponse:
            // The request may well have been carried out; sending again could duplicate it.
            return .permanent
        case .textTooLong, .invalidRequest, .mediaTooLarge:
            return .permanent
        }
    }

    public var description: String {
        if let apiError { return "\(code): \(apiError)" }
        return "\(code): \(message)"
    }
}
