import Testing
import WAGateHTTP

/// `WAGATE_HTTP_LISTEN` / `--http`: `HOST:PORT`.
@Suite struct GatewayHTTPServerConfigurationTests {
    @Test func theDefaultsFollowTheCommandContract() throws {
        let configuration = try GatewayHTTPServerConfiguration(listen: GatewayHTTPServerConfiguration.defaultListen)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.webhookPath == "/webhooks/whatsapp")
        #expect(configuration.maxWebhookBodyBytes == 4 * 1024 * 1024)
        #expect(GatewayHTTPServerConfiguration.listenEnvironmentKey == "WAGATE_HTTP_LISTEN")
        #expect(GatewayHTTPServerConfiguration() == configuration)
    }

    struct Address: Sendable {
        var listen: String
        var host: String
        var port: Int
    }

    @Test(arguments: [
        Address(listen: "0.0.0.0:80", host: "0.0.0.0", port: 80),
        Address(listen: "localhost:0", host: "localhost", port: 0),
        Address(listen: "[::1]:9000", host: "::1", port: 9000),
        Address(listen: " 127.0.0.1:8081 ", host: "127.0.0.1", port: 8081),
    ])
    func addressesAreSplit(_ address: Address) throws {
        let parsed = try GatewayHTTPServerConfiguration.parseListen(address.listen)
        #expect(parsed.host == address.host)
        #expect(parsed.port == address.port)
    }

    @Test(arguments: ["8080", "host:", ":8080", "::1:80", "host:70000", "host:http", "[::1]8080", ""])
    func badAddressesAreRefused(listen: String) {
        let error = #expect(throws: GatewayHTTPServerError.self) { try GatewayHTTPServerConfiguration(listen: listen) }
        #expect(error?.code == .invalidListenAddress)
        #expect(error?.description.contains("listen address") == true)
    }
}
