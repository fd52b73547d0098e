import Foundation

/// How a ``SandboxServer`` listens, where it keeps its state, and its clock.
public struct SandboxConfiguration: Sendable {
    /// The address to bind; loopback, since the sandbox serves plain `ws://`.
    public var host: String
    /// The port; 0 picks a free one (``SandboxServer/run(onListening:)`` reports it).
    public var port: Int
    /// Where the root key, phones and devices persist (`sandbox-state.json`, 0600); `nil` keeps them in memory.
    public var stateDirectory: String?
    /// QR refs sent to each pairing connection (WhatsApp sends 6).
    public var refsPerRound: Int
    /// Lifetime of the certificates issued for each connection, in seconds.
    public var certificateValidity: UInt64
    /// How long a scan waits for the companion's `pair-device-sign` answer.
    public var pairingReplyTimeout: Duration
    /// Unix time in seconds, for certificates and `<success t=…>`.
    public var now: @Sendable () -> UInt64

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 0, stateDirectory: String? = nil, refsPerRound: Int = 6,
        certificateValidity: UInt64 = 30 * 86_400, pairingReplyTimeout: Duration = .seconds(20),
        now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) {
        self.host = host
        self.port = port
        self.stateDirectory = stateDirectory
        self.refsPerRound = max(1, refsPerRound)
        self.certificateValidity = certificateValidity
        self.pairingReplyTimeout = pairingReplyTimeout
        self.now = now
    }
}
