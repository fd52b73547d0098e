import Testing
import WAWeb

/// `wss://` against a local TLS `WebSocketServer` whose self-signed root the client is told to trust.
@Suite(.timeLimit(.minutes(1)), .enabled(if: TestTLSCertificate.isAvailable, "needs the openssl CLI"))
struct WebSocketTLSTests {
    static func roundTrip(url: String, tls: WebSocketClientConfiguration.TLS) async throws -> [UInt8]? {
        let client = try WebSocketClient(configuration: .init(url: url, tls: tls))
        return try await client.withConnection { connection in
            try await connection.send([0x57, 0x41, 0x06, 0x03])
            var messages = connection.messages.makeAsyncIterator()
            return try await messages.next()
        }
    }

    @Test func secureRoundTripWithAnInjectedRootByNameAndByAddress() async throws {
        let certificate = try TestTLSCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        let server = WebSocketServer(configuration: .init(tls: certificate.serverTLS))
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            let trust = WebSocketClientConfiguration.TLS.trusting(pemCertificates: certificate.certificatePEM)
            // By name: SNI `localhost`, checked against the DNS name.
            let byName = try await Self.roundTrip(url: "wss://localhost:\(port)/ws/chat", tls: trust)
            #expect(byName == [0x57, 0x41, 0x06, 0x03])
            // By address: no SNI, checked against the IP entry.
            let byAddress = try await Self.roundTrip(url: "wss://127.0.0.1:\(port)/ws/chat", tls: trust)
            #expect(byAddress == [0x57, 0x41, 0x06, 0x03])
        }
    }

    @Test func untrustedCertificateIsRefused() async throws {
        let certificate = try TestTLSCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        let server = WebSocketServer(configuration: .init(tls: certificate.serverTLS))
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            await #expect {
                try await Self.roundTrip(url: "wss://127.0.0.1:\(port)/ws/chat", tls: .systemTrustRoots)
            } throws: { ($0 as? WebSocketError)?.code == .connectionFailed }
        }
    }

    @Test func certificateForAnotherNameIsRefused() async throws {
        let certificate = try TestTLSCertificate.make(subjectAltName: "DNS:sandbox.invalid")
        let server = WebSocketServer(configuration: .init(tls: certificate.serverTLS))
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            let trust = WebSocketClientConfiguration.TLS.trusting(pemCertificates: certificate.certificatePEM)
            await #expect {
                try await Self.roundTrip(url: "wss://127.0.0.1:\(port)/ws/chat", tls: trust)
            } throws: { ($0 as? WebSocketError)?.code == .connectionFailed }
        }
    }

    @Test func unreadableTrustRootsAreAConfigurationError() {
        #expect {
            try WebSocketClient(configuration: .init(tls: .trusting(pemCertificates: "not a certificate")))
        } throws: { ($0 as? WebSocketError)?.code == .tlsConfiguration }
    }
}
