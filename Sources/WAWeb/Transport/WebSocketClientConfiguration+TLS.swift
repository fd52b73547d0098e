import NIOSSL

extension WebSocketClientConfiguration {
    /// Which certificates a `wss://` server may present.
    ///
    /// Verification is always full: the chain must lead to a trusted root and the leaf must name the URL's
    /// host (SNI carries that name; IP literals are checked against the address instead). There is
    /// deliberately no way to switch verification off; a test or sandbox server over TLS is trusted by
    /// injecting its root with `trusting(pemCertificates:)`.
    public struct TLS: Sendable {
        enum TrustRoots: Sendable {
            case system
            case pemBytes([UInt8])
            case pemFile(String)
        }
        let trustRoots: TrustRoots

        /// The operating system's trust store.
        public static var systemTrustRoots: TLS { TLS(trustRoots: .system) }

        /// Only the given PEM certificates (one or more `BEGIN CERTIFICATE` blocks) are trusted as roots.
        /// - Parameter pemCertificates: The PEM text.
        public static func trusting(pemCertificates: String) -> TLS {
            TLS(trustRoots: .pemBytes(Array(pemCertificates.utf8)))
        }

        /// Only the certificates in a PEM file are trusted as roots.
        /// - Parameter pemFile: The file's path.
        public static func trusting(pemFile: String) -> TLS {
            TLS(trustRoots: .pemFile(pemFile))
        }

        /// Builds the NIOSSL context once per client, so that reconnects do not re-read the trust store.
        func makeContext() throws -> NIOSSLContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateVerification = .fullVerification
            do {
                switch trustRoots {
                case .system:
                    configuration.trustRoots = .default
                case .pemBytes(let bytes):
                    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(bytes))
                case .pemFile(let path):
                    configuration.trustRoots = .file(path)
                }
                return try NIOSSLContext(configuration: configuration)
            } catch {
                throw WebSocketError(.tlsConfiguration, "cannot load the TLS trust roots", underlying: error)
            }
        }
    }
}
