import NIOSSL

extension WebSocketServerConfiguration {
    /// The certificate chain and key a `wss://` sandbox server presents.
    public struct TLS: Sendable {
        let certificateChainPEM: [UInt8]
        let privateKeyPEM: [UInt8]

        /// A certificate chain (leaf first) and its private key, both PEM.
        /// - Parameters:
        ///   - certificateChainPEM: One or more `BEGIN CERTIFICATE` blocks.
        ///   - privateKeyPEM: The leaf's private key.
        public init(certificateChainPEM: String, privateKeyPEM: String) {
            self.certificateChainPEM = Array(certificateChainPEM.utf8)
            self.privateKeyPEM = Array(privateKeyPEM.utf8)
        }

        func makeContext() throws -> NIOSSLContext {
            do {
                let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM)
                let key = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
                var configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) },
                    privateKey: .privateKey(key)
                )
                configuration.minimumTLSVersion = .tlsv12
                return try NIOSSLContext(configuration: configuration)
            } catch {
                throw WebSocketError(.tlsConfiguration, "cannot load the server certificate or key", underlying: error)
            }
        }
    }
}
