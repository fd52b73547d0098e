import Foundation
import WAGateCore

/// The error object of a failed Graph API call:
/// `{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "is_transient",
/// "error_user_title", "error_user_msg", "fbtrace_id"}}`.
public struct GraphAPIError: Sendable, Hashable, CustomStringConvertible {
    /// `error.code`: what the gateway acts on (see ``GraphErrorClassifier``).
    public var code: Int
    /// `error.error_subcode`.
    public var subcode: Int?
    /// `error.type`, e.g. `OAuthException`.
    public var type: String?
    /// `error.message`, e.g. `(#131047) Re-engagement message`.
    public var message: String
    /// `error.error_data.details`: Meta's explanation, the part to show an operator.
    public var details: String?
    /// `error.fbtrace_id`: quote it to Meta support.
    public var fbtraceID: String?
    /// `error.is_transient`, when given.
    public var isTransient: Bool?
    /// `error.error_user_title`, when given.
    public var userTitle: String?
    /// `error.error_user_msg`, when given.
    public var userMessage: String?
    /// The HTTP status of the response that carried the error.
    public var httpStatus: Int?

    /// Creates an error.
    public init(
        code: Int, subcode: Int? = nil, type: String? = nil, message: String, details: String? = nil,
        fbtraceID: String? = nil, isTransient: Bool? = nil, userTitle: String? = nil, userMessage: String? = nil,
        httpStatus: Int? = nil
    ) {
        self.code = code
        self.subcode = subcode
        self.type = type
        self.message = message
        self.details = details
        self.fbtraceID = fbtraceID
        self.isTransient = isTransient
        self.userTitle = userTitle
        self.userMessage = userMessage
        self.httpStatus = httpStatus
    }

    /// Reads the error from a response body; `nil` when the body is not a Graph error object (no
    /// `error.code`).
    /// - Parameters:
    ///   - responseBody: the response body.
    ///   - httpStatus: the response status.
    public init?(responseBody: some Collection<UInt8>, httpStatus: Int? = nil) {
        guard let document = try? JSONValue.parse(Data(responseBody)), let error = document.object("error"),
            let code = error.integer("code")
        else { return nil }
        self.init(
            code: code, subcode: error.integer("error_subcode"), type: error.nonEmptyText("type"),
            message: error.text("message") ?? "", details: error.object("error_data")?.nonEmptyText("details"),
            fbtraceID: error.nonEmptyText("fbtrace_id"), isTransient: error.flag("is_transient"),
            userTitle: error.nonEmptyText("error_user_title"), userMessage: error.nonEmptyText("error_user_msg"),
            httpStatus: httpStatus)
    }

    /// What to do about it.
    public var classification: GraphErrorClass { GraphErrorClassifier.classify(self) }

    /// The error as a `SendFailure`, to record on the message it concerns.
    public var failure: SendFailure {
        SendFailure(code: code, title: message, detail: details)
    }

    /// The code, subcode, message, details and `fbtrace_id`, for logs.
    public var description: String {
        var text = "Graph error \(code)"
        if let subcode { text += "/\(subcode)" }
        text += ": \(message)"
        if let details { text += " (\(details))" }
        if let fbtraceID { text += " [fbtrace_id \(fbtraceID)]" }
        return text
    }
}
