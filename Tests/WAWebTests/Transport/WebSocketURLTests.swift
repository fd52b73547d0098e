import Testing
import WAWeb

/// URL parsing and the loopback rule that gates plain `ws://`.
@Suite struct WebSocketURLTests {
    @Test func parsesTheWhatsAppEndpoint() throws {
        let url = try WebSocketURL(WebSocketClientConfiguration.whatsAppURL)
        #expect(url.isSecure)
        #expect(url.host == "web.whatsapp.com")
        #expect(url.port == 443)
        #expect(url.target == "/ws/chat")
        #expect(url.hostHeader == "web.whatsapp.com")
        #expect(!url.isLoopback)
    }

    @Test func parsesPortsQueriesAndIPv6() throws {
        let plain = try WebSocketURL("ws://127.0.0.1:8080/ws/chat?ED=abc#frag")
        #expect(!plain.isSecure)
        #expect(plain.port == 8080)
        #expect(plain.target == "/ws/chat?ED=abc")
        #expect(plain.hostHeader == "127.0.0.1:8080")

        let v6 = try WebSocketURL("WS://[::1]:9/")
        #expect(v6.host == "::1")
        #expect(v6.port == 9)
        #expect(v6.hostHeader == "[::1]:9")

        #expect(try WebSocketURL("ws://localhost").target == "/")
        #expect(try WebSocketURL("ws://localhost").port == 80)
        #expect(try WebSocketURL("wss://Example.COM?x=1").target == "/?x=1")
        #expect(try WebSocketURL("wss://Example.COM?x=1").host == "example.com")
    }

    @Test(arguments: [
        "http://example.com/", "example.com/ws", "ws://", "ws://:80/", "ws://user@example.com/",
        "ws://example.com:0/", "ws://example.com:65536/", "ws://example.com:8a/", "ws://::1/",
        "ws://[::1/", "ws://[nothex]/", "ws://exa mple.com/", "ws://example.com/a b",
    ])
    func rejectsMalformedURLs(_ string: String) {
        #expect {
            try WebSocketURL(string)
        } throws: { ($0 as? WebSocketError)?.code == .invalidURL }
    }

    @Test(arguments: [
        "ws://127.0.0.1/", "ws://127.255.255.254:1/", "ws://localhost:80/", "ws://LOCALHOST/", "ws://[::1]/",
        "ws://[0:0:0:0:0:0:0:1]/", "ws://[::ffff:127.0.0.1]/",
    ])
    func loopbackHosts(_ string: String) throws {
        #expect(try WebSocketURL(string).isLoopback)
    }

    @Test(arguments: [
        "ws://example.com/", "ws://128.0.0.1/", "ws://10.0.0.1/", "ws://192.168.1.1/", "ws://127.0.0.1.example.com/",
        "ws://localhost.example.com/", "ws://127.1/", "ws://2130706433/", "ws://[::2]/", "ws://[::ffff:10.0.0.1]/",
    ])
    func nonLoopbackHosts(_ string: String) throws {
        #expect(try !WebSocketURL(string).isLoopback)
    }

    /// The refusal happens in `init`, which does no I/O (no event loop, no DNS): nothing is ever sent.
    @Test(arguments: ["ws://example.com/ws/chat", "ws://10.0.0.1:8080/ws/chat", "ws://web.whatsapp.com/ws/chat"])
    func plainWebSocketToANonLoopbackHostIsRefused(_ string: String) {
        #expect {
            try WebSocketClient(configuration: .init(url: string))
        } throws: { error in
            guard let error = error as? WebSocketError else { return false }
            return error.code == .insecureTransport && error.message.contains("wss://")
        }
    }

    @Test func plainWebSocketToLoopbackAndSecureAnywhereAreAccepted() throws {
        _ = try WebSocketClient(configuration: .init(url: "ws://127.0.0.1:1/ws/chat"))
        _ = try WebSocketClient(configuration: .init(url: "ws://localhost:1/ws/chat"))
        _ = try WebSocketClient(configuration: .init())
    }
}
