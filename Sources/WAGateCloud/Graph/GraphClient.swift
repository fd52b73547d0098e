import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import WAGateCore

/// The Graph API client of one Cloud API account: sends messages from its business number, marks
/// messages read, shows the typing indicator, uploads and downloads media.
///
/// Every call is one HTTP request (downloads: two); retrying, pacing and splitting long text are the
/// caller's business. Failures are ``GraphClientError``s whose ``GraphClientError/classification``
/// says whether to slow down, retry, fail the account or give up on the message.
///
/// ```swift
/// let client = GraphClient(phoneNumberID: "106540352242922", accessToken: token,
///                          configuration: GraphClientConfiguration(settings: account.cloud))
/// let sent = try await client.sendText("Hello!", to: .phoneNumber("16505551234"))
/// print(sent.messageID)   // wamid.…
/// ```
///
/// > Important: the access token goes only into the `Authorization` header; it is never logged and
/// > never part of an error.
public struct GraphClient: Sendable {
    /// Endpoint and limits.
    public let configuration: GraphClientConfiguration
    /// The business number messages are sent from.
    public let phoneNumberID: String
    private let accessToken: String
    private let httpClient: HTTPClient
    private let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - phoneNumberID: the business number's id (`WHATSAPP_PHONE_NUMBER_ID`).
    ///   - accessToken: the bearer token (`WHATSAPP_ACCESS_TOKEN`).
    ///   - configuration: base URL, version and limits.
    ///   - httpClient: the HTTP client to use; share one across accounts.
    ///   - logger: where requests are logged (operation, status, error code, `fbtrace_id`).
    public init(
        phoneNumberID: String, accessToken: String, configuration: GraphClientConfiguration = .init(),
        httpClient: HTTPClient = .shared, logger: Logger
    ) {
        self.phoneNumberID = phoneNumberID
        self.accessToken = accessToken
        self.configuration = configuration
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: "cloud.phone_number_id"] = "\(phoneNumberID)"
        self.logger = logger
    }

    /// Creates the client of a configured Cloud API account.
    public init(settings: CloudAccountSettings, httpClient: HTTPClient = .shared, logger: Logger) {
        self.init(
            phoneNumberID: settings.phoneNumberId, accessToken: settings.accessToken,
            configuration: GraphClientConfiguration(settings: settings), httpClient: httpClient, logger: logger)
    }

    // MARK: - Sending

    /// Sends a text message.
    /// - Parameters:
    ///   - text: the body; at most ``GraphClientConfiguration/maxTextLength`` characters.
    ///   - recipient: whom to send it to.
    ///   - previewURL: ask WhatsApp to render a preview of the first link.
    ///   - replyTo: the `wamid` of the message to quote.
    ///   - callbackData: echoed back in this message's statuses (`biz_opaque_callback_data`).
    /// - Returns: the new message's id.
    /// - Throws: ``GraphClientError``; ``GraphClientError/Code/textTooLong`` before any request when the
    ///   text is too long.
    public func sendText(
        _ text: String, to recipient: GraphRecipient, previewURL: Bool = false, replyTo: String? = nil,
        callbackData: String? = nil
    ) async throws(GraphClientError) -> GraphSendResult {
        guard !text.isEmpty else { throw GraphClientError(.invalidRequest, "the text is empty") }
        // Counted in Characters, as the reply chunker counts, so every chunk it makes passes here.
        let length = text.count
        guard length <= configuration.maxTextLength else {
            throw GraphClientError(
                .textTooLong,
                "the text has \(length) characters; the Cloud API takes at most \(configuration.maxTextLength) per message (split it first)"
            )
        }
        return try await sendMessage(
            type: "text", payload: ["body": .string(text), "preview_url": .bool(previewURL)], to: recipient,
            replyTo: replyTo, callbackData: callbackData, operation: "send_text")
    }

    /// Reacts to a message, or removes the account's reaction.
    /// - Parameters:
    ///   - emoji: the reaction; `nil` or empty removes it.
    ///   - messageID: the `wamid` of the message reacted to.
    ///   - recipient: the chat of that message.
    ///   - callbackData: echoed back in statuses.
    public func sendReaction(
        _ emoji: String?, to messageID: String, recipient: GraphRecipient, callbackData: String? = nil
    ) async throws(GraphClientError) -> GraphSendResult {
        guard !messageID.isEmpty else { throw GraphClientError(.invalidRequest, "the reaction has no message id") }
        return try await sendMessage(
            type: "reaction", payload: ["message_id": .string(messageID), "emoji": .string(emoji ?? "")],
            to: recipient, replyTo: nil, callbackData: callbackData, operation: "send_reaction")
    }

    /// Sends an image, video, audio, document or sticker by media id or by link.
    /// - Parameters:
    ///   - media: what to send.
    ///   - recipient: whom to send it to.
    ///   - replyTo: the `wamid` of the message to quote.
    ///   - callbackData: echoed back in statuses.
    public func sendMedia(
        _ media: GraphOutgoingMedia, to recipient: GraphRecipient, replyTo: String? = nil, callbackData: String? = nil
    ) async throws(GraphClientError) -> GraphSendResult {
        var payload: [String: JSONValue] = [:]
        switch media.source {
        case .id(let id): payload["id"] = .string(id)
        case .link(let link): payload["link"] = .string(link)
        }
        if let caption = media.caption, !caption.isEmpty {
            guard media.kind.allowsCaption else {
                throw GraphClientError(.invalidRequest, "\(media.kind.rawValue) messages cannot have a caption")
            }
            payload["caption"] = .string(caption)
        }
        if let fileName = media.fileName, !fileName.isEmpty {
            guard media.kind == .document else {
                throw GraphClientError(.invalidRequest, "only documents have a file name")
            }
            payload["filename"] = .string(fileName)
        }
        return try await sendMessage(
            type: media.kind.rawValue, payload: payload, to: recipient, replyTo: replyTo, callbackData: callbackData,
            operation: "send_\(media.kind.rawValue)")
    }

    /// Sends one of the gateway's outbound messages to its chat.
    /// - Throws: ``GraphClientError/Code/invalidRequest`` when the chat is not a Cloud API address.
    public func send(_ message: OutboundMessage, callbackData: String? = nil) async throws(GraphClientError)
        -> GraphSendResult
    {
        guard let recipient = GraphRecipient(chat: message.chat) else {
            throw GraphClientError(.invalidRequest, "\(message.chat) is not an address the Cloud API can send to")
        }
        switch message.content {
        case .text(let text, let previewURL):
            return try await sendText(
                text, to: recipient, previewURL: previewURL, replyTo: message.replyTo, callbackData: callbackData)
        case .reaction(let messageID, let emoji):
            return try await sendReaction(emoji, to: messageID, recipient: recipient, callbackData: callbackData)
        }
    }

    // MARK: - Read receipts and typing

    /// Marks a received message (and the earlier ones of its chat) as read: blue ticks for the user.
    /// - Parameters:
    ///   - messageID: the `wamid` of the received message.
    ///   - typingIndicator: also show "typing…" to the user until the account replies or 25 s pass.
    public func markAsRead(messageID: String, typingIndicator: Bool = false) async throws(GraphClientError) {
        var body: [String: JSONValue] = [
            "messaging_product": "whatsapp", "status": "read", "message_id": .string(messageID),
        ]
        if typingIndicator { body["typing_indicator"] = ["type": "text"] }
        let answer = try await postJSON(
            configuration.url(phoneNumberID, "messages"), body: .object(body),
            operation: typingIndicator ? "typing_indicator" : "mark_read")
        guard answer["success"]?.boolValue == true else {
            throw GraphClientError(.invalidResponse, "the answer to a read receipt has no \"success\": true")
        }
    }

    /// Shows the typing indicator for the reply to `messageID`. The Cloud API has no separate call:
    /// the indicator rides on a read receipt for the message being answered, so this marks it read.
    public func showTypingIndicator(replyingTo messageID: String) async throws(GraphClientError) {
        try await markAsRead(messageID: messageID, typingIndicator: true)
    }

    // MARK: - Requests

    private func sendMessage(
        type: String, payload: [String: JSONValue], to recipient: GraphRecipient, replyTo: String?,
        callbackData: String?, operation: String
    ) async throws(GraphClientError) -> GraphSendResult {
        var body: [String: JSONValue] = recipient.requestFields
        body["messaging_product"] = "whatsapp"
        body["type"] = .string(type)
        body[type] = .object(payload)
        if let replyTo, !replyTo.isEmpty { body["context"] = ["message_id": .string(replyTo)] }
        if let callbackData, !callbackData.isEmpty { body["biz_opaque_callback_data"] = .string(callbackData) }
        let answer = try await postJSON(configuration.url(phoneNumberID, "messages"), body: .object(body), operation: operation)
        guard let message = answer["messages"]?.arrayValue?.first, let id = message.nonEmptyText("id") else {
            throw GraphClientError(.invalidResponse, "the answer has no messages[0].id")
        }
        return GraphSendResult(
            messageID: id, recipientWaID: answer["contacts"]?.arrayValue?.first?.nonEmptyText("wa_id"),
            messageStatus: message.nonEmptyText("message_status"))
    }

    /// POSTs a JSON body and reads a JSON answer.
    func postJSON(_ url: String, body: JSONValue, operation: String) async throws(GraphClientError) -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body.jsonString()))
        return try await executeJSON(request, operation: operation)
    }

    /// Runs a request to the Graph API and reads its JSON answer; error statuses become
    /// ``GraphClientError``s carrying Meta's error object.
    func executeJSON(_ request: HTTPClientRequest, operation: String) async throws(GraphClientError) -> JSONValue {
        var request = request
        request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(accessToken)")
        let (status, bytes) = try await perform(request, limit: configuration.maxResponseBytes, operation: operation)
        guard (200..<300).contains(status) else {
            let failure: GraphClientError
            if let apiError = GraphAPIError(responseBody: bytes, httpStatus: status) {
                failure = GraphClientError(.api, apiError.message, apiError: apiError)
                logger.warning(
                    "Graph API call failed",
                    metadata: [
                        "graph.operation": "\(operation)", "graph.status": "\(status)", "graph.error.code": "\(apiError.code)",
                        "graph.error.class": "\(apiError.classification)",
                        "graph.fbtrace_id": "\(apiError.fbtraceID ?? "-")",
                    ])
            } else {
                failure = GraphClientError(.httpStatus, "HTTP \(status) without a Graph error object", httpStatus: status)
                logger.warning(
                    "Graph API call failed", metadata: ["graph.operation": "\(operation)", "graph.status": "\(status)"])
            }
            throw failure
        }
        logger.debug("Graph API call", metadata: ["graph.operation": "\(operation)", "graph.status": "\(status)"])
        guard let document = try? JSONValue.parse(Data(bytes)), document.objectValue != nil else {
            throw GraphClientError(.invalidResponse, "the answer (HTTP \(status)) is not a JSON object", httpStatus: status)
        }
        return document
    }

    /// Sends a request and collects its body up to `limit` bytes.
    private func perform(_ request: HTTPClientRequest, limit: Int, operation: String) async throws(GraphClientError)
        -> (status: Int, body: [UInt8])
    {
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            var buffer = try await response.body.collect(upTo: limit)
            return (Int(response.status.code), buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch is NIOTooManyBytesError {
            throw GraphClientError(.invalidResponse, "the answer is larger than \(limit) bytes")
        } catch {
            logger.warning(
                "Graph API unreachable", metadata: ["graph.operation": "\(operation)", "error": "\(String(describing: error))"])
            throw GraphClientError(.transport, "\(operation): \(String(describing: error))")
        }
    }

    /// The request timeout as NIO wants it.
    var timeout: TimeAmount {
        let (seconds, attoseconds) = configuration.requestTimeout.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Adds the bearer token to a request for a URL Meta handed out (media downloads).
    func authorized(_ request: HTTPClientRequest) -> HTTPClientRequest {
        var request = request
        request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(accessToken)")
        return request
    }

    /// The logger, for the media extension.
    var log: Logger { logger }
    /// The HTTP client, for the media extension.
    var http: HTTPClient { httpClient }
}
