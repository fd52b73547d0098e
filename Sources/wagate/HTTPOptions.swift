import ArgumentParser
import WAGateHTTP

/// Where the gateway's HTTP server (Cloud API webhooks, /healthz, /readyz, /metrics) listens.
struct HTTPOptions: ParsableArguments {
    @Option(name: .customLong("http"), help: "HOST:PORT for webhooks, /healthz, /readyz and /metrics (or WAGATE_HTTP_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    func configuration(environment: [String: String]) throws -> GatewayHTTPServerConfiguration {
        let value = listen ?? environment[GatewayHTTPServerConfiguration.listenEnvironmentKey] ?? GatewayHTTPServerConfiguration.defaultListen
        do {
            return try GatewayHTTPServerConfiguration(listen: value)
        } catch {
            throw ValidationError("--http / WAGATE_HTTP_LISTEN: \(error)")
        }
    }
}
