import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WAGateCloud

/// The `/webhooks/whatsapp` routes: the verification handshake and signed deliveries.
struct WebhookEndpoint: Sendable {
    let configuration: GatewayHTTPServerConfiguration
    let credentials: @Sendable () async -> CloudWebhookCredentials
    let sink: any CloudWebhookSink
    let metrics: GatewayMetrics
    let unknownRecipients = UnknownRecipientLog()
    let parser = WebhookPayloadParser()

    // MARK: - GET: verification

    func verify(_ request: Request, context: GatewayRequestContext) async -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let decision = WebhookVerification.decide(query: query, configuredTokens: await credentials().verifyTokens)
        switch decision {
        case .accept(let challenge):
            context.logger.info("Webhook verification accepted", metadata: ["http.peer": "\(context.peer)"])
            return Self.text(challenge, status: .ok)
        case .reject(let reason):
            metrics.webhookRejected(.verificationFailed)
            context.logger.warning(
                "Webhook verification refused", metadata: ["http.peer": "\(context.peer)", "webhook.reason": "\(reason.rawValue)"])
            return Self.text("Forbidden", status: .forbidden)
        }
    }

    // MARK: - POST: deliveries

    func deliver(_ request: Request, context: GatewayRequestContext) async -> Response {
        let header = request.headers[HTTPField.Name(WebhookSignature.headerName)!]
        // Without a signature there is nothing to check the body against: refuse before reading it.
        guard let header, !header.isEmpty else {
            return reject(.missingSignature, status: .unauthorized, context: context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxWebhookBodyBytes {
            return reject(.bodyTooLarge, status: .contentTooLarge, context: context)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxWebhookBodyBytes)
        } catch is NIOTooManyBytesError {
            return reject(.bodyTooLarge, status: .contentTooLarge, context: context)
        } catch {
            context.logger.warning(
                "Webhook body could not be read", metadata: ["http.peer": "\(context.peer)", "error": "\(error)"])
            return Self.text("Bad Request", status: .badRequest)
        }
        let bytes = body.readableBytesView

        let appID: String
        switch WebhookSignature.verify(header: header, body: bytes, secrets: await credentials().appSecrets) {
        case .valid(let matched): appID = matched
        case .missing: return reject(.missingSignature, status: .unauthorized, context: context)
        case .malformed: return reject(.malformedSignature, status: .unauthorized, context: context)
        case .mismatch: return reject(.badSignature, status: .unauthorized, context: context)
        }

        let batch: CloudWebhookBatch
        do {
            batch = try parser.parse(bytes)
        } catch {
            metrics.webhookRejected(.malformedPayload)
            context.logger.error(
                "Signed webhook is not a WhatsApp Business Account delivery",
                metadata: ["http.peer": "\(context.peer)", "webhook.app": "\(appID)", "error": "\(error)"])
            return Self.text("Bad Request", status: .badRequest)
        }

        do {
            for number in batch.phoneNumbers {
                if try await sink.receive(number, appID: appID) == .notServedHere,
                    unknownRecipients.firstSighting(of: "number:\(appID):\(number.phoneNumberID)")
                {
                    context.logger.warning(
                        "Webhook for a phone number no account serves; acknowledged and dropped",
                        metadata: [
                            "cloud.phone_number_id": "\(number.phoneNumberID)", "webhook.app": "\(appID)",
                            "cloud.business_account_id": "\(number.businessAccountID ?? "-")",
                        ])
                }
            }
            for account in batch.businessAccounts {
                if try await sink.receive(account, appID: appID) == .notServedHere,
                    unknownRecipients.firstSighting(of: "account:\(appID):\(account.businessAccountID)")
                {
                    context.logger.warning(
                        "Webhook for a business account no account serves; acknowledged and dropped",
                        metadata: ["cloud.business_account_id": "\(account.businessAccountID)", "webhook.app": "\(appID)"])
                }
            }
        } catch {
            metrics.webhookRejected(.sinkFailed)
            context.logger.error(
                "Webhook delivery could not be stored; Meta will retry",
                metadata: ["webhook.app": "\(appID)", "error": "\(error)"])
            return Self.text("Internal Server Error", status: .internalServerError)
        }
        metrics.webhookDelivered()
        return Self.text("OK", status: .ok)
    }

    private func reject(
        _ reason: WebhookRejectionReason, status: HTTPResponse.Status, context: GatewayRequestContext
    ) -> Response {
        metrics.webhookRejected(reason)
        context.logger.warning(
            "Webhook refused", metadata: ["http.peer": "\(context.peer)", "webhook.reason": "\(reason.rawValue)"])
        return Self.text(status.reasonPhrase, status: status)
    }

    /// A plain-text response.
    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
