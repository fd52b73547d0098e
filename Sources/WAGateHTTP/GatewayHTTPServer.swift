import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import WAGateCloud

/// The gateway's HTTP server: Cloud API webhooks, health, readiness and Prometheus metrics.
///
/// | route | answer |
/// |---|---|
/// | `GET /webhooks/whatsapp` | Meta's verification handshake: the challenge, or 403 |
/// | `POST /webhooks/whatsapp` | signature checked on the raw body (401), size bounded (413), parsed (400), handed to the ``CloudWebhookSink`` per phone number; 200 once every batch is stored, 500 when one could not be |
/// | `GET /healthz` | 200 while the process runs |
/// | `GET /readyz` | the gateway's ``Readiness``: 200, or 503 with the reason |
/// | `GET /metrics` | the Prometheus text exposition of ``metrics`` |
///
/// It is a `Service`: run it in the gateway's `ServiceGroup`; graceful shutdown (SIGTERM) stops
/// accepting connections and lets requests in flight finish.
///
/// ```swift
/// let server = GatewayHTTPServer(
///     configuration: try GatewayHTTPServerConfiguration(listen: environment["WAGATE_HTTP_LISTEN"] ?? "127.0.0.1:8080"),
///     credentials: { await registry.cloudWebhookCredentials() },
///     sink: registry, readiness: { await registry.readiness() }, logger: logger)
/// let group = ServiceGroup(services: [store, registry, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class GatewayHTTPServer: Service, Sendable {
    /// Address and webhook limits.
    public let configuration: GatewayHTTPServerConfiguration
    /// The metrics `GET /metrics` serves; the gateway adds its own through it.
    public let metrics: GatewayMetrics
    private let endpoint: WebhookEndpoint
    private let readiness: @Sendable () async -> Readiness
    private let logger: Logger
    private let state = Mutex<ListenState>(.starting([]))

    private enum ListenState {
        case starting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case stopped
    }

    /// Creates the server; it listens once ``run()`` is called.
    /// - Parameters:
    ///   - configuration: where to listen, webhook path and body limit.
    ///   - credentials: the App Secrets and verify tokens of every Cloud API account, asked for on
    ///     every webhook request.
    ///   - sink: where verified deliveries go.
    ///   - readiness: what `GET /readyz` reports.
    ///   - metrics: the metrics to count into and serve.
    ///   - logger: the server's logger (requests are logged at `debug` and refusals at `warning`).
    public init(
        configuration: GatewayHTTPServerConfiguration,
        credentials: @escaping @Sendable () async -> CloudWebhookCredentials,
        sink: any CloudWebhookSink,
        readiness: @escaping @Sendable () async -> Readiness = { .ready },
        metrics: GatewayMetrics = GatewayMetrics(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
        self.endpoint = WebhookEndpoint(configuration: configuration, credentials: credentials, sink: sink, metrics: metrics)
    }

    /// Serves until graceful shutdown (or cancellation).
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { [weak self] channel in
                self?.didStartListening(port: channel.localAddress?.port ?? 0)
            },
            logger: logger)
        do {
            try await application.run()
        } catch {
            didStop(error)
            throw error
        }
        didStop(nil)
    }

    /// The port the server listens on, once it does (the bound port when configured with 0).
    /// - Throws: ``GatewayHTTPServerError`` when the server stopped before listening.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let known: Result<Int, GatewayHTTPServerError>? = state.withLock { state in
                switch state {
                case .starting(var waiters):
                    waiters.append(continuation)
                    state = .starting(waiters)
                    return nil
                case .listening(let port):
                    return .success(port)
                case .stopped:
                    return .failure(GatewayHTTPServerError(.notListening, "the HTTP server is not running"))
                }
            }
            if let known { continuation.resume(with: known) }
        }
    }

    // MARK: - Routes

    private func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        let endpoint = endpoint
        let readiness = readiness
        let metrics = metrics
        router.get("/healthz") { _, _ in
            WebhookEndpoint.text("ok", status: .ok)
        }
        router.get("/readyz") { _, _ in
            switch await readiness() {
            case .ready: WebhookEndpoint.text("ready", status: .ok)
            case .notReady(let reason): WebhookEndpoint.text("not ready: \(reason)", status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get(RouterPath(configuration.webhookPath)) { request, context in
            await endpoint.verify(request, context: context)
        }
        router.post(RouterPath(configuration.webhookPath)) { request, context in
            await endpoint.deliver(request, context: context)
        }
        return router
    }

    // MARK: - Listening state

    private func didStartListening(port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .starting(let waiters) = state else { return [] }
            state = .listening(port)
            return waiters
        }
        logger.info(
            "HTTP server listening",
            metadata: ["http.host": "\(configuration.host)", "http.port": "\(port)", "http.webhook_path": "\(configuration.webhookPath)"])
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private func didStop(_ error: (any Error)?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            defer { state = .stopped }
            guard case .starting(let waiters) = state else { return [] }
            return waiters
        }
        let failure = GatewayHTTPServerError(
            .notListening, "the HTTP server stopped before listening\(error.map { ": \($0)" } ?? "")")
        for waiter in waiters { waiter.resume(throwing: failure) }
    }
}
