import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
import WAGateCloud
import WAGateCore
import WAGateHTTP

/// The gateway's HTTP server on a real loopback port: webhook verification and deliveries, health,
/// readiness, metrics, and graceful shutdown.
@Suite struct GatewayHTTPServerTests {
    // MARK: - Fixture: a real Meta delivery and its signature

    struct Vector {
        var secret: String
        var header: String
        var body: [UInt8]
    }

    static let vector: Vector = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let file = url.appendingPathComponent("shared/cloudapi-fixtures/pywa/x-hub-signature-256-vector.json")
        let json = (try? JSONValue.parse(Data(contentsOf: file))) ?? .null
        return Vector(
            secret: json["app_secret"]?.stringValue ?? "", header: json["x_hub_signature_256"]?.stringValue ?? "",
            body: Array((json["raw_body_utf8"]?.stringValue ?? "").utf8))
    }()

    /// The phone number id of the vector's delivery.
    static let vectorNumber = "277321005464405"

    // MARK: - Running the server

    struct Running {
        var port: Int
        var server: GatewayHTTPServer
        var logs: InMemoryLogHandler

        func request(
            _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil,
            timeout: TimeAmount = .seconds(30)
        ) async throws -> (status: Int, body: String, contentType: String?) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = body }
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 16 << 20)
            return (Int(response.status.code), String(buffer: buffer), response.headers.first(name: "Content-Type"))
        }

        func deliver(_ body: [UInt8], signature: String?) async throws -> (status: Int, body: String, contentType: String?) {
            try await request(
                .POST, "/webhooks/whatsapp",
                headers: signature.map { [("X-Hub-Signature-256", $0), ("Content-Type", "application/json")] } ?? [],
                body: .bytes(ByteBuffer(bytes: body)))
        }

        func metrics() async throws -> String { try await request(.GET, "/metrics").body }
    }

    static func withServer<T: Sendable>(
        sink: RecordingSink = RecordingSink(servedNumbers: [vectorNumber]),
        readiness: @escaping @Sendable () async -> Readiness = { .ready },
        _ body: (Running) async throws -> T
    ) async throws -> T {
        var handler = InMemoryLogHandler()
        handler.logLevel = .debug
        let logs = handler
        let logger = Logger(label: "http-test", factory: { _ in logs })
        let secrets = [
            try WebhookAppSecret(appID: "other-app", secret: "not-this-one"),
            try WebhookAppSecret(appID: "app-1", secret: vector.secret),
        ]
        let server = GatewayHTTPServer(
            configuration: GatewayHTTPServerConfiguration(host: "127.0.0.1", port: 0),
            credentials: { CloudWebhookCredentials(appSecrets: secrets, verifyTokens: ["verify-me"]) },
            sink: sink, readiness: readiness, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            defer { group.cancelAll() }
            return try await body(Running(port: port, server: server, logs: logs))
        }
    }

    // MARK: - Verification

    @Test func verificationEchoesTheChallenge() async throws {
        try await Self.withServer { server async throws in
            let answer = try await server.request(
                .GET, "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me")
            #expect(answer.status == 200)
            #expect(answer.body == "1158201444")
            #expect(answer.contentType?.hasPrefix("text/plain") == true)
        }
    }

    @Test func verificationWithAWrongTokenIs403() async throws {
        try await Self.withServer { server async throws in
            let answer = try await server.request(
                .GET, "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess")
            #expect(answer.status == 403)
            #expect(!answer.body.contains("1158201444"))
            #expect(try await server.metrics().contains(#"wagate_webhook_rejections_total{reason="verification_failed"} 1"#))
        }
    }

    // MARK: - Deliveries

    @Test func aSignedDeliveryReachesTheSinkBeforeThe200() async throws {
        let sink = RecordingSink(servedNumbers: [Self.vectorNumber])
        try await Self.withServer(sink: sink) { server async throws in
            let answer = try await server.deliver(Self.vector.body, signature: Self.vector.header)
            #expect(answer.status == 200)
            let received = sink.batches
            #expect(received.count == 1)
            #expect(received.first?.appID == "app-1")
            let batch = try #require(received.first?.batch)
            #expect(batch.phoneNumberID == Self.vectorNumber)
            #expect(batch.businessAccountID == "264937493375603")
            #expect(batch.messages.map(\.content) == [.text("Hey there! I am using PyWa.")])
            #expect(batch.messages.first?.chat == "972544401243@s.whatsapp.net")
            #expect(try await server.metrics().contains("wagate_webhook_deliveries_total 1"))
        }
    }

    @Test func aForgedDeliveryIs401AndNeverReachesTheSink() async throws {
        let sink = RecordingSink(servedNumbers: [Self.vectorNumber])
        try await Self.withServer(sink: sink) { server async throws in
            var forged = Self.vector.body
            forged[forged.count / 2] ^= 0x20
            #expect(try await server.deliver(forged, signature: Self.vector.header).status == 401)
            let wrongSecret = "sha256=" + String(repeating: "ab", count: 32)
            #expect(try await server.deliver(Self.vector.body, signature: wrongSecret).status == 401)
            #expect(try await server.deliver(Self.vector.body, signature: "sha1=abc").status == 401)
            #expect(try await server.deliver(Self.vector.body, signature: nil).status == 401)
            #expect(sink.batches.isEmpty)
            let metrics = try await server.metrics()
            #expect(metrics.contains(#"wagate_webhook_rejections_total{reason="bad_signature"} 2"#))
            #expect(metrics.contains(#"wagate_webhook_rejections_total{reason="malformed_signature"} 1"#))
            #expect(metrics.contains(#"wagate_webhook_rejections_total{reason="missing_signature"} 1"#))
            // Refusals are logged with the peer's address.
            let refusals = server.logs.entries.filter { $0.message.description == "Webhook refused" }
            #expect(refusals.count == 4)
            #expect(refusals.allSatisfy { $0.metadata["http.peer"]?.description.hasPrefix("127.0.0.1:") == true })
        }
    }

    @Test func anOversizeBodyIs413() async throws {
        let sink = RecordingSink(servedNumbers: [Self.vectorNumber])
        try await Self.withServer(sink: sink) { server async throws in
            let big = [UInt8](repeating: UInt8(ascii: " "), count: (4 << 20) + 1)
            let signature = "sha256=" + String(repeating: "00", count: 32)
            #expect(try await server.deliver(big, signature: signature).status == 413)
            // Without a Content-Length (chunked), the limit is enforced while reading.
            let chunks = stride(from: 0, to: big.count, by: 65536).map { ByteBuffer(bytes: big[$0..<min($0 + 65536, big.count)]) }
            let chunked = try await server.request(
                .POST, "/webhooks/whatsapp", headers: [("X-Hub-Signature-256", signature)],
                body: .stream(AsyncStream { stream in
                    for chunk in chunks { stream.yield(chunk) }
                    stream.finish()
                }, length: .unknown))
            #expect(chunked.status == 413)
            #expect(sink.batches.isEmpty)
            #expect(try await server.metrics().contains(#"wagate_webhook_rejections_total{reason="body_too_large"} 2"#))
        }
    }

    @Test func aSinkFailureIs500SoMetaRetries() async throws {
        let sink = RecordingSink(servedNumbers: [Self.vectorNumber], failing: true)
        try await Self.withServer(sink: sink) { server async throws in
            #expect(try await server.deliver(Self.vector.body, signature: Self.vector.header).status == 500)
            #expect(sink.batches.count == 1)
        }
    }

    @Test func anUnknownPhoneNumberIsAcknowledgedAndLoggedOnce() async throws {
        let sink = RecordingSink(servedNumbers: ["someone-else"])
        try await Self.withServer(sink: sink) { server async throws in
            #expect(try await server.deliver(Self.vector.body, signature: Self.vector.header).status == 200)
            #expect(try await server.deliver(Self.vector.body, signature: Self.vector.header).status == 200)
            #expect(sink.batches.count == 2)
            let warnings = server.logs.entries.filter {
                $0.message.description.hasPrefix("Webhook for a phone number no account serves")
            }
            #expect(warnings.count == 1)
            #expect(warnings.first?.metadata["cloud.phone_number_id"] == "\(Self.vectorNumber)")
        }
    }

    @Test func aSignedBodyThatIsNotADeliveryIs400() async throws {
        let sink = RecordingSink(servedNumbers: [Self.vectorNumber])
        try await Self.withServer(sink: sink) { server async throws in
            let body = Array(#"{"object":"page","entry":[]}"#.utf8)
            let secret = try WebhookAppSecret(appID: "app-1", secret: Self.vector.secret)
            let answer = try await server.deliver(body, signature: WebhookSignature.headerValue(body: body, secret: secret))
            #expect(answer.status == 400)
            #expect(sink.batches.isEmpty)
            #expect(try await server.metrics().contains(#"wagate_webhook_rejections_total{reason="malformed_payload"} 1"#))
        }
    }

    @Test func accountWideNewsGoesToTheSinksAccountMethod() async throws {
        let sink = RecordingSink(servedNumbers: [])
        try await Self.withServer(sink: sink) { server async throws in
            let body = Array(
                #"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1743451903,"changes":[{"value":{"event":"ACCOUNT_DELETED"},"field":"account_update"}]}]}"#
                    .utf8)
            let secret = try WebhookAppSecret(appID: "app-1", secret: Self.vector.secret)
            let answer = try await server.deliver(body, signature: WebhookSignature.headerValue(body: body, secret: secret))
            #expect(answer.status == 200)
            #expect(sink.batches.isEmpty)
            #expect(sink.businessAccountBatches.map(\.businessAccountID) == ["102290129340398"])
        }
    }

    // MARK: - Health, readiness, metrics

    @Test func healthzAnswersWhileRunning() async throws {
        try await Self.withServer { server async throws in
            let answer = try await server.request(.GET, "/healthz")
            #expect(answer.status == 200)
            #expect(answer.body == "ok")
        }
    }

    @Test func readyzReportsTheGatewaysReadiness() async throws {
        try await Self.withServer(readiness: { .ready }) { server async throws in
            #expect(try await server.request(.GET, "/readyz").status == 200)
        }
        try await Self.withServer(readiness: { .notReady(reason: "database unreachable") }) { server async throws in
            let answer = try await server.request(.GET, "/readyz")
            #expect(answer.status == 503)
            #expect(answer.body.contains("database unreachable"))
        }
    }

    @Test func metricsExposeTheRejectionCounterAndTheGatewaysOwn() async throws {
        try await Self.withServer { server async throws in
            let before = try await server.request(.GET, "/metrics")
            #expect(before.status == 200)
            #expect(before.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(before.body.contains("# TYPE wagate_webhook_rejections_total counter"))
            #expect(before.body.contains(#"wagate_webhook_rejections_total{reason="bad_signature"} 0"#))
            server.server.metrics.setAccounts(state: "connected", count: 3)
            server.server.metrics.messageReceived(account: "biz")
            server.server.metrics.messageSent(account: "biz")
            server.server.metrics.setQueueDepth(account: "biz", depth: 7)
            server.server.metrics.sendFailed(account: "biz", code: "131047")
            let after = try await server.metrics()
            #expect(after.contains(#"wagate_accounts{state="connected"} 3"#))
            #expect(after.contains(#"wagate_messages_received_total{account="biz"} 1"#))
            #expect(after.contains(#"wagate_messages_sent_total{account="biz"} 1"#))
            #expect(after.contains(#"wagate_outbox_queue_depth{account="biz"} 7"#))
            #expect(after.contains(#"wagate_send_errors_total{account="biz",code="131047"} 1"#))
        }
    }

    // MARK: - Lifecycle

    @Test func gracefulShutdownStopsTheServer() async throws {
        let server = GatewayHTTPServer(
            configuration: GatewayHTTPServerConfiguration(host: "127.0.0.1", port: 0),
            credentials: { CloudWebhookCredentials() }, sink: RecordingSink(servedNumbers: []),
            logger: Logger(label: "http-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(services: [server], logger: Logger(label: "group", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            let running = Running(port: port, server: server, logs: InMemoryLogHandler())
            #expect(try await running.request(.GET, "/healthz").status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            // The port is closed now.
            // (A refused connection is retried until the deadline, hence the short one.)
            await #expect(throws: (any Error).self) { _ = try await running.request(.GET, "/healthz", timeout: .seconds(1)) }
        }
    }

    @Test func anAddressInUseFailsRunAndListeningPort() async throws {
        try await Self.withServer { first async throws in
            let second = GatewayHTTPServer(
                configuration: GatewayHTTPServerConfiguration(host: "127.0.0.1", port: first.port),
                credentials: { CloudWebhookCredentials() }, sink: RecordingSink(servedNumbers: []),
                logger: Logger(label: "http-test", factory: { _ in SwiftLogNoOpLogHandler() }))
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: GatewayHTTPServerError.self) { _ = try await second.listeningPort() }
        }
    }
}
