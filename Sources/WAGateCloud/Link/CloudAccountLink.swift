import AsyncHTTPClient
import Logging
import WAGateCore

/// The link of a Cloud API account: nothing to dial (Meta calls the gateway's webhook, and the gateway
/// calls the Graph API), so the account is connected as soon as its credentials are configured; sends go
/// through ``CloudTransport``. An access token Meta refuses fails the account through the outbox.
public struct CloudAccountLink: AccountLink {
    private let id: AccountID
    private let settings: CloudAccountSettings
    private let client: GraphClient
    private let logger: Logger

    /// Creates the link of one account.
    public init(id: AccountID, settings: CloudAccountSettings, httpClient: HTTPClient, logger: Logger) {
        self.id = id
        self.settings = settings
        var logger = logger
        logger[metadataKey: "account"] = "\(id)"
        self.logger = logger
        self.client = GraphClient(settings: settings, httpClient: httpClient, logger: logger)
    }

    public func run(reporter: AccountLinkReporter) async {
        logger.info(
            "[WhatsApp] Cloud API account ready",
            metadata: [
                "phone_number_id": "\(settings.phoneNumberId)",
                "graph": "\(client.configuration.baseURL)/\(client.configuration.version)",
            ])
        reporter.report(.connected, reason: "Cloud API: webhooks at the gateway's HTTP server, sends through the Graph API")
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    public var transport: (any MessageTransport)? { CloudTransport(client: client) }

    public func downloadMedia(_ media: MediaAttachment, maxBytes: Int) async throws -> (bytes: [UInt8], mimeType: String?) {
        guard let mediaID = media.mediaID else { throw AccountLinkError("the message carries no Cloud API media id") }
        let download: GraphMediaDownload
        do {
            download = try await client.downloadMedia(id: mediaID, maxBytes: maxBytes)
        } catch {
            let failure: GraphClientError = error
            guard failure.code == .mediaTooLarge else { throw failure }
            throw AccountLinkError("the file is larger than the account allows (mediaMaxMb, \(maxBytes) bytes): \(failure.message)")
        }
        return (download.bytes, download.info.mimeType ?? download.contentType ?? media.mimeType)
    }

    /// Makes links for `.cloud` accounts; other kinds go to `fallback`.
    public static func factory(httpClient: HTTPClient, logger: Logger, fallback: AccountLinkFactory) -> AccountLinkFactory {
        AccountLinkFactory { id, definition, session in
            guard definition.kind == .cloud else { return fallback.link(for: id, definition: definition, session: session) }
            guard let settings = definition.cloud else { return nil }
            return CloudAccountLink(id: id, settings: settings, httpClient: httpClient, logger: logger)
        }
    }
}
